//===- ReferenceKernelsTest.cpp - the ops' kernels, called without MLIR ---===//
//
// Hand-computed values of a few kernels and of the numerics policy, called
// as a device runtime calls them: typed functions on tensors. (Every op is
// also specified in .mlir through `llmc-run --check`, test/Reference/, and
// checked against NumPy, test/Executor/ops-vs-numpy.test.)
//
//===----------------------------------------------------------------------===//
#include "llmc/Reference/Kernels.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace llmc;
using namespace llmc::ref;

namespace {

Tensor floats(llvm::ArrayRef<int64_t> shape, std::vector<float> values) {
  return Tensor::fromFloats(DType::F32, shape, std::move(values));
}

Tensor valueOf(KernelResult result) {
  if (!result) {
    ADD_FAILURE() << llvm::toString(result.takeError());
    return Tensor();
  }
  return std::move(*result);
}

std::vector<float> valuesOf(const Tensor &t) {
  return std::vector<float>(t.floats(), t.floats() + t.size());
}

TEST(Numerics, FP16DeviceRoundsEveryPartialSum) {
  // 2048 + 1 is not an f16: a naive FP16 accumulation stays at 2048.
  for (Numerics num : {Numerics::exact(), Numerics::fp16Device()}) {
    Accumulator sum = num.accumulator();
    for (int i = 0; i < 2049; ++i)
      sum.add(1.0);
    EXPECT_EQ(sum.value(), num.isFP16() ? 2048.0 : 2049.0);
  }
  EXPECT_EQ(Numerics::fp16Device().storage(DType::BF16), DType::F16);
  EXPECT_EQ(Numerics::fp16Device().storage(DType::I64), DType::I64);
  EXPECT_EQ(Numerics::exact().storage(DType::BF16), DType::BF16);
}

TEST(Kernels, RMSNormOfAKnownRow) {
  // rms([3, 4]) = sqrt(12.5); weights [1, 2].
  Tensor out = valueOf(rmsNorm(Numerics::exact(), floats({1, 2}, {3, 4}), floats({2}, {1, 2}),
                               0.0, DType::F32));
  EXPECT_FLOAT_EQ(out.floats()[0], float(3 / std::sqrt(12.5)));
  EXPECT_FLOAT_EQ(out.floats()[1], float(2 * 4 / std::sqrt(12.5)));
}

TEST(Kernels, LinearLayoutsAgree) {
  Tensor x = floats({1, 2}, {1, 2});
  Tensor outIn = floats({3, 2}, {1, 0, 0, 1, 1, 1}); // [out, in]
  Tensor inOut = floats({2, 3}, {1, 0, 1, 0, 1, 1}); // its transpose
  Tensor bias = floats({3}, {10, 20, 30});
  std::vector<float> want{11, 22, 33};
  EXPECT_EQ(valuesOf(valueOf(linear(Numerics::exact(), x, outIn, &bias, WeightLayout::OutIn,
                                    DType::F32))),
            want);
  EXPECT_EQ(valuesOf(valueOf(linear(Numerics::exact(), x, inOut, &bias, WeightLayout::InOut,
                                    DType::F32))),
            want);
}

TEST(Kernels, CausalAttentionAveragesTheVisibleValues) {
  // Equal scores: each query averages the values it may see.
  Tensor q = floats({1, 1, 2, 1}, {0, 0}), k = floats({1, 1, 2, 1}, {0, 0});
  Tensor v = floats({1, 1, 2, 1}, {2, 4});
  AttentionParams params;
  params.causal = true;
  Tensor out = valueOf(attention(Numerics::exact(), q, k, v, nullptr, params, DType::F32));
  EXPECT_EQ(valuesOf(out), (std::vector<float>{2, 3}));
  // A query whose every key is masked gives zeros, not NaN.
  Tensor mask = Tensor::fromInts(DType::I1, {1, 1, 2, 2}, {0, 0, 1, 1});
  out = valueOf(attention(Numerics::exact(), q, k, v, &mask, {}, DType::F32));
  EXPECT_EQ(valuesOf(out), (std::vector<float>{0, 3}));
}

TEST(Kernels, RunTimeErrorsSayWhatIsWrong) {
  llvm::Expected<Tensor> out = embedding(Numerics::exact(), floats({2, 1}, {1, 2}),
                                         Tensor::fromInts(DType::I64, {1}, {5}), DType::F32);
  ASSERT_FALSE(out);
  EXPECT_EQ(llvm::toString(out.takeError()), "id 5 is outside the table [0, 2)");
  out = binary(Numerics::exact(), BinaryFn::Div, Tensor::fromInts(DType::I64, {1}, {1}),
               Tensor::fromInts(DType::I64, {1}, {0}), DType::I64);
  ASSERT_FALSE(out);
  EXPECT_EQ(llvm::toString(out.takeError()), "integer division by zero");
}

TEST(Kernels, FP16DeviceResultsAreHalves) {
  Tensor out = valueOf(unary(Numerics::fp16Device(), UnaryFn::Exp, floats({1}, {12}),
                             DType::F32));
  EXPECT_EQ(out.dtype(), DType::F16);
  EXPECT_TRUE(std::isinf(out.floats()[0])); // e^12 > 65504
}

} // namespace

//===- LLMOpInterfacesTest.cpp - each op's FLOPs and range rule -----------===//
//
// FlopCountOpInterface and RangeTransferOpInterface on a few parsed ops,
// with a range context that gives fixed operand intervals and weight
// statistics; and the check that every registered llm op implements both.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/DenseMap.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace llmc::llm;

namespace {

constexpr const char *kModule = R"mlir(
module attributes {llm.weights = "unread.safetensors"} {
func.func @f(%x: tensor<1x8x64xf32>, %w: tensor<32x64xf32>, %b: tensor<32xf32>,
             %g: tensor<64xf32>, %q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>,
             %v: tensor<1x2x8x8xf32>, %qn: tensor<1x4x8x16xf32>, %qr: tensor<1x4x8x8xf32>,
             %c: tensor<1x1x32x32xf32>, %kr: tensor<1x1x32x8xf32>, %up: tensor<112x32xf32>) {
  %linear = llm.linear %x, %w, %b : tensor<1x8x64xf32>, tensor<32x64xf32>, tensor<32xf32>
  %attention = llm.attention %q, %k, %v scale(0.25) causal
      : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x8xf32>
  %reshape = llm.reshape %x : tensor<1x8x64xf32> to tensor<1x8x4x16xf32>
  %norm = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<1x8x64xf32>, tensor<64xf32>
  %latent = llm.mla_attention %qn, %qr, %c, %kr, %up scale(0.1) causal
      : tensor<1x4x8x16xf32>, tensor<1x4x8x8xf32>, tensor<1x1x32x32xf32>, tensor<1x1x32x8xf32>,
        tensor<112x32xf32>
  %weight = llm.weight "t" : tensor<4xf32>
  %root = llm.sqrt %x : tensor<1x8x64xf32>
  return
}
}
)mlir";

/// Fixed intervals for the function's arguments, the L1 norms of its two
/// linear weights and the range of the weights file's tensor "t".
class FixedContext final : public RangeTransferContext {
public:
  Interval get(Value value) const override {
    auto it = intervals.find(value);
    return it == intervals.end() ? Interval::unknown() : it->second;
  }
  std::optional<Interval> weightValues(llvm::StringRef name) const override {
    if (name == "t")
      return Interval{-0.5, 0.25};
    return std::nullopt;
  }
  double maxOutputL1(Value weight, WeightLayout layout) const override {
    auto it = l1.find(weight);
    return it != l1.end() && layout == WeightLayout::out_in ? it->second : INFINITY;
  }

  llvm::DenseMap<Value, Interval> intervals;
  llvm::DenseMap<Value, double> l1;
};

class LLMOpInterfaces : public ::testing::Test {
protected:
  void SetUp() override {
    DialectRegistry registry;
    llmc::registerAllDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
    module = parseSourceString<ModuleOp>(kModule, context.get());
    ASSERT_TRUE(module);
    function = *module->getOps<func::FuncOp>().begin();
  }

  /// The `index`-th op of the function (kLinear, ...).
  Operation *nth(unsigned index) {
    unsigned i = 0;
    for (Operation &op : function.getBody().front())
      if (i++ == index)
        return &op;
    return nullptr;
  }
  Value arg(unsigned i) { return function.getArgument(i); }

  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
  func::FuncOp function;
};

enum { kLinear, kAttention, kReshape, kNorm, kLatent, kWeight, kSqrt };
enum { aX, aW, aB, aG, aQ, aK, aV, aQn, aQr, aC, aKr, aUp };

double flops(Operation *op) { return cast<FlopCountOpInterface>(op).countFlops(); }

TEST_F(LLMOpInterfaces, CountFlops) {
  // 8x32 outputs, each a 64-long dot product (2 per multiply-add) plus a
  // bias add.
  EXPECT_EQ(flops(nth(kLinear)), 2.0 * 8 * 32 * 64 + 8 * 32);
  // Scores [1, 4, 8, 8] over 16, weighted sum over 8 keys of width 8.
  EXPECT_EQ(flops(nth(kAttention)), 2.0 * (4 * 8 * 8) * (16 + 8));
  EXPECT_EQ(flops(nth(kReshape)), 0.0);
  // One per result element.
  EXPECT_EQ(flops(nth(kNorm)), 8.0 * 64);
  EXPECT_EQ(flops(nth(kSqrt)), 8.0 * 64);
  // Naive form: decompress 32 latents for 4 heads into 16 + 12 dims, then
  // scores over 16 + 8 and the weighted sum of width 12.
  EXPECT_EQ(flops(nth(kLatent)),
            2.0 * 4 * 32 * 32 * (16 + 12) + 2.0 * 4 * 8 * 32 * (16 + 8) + 2.0 * 4 * 8 * 32 * 12);
  EXPECT_EQ(flops(nth(kWeight)), 0.0);
}

TEST_F(LLMOpInterfaces, TransferRange) {
  FixedContext ranges;
  ranges.intervals[arg(aX)] = {-2, 1};
  ranges.intervals[arg(aB)] = {-1, 0.5};
  ranges.intervals[arg(aG)] = {0.5, 2};
  ranges.intervals[arg(aV)] = {-3, 4};
  ranges.intervals[arg(aC)] = {-1.5, 1};
  ranges.l1[arg(aW)] = 3;
  ranges.l1[arg(aUp)] = 2;
  auto transfer = [&](unsigned index) {
    return cast<RangeTransferOpInterface>(nth(index)).transferRange(ranges);
  };
  auto expectInterval = [](Interval r, double lo, double hi) {
    EXPECT_EQ(r.lo, lo);
    EXPECT_EQ(r.hi, hi);
  };
  // |y| <= L1 max|x| = 3 * 2, plus the bias.
  expectInterval(transfer(kLinear), -7, 6.5);
  // Within the values' hull.
  expectInterval(transfer(kAttention), -3, 4);
  // Data movement keeps the values.
  expectInterval(transfer(kReshape), -2, 1);
  // sqrt(64) times the weight.
  expectInterval(transfer(kNorm), -16, 16);
  // Decompressed values: L1 of kv_up times max|latent| = 2 * 1.5.
  expectInterval(transfer(kLatent), -3, 3);
  // The weights file's range.
  expectInterval(transfer(kWeight), -0.5, 0.25);
  // No rule: unknown, explicitly.
  expectInterval(transfer(kSqrt), -INFINITY, INFINITY);
}

TEST_F(LLMOpInterfaces, EveryOpImplementsBoth) {
  unsigned count = 0;
  for (RegisteredOperationName name : context->getRegisteredOperations()) {
    if (name.getDialectNamespace() != "llm")
      continue;
    ++count;
    EXPECT_TRUE(name.hasInterface<FlopCountOpInterface>()) << name.getStringRef().str();
    EXPECT_TRUE(name.hasInterface<RangeTransferOpInterface>()) << name.getStringRef().str();
  }
  EXPECT_GT(count, 50u);
}

} // namespace

//===- Kernels.h - op kernels of the reference executor ---------*- C++ -*-===//
//
// Private to the executor. One function per op (or family of ops), each
// implementing the op's description in LLMOps.td. Kernels compute in double
// or float and hand their results to `Numerics::make`, which rounds them to
// the result element type (f16 for every float in FP16 mode).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_EXECUTOR_KERNELS_H
#define LLMC_LIB_EXECUTOR_KERNELS_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Executor/Executor.h"
#include "llmc/Executor/Tensor.h"

#include <optional>

namespace llmc::exec {

/// How the executor rounds: exact-then-round-once, or an FP16-only device.
struct Numerics {
  bool fp16 = false;

  /// The element type a float result is stored in.
  DType storage(DType declared) const {
    return fp16 && llmc::isFloat(declared) ? DType::F16 : declared;
  }
  /// An intermediate value as the device holds it.
  double hold(double x) const {
    return fp16 ? roundTo(DType::F16, static_cast<float>(x)) : x;
  }
  /// A float result of element type `declared`.
  Tensor make(DType declared, llvm::ArrayRef<int64_t> shape,
              std::vector<float> values) const {
    return Tensor::fromFloats(storage(declared), shape, std::move(values));
  }
};

/// A running sum: exact (double) by default; in FP16 mode each term and each
/// partial sum is rounded to f16, in order, as a naive FP16 device does.
class Accumulator {
public:
  explicit Accumulator(const Numerics &numerics) : fp16(numerics.fp16) {}
  void add(double term) {
    if (fp16)
      sum = roundTo(DType::F16, float(sum + roundTo(DType::F16, float(term))));
    else
      sum += term;
  }
  double value() const { return sum; }

private:
  bool fp16;
  double sum = 0.0;
};

/// `sum_k a[k] * b[k * strideB]`, accumulated as `numerics` says.
double dot(const Numerics &numerics, const float *a, const float *b,
           int64_t length, int64_t strideB = 1);

/// What kernels see of a running op.
struct KernelContext {
  mlir::Operation *op;
  llvm::ArrayRef<Tensor> operands;
  const Numerics &numerics;
  RunError &error;

  /// Records a bad-input error located at the op; returns nothing.
  std::nullopt_t fail(const llvm::Twine &message) const;
  /// The declared element type of result `i`.
  DType resultType(unsigned i = 0) const;
  /// The declared type of result `i`.
  mlir::RankedTensorType resultTensorType(unsigned i = 0) const;
};

using KernelResult = std::optional<Tensor>;

// Elementwise (ElementwiseKernels.cpp).
KernelResult runUnary(KernelContext &ctx);
KernelResult runBinary(KernelContext &ctx);
KernelResult runCompare(llvm::StringRef direction, KernelContext &ctx);
KernelResult runWhere(KernelContext &ctx);
KernelResult runCast(KernelContext &ctx);
KernelResult runGelu(bool tanhForm, KernelContext &ctx);
KernelResult runSilu(KernelContext &ctx);
KernelResult runSwiGLU(KernelContext &ctx);

// Contractions (LinearKernels.cpp).
KernelResult runLinear(bool weightInOut, KernelContext &ctx);
KernelResult runMatmul(KernelContext &ctx);

// Normalisation and reductions (NormKernels.cpp).
KernelResult runRMSNorm(double epsilon, KernelContext &ctx);
KernelResult runLayerNorm(double epsilon, KernelContext &ctx);
KernelResult runSoftmax(int64_t dim, KernelContext &ctx);
KernelResult runReduce(llvm::StringRef kind, llvm::ArrayRef<int64_t> dims,
                       bool keepDims, KernelContext &ctx);
KernelResult runArgMax(int64_t dim, bool keepDims, KernelContext &ctx);

// Attention (AttentionKernels.cpp).
KernelResult runRope(llm::RopeOp op, KernelContext &ctx);
KernelResult runAttention(llm::AttentionOp op, KernelContext &ctx);
KernelResult runMLAAttention(llm::MLAAttentionOp op, KernelContext &ctx);

// Data movement (DataMovementKernels.cpp).
KernelResult runEmbedding(KernelContext &ctx);
KernelResult runReshape(KernelContext &ctx);
KernelResult runTranspose(llvm::ArrayRef<int64_t> permutation,
                          KernelContext &ctx);
KernelResult runConcat(int64_t dim, KernelContext &ctx);
KernelResult runKVAppend(KernelContext &ctx);
KernelResult runCacheUpdate(KernelContext &ctx);
KernelResult runSlice(llm::SliceOp op, KernelContext &ctx);
KernelResult runDynamicSlice(llm::DynamicSliceOp op, KernelContext &ctx);
KernelResult runGather(int64_t dim, KernelContext &ctx);
KernelResult runBroadcastTo(KernelContext &ctx);
KernelResult runConstant(mlir::ElementsAttr value, KernelContext &ctx);
KernelResult runDim(int64_t dim, KernelContext &ctx);
KernelResult runIota(KernelContext &ctx);

/// Broadcasts two run-time shapes (NumPy rule); nothing if they conflict.
std::optional<Shape> broadcastRuntime(llvm::ArrayRef<int64_t> a,
                                      llvm::ArrayRef<int64_t> b);

/// Index of the element of a tensor of shape `shape` that broadcasts to
/// `outIndex` of the output shape (same rank after left-padding).
int64_t broadcastOffset(llvm::ArrayRef<int64_t> outIndex,
                        llvm::ArrayRef<int64_t> shape);

} // namespace llmc::exec

#endif // LLMC_LIB_EXECUTOR_KERNELS_H

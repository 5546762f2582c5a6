//===- Kernels.h - the llm ops' reference semantics, without MLIR -*- C++ -*-===//
//
// One typed function per llm op (or family of ops): each implements the
// op's description in the dialect's ODS (docs/dialect/llm.md), on tensors
// whose sizes are known, under an explicit numerics policy
// (Numerics.h). They take no MLIR object: the interpreter (lib/Executor)
// maps an op and its attributes onto them, and the NPU simulator and the
// CPU runtime call the same functions, so an op's meaning is executed in
// exactly one place.
//
// A kernel checks what only run time can know (sizes a dynamic type left
// open, ids inside a table, a cache write inside the buffer) and returns an
// error saying what was wrong; what the op's verifier guarantees (ranks,
// element types) it assumes. A float result is rounded to `result`, the
// element type the op declares (to f16 on an FP16 device).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_REFERENCE_KERNELS_H
#define LLMC_REFERENCE_KERNELS_H

#include "llmc/Reference/Numerics.h"
#include "llmc/Reference/Tensor.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace llmc::ref {

/// A kernel's value, or why its operands are wrong for it.
using KernelResult = llvm::Expected<Tensor>;

// Elementwise (ElementwiseKernels.cpp) --------------------------------------

enum class UnaryFn {
  Neg, Abs, Exp, Log, Sqrt, Rsqrt, Reciprocal, Tanh, Erf, Sigmoid, Cos, Sin, Floor, Ceil, Round
};
enum class BinaryFn { Add, Sub, Mul, Div, Pow, Maximum, Minimum };
enum class CompareFn { EQ, NE, LT, LE, GT, GE };
enum class GeluForm { Erf, Tanh };

KernelResult unary(const Numerics &num, UnaryFn fn, const Tensor &x, DType result);
/// NumPy broadcasting; integer operands compute in int64 and wrap to their
/// type (integer division by zero and 0 to a negative power are errors).
KernelResult binary(const Numerics &num, BinaryFn fn, const Tensor &a, const Tensor &b,
                    DType result);
KernelResult compare(CompareFn fn, const Tensor &a, const Tensor &b);
KernelResult where(const Numerics &num, const Tensor &condition, const Tensor &onTrue,
                   const Tensor &onFalse, DType result);
KernelResult cast(const Numerics &num, const Tensor &x, DType result);
KernelResult gelu(const Numerics &num, GeluForm form, const Tensor &x, DType result);
KernelResult silu(const Numerics &num, const Tensor &x, DType result);
KernelResult swiglu(const Numerics &num, const Tensor &gate, const Tensor &up, DType result);

// Contractions (LinearKernels.cpp) ------------------------------------------

/// How a linear layer's 2-D weight is stored: [out, in] (PyTorch's
/// nn.Linear) or [in, out] (GPT-2's Conv1D).
enum class WeightLayout { OutIn, InOut };

KernelResult linear(const Numerics &num, const Tensor &x, const Tensor &weight,
                    const Tensor *bias, WeightLayout layout, DType result);
KernelResult matmul(const Numerics &num, const Tensor &a, const Tensor &b, DType result);

// Normalisation and reductions (NormKernels.cpp) ----------------------------

enum class ReduceFn { Sum, Mean, Max, Min };

KernelResult rmsNorm(const Numerics &num, const Tensor &x, const Tensor &weight, double epsilon,
                     DType result);
KernelResult layerNorm(const Numerics &num, const Tensor &x, const Tensor &weight,
                       const Tensor *bias, double epsilon, DType result);
KernelResult softmax(const Numerics &num, const Tensor &x, int64_t dim, DType result);
KernelResult reduce(const Numerics &num, ReduceFn fn, const Tensor &x,
                    llvm::ArrayRef<int64_t> dims, bool keepDims, DType result);
/// Ties go to the lowest index.
KernelResult argmax(const Tensor &x, int64_t dim, bool keepDims);

// Attention (AttentionKernels.cpp) ------------------------------------------

struct RopeParams {
  /// One inverse frequency per rotated pair (the op's theta/YaRN or
  /// explicit inv_freq, already computed).
  std::vector<double> inverseFrequencies;
  double magnitude = 1.0;
  /// Pairs (2i, 2i + 1) instead of (i, i + D/2).
  bool interleaved = false;
};

struct AttentionParams {
  double scale = 1.0;
  bool causal = false;
  /// The KV head of each query head; empty: query head h reads KV head
  /// h / (Hq / Hkv).
  std::vector<int64_t> kvHeadMap;
};

KernelResult rope(const Numerics &num, const Tensor &x, const Tensor &positions,
                  const RopeParams &params, DType result);
/// `mask` (optional) is an i1 keep-mask or an additive float mask that
/// broadcasts to the scores [B, Hq, Sq, Skv].
KernelResult attention(const Numerics &num, const Tensor &query, const Tensor &key,
                       const Tensor &value, const Tensor *mask, const AttentionParams &params,
                       DType result);
/// Multi-head latent attention in its defining (decompressing) form.
KernelResult mlaAttention(const Numerics &num, const Tensor &queryNope, const Tensor &queryRope,
                          const Tensor &latent, const Tensor &keyRope, const Tensor &kvUpWeight,
                          const Tensor *mask, const AttentionParams &params, DType result);

// Data movement (DataMovementKernels.cpp) -----------------------------------

KernelResult embedding(const Numerics &num, const Tensor &table, const Tensor &ids,
                       DType result);
/// The same values with `shape` (as many elements).
KernelResult reshape(const Tensor &x, llvm::ArrayRef<int64_t> shape);
KernelResult transpose(const Tensor &x, llvm::ArrayRef<int64_t> permutation);
KernelResult concat(llvm::ArrayRef<Tensor> inputs, int64_t dim);
/// The cache [B, H, P, D] extended by the update [B, H, S, D] along axis 2.
KernelResult kvAppend(const Tensor &cache, const Tensor &update);
/// The cache with the first `length` rows of `update` written at slot
/// `position` of axis 2.
KernelResult cacheUpdate(const Numerics &num, const Tensor &cache, const Tensor &update,
                         int64_t position, int64_t length, DType result);
/// Along each of `dims`, elements start, start + step, ... below limit
/// (negative bounds count from the end, bounds clamp to the size).
KernelResult slice(const Tensor &x, llvm::ArrayRef<int64_t> dims, llvm::ArrayRef<int64_t> starts,
                   llvm::ArrayRef<int64_t> limits, std::optional<llvm::ArrayRef<int64_t>> steps);
KernelResult gather(const Tensor &x, const Tensor &indices, int64_t dim);
/// `x` broadcast to `shape` (NumPy rule, leading dimensions added).
KernelResult broadcastTo(const Tensor &x, llvm::ArrayRef<int64_t> shape);
/// [0, 1, ..., count - 1] as i64.
KernelResult iota(int64_t count);

// Shared shape helpers ------------------------------------------------------

/// Broadcasts two run-time shapes (NumPy rule); nothing if they conflict.
std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Index of the element of a tensor of shape `shape` that broadcasts to
/// `outIndex` of the output shape (same rank after left-padding).
int64_t broadcastOffset(llvm::ArrayRef<int64_t> outIndex, llvm::ArrayRef<int64_t> shape);

/// A kernel error with `message`.
llvm::Error kernelError(const llvm::Twine &message);

} // namespace llmc::ref

#endif // LLMC_REFERENCE_KERNELS_H

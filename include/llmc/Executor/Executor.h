//===- Executor.h - the reference executor of the llm dialect ---*- C++ -*-===//
//
// Runs an `llm`-dialect function on the CPU, op by op: a thin interpreter
// that hands each op to its reference kernel (llmc/Reference/Kernels.h,
// which define the ops' semantics without MLIR). It is the numeric ground
// truth of llmc: passes and targets are checked by comparing their results
// with it.
//
// Numerics (llmc/Reference/Numerics.h, docs/executor.md): by default each
// op's accumulations are carried in double precision and each result is
// rounded once to its element type. With `fp16`, the executor models a
// device that computes only in IEEE binary16.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_EXECUTOR_EXECUTOR_H
#define LLMC_EXECUTOR_EXECUTOR_H

#include "llmc/Reference/Tensor.h"
#include "llmc/Runtime/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmc {
class WeightStore;
struct StoredTensor;
}

namespace llmc::exec {

// The interpreter's values are the reference kernels'.
using ref::Shape;
using ref::Tensor;

/// Why a run failed; the tools map it to an exit status.
using runtime::RunError;

struct ExecutorOptions {
  /// Model a device that computes only in FP16.
  bool fp16 = false;
  /// Directory the module's `llm.weights` path is relative to.
  std::string moduleDirectory = ".";
  /// Called with each op and its operand and result values, as the op runs
  /// (calibration watches the values a model computes through it).
  std::function<void(mlir::Operation *, llvm::ArrayRef<Tensor> operands, const Tensor &result)>
      observer;
  /// Called with each `check` op that does not hold and why; without it, a
  /// failed check stops the run with an error.
  std::function<void(mlir::Operation *, const std::string &why)> onCheckFailure;
  /// Run a program that carries a memory plan in its pools' bytes: each
  /// planned value written to its buffer and read back from there by each
  /// use (a plan that overlaps two live values changes the numbers).
  bool usePlannedArena = true;
};

class Executor {
public:
  Executor(mlir::ModuleOp module, ExecutorOptions options);
  ~Executor();

  /// Runs `function` on `inputs` (one per argument, checked against the
  /// argument types). On failure, `error` says why.
  std::optional<std::vector<Tensor>> run(mlir::func::FuncOp function,
                                         llvm::ArrayRef<Tensor> inputs,
                                         RunError &error);

  const ExecutorOptions &getOptions() const { return options; }

private:
  class Frame;
  /// The module's weights, opened on first use.
  const WeightStore *weights(RunError &error);

  mlir::ModuleOp module;
  ExecutorOptions options;
  /// Shared with the weight views it backs, so that a value outlives the
  /// run (or the executor) that loaded it.
  std::shared_ptr<const WeightStore> store;
};

/// Evaluates one llm op on the given operand values, as `run` would (used to
/// fold constants at import time, so folding follows the same semantics).
std::optional<Tensor> evaluateOp(mlir::Operation *op,
                                 llvm::ArrayRef<Tensor> operands,
                                 RunError &error);

/// The value of the `llm.weight` op `weightOp` read from `stored`, as `run`
/// reads it with the default numerics (a view of aligned f32 bytes, which
/// `stored`'s file must outlive; otherwise converted), or an error.
std::optional<Tensor> readWeight(mlir::Operation *weightOp, const StoredTensor &stored,
                                 RunError &error);

/// "file:line:col: 'llm.op': ", how messages about `op` start.
std::string locationOf(mlir::Operation *op);

/// The values of a dense constant of type `type`.
std::optional<Tensor> tensorFromAttr(mlir::ElementsAttr value,
                                     mlir::RankedTensorType type);
/// `tensor` as a dense attribute of type `type` (same shape).
mlir::DenseElementsAttr attrFromTensor(const Tensor &tensor,
                                       mlir::RankedTensorType type);

/// The runtime's description of an argument or result of type `type`.
runtime::TensorSpec specOf(mlir::RankedTensorType type);

/// The empty KV cache for an argument of type `type`: its dynamic sequence
/// dimension (`sequenceAxis`) is 0 and any other dynamic dimension (the
/// batch) 1.
Tensor emptyCacheFor(mlir::RankedTensorType type, int64_t sequenceAxis = 2);

} // namespace llmc::exec

#endif // LLMC_EXECUTOR_EXECUTOR_H

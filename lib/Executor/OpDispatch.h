//===- OpDispatch.h - llm ops onto the reference kernels --------*- C++ -*-===//
//
// Private to the interpreter: maps an llm op, its attributes and its
// declared result type onto the reference kernel that defines it
// (llmc/Reference/Kernels.h). An op without a kernel is an error, never a
// default. The `check` dialect's assertions (specification tests) are
// evaluated here too.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_EXECUTOR_OPDISPATCH_H
#define LLMC_LIB_EXECUTOR_OPDISPATCH_H

#include "llmc/Executor/Executor.h"
#include "llmc/Reference/Numerics.h"

#include <optional>
#include <string>

namespace llmc::exec {

/// Runs `op` on `operands` under `numerics`. On failure, `error` says why,
/// located at the op.
std::optional<Tensor> dispatchOp(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
                                 const ref::Numerics &numerics, RunError &error);

/// Whether `op` is an assertion of the `check` dialect.
bool isCheck(mlir::Operation *op);

/// Why the `check` op `op` does not hold on `operands`; none when it holds.
std::optional<std::string> evaluateCheck(mlir::Operation *op, llvm::ArrayRef<Tensor> operands);

} // namespace llmc::exec

#endif // LLMC_LIB_EXECUTOR_OPDISPATCH_H

//===- PlannedArena.h - a planned program's pools as bytes ------*- C++ -*-===//
//
// The reference executor runs a program that carries a memory plan
// (MemoryPlan.h) with every planned value in its pool's bytes: written to
// its buffer when computed, read back from there by each use. A plan that
// lets two live values share bytes then changes the numbers. Scratch bytes
// start as a poison pattern (not zeros), so a value read before anything
// wrote it shows too.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_EXECUTOR_PLANNEDARENA_H
#define LLMC_LIB_EXECUTOR_PLANNEDARENA_H

#include "llmc/Reference/Tensor.h"
#include "llmc/Runtime/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace llmc::exec {

class PlannedArena {
public:
  /// The pools `function` uses, if it is a planned program; none (and
  /// `error` set) when its bytes cannot be had.
  static std::optional<PlannedArena> forProgram(mlir::func::FuncOp function,
                                                runtime::RunError &error);

  /// Whether `v` lives in the arena (a buffer inside a pool it has).
  bool holds(mlir::Value v) const;
  /// Writes `value` (of `v`) into its buffer.
  void store(mlir::Value v, const ref::Tensor &value);
  /// The value of `v`, read from its buffer.
  ref::Tensor load(mlir::Value v) const;

private:
  struct Free {
    void operator()(char *p) const { std::free(p); }
  };
  struct Pool {
    std::unique_ptr<char, Free> bytes;
    int64_t size = 0;
  };
  std::map<std::string, Pool> pools;
  /// The element type each stored value had (an FP16 device's f32 values
  /// are f16 numbers): it is read back as it was written.
  llvm::DenseMap<mlir::Value, DType> storedAs;
};

} // namespace llmc::exec

#endif // LLMC_LIB_EXECUTOR_PLANNEDARENA_H

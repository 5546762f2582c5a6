//===- FromWeights.h - values computed from weights alone -------*- C++ -*-===//
//
// What a program computes from its weights and constants alone is known at
// compile time: the fusions move such computations, llm-fusion-stats counts
// them as weights, not activations (llm-const-eval-weights, which computes
// them, adds its own rules on what is worth a tensor).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_FROMWEIGHTS_H
#define LLMC_DIALECT_LLM_IR_FROMWEIGHTS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace llmc::llm {

/// Whether `v` is an `llm.weight` or `llm.constant`, or computed from such
/// values by pure ops without regions, each of which `accept`s (none: all).
/// Results are memoized in `memo` (one map per question asked).
bool isComputedFromWeights(mlir::Value v, llvm::DenseMap<mlir::Value, bool> &memo,
                           llvm::function_ref<bool(mlir::Operation *)> accept = nullptr);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_FROMWEIGHTS_H

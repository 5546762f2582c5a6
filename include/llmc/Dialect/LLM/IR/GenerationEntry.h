//===- GenerationEntry.h - a model's dynamic entry point --------*- C++ -*-===//
//
// The function a model generates with (the llm dialect's "Model modules and
// inference phases"): the dialect's own
//
//   @forward(ids [B, S], positions [B, S], past caches...)
//
// or an imported generation graph's (an ONNX export)
//
//   @main(ids [B, S], past caches...)
//
// which computes the positions itself from the past length (`llm.dim
// %past[2]`). Both return (logits [B, S, V], one present cache per past
// cache). Passes and tools that drive generation take either.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_GENERATIONENTRY_H
#define LLMC_DIALECT_LLM_IR_GENERATIONENTRY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>

namespace llmc::llm {

struct GenerationEntry {
  mutable mlir::func::FuncOp function; // an op handle: const methods read it
  /// The index of the first past cache argument: 2 for @forward, 1 for
  /// @main.
  unsigned firstCache;

  bool hasPositions() const { return firstCache == 2; }
  unsigned numCaches() const { return function.getNumArguments() - firstCache; }
  mlir::BlockArgument ids() const { return function.getArgument(0); }
  /// @forward's positions (only when hasPositions()).
  mlir::BlockArgument positions() const { return function.getArgument(1); }
  mlir::BlockArgument cache(unsigned i) const { return function.getArgument(firstCache + i); }
  mlir::TypeRange cacheTypes() const {
    return function.getFunctionType().getInputs().drop_front(firstCache);
  }
  /// The axis past cache `i` grows along: where the entry appends to it
  /// (`llm.kv_append`: 2; an append written as `concat(past, new)`: its
  /// axis), so `[B, H, P, D]`, `[B, P, H, D]` and a latent `[B, P, C]` are
  /// all caches. None when it is never appended to, or along two axes.
  std::optional<int64_t> cacheSequenceAxis(unsigned i) const;
};

/// Whether `type` is @forward's: (ids [B, S], positions [B, S], past
/// caches...) -> (logits [B, S, V], one present cache per past cache). What a
/// cache must be is left to the caller.
/// The axis `user` appends to `cache` along (`llm.kv_append`: 2; a
/// `llm.concat` after the cache: its dimension), or none when it is no
/// append of it.
std::optional<int64_t> cacheAppendAxis(mlir::Operation *user, mlir::Value cache);

bool isForwardSignature(mlir::FunctionType type);

/// Whether `type` is an imported @main's: (ids [B, S], past caches...) ->
/// (logits [B, S, V], one present cache per past cache).
bool isMainSignature(mlir::FunctionType type);

/// The module's @forward, else its @main, if it has that signature.
std::optional<GenerationEntry> lookupGenerationEntry(mlir::ModuleOp module);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_GENERATIONENTRY_H

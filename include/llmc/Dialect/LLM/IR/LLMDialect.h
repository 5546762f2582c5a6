//===- LLMDialect.h - the llm dialect ---------------------------*- C++ -*-===//
#ifndef LLMC_DIALECT_LLM_IR_LLMDIALECT_H
#define LLMC_DIALECT_LLM_IR_LLMDIALECT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h.inc"

namespace llmc::llm {

/// Whether `type` has the shape of a model's `@forward` (the dialect's
/// "Model modules and inference phases"): (ids [B, S], positions [B, S],
/// past caches...) -> (logits [B, S, V], one present cache per past cache).
/// What a cache must be is left to the caller.
bool isForwardSignature(mlir::FunctionType type);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_LLMDIALECT_H

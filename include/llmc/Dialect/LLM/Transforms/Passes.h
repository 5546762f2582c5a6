//===- Passes.h - llm dialect passes ----------------------------*- C++ -*-===//
#ifndef LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H
#define LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace llmc::llm {

#define GEN_PASS_DECL
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H

//===- Passes.h - compile-time evaluation passes ----------------*- C++ -*-===//
#ifndef LLMC_CONSTEVAL_PASSES_H
#define LLMC_CONSTEVAL_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace llmc::consteval {

#define GEN_PASS_DECL
#include "llmc/ConstEval/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "llmc/ConstEval/Passes.h.inc"

} // namespace llmc::consteval

#endif // LLMC_CONSTEVAL_PASSES_H

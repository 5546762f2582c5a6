//===- Passes.h - passes that run the reference executor --------*- C++ -*-===//
#ifndef LLMC_EXECUTOR_PASSES_H
#define LLMC_EXECUTOR_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace llmc::exec {

#define GEN_PASS_DECL
#include "llmc/Executor/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "llmc/Executor/Passes.h.inc"

} // namespace llmc::exec

#endif // LLMC_EXECUTOR_PASSES_H

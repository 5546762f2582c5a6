//===- MLIRTarget.h - the `mlir` target -------------------------*- C++ -*-===//
#ifndef LLMC_TARGETS_MLIR_MLIRTARGET_H
#define LLMC_TARGETS_MLIR_MLIRTARGET_H

#include "llmc/Target/Target.h"

namespace llmc {

/// `-target=mlir`: the `llm` module after the target-independent pipeline,
/// as MLIR text. The hand-off point for a vendor toolchain that reads MLIR,
/// and the way to inspect what the passes did. Its options
/// (`-target-options="..."`) describe the device the MLIR is for
/// (`accumulates-in-fp32`, `sram-bytes`) and ask for the generic form
/// (`generic`).
std::unique_ptr<Target> createMLIRTarget();

} // namespace llmc

#endif // LLMC_TARGETS_MLIR_MLIRTARGET_H

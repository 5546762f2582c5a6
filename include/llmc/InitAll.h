//===- InitAll.h - everything llmc's tools register -------------*- C++ -*-===//
#ifndef LLMC_INITALL_H
#define LLMC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace llmc {

/// The dialects an llmc module may contain: `llm`, and `func` for its
/// entry points; the llm dialect folds constants with the reference
/// executor.
void registerAllDialects(mlir::DialectRegistry &registry);

/// llmc's passes, the upstream transforms they build on (canonicalize, cse,
/// ...), every target, and each target's pipeline as `--llmc-<t>-pipeline`.
void registerAllPasses();

} // namespace llmc

#endif // LLMC_INITALL_H

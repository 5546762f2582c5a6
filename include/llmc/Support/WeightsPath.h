//===- WeightsPath.h - keeping `llm.weights` pointing at its file -*- C++ -*-===//
//
// A module's `llm.weights` path is relative to the directory of the `.mlir`
// file that holds it. A tool that writes the module somewhere else rewrites
// the path so it still names the same weights file.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_SUPPORT_WEIGHTSPATH_H
#define LLMC_SUPPORT_WEIGHTSPATH_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace llmc {

/// `path` (relative to `fromDir`, or absolute) as a path relative to `toDir`.
/// Absolute paths stay absolute; both directories may be relative to the
/// current directory.
std::string rebasePath(llvm::StringRef path, llvm::StringRef fromDir,
                       llvm::StringRef toDir);

/// Rewrites the module's `llm.weights` path, read from a file at
/// `inputFile`, for a module written to `outputFile` ("-" means standard
/// input/output, i.e. the current directory).
void rebaseWeightsPath(mlir::ModuleOp module, llvm::StringRef inputFile,
                       llvm::StringRef outputFile);

} // namespace llmc

#endif // LLMC_SUPPORT_WEIGHTSPATH_H

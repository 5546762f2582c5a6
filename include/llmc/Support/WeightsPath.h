//===- WeightsPath.h - paths relative to another directory -----*- C++ -*-===//
//
// Paths relative to one directory, re-expressed relative to another (a
// module's `llm.weights` path when a tool writes the module elsewhere:
// llmc/Dialect/LLM/IR/WeightsFile.h).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_SUPPORT_WEIGHTSPATH_H
#define LLMC_SUPPORT_WEIGHTSPATH_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace llmc {

/// `path` (relative to `fromDir`, or absolute) as a path relative to `toDir`.
/// Absolute paths stay absolute; both directories may be relative to the
/// current directory.
std::string rebasePath(llvm::StringRef path, llvm::StringRef fromDir,
                       llvm::StringRef toDir);

} // namespace llmc

#endif // LLMC_SUPPORT_WEIGHTSPATH_H

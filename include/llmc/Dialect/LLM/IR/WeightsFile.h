//===- WeightsFile.h - the weights file a model module names ----*- C++ -*-===//
//
// A model module's `llm.weights` attribute names its weights file, relative
// to the directory of the `.mlir` file that holds it. This is the one place
// that resolves that path (for the interpreter, the range analysis and the
// compile-time passes) and that rebases it when a tool writes the module to
// another directory. (The importers set it when they write the weights.)
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_WEIGHTSFILE_H
#define LLMC_DIALECT_LLM_IR_WEIGHTSFILE_H

#include "llmc/Support/SafeTensors.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace llmc::llm {

/// The path of `module`'s weights file for a module read from
/// `moduleDirectory`; none when the module names no weights file.
std::optional<std::string> resolveWeightsPath(mlir::ModuleOp module,
                                              llvm::StringRef moduleDirectory);

/// Opens `module`'s weights file (an error when it names none or the file
/// cannot be read).
llvm::Expected<std::unique_ptr<WeightStore>> openWeights(mlir::ModuleOp module,
                                                         llvm::StringRef moduleDirectory);

/// Rewrites the module's `llm.weights` path, read from a file at
/// `inputFile`, for a module written to `outputFile` ("-" means standard
/// input/output, i.e. the current directory).
void rebaseWeightsPath(mlir::ModuleOp module, llvm::StringRef inputFile,
                       llvm::StringRef outputFile);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_WEIGHTSFILE_H

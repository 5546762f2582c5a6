//===- WeightsFile.h - the weights file a model module names ----*- C++ -*-===//
//
// A model module's `llm.weights` attribute names its weights file, relative
// to the directory of the `.mlir` file that holds it, or a list of files
// (the checkpoint's, then tensors a compiler derived from it, e.g. by
// llm-const-eval-weights). This is the one place that resolves those paths
// (for the interpreter, the range analysis and the compile-time passes) and
// that rebases them when a tool writes the module to another directory. (The
// importers set it when they write the weights.)
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
#include <vector>

namespace llmc::llm {

/// `module`'s weights files as its `llm.weights` names them (relative to its
/// directory, or absolute): the checkpoint's first; empty when it names none.
std::vector<std::string> weightsFileNames(mlir::ModuleOp module);

/// The paths of `module`'s weights files for a module read from
/// `moduleDirectory`: its checkpoint's, then any a compiler derived from it
/// (`llm.weights` is a string or a list of strings); empty when it names
/// none.
std::vector<std::string> resolveWeightsPaths(mlir::ModuleOp module,
                                             llvm::StringRef moduleDirectory);

/// Opens `module`'s weights files as one store (an error when it names none,
/// a file cannot be read, or two files hold a tensor of one name).
llvm::Expected<std::unique_ptr<WeightStore>> openWeights(mlir::ModuleOp module,
                                                         llvm::StringRef moduleDirectory);

/// For passes that read the weights when they can (to prove more): the
/// module's weights, or null when it names none or they cannot be read,
/// with `note` saying which ("weights read", "no weights file", "weights not
/// read: <why>").
std::unique_ptr<WeightStore> openWeightsIfAny(mlir::ModuleOp module,
                                              llvm::StringRef moduleDirectory, std::string &note);

/// Adds `path` (relative to the module's directory, as the others) to the
/// module's weights files, unless it is one of them.
void addWeightsFile(mlir::ModuleOp module, llvm::StringRef path);

/// Rewrites the module's `llm.weights` paths, read from a file at
/// `inputFile`, for a module written to `outputFile` ("-" means standard
/// input/output, i.e. the current directory).
void rebaseWeightsPath(mlir::ModuleOp module, llvm::StringRef inputFile,
                       llvm::StringRef outputFile);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_WEIGHTSFILE_H

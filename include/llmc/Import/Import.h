//===- Import.h - every model format llmc reads -----------------*- C++ -*-===//
//
// One entry point for the tools: a Hugging Face checkpoint folder or an
// `.onnx` file becomes an llm-dialect module. (`.mlir` files are parsed by
// the tools themselves, with their diagnostics.)
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_IMPORT_IMPORT_H
#define LLMC_IMPORT_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llmc {

/// True for inputs `importModel` handles (a folder, or a `.onnx` file).
bool isImportable(llvm::StringRef path);

/// Imports `path` for a module that will live in `outputDirectory`; an ONNX
/// model's large initializers are written to `weightsFile` (empty: next to
/// the output, named after the model).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext *context, llvm::StringRef path,
            llvm::StringRef outputDirectory, llvm::StringRef weightsFile = "");

/// Imports a model exported as two ONNX graphs, a prefill graph (ids ->
/// logits, present caches) and a decode graph (ids, past caches -> logits,
/// present caches), in either order: the module of the decode graph, which
/// with an empty past is the prefill, after checking on a probe prompt that
/// the prefill graph computes the same logits and caches (within 1e-4).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importExportPair(mlir::MLIRContext *context, llvm::StringRef first, llvm::StringRef second,
                 llvm::StringRef outputDirectory);

} // namespace llmc

#endif // LLMC_IMPORT_IMPORT_H

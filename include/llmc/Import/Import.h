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

} // namespace llmc

#endif // LLMC_IMPORT_IMPORT_H

//===- Import.cpp - every model format llmc reads -------------------------===//
#include "llmc/Import/Import.h"

#include "llmc/Import/Checkpoint.h"
#include "llmc/Import/ONNX.h"

#include "llvm/Support/FileSystem.h"

using namespace llmc;

bool llmc::isImportable(llvm::StringRef path) {
  return llvm::sys::fs::is_directory(path) || path.ends_with(".onnx");
}

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
llmc::importModel(mlir::MLIRContext *context, llvm::StringRef path,
                  llvm::StringRef outputDirectory, llvm::StringRef weightsFile) {
  if (path.ends_with(".onnx")) {
    ONNXImportOptions options;
    options.outputDirectory = outputDirectory.str();
    options.weightsFile = weightsFile.str();
    return importONNX(context, path, options);
  }
  CheckpointImportOptions options;
  options.outputDirectory = outputDirectory.str();
  return importCheckpoint(context, path, options);
}

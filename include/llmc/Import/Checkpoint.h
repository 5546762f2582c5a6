//===- Checkpoint.h - Hugging Face checkpoints to the llm dialect -*- C++ -*-===//
//
// Imports a checkpoint in the Hugging Face layout (config.json plus
// model.safetensors or a sharded model.safetensors.index.json) as an
// `llm`-dialect module with the `@forward` entry point of docs/dialect. The
// weights stay in the checkpoint: the module names the file and reads each
// tensor by its checkpoint name.
//
// Supported `model_type`s: gpt2, llama, qwen2, deepseek_v2 and deepseek_v3
// (dense MLPs). Anything else the config asks for that llmc does not
// implement (MoE layers, a rope_scaling kind, sliding windows, ...) is an
// error that names the feature.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_IMPORT_CHECKPOINT_H
#define LLMC_IMPORT_CHECKPOINT_H

#include "llmc/Support/DType.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace llmc {

struct CheckpointImportOptions {
  /// Element type of the program's weights and activations; by default the
  /// stored type of the checkpoint's weights. The executor converts stored
  /// values when it loads them; the checkpoint is never rewritten.
  std::optional<DType> dtype;
  /// Directory the module will be written to: `llm.weights` is made relative
  /// to it. Empty: the current directory.
  std::string outputDirectory;
};

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importCheckpoint(mlir::MLIRContext *context, llvm::StringRef checkpointDir,
                 const CheckpointImportOptions &options);

} // namespace llmc

#endif // LLMC_IMPORT_CHECKPOINT_H

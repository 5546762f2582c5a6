//===- ONNX.h - ONNX models to the llm dialect ------------------*- C++ -*-===//
//
// Imports an ONNX model (opsets 13 to 17, as PyTorch exports them) into an
// `llm`-dialect module with one function, @main, whose arguments are the
// graph inputs in order (initializers excluded) and whose results are the
// graph outputs in order. Large float initializers are written to a side
// safetensors file that the module names (`llm.weights`); small ones become
// `llm.constant`. Subgraphs whose inputs are all known at import time are
// folded with the reference executor's semantics.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_IMPORT_ONNX_H
#define LLMC_IMPORT_ONNX_H

#include "llmc/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llmc {

struct ONNXImportOptions {
  /// Directory the module will be written to (`llm.weights` is relative to
  /// it). Empty: the current directory.
  std::string outputDirectory;
  /// Where large initializers are written. Empty: "<model>.weights.safetensors"
  /// in `outputDirectory`.
  std::string weightsFile;
  /// Graph inputs given a value at import time (static specialisation: a
  /// shape or axes input of an NPU program must be a constant).
  llvm::StringMap<NpyArray> boundInputs;
  /// Hugging Face's `attention_mask` and `position_ids` graph inputs
  /// become what the ids and past caches imply (all ones over the past and
  /// new tokens; past length onwards), so a generation graph takes only ids
  /// and caches, as llmc's generation ABI does (one length per call).
  bool bindGenerationInputs = true;
  /// Initializers of at most this many elements become llm.constant.
  int64_t maxInlineElements = 64;
  /// Run llm-raise (and canonicalize) on the imported graph; false keeps the
  /// generic form for debugging.
  bool raise = true;
};

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNX(mlir::MLIRContext *context, llvm::StringRef path,
           const ONNXImportOptions &options);

/// The ONNX operator types the importer translates, sorted.
std::vector<std::string> supportedONNXOps();

} // namespace llmc

#endif // LLMC_IMPORT_ONNX_H

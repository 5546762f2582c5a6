//===- GenerationInputs.h - HF's attention_mask and position_ids -*- C++ -*-===//
//
// Private to the ONNX importer. Hugging Face generation graphs (Optimum's
// decoder_model.onnx and decoder_model_merged.onnx, torch exports of HF
// models) take, besides input_ids and the past caches, `attention_mask`
// [B, P + S] and `position_ids` [B, S]. llmc's generation ABI serves one
// length per call (no per-row padding: the static programs take one
// position and one length), so these inputs are what the ids and caches
// imply: attention_mask all ones over the P past and S new tokens,
// position_ids P .. P + S - 1, where P is the past caches' length along
// the axis the graph appends to. Binding them makes the graph the ABI's
// @main(ids, caches...).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_IMPORT_ONNX_GENERATIONINPUTS_H
#define LLMC_LIB_IMPORT_ONNX_GENERATIONINPUTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llmc {

/// The HF names of the inputs bindGenerationInputs binds.
inline constexpr const char *kAttentionMask = "attention_mask";
inline constexpr const char *kPositionIds = "position_ids";

/// Replaces the arguments of `main` (named `argNames`, the graph inputs)
/// called attention_mask and position_ids by the values above, and drops
/// them from its signature. The ids are the argument
/// named input_ids, else the first integer [B, S] argument. An error when
/// such an input has another shape, or the ids are missing.
llvm::Error bindGenerationInputs(mlir::func::FuncOp main, llvm::ArrayRef<std::string> argNames);

} // namespace llmc

#endif // LLMC_LIB_IMPORT_ONNX_GENERATIONINPUTS_H

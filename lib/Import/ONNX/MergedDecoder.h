//===- MergedDecoder.h - the merged decoder's cache branch ----*- C++ -*-===//
//
// Hugging Face Optimum merges a decoder's two graphs (without and with past
// caches) into one, `decoder_model_merged.onnx`: an `If` on a boolean
// graph input (`use_cache_branch`) whose branches are the two graphs. The
// with-past branch, given an empty past, computes what the other does, so
// it is the whole model: the importer takes it, as if the condition were
// bound, and the condition is no input of `@main`.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_IMPORT_ONNX_MERGEDDECODER_H
#define LLMC_LIB_IMPORT_ONNX_MERGEDDECODER_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

namespace llmc {

/// For each `If` of `graph` whose condition is a graph input outside
/// `known` (initializers and bound inputs): the condition value that takes
/// the branch reading the graph inputs the other branch does not read (the
/// past caches), when exactly one branch does.
llvm::StringMap<bool> cacheBranchConditions(const onnx::GraphProto &graph,
                                            const llvm::StringSet<> &known);

} // namespace llmc

#endif // LLMC_LIB_IMPORT_ONNX_MERGEDDECODER_H

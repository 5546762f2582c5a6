//===- LatentAttentionSizes.h - sizes and FLOPs of an MLA op ----*- C++ -*-===//
//
// The sizes of one llm.mla_attention and the FLOPs of its two forms (the
// naive one, which is its definition, and the absorbed one; see
// lib/Dialect/LLM/Transforms/LatentAttentionForms.h). The op's FLOP count
// and llm-static-shapes' choice of form both read them.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_LATENTATTENTIONSIZES_H
#define LLMC_DIALECT_LLM_IR_LATENTATTENTIONSIZES_H

#include <cstdint>
#include <optional>

namespace llmc::llm {

class MLAAttentionOp;

/// The sizes of one latent attention (all static).
struct LatentAttentionSizes {
  int64_t batch, heads, queries, keys;
  int64_t noRopeDim, ropeDim, latentDim, valueDim;
};

/// The sizes of `op`, or nothing when a dimension is dynamic.
std::optional<LatentAttentionSizes> getLatentAttentionSizes(MLAAttentionOp op);

/// Multiply-adds count 2; softmax and masking are left out (the same in
/// both forms up to the width of a row).
double naiveLatentAttentionFlops(const LatentAttentionSizes &s);
double absorbedLatentAttentionFlops(const LatentAttentionSizes &s);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_LATENTATTENTIONSIZES_H

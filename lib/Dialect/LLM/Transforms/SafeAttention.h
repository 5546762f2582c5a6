//===- SafeAttention.h - FP16 range-safe attention scores -------*- C++ -*-===//
//
// An FP16 device rounds each raw score q.k before it multiplies it by the
// softmax scale (1/sqrt(d), times YaRN's correction), so the raw scores can
// overflow when the scaled ones cannot. Scaling the query first computes
// the same function with scores already scaled: attention(q, k, v, s) =
// attention(q * s, k, v, 1).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFEATTENTION_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFEATTENTION_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"

namespace llmc::llm {

/// Multiplies the query of `op` by its scale and sets the scale to 1.
void foldScaleIntoQuery(AttentionOp op);
/// The same for latent attention: both query parts (a score is
/// query_nope . key_nope + query_rope . key_rope).
void foldScaleIntoQuery(MLAAttentionOp op);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFEATTENTION_H

//===- LatentAttentionForms.h - naive and absorbed MLA ----------*- C++ -*-===//
//
// llm.mla_attention is defined in its naive form: decompress every cached
// latent into per-head keys and values, then attend. The absorbed form
// computes the same function by folding the key up-projection Wk into the
// query and the value up-projection Wv into the output, so attention runs
// over the cached latent itself (one shared KV head of width R + Dr):
//
//   q_lat[h] = qn[h] @ Wk[h]                      [Sq, R]
//   o_lat[h] = attention([q_lat[h], qr[h]], [latent, key_rope], latent)
//   out[h]   = o_lat[h] @ Wv[h]^T                 [Sq, Dv]
//
// Which is cheaper depends on the phase: decompression costs
// 2*Skv*R*H*(Dn+Dv) whatever the number of queries, while absorption makes
// each query-key product R + Dr wide instead of Dn + Dr (and each weighted
// sum R instead of Dv). Decode (one query over the whole cache) always wants
// the absorbed form; a long prefill bucket the naive one.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_LATENTATTENTIONFORMS_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_LATENTATTENTIONFORMS_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/LatentAttentionSizes.h" // sizes and FLOPs of both forms

namespace llmc::llm {

/// Replaces `op` by its absorbed form (reshape/slice/transpose of the up
/// weight, two matmuls, one multi-query llm.attention); same mask, scale
/// and causality.
void rewriteToAbsorbedForm(MLAAttentionOp op);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_LATENTATTENTIONFORMS_H

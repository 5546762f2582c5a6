//===- DeepSeek.cpp - DeepSeek-V2/V3 checkpoints with dense MLPs ----------===//
//
// Multi-head latent attention: an optional q low-rank path, RMSNorm on the
// latents, a RoPE key shared by all heads in DeepSeek's interleaved pair
// layout, q/k head dims different from the value head dim, and YaRN. The
// cache is the normalised latent plus the rotated RoPE key.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::import;

/// The first MoE layer, if the config has any.
static std::optional<int64_t> firstMoELayer(const Config &config, int64_t layers) {
  if (config.isNull("n_routed_experts"))
    return std::nullopt;
  int64_t firstDense = config.optionalInteger("first_k_dense_replace").value_or(0);
  int64_t frequency = std::max<int64_t>(config.optionalInteger("moe_layer_freq").value_or(1), 1);
  for (int64_t i = firstDense; i < layers; ++i)
    if (i % frequency == 0)
      return i;
  return std::nullopt;
}

llvm::Error import::buildDeepSeek(ModelBuilder &m, const Config &config) {
  // Unsupported features first: they matter more than a missing key.
  LLMC_TRY(int64_t, layers, config.integer("num_hidden_layers"));
  if (std::optional<int64_t> moe = firstMoELayer(config, layers))
    return config.unsupported("MoE layers (n_routed_experts is set; layer " +
                              llvm::Twine(*moe) + " would be MoE)");
  LLMC_TRY(int64_t, vocab, config.integer("vocab_size"));
  LLMC_TRY(int64_t, width, config.integer("hidden_size"));
  LLMC_TRY(int64_t, inner, config.integer("intermediate_size"));
  LLMC_TRY(int64_t, heads, config.integer("num_attention_heads"));
  LLMC_TRY(int64_t, kvRank, config.integer("kv_lora_rank"));
  LLMC_TRY(int64_t, nopeDim, config.integer("qk_nope_head_dim"));
  LLMC_TRY(int64_t, ropeDim, config.integer("qk_rope_head_dim"));
  LLMC_TRY(int64_t, valueDim, config.integer("v_head_dim"));
  std::optional<int64_t> qRank = config.optionalInteger("q_lora_rank");
  double eps = config.optionalNumber("rms_norm_eps").value_or(1e-6);
  double theta = config.optionalNumber("rope_theta").value_or(10000.0);
  bool bias = config.flag("attention_bias", false);
  if (llvm::StringRef act = config.string("hidden_act").value_or("silu"); act != "silu")
    return config.unsupported("hidden_act \"" + act + "\"");
  if (config.flag("tie_word_embeddings", false))
    return config.unsupported("tie_word_embeddings in a DeepSeek model");

  MLIRContext *ctx = m.builder().getContext();
  int64_t qkDim = nopeDim + ropeDim;
  double scale = 1.0 / std::sqrt(double(qkDim));
  llm::YarnAttr yarn;
  if (!config.isNull("rope_scaling")) {
    const llvm::json::Object *s = config.objectAt("rope_scaling");
    std::optional<llvm::StringRef> kind = s ? s->getString("type") : std::nullopt;
    if (!kind && s)
      kind = s->getString("rope_type");
    if (kind != "yarn")
      return config.unsupported("rope_scaling type \"" + kind.value_or("?") + "\"");
    auto num = [&](llvm::StringRef key, double fallback) {
      const llvm::json::Value *v = s->get(key);
      return v && v->getAsNumber() ? *v->getAsNumber() : fallback;
    };
    double factor = num("factor", 1.0);
    double mscaleAllDim = num("mscale_all_dim", 0.0);
    std::optional<int64_t> original =
        s->get("original_max_position_embeddings")
            ? s->get("original_max_position_embeddings")->getAsInteger()
            : std::nullopt;
    if (!original)
      return config.error("rope_scaling needs original_max_position_embeddings");
    yarn = llm::YarnAttr::get(ctx, llvm::APFloat(factor), *original,
                              llvm::APFloat(num("beta_fast", 32.0)),
                              llvm::APFloat(num("beta_slow", 1.0)),
                              llvm::APFloat(num("mscale", 1.0)),
                              llvm::APFloat(mscaleAllDim));
    // HF folds YaRN's attention-temperature correction into the scale.
    if (mscaleAllDim != 0.0 && factor > 1.0) {
      double mscale = 0.1 * mscaleAllDim * std::log(factor) + 1.0;
      scale *= mscale * mscale;
    }
  }
  m.hiddenSize = width;

  m.beginForward(layers, {{"latent", 1, kvRank}, {"k_pe", 1, ropeDim}});
  OpBuilder &b = m.builder();
  auto rope = [&](Value x) {
    return b.create<llm::RopeOp>(
        m.loc(), x, m.positions(),
        llm::RopeLayoutAttr::get(ctx, llm::RopeLayout::interleaved),
        b.getF64FloatAttr(theta), nullptr, yarn, nullptr, nullptr);
  };
  LLMC_TRY_VALUE(h0, m.embedding("model.embed_tokens.weight", vocab, m.ids()));
  Value h = h0;
  llvm::SmallVector<Value> present;
  for (int64_t i = 0; i < layers; ++i) {
    std::string p = "model.layers." + std::to_string(i);
    std::string sa = p + ".self_attn";
    LLMC_TRY_VALUE(a, m.rmsNorm(h, p + ".input_layernorm.weight", eps));
    Value qFlat;
    if (qRank) {
      LLMC_TRY_VALUE(qa, m.linear(a, sa + ".q_a_proj", *qRank, bias));
      LLMC_TRY_VALUE(qaNorm, m.rmsNorm(qa, sa + ".q_a_layernorm.weight", eps));
      LLMC_TRY_VALUE(qb, m.linear(qaNorm, sa + ".q_b_proj", heads * qkDim, false));
      qFlat = qb;
    } else {
      LLMC_TRY_VALUE(qp, m.linear(a, sa + ".q_proj", heads * qkDim, false));
      qFlat = qp;
    }
    Value q = m.splitHeads(qFlat, heads, qkDim);
    Value qNope = m.sliceLast(q, 0, nopeDim);
    Value qRope = rope(m.sliceLast(q, nopeDim, qkDim));
    LLMC_TRY_VALUE(kv, m.linear(a, sa + ".kv_a_proj_with_mqa", kvRank + ropeDim, bias));
    LLMC_TRY_VALUE(latent, m.rmsNorm(m.sliceLast(kv, 0, kvRank),
                                     sa + ".kv_a_layernorm.weight", eps));
    Value kRope = rope(m.asSingleHead(m.sliceLast(kv, kvRank, kvRank + ropeDim)));
    Value latentAll = m.kvAppend(m.pastCache(i, 0), m.asSingleHead(latent));
    Value kRopeAll = m.kvAppend(m.pastCache(i, 1), kRope);
    present.append({latentAll, kRopeAll});
    LLMC_TRY_VALUE(up, m.weight(sa + ".kv_b_proj.weight",
                                {heads * (nopeDim + valueDim), kvRank}));
    Value o = b.create<llm::MLAAttentionOp>(m.loc(), qNope, qRope, latentAll,
                                            kRopeAll, up, /*mask=*/Value(), b.getF64FloatAttr(scale),
                                            b.getUnitAttr());
    LLMC_TRY_VALUE(proj, m.linear(m.mergeHeads(o), sa + ".o_proj", width, bias));
    h = m.add(h, proj);
    LLMC_TRY_VALUE(next, m.swigluBlock(h, p, eps, inner));
    h = next;
  }
  LLMC_TRY_VALUE(final, m.rmsNorm(h, "model.norm.weight", eps));
  LLMC_TRY_VALUE(logits, m.linear(final, "lm_head", vocab, false));
  m.endForward(logits, present);
  return llvm::Error::success();
}

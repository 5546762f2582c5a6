//===- Llama.cpp - Llama and Qwen2 checkpoints ----------------------------===//
//
// LlamaForCausalLM / Qwen2ForCausalLM: RMSNorm, half-split RoPE,
// grouped-query attention, SwiGLU, optional QKV bias (always in Qwen2),
// tied or untied LM head.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::import;

llvm::Error import::buildLlama(ModelBuilder &m, const Config &config) {
  llvm::StringRef type = config.string("model_type").value_or("llama");
  LLMC_TRY(int64_t, vocab, config.integer("vocab_size"));
  LLMC_TRY(int64_t, width, config.integer("hidden_size"));
  LLMC_TRY(int64_t, inner, config.integer("intermediate_size"));
  LLMC_TRY(int64_t, layers, config.integer("num_hidden_layers"));
  LLMC_TRY(int64_t, heads, config.integer("num_attention_heads"));
  int64_t kvHeads = config.optionalInteger("num_key_value_heads").value_or(heads);
  double eps = config.optionalNumber("rms_norm_eps").value_or(1e-6);
  double theta = config.optionalNumber("rope_theta").value_or(10000.0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads)
    return config.error("num_attention_heads (" + llvm::Twine(heads) +
                        ") is not a multiple of num_key_value_heads (" +
                        llvm::Twine(kvHeads) + ")");
  int64_t headDim = config.optionalInteger("head_dim").value_or(width / heads);
  if (!config.isNull("rope_scaling")) {
    const llvm::json::Object *scaling = config.objectAt("rope_scaling");
    std::optional<llvm::StringRef> kind =
        scaling ? (scaling->getString("rope_type") ? scaling->getString("rope_type")
                                                   : scaling->getString("type"))
                : std::nullopt;
    return config.unsupported("rope_scaling type \"" + kind.value_or("?") + "\"");
  }
  if (llvm::StringRef act = config.string("hidden_act").value_or("silu"); act != "silu")
    return config.unsupported("hidden_act \"" + act + "\"");
  if (config.flag("use_sliding_window", false))
    return config.unsupported("sliding-window attention (use_sliding_window)");
  if (config.flag("mlp_bias", false))
    return config.unsupported("mlp_bias");
  bool qkvBias = type == "qwen2" || config.flag("attention_bias", false);
  bool tied = config.flag("tie_word_embeddings", type == "qwen2");
  m.hiddenSize = width;

  m.beginForward(layers, {{"k", kvHeads, headDim}, {"v", kvHeads, headDim}});
  OpBuilder &b = m.builder();
  LLMC_TRY_VALUE(h0, m.embedding("model.embed_tokens.weight", vocab, m.ids()));
  Value h = h0;
  llvm::SmallVector<Value> present;
  auto rope = [&](Value x) {
    return b.create<llm::RopeOp>(
        m.loc(), x, m.positions(),
        llm::RopeLayoutAttr::get(b.getContext(), llm::RopeLayout::half_split),
        b.getF64FloatAttr(theta), nullptr, nullptr, nullptr, nullptr);
  };
  for (int64_t i = 0; i < layers; ++i) {
    std::string p = "model.layers." + std::to_string(i);
    LLMC_TRY_VALUE(a, m.rmsNorm(h, p + ".input_layernorm.weight", eps));
    LLMC_TRY_VALUE(qFlat, m.linear(a, p + ".self_attn.q_proj", heads * headDim, qkvBias));
    LLMC_TRY_VALUE(kFlat, m.linear(a, p + ".self_attn.k_proj", kvHeads * headDim, qkvBias));
    LLMC_TRY_VALUE(vFlat, m.linear(a, p + ".self_attn.v_proj", kvHeads * headDim, qkvBias));
    Value q = rope(m.splitHeads(qFlat, heads, headDim));
    Value k = rope(m.splitHeads(kFlat, kvHeads, headDim));
    Value v = m.splitHeads(vFlat, kvHeads, headDim);
    Value o = m.causalAttention(q, k, v, i, 1.0 / std::sqrt(double(headDim)), present);
    LLMC_TRY_VALUE(proj, m.linear(m.mergeHeads(o), p + ".self_attn.o_proj", width, false));
    h = m.add(h, proj);
    LLMC_TRY_VALUE(next, m.swigluBlock(h, p, eps, inner));
    h = next;
  }
  LLMC_TRY_VALUE(final, m.rmsNorm(h, "model.norm.weight", eps));
  if (!tied && !m.has("lm_head.weight"))
    return config.error("tie_word_embeddings is false but the checkpoint has "
                        "no lm_head.weight");
  LLMC_TRY_VALUE(logits, m.linear(final, tied ? "model.embed_tokens" : "lm_head",
                                  vocab, false));
  m.endForward(logits, present);
  return llvm::Error::success();
}

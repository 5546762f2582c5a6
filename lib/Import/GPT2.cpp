//===- GPT2.cpp - GPT-2 checkpoints ---------------------------------------===//
//
// GPT2LMHeadModel: learned positions, LayerNorm with bias, fused QKV in
// Conv1D layers (weights [in, out]), gelu_new, LM head tied to wte. Tensor
// names may carry the "transformer." prefix or not.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::import;

llvm::Error import::buildGPT2(ModelBuilder &m, const Config &config) {
  LLMC_TRY(int64_t, vocab, config.integer("vocab_size"));
  LLMC_TRY(int64_t, positions, config.integer("n_positions"));
  LLMC_TRY(int64_t, width, config.integer("n_embd"));
  LLMC_TRY(int64_t, layers, config.integer("n_layer"));
  LLMC_TRY(int64_t, heads, config.integer("n_head"));
  double eps = config.optionalNumber("layer_norm_epsilon").value_or(1e-5);
  int64_t inner = config.optionalInteger("n_inner").value_or(4 * width);
  llvm::StringRef act = config.string("activation_function").value_or("gelu_new");
  bool tanhGelu = act == "gelu_new" || act == "gelu_pytorch_tanh";
  if (!tanhGelu && act != "gelu")
    return config.unsupported("activation_function \"" + act + "\"");
  if (config.flag("scale_attn_by_inverse_layer_idx", false))
    return config.unsupported("scale_attn_by_inverse_layer_idx");
  if (!config.flag("scale_attn_weights", true))
    return config.unsupported("scale_attn_weights = false");
  if (heads <= 0 || width % heads)
    return config.error("n_embd (" + llvm::Twine(width) +
                        ") is not a multiple of n_head (" + llvm::Twine(heads) + ")");
  int64_t headDim = width / heads;
  m.hiddenSize = width;
  std::string prefix = m.has("transformer.wte.weight") ? "transformer." : "";
  auto name = [&](const llvm::Twine &rest) { return (prefix + rest).str(); };

  m.beginForward(layers, {{"k", heads, headDim}, {"v", heads, headDim}});
  OpBuilder &b = m.builder();
  LLMC_TRY_VALUE(tokens, m.embedding(name("wte.weight"), vocab, m.ids()));
  LLMC_TRY_VALUE(learned, m.embedding(name("wpe.weight"), positions, m.positions()));
  Value h = m.add(tokens, learned);
  llvm::SmallVector<Value> present;
  for (int64_t i = 0; i < layers; ++i) {
    std::string p = name("h." + llvm::Twine(i));
    LLMC_TRY_VALUE(a, m.layerNorm(h, p + ".ln_1", eps));
    LLMC_TRY_VALUE(qkv, m.linear(a, p + ".attn.c_attn", 3 * width, true, true));
    Value q = m.splitHeads(m.sliceLast(qkv, 0, width), heads, headDim);
    Value k = m.splitHeads(m.sliceLast(qkv, width, 2 * width), heads, headDim);
    Value v = m.splitHeads(m.sliceLast(qkv, 2 * width, 3 * width), heads, headDim);
    Value o = m.causalAttention(q, k, v, i, 1.0 / std::sqrt(double(headDim)), present);
    LLMC_TRY_VALUE(proj, m.linear(m.mergeHeads(o), p + ".attn.c_proj", width, true, true));
    h = m.add(h, proj);
    LLMC_TRY_VALUE(n2, m.layerNorm(h, p + ".ln_2", eps));
    LLMC_TRY_VALUE(fc, m.linear(n2, p + ".mlp.c_fc", inner, true, true));
    Value g = b.create<llm::GeluOp>(
        m.loc(), llm::GeluApproximationAttr::get(
                     b.getContext(), tanhGelu ? llm::GeluApproximation::tanh
                                              : llm::GeluApproximation::erf),
        fc);
    LLMC_TRY_VALUE(mlp, m.linear(g, p + ".mlp.c_proj", width, true, true));
    h = m.add(h, mlp);
  }
  LLMC_TRY_VALUE(final, m.layerNorm(h, name("ln_f"), eps));
  // The LM head is always tied to the token embedding in GPT-2.
  LLMC_TRY_VALUE(logits, m.linear(final, name("wte"), vocab, false));
  m.endForward(logits, present);
  return llvm::Error::success();
}

//===- Passes.td - llm dialect passes ----------------------*- tablegen -*-===//
#ifndef LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD
#define LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModelSummary : Pass<"llm-model-summary", "::mlir::ModuleOp"> {
  let summary = "Print the parameters, weight bytes and op mix of a model";
  let description = [{
    An analysis that changes nothing. For the module it prints the weights
    file, the number of distinct weights and parameters (a weight read twice,
    like a tied LM head, counts once), their bytes per element type, and for
    each function its signature size and how many of each `llm` op it holds.
    Deployment engineers use it to see what a model costs before compiling
    it; tests use it to check what an importer produced.

    ```
    llmc-opt --llm-model-summary models/gpt2-tiny.mlir -o /dev/null
    ```
  }];
  let options = [
    Option<"outputFile", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the summary ('-' is stdout)">,
  ];
}

def Raise : Pass<"llm-raise"> {
  let summary = "Recognise transformer ops in generic tensor ops";
  let description = [{
    Rewrites the primitive subgraphs an importer produces (an ONNX export
    has hundreds of them) into the transformer-level ops the static-shape,
    FP16-safety and fusion passes understand. Each pattern replaces a
    subgraph by an op that computes the same function (as the op
    descriptions define it); what is not recognised stays as it is, so the
    module still runs.

    * `x * sigmoid(x)` -> `llm.silu`; `silu(g) * u` -> `llm.swiglu`
    * GELU, tanh form (`0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`)
      and erf form (`0.5 x (1 + erf(x / sqrt(2)))`) -> `llm.gelu`
    * `w * (x / sqrt(mean(x^2) + eps))` in its exported spellings (pow or
      x*x, div by sqrt, reciprocal, rsqrt) -> `llm.rms_norm`
    * `(x - mean) / sqrt(var + eps) * w + b` -> `llm.layer_norm`
    * `matmul(x, W) (+ b)` with a 2-D weight -> `llm.linear` (`in_out`
      layout), folding the reshapes to and from 2-D around it
    * `x * C + rotate_half(x) * S` -> `llm.rope <half_split>`, where C, S
      are cos/sin of in-graph angles `positions * inv_freq` (times a
      magnitude), or rows of cos/sin tables gathered by position (a
      prefix slice of the table, or folded to constants in a static
      export); the frequencies become `theta` when some theta gives them,
      explicit `inv_freq` otherwise (YaRN). Tables are read from
      `llm.constant`s, or from weights when the caller supplies them (the
      ONNX importer does). DeepSeek's de-interleaving permutation stays
      in front of the raised op.
    * `softmax(scale * q k^T, masked) v`, with `repeat_kv` ->
      `llm.attention`. Masks: `causal` for a constant causal mask (i1 or
      additive), the run-time `iota(Skv) > iota(Sq) + Skv - Sq`, and HF
      GPT-2's lower-triangular buffer sliced by position; a `where` fill
      of `-inf` or any value at or below -1e4 (finfo.min, -1e9) counts as
      exclusion. Other masks become the op's i1 or additive `mask` (raised
      last, so a causal mask still being simplified is not mistaken for
      one).
    * attention over keys and values decompressed from a latent
      (`kv_b_proj(latent)`, split per head, with a broadcast shared RoPE
      key) -> `llm.mla_attention` over the latent
    * `concat(past, new)` along the sequence axis of a cache argument ->
      `llm.kv_append`
    * `gather(table, ids)` of a 2-D parameter -> `llm.embedding`
  }];
}

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

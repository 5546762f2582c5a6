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
    * `x * cos(E) + rotate_half(x) * sin(E)` with in-graph angles
      `E = positions * theta^(-2i/D)` -> `llm.rope <half_split>`
    * `softmax(scale * q k^T, masked) v` with a constant or run-time causal
      mask, an additive mask, and `repeat_kv` -> `llm.attention`
    * attention over keys and values decompressed from a latent
      (`kv_b_proj(latent)`, split per head, with a broadcast shared RoPE
      key) -> `llm.mla_attention` over the latent
    * `concat(past, new)` along the sequence axis of a cache argument ->
      `llm.kv_append`
    * `gather(table, ids)` of a 2-D parameter -> `llm.embedding`
  }];
}

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

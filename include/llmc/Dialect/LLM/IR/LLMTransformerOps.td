//===- LLMTransformerOps.td - transformer-level ops --------*- tablegen -*-===//
//
// The ops that name the structure of a decoder-only transformer. Passes
// (static shapes, FP16 range safety, KV-cache planning, fusion) match these
// ops, so each states its exact semantics, layouts and shapes.
//
// Layout conventions shared by this file:
//   * activations are [B, S, D] (batch, sequence, features);
//   * per-head tensors are [B, H, S, Dh] (batch, heads, sequence, head dim);
//   * KV caches are per-head tensors [B, Hkv, S, Dh] along the sequence
//     axis 2; multi-head latent attention caches its latent and its shared
//     RoPE key as single-"head" tensors [B, 1, S, R] and [B, 1, S, Dr].
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMTRANSFORMEROPS_TD
#define LLMC_DIALECT_LLM_IR_LLMTRANSFORMEROPS_TD

class LLM_TransformerOp<string mnemonic, list<Trait> traits = []>
    : LLM_KnownOp<mnemonic, !listconcat([Pure], traits)>;

def LLM_EmbeddingOp : LLM_TransformerOp<"embedding", [InferTypeOpAdaptor]> {
  let summary = "row lookup in an embedding table";
  let description = [{
    `result[i..., d] = table[ids[i...], d]` for a table `[V, D]` and ids of
    any shape; the result has shape `ids.shape + [D]` and the table's element
    type. Used for token embeddings and GPT-2's learned position embeddings
    (with position ids). An id outside `[0, V)` is a run-time error.

    ```mlir
    %h = llm.embedding %wte[%ids] : tensor<512x64xf32>, tensor<1x?xi64>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$table, LLM_IndexTensor:$ids);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $table `[` $ids `]` attr-dict `:` type($table) `,` type($ids)
  }];
}

def LLM_LinearOp : LLM_TransformerOp<"linear", [InferTypeOpAdaptor]> {
  let summary = "fully connected layer: x times W transposed, plus bias";
  let description = [{
    For `input [..., K]`, a weight of `N` outputs and `K` inputs and an
    optional `bias [N]`:
    `result[..., n] = sum_k input[..., k] * W[n, k] + bias[n]`,
    with shape `input.shape[:-1] + [N]`.

    `weight_layout` says how the weight is stored, so that checkpoints are
    used as they are, without a transposed copy:
    * `out_in` (default): `weight` is `[N, K]`, as in `torch.nn.Linear`
      (Llama, Qwen2, DeepSeek, and GPT-2's tied LM head);
    * `in_out`: `weight` is `[K, N]`, as in GPT-2's `Conv1D` layers.

    All operands have the same element type. The sum over `k` is an
    accumulation (see "Numerics" in the dialect documentation).

    ```mlir
    %y = llm.linear %x, %w, %b : tensor<1x?x64xf32>, tensor<192x64xf32>, tensor<192xf32>
    %z = llm.linear %x, %c {weight_layout = #llm.weight_layout<in_out>}
           : tensor<1x?x64xf32>, tensor<64x192xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, LLM_FloatTensor:$weight,
                       Optional<LLM_FloatTensor>:$bias,
                       DefaultValuedAttr<LLM_WeightLayoutAttr,
                           "::llmc::llm::WeightLayout::out_in">:$weight_layout);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)?
  }];
}

def LLM_RMSNormOp : LLM_TransformerOp<"rms_norm",
    [InferTypeOpAdaptor]> {
  let summary = "root-mean-square normalisation over the last dimension";
  let description = [{
    For `input [..., D]` and `weight [D]`:

    ```
    result[..., d] = input[..., d] / sqrt(mean_k(input[..., k]^2) + epsilon) * weight[d]
    ```

    The value is defined with exact arithmetic and rounded once to the
    element type: the squares and their mean do not overflow in this
    definition, whatever the element type. A device that computes the sum
    of squares in FP16 overflows once any |x| > 255.9; rewriting the op into
    a form that cannot is the FP16-safety pass's job, and the executor's
    `--fp16` mode shows the naive behaviour. Used by Llama, Qwen2 and
    DeepSeek (including MLA's latent norms).

    ```mlir
    %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x?x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, LLM_FloatTensor:$weight,
                       F64Attr:$epsilon);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `epsilon` `(` $epsilon `)` attr-dict `:`
    type($input) `,` type($weight)
  }];
}

def LLM_LayerNormOp : LLM_TransformerOp<"layer_norm", [InferTypeOpAdaptor]> {
  let summary = "layer normalisation over the last dimension";
  let description = [{
    For `input [..., D]`, `weight [D]` and an optional `bias [D]`:

    ```
    mu  = mean_k(input[..., k])
    var = mean_k((input[..., k] - mu)^2)          (biased, as in PyTorch)
    result[..., d] = (input[..., d] - mu) / sqrt(var + epsilon) * weight[d] + bias[d]
    ```

    Defined with exact arithmetic and rounded once, like `llm.rms_norm`.
    Used by GPT-2.

    ```mlir
    %y = llm.layer_norm %x, %w, %b epsilon(1.0e-05)
           : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, LLM_FloatTensor:$weight,
                       Optional<LLM_FloatTensor>:$bias, F64Attr:$epsilon);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `epsilon` `(` $epsilon `)` attr-dict `:`
    type($input) `,` type($weight) (`,` type($bias)^)?
  }];
}

def LLM_RopeOp : LLM_TransformerOp<"rope", [InferTypeOpAdaptor]> {
  let summary = "rotary position embedding";
  let description = [{
    Rotates pairs of feature dimensions of `input [B, H, S, Dh]` by angles
    proportional to `positions [B, S]` (integer absolute positions). With
    `R = rotary_dim` (even, at most `Dh`; default `Dh`) and, for `i` in
    `[0, R/2)`:

    ```
    inv_freq_i = theta^(-2i / R)            (modified by `yarn` when present)
               | inv_freq[i]                (explicit frequencies instead)
    a          = positions[b, s] * inv_freq_i
    c, t       = cos(a) * m, sin(a) * m
    ```

    where `m` is the YaRN magnitude with `yarn`, the `magnitude` attribute
    with explicit frequencies, and 1 otherwise. The pair `(x1, x2)` of
    dimensions rotated by angle `a` becomes
    `(x1 * c - x2 * t, x2 * c + x1 * t)`, where the pair is
    * `half_split` (Llama, Qwen2, GPT-NeoX): dimensions `i` and `i + R/2`;
    * `interleaved` (DeepSeek's stored layout, GPT-J): dimensions `2i` and
      `2i + 1`; the result keeps this interleaved order.

    Dimensions `R..Dh-1` pass through unchanged (partial rotary). Angles are
    exact (computed in double precision); the result is rounded once.

    The frequencies are given either by `theta` (with an optional `yarn`),
    or, for scalings that have no parameter form here (a raised export only
    holds the frequencies it computed), by `inv_freq`: `R/2` positive
    finite numbers, with an optional positive `magnitude`.

    Hugging Face's DeepSeek code permutes the interleaved pairs into
    half-split order before rotating; that is a fixed permutation of the
    head dimension applied alike to queries and keys, so every attention
    score, and so every model output, is the same as with `interleaved`
    here. Only a cache dumped from PyTorch differs, by that permutation.

    ```mlir
    %q = llm.rope <half_split> %x, %pos theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
    %k = llm.rope <half_split> %y, %pos {inv_freq = array<f64: 1.0, 0.1>, magnitude = 1.2 : f64} : tensor<1x1x?x4xf32>, tensor<1x?xi64>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, LLM_IndexTensor:$positions,
                       LLM_RopeLayoutAttr:$layout, OptionalAttr<F64Attr>:$theta,
                       OptionalAttr<I64Attr>:$rotary_dim,
                       OptionalAttr<LLM_YarnAttr>:$yarn,
                       OptionalAttr<DenseF64ArrayAttr>:$inv_freq,
                       OptionalAttr<F64Attr>:$magnitude);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $layout $input `,` $positions (`theta` `(` $theta^ `)`)? attr-dict `:`
    type($input) `,` type($positions)
  }];
  let extraClassDeclaration = [{
    /// The number of rotated dimensions (`rotary_dim`, or the head dim).
    int64_t getEffectiveRotaryDim();
    /// The R/2 inverse frequencies (theta and yarn, or inv_freq).
    llvm::SmallVector<double> computeInverseFrequencies();
    /// The factor m of cos and sin (YaRN's, `magnitude`, or 1).
    double computeMagnitude();
  }];
}

def LLM_AttentionOp : LLM_TransformerOp<"attention", [InferTypeOpAdaptor]> {
  let summary = "scaled dot-product attention with grouped-query heads";
  let description = [{
    For `query [B, Hq, Sq, Dk]`, `key [B, Hkv, Skv, Dk]` and
    `value [B, Hkv, Skv, Dv]` (the full key/value sequence, cache included):

    ```
    g(h)          = kv_head_map[h]  if kv_head_map is given
                  = h / (Hq / Hkv)  otherwise (Hq must be a multiple of Hkv)
    s[b,h,i,j]    = scale * sum_d query[b,h,i,d] * key[b,g(h),j,d]
    allowed(i, j) = (!causal || j <= Skv - Sq + i) && mask allows (b,h,i,j)
    p[b,h,i,:]    = softmax over the allowed j of s[b,h,i,:]  (0 elsewhere)
    result[b,h,i,e] = sum_j p[b,h,i,j] * value[b,g(h),j,e]
    ```

    * `causal`: query `i` is the token at absolute position `Skv - Sq + i`
      (the queries are the last `Sq` tokens of the key sequence; a prefill
      that continues a cache, and a one-token decode, are both this case).
    * `mask` (optional), broadcastable to `[B, Hq, Sq, Skv]`: an `i1` mask
      allows where true; a float mask is added to `s` (a value of `-inf`
      disallows).
    * A row in which no key is allowed yields zeros, never NaN.
    * `kv_head_map` is the explicit query-head to KV-head mapping of
      grouped-query attention: `Hq` entries in `[0, Hkv)`. Multi-head
      attention is `Hq == Hkv`, multi-query attention `Hkv == 1`.
    * `scale` is the softmax scale, usually `1/sqrt(Dk)`, times YaRN's
      `mscale^2` correction for DeepSeek.

    Softmax uses the max-subtracted form; the sums over `d` and `j` are
    accumulations (see "Numerics"). `key` and `value` have the query's
    element type, or f16/bf16 for an f32 query (a KV cache stored narrower,
    `llm-cache-type`): their elements are read as the f32 numbers they are.

    ```mlir
    %o = llm.attention %q, %k, %v scale(2.500000e-01) causal
           : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$query, LLM_FloatTensor:$key,
                       LLM_FloatTensor:$value,
                       Optional<RankedTensorOf<[F32, F16, BF16, I1]>>:$mask,
                       F64Attr:$scale, UnitAttr:$causal,
                       OptionalAttr<DenseI64ArrayAttr>:$kv_head_map);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? `scale` `(` $scale `)`
    (`causal` $causal^)? attr-dict `:` type($query) `,` type($key) `,`
    type($value) (`,` type($mask)^)?
  }];
  let extraClassDeclaration = [{
    /// The KV head that query head `h` reads.
    int64_t getKvHeadOf(int64_t h);
  }];
}

def LLM_MLAAttentionOp : LLM_TransformerOp<"mla_attention",
    [InferTypeOpAdaptor]> {
  let summary = "DeepSeek multi-head latent attention over a compressed cache";
  let description = [{
    Attention whose keys and values are decompressed from a shared latent,
    as in DeepSeek-V2/V3. Operands:
    * `query_nope [B, H, Sq, Dn]`: the part of each query without RoPE;
    * `query_rope [B, H, Sq, Dr]`: the RoPE part (already rotated);
    * `latent [B, 1, Skv, R]`: the compressed KV (after its RMSNorm),
      i.e. what the cache holds;
    * `key_rope [B, 1, Skv, Dr]`: the RoPE key shared by all heads (already
      rotated), also cached;
    * `kv_up_weight [H * (Dn + Dv), R]`: `kv_b_proj.weight`; for head `h`,
      rows `h*(Dn+Dv) .. h*(Dn+Dv)+Dn-1` are `Wk[h]` and the next `Dv` rows
      are `Wv[h]`.

    ```
    key_nope[b,h,j,:] = Wk[h] @ latent[b,0,j,:]
    val[b,h,j,:]      = Wv[h] @ latent[b,0,j,:]
    s[b,h,i,j] = scale * (query_nope[b,h,i,:] . key_nope[b,h,j,:]
                          + query_rope[b,h,i,:] . key_rope[b,0,j,:])
    result[b,h,i,:] = sum_j softmax_j(s)[b,h,i,j] * val[b,h,j,:]     -> [B, H, Sq, Dv]
    ```

    with `causal` masking and an optional i1 `mask` (true = allowed,
    broadcastable to `[B, H, Sq, Skv]`) as in `llm.attention`, and the same
    rule for a row with no allowed key. The definition is the "naive" (decompressing)
    form; a pass may compute it in the "absorbed" form (Wk folded into the
    query, Wv into the output) since both are the same function. `latent`
    and `key_rope` (the caches) have the query's element type, or f16/bf16
    for an f32 query, read as the f32 numbers they are (as in
    `llm.attention`).

    ```mlir
    %o = llm.mla_attention %qn, %qr, %c, %kr, %wkvb scale(1.0e-01) causal
           : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>,
             tensor<1x1x?x8xf32>, tensor<128x32xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$query_nope, LLM_FloatTensor:$query_rope,
                       LLM_FloatTensor:$latent, LLM_FloatTensor:$key_rope,
                       LLM_FloatTensor:$kv_up_weight,
                       Optional<LLM_BoolTensor>:$mask,
                       F64Attr:$scale, UnitAttr:$causal);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $query_nope `,` $query_rope `,` $latent `,` $key_rope `,` $kv_up_weight
    (`mask` $mask^)? `scale` `(` $scale `)` (`causal` $causal^)? attr-dict `:`
    type($query_nope) `,` type($query_rope) `,` type($latent) `,`
    type($key_rope) `,` type($kv_up_weight) (`,` type($mask)^)?
  }];
}

def LLM_KVAppendOp : LLM_TransformerOp<"kv_append", [InferTypeOpAdaptor]> {
  let summary = "a KV cache extended by new entries";
  let description = [{
    For a cache `[B, H, Sp, D]` and new entries `[B, H, Sn, D]`, the cache
    `[B, H, Sp + Sn, D]` that holds the old entries then the new ones along
    the sequence axis 2. Functionally a concatenation; it is a distinct op
    because it marks the dataflow of a KV cache: the static-shape pass turns
    it into an in-place write into a persistent fixed-size buffer. An empty
    cache (`Sp == 0`) is the first prefill.

    ```mlir
    %k1 = llm.kv_append %k0, %k : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$cache, LLM_FloatTensor:$update);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $cache `,` $update attr-dict `:` type($cache) `,` type($update)
  }];
}

def LLM_CacheUpdateOp : LLM_TransformerOp<"cache_update", [InferTypeOpAdaptor]> {
  let summary = "new entries written into a fixed-size KV cache";
  let description = [{
    For a cache `[B, H, M, D]` of `M` slots, new entries `[B, H, N, D]`
    and the scalars `position` (p) and `length` (n): the cache with slots
    `p .. p+n-1` along axis 2 replaced by the first `n` entries of the
    update, every other slot unchanged (update-slice semantics). Entries
    `n .. N-1` (the padding of a static prefill) are not written. At run
    time `0 <= n <= N`, `p >= 0` and `p + n <= M`, else it is an error.

    What the static-shape pass turns `llm.kv_append` into. A program that
    returns this value for a cache it takes as an argument marks the result
    `llm.aliases = <argument index>`: the result lives in the argument's
    buffer, so a target writes the `n` slots in place and copies nothing.
    (The reference executor copies the cache; it is a reference.)

    ```mlir
    %k1 = llm.cache_update %k0[%pos], %k length %n : tensor<1x2x64x16xf32>, tensor<1x2x8x16xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$cache, LLM_FloatTensor:$update,
                       LLM_I64Scalar:$position, LLM_I64Scalar:$length);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $cache `[` $position `]` `,` $update `length` $length attr-dict `:`
    type($cache) `,` type($update)
  }];
}

def LLM_GeluOp : LLM_TransformerOp<"gelu",
    [SameOperandsAndResultType, Elementwise]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    * `erf`: `0.5 * x * (1 + erf(x / sqrt(2)))` (PyTorch's default GELU);
    * `tanh`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))`
      (GPT-2's `gelu_new`).

    ```mlir
    %y = llm.gelu <tanh> %x : tensor<1x?x256xf32>
    ```
  }];
  let arguments = (ins LLM_GeluApproximationAttr:$approximation,
                       LLM_FloatTensor:$input);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$approximation $input attr-dict `:` type($input)";
}

def LLM_SiluOp : LLM_TransformerOp<"silu",
    [SameOperandsAndResultType, Elementwise]> {
  let summary = "sigmoid linear unit: x * sigmoid(x)";
  let description = [{
    `x / (1 + exp(-x))`, elementwise.

    ```mlir
    %y = llm.silu %x : tensor<1x?x256xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LLM_SwiGLUOp : LLM_TransformerOp<"swiglu",
    [SameOperandsAndResultType, Elementwise]> {
  let summary = "gated SiLU: silu(gate) * up";
  let description = [{
    `silu(gate) * up`, elementwise on two tensors of the same type: the
    gate of a Llama/Qwen2/DeepSeek MLP (`down(silu(gate(x)) * up(x))`).

    ```mlir
    %y = llm.swiglu %g, %u : tensor<1x?x256xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$gate, LLM_FloatTensor:$up);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($gate)";
}

#endif // LLMC_DIALECT_LLM_IR_LLMTRANSFORMEROPS_TD

// Diagnostics of the transformer-level ops.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

func.func @embedding_table_rank(%t: tensor<512xf32>, %ids: tensor<1x?xi64>) {
  // expected-error @+1 {{table [V, D] must have rank 2, got rank 1}}
  %h = llm.embedding %t[%ids] : tensor<512xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @embedding_float_ids(%t: tensor<512x8xf32>, %ids: tensor<1x?xf32>) {
  // expected-error @+1 {{'llm.embedding' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %h = "llm.embedding"(%t, %ids) : (tensor<512x8xf32>, tensor<1x?xf32>) -> tensor<1x?x8xf32>
  return
}

// -----

func.func @linear_scalar_input(%x: tensor<f32>, %w: tensor<4x4xf32>) {
  // expected-error @+1 {{input must have rank at least 1}}
  %y = llm.linear %x, %w : tensor<f32>, tensor<4x4xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<2x4xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{weight must have rank 2, got rank 1}}
  %y = llm.linear %x, %w : tensor<2x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @linear_in_features(%x: tensor<1x?x64xf32>, %w: tensor<192x32xf32>) {
  // expected-error @+1 {{input features and weight in-features differ: 64 vs 32}}
  %y = llm.linear %x, %w : tensor<1x?x64xf32>, tensor<192x32xf32>
  return
}

// -----

func.func @linear_in_out_layout(%x: tensor<1x?x64xf32>, %w: tensor<192x64xf32>) {
  // Conv1D weights are [in, out]: 192 in-features here.
  // expected-error @+1 {{input features and weight in-features differ: 64 vs 192}}
  %y = llm.linear %x, %w {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<192x64xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<1x?x64xf32>, %w: tensor<192x64xf32>, %b: tensor<64xf32>) {
  // expected-error @+1 {{bias must be [192] (the out-features), got [64]}}
  %y = llm.linear %x, %w, %b : tensor<1x?x64xf32>, tensor<192x64xf32>, tensor<64xf32>
  return
}

// -----

func.func @linear_mixed_types(%x: tensor<1x?x64xf16>, %w: tensor<192x64xf32>) {
  // expected-error @+1 {{operands must share one element type, got 'f16' and 'f32'}}
  %y = llm.linear %x, %w : tensor<1x?x64xf16>, tensor<192x64xf32>
  return
}

// -----

func.func @rms_norm_scalar(%x: tensor<f32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{input must have rank at least 1}}
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<f32>, tensor<64xf32>
  return
}

// -----

func.func @rms_norm_weight(%x: tensor<1x?x64xf32>, %w: tensor<32xf32>) {
  // expected-error @+1 {{weight and bias must be [64] (the input's last dimension), got [32]}}
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x?x64xf32>, tensor<32xf32>
  return
}

// -----

func.func @rms_norm_epsilon(%x: tensor<1x?x64xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{epsilon must be non-negative, got -1.000000e+00}}
  %y = llm.rms_norm %x, %w epsilon(-1.0) : tensor<1x?x64xf32>, tensor<64xf32>
  return
}

// -----

func.func @layer_norm_bias(%x: tensor<1x?x64xf32>, %w: tensor<64xf32>, %b: tensor<1x64xf32>) {
  // expected-error @+1 {{weight and bias must be [64] (the input's last dimension), got [1, 64]}}
  %y = llm.layer_norm %x, %w, %b epsilon(1.0e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<1x64xf32>
  return
}

// -----

func.func @layer_norm_types(%x: tensor<1x?x64xf32>, %w: tensor<64xf32>, %b: tensor<64xbf16>) {
  // expected-error @+1 {{operands must share one element type, got 'f32' and 'bf16'}}
  %y = llm.layer_norm %x, %w, %b epsilon(1.0e-05) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xbf16>
  return
}

// -----

func.func @rope_input_rank(%x: tensor<1x?x64xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{input [B, H, S, Dh] must have rank 4, got rank 3}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) : tensor<1x?x64xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @rope_positions_rank(%x: tensor<1x4x?x16xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{positions [B, S] must have rank 2, got rank 1}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<?xi64>
  return
}

// -----

func.func @rope_batch(%x: tensor<1x4x?x16xf32>, %p: tensor<2x?xi64>) {
  // expected-error @+1 {{input and positions batch sizes differ: 1 vs 2}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<2x?xi64>
  return
}

// -----

func.func @rope_length(%x: tensor<1x4x7x16xf32>, %p: tensor<1x5xi64>) {
  // expected-error @+1 {{input and positions sequence lengths differ: 7 vs 5}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) : tensor<1x4x7x16xf32>, tensor<1x5xi64>
  return
}

// -----

func.func @rope_dynamic_head_dim(%x: tensor<1x4x7x?xf32>, %p: tensor<1x7xi64>) {
  // expected-error @+1 {{the head dimension must be static}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) : tensor<1x4x7x?xf32>, tensor<1x7xi64>
  return
}

// -----

func.func @rope_rotary_dim(%x: tensor<1x4x?x16xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{rotary_dim must be even and in [2, 16], got 7}}
  %y = llm.rope <half_split> %x, %p theta(1.0e+04) {rotary_dim = 7} : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @rope_odd_head_dim(%x: tensor<1x4x?x15xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{rotary_dim must be even and in [2, 15], got 15}}
  %y = llm.rope <interleaved> %x, %p theta(1.0e+04) : tensor<1x4x?x15xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @rope_theta(%x: tensor<1x4x?x16xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{theta must be positive}}
  %y = llm.rope <half_split> %x, %p theta(0.0) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @rope_layout(%x: tensor<1x4x?x16xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+2 {{expected ::llmc::llm::RopeLayout to be one of: half_split, interleaved}}
  // expected-error @+1 {{failed to parse LLM_RopeLayoutAttr parameter 'value'}}
  %y = llm.rope <rotate_half> %x, %p theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @attention_rank(%q: tensor<1x?x64xf32>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{query [B, Hq, Sq, Dk] must have rank 4, got rank 3}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<1x?x64xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_key_rank(%q: tensor<1x4x?x16xf32>, %k: tensor<2x?x16xf32>, %v: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{key [B, Hkv, Skv, Dk] must have rank 4, got rank 3}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x?x16xf32>, tensor<2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_value_rank(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<2x?x16xf32>) {
  // expected-error @+1 {{value [B, Hkv, Skv, Dv] must have rank 4, got rank 3}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<2x?x16xf32>
  return
}

// -----

func.func @attention_batch(%q: tensor<2x4x?x16xf32>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{query and key batch sizes differ: 2 vs 1}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<2x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_kv_batch(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<2x2x?x16xf32>) {
  // expected-error @+1 {{key and value batch sizes differ: 1 vs 2}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<2x2x?x16xf32>
  return
}

// -----

func.func @attention_kv_heads(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x4x?x16xf32>) {
  // expected-error @+1 {{key and value head counts differ: 2 vs 4}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x4x?x16xf32>
  return
}

// -----

func.func @attention_kv_length(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x5x16xf32>, %v: tensor<1x2x6x16xf32>) {
  // expected-error @+1 {{key and value lengths differ: 5 vs 6}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x2x5x16xf32>, tensor<1x2x6x16xf32>
  return
}

// -----

func.func @attention_head_dim(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x8xf32>) {
  // expected-error @+1 {{query and key head dims differ: 16 vs 8}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  return
}

// -----

func.func @attention_types(%q: tensor<1x4x?x16xf16>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{keys and values stored as 'f32' cannot be read as 'f16' (the same type, or f16/bf16 for f32)}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<1x4x?x16xf16>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_scale(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got 0.000000e+00}}
  %o = llm.attention %q, %k, %k scale(0.0) : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_groups(%q: tensor<1x4x?x16xf32>, %k: tensor<1x3x?x16xf32>) {
  // expected-error @+1 {{query heads (4) must be a multiple of KV heads (3) unless kv_head_map is given}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x3x?x16xf32>, tensor<1x3x?x16xf32>
  return
}

// -----

func.func @attention_map_length(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{kv_head_map needs one entry per query head (4), got 3}}
  %o = llm.attention %q, %k, %k scale(0.25) {kv_head_map = array<i64: 0, 0, 1>} : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_map_entry(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{kv_head_map maps query head 2 to 5, not a KV head in [0, 2)}}
  %o = llm.attention %q, %k, %k scale(0.25) {kv_head_map = array<i64: 0, 0, 5, 1>} : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @attention_map_uneven(%q: tensor<1x4x?x16xf32>, %k: tensor<1x3x?x16xf32>) -> tensor<1x4x?x16xf32> {
  // An explicit map allows any grouping, even an uneven one.
  %o = llm.attention %q, %k, %k scale(0.25) {kv_head_map = array<i64: 0, 1, 2, 2>} : tensor<1x4x?x16xf32>, tensor<1x3x?x16xf32>, tensor<1x3x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// -----

func.func @attention_mask(%q: tensor<1x4x7x16xf32>, %k: tensor<1x2x9x16xf32>, %m: tensor<7x7xi1>) {
  // expected-error @+1 {{mask [7, 7] does not broadcast to the scores [1, 4, 7, 9]}}
  %o = llm.attention %q, %k, %k mask %m scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x2x9x16xf32>, tensor<1x2x9x16xf32>, tensor<7x7xi1>
  return
}

// -----

func.func @attention_mask_rank(%q: tensor<1x4x7x16xf32>, %k: tensor<1x2x9x16xf32>, %m: tensor<1x1x1x7x9xi1>) {
  // expected-error @+1 {{mask [1, 1, 1, 7, 9] does not broadcast to the scores [1, 4, 7, 9]}}
  %o = llm.attention %q, %k, %k mask %m scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x2x9x16xf32>, tensor<1x2x9x16xf32>, tensor<1x1x1x7x9xi1>
  return
}

// -----

func.func @mla_rank(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x?x32xf32>,
                    %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{latent [B, 1, Skv, R] must have rank 4, got rank 3}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_weight_rank(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                           %kr: tensor<1x1x?x8xf32>, %w: tensor<3584xf32>) {
  // expected-error @+1 {{kv_up_weight [H * (Dn + Dv), R] must have rank 2, got rank 1}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<3584xf32>
  return
}

// -----

func.func @mla_query_heads(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x2x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                           %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_nope and query_rope head counts differ: 4 vs 2}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_shared_head(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x4x?x32xf32>,
                           %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{latent and key_rope are shared by all heads and must have one head (dim 1 == 1)}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_lengths(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x5x32xf32>,
                       %kr: tensor<1x1x6x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{latent and key_rope lengths differ: 5 vs 6}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x5x32xf32>, tensor<1x1x6x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_rope_dims(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                         %kr: tensor<1x1x?x4xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_rope and key_rope head dims differ: 8 vs 4}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x4xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_latent_width(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                            %kr: tensor<1x1x?x8xf32>, %w: tensor<112x64xf32>) {
  // expected-error @+1 {{kv_up_weight columns and latent width differ: 64 vs 32}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x64xf32>
  return
}

// -----

func.func @mla_rows(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                    %kr: tensor<1x1x?x8xf32>, %w: tensor<64x32xf32>) {
  // 64 rows leave no value dims for 4 heads of 16 nope dims.
  // expected-error @+1 {{kv_up_weight has 64 rows, not heads * (Dn + Dv) = 4 * (16 + Dv) with Dv > 0}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<64x32xf32>
  return
}

// -----

func.func @mla_dynamic_heads(%qn: tensor<1x?x?x16xf32>, %qr: tensor<1x?x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                             %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{heads, Dn and the kv_up_weight rows must be static}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x?x?x16xf32>, tensor<1x?x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_batch(%qn: tensor<2x4x?x16xf32>, %qr: tensor<2x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                     %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query and latent batch sizes differ: 2 vs 1}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<2x4x?x16xf32>, tensor<2x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_scale(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                     %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{scale must be positive and finite, got -1.000000e-01}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(-0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @kv_append_rank(%c: tensor<1x?x16xf32>, %n: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{cache [B, H, S, D] must have rank 4, got rank 3}}
  %r = llm.kv_append %c, %n : tensor<1x?x16xf32>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @kv_append_heads(%c: tensor<1x2x?x16xf32>, %n: tensor<1x4x?x16xf32>) {
  // expected-error @+1 {{head counts differ: 2 vs 4}}
  %r = llm.kv_append %c, %n : tensor<1x2x?x16xf32>, tensor<1x4x?x16xf32>
  return
}

// -----

func.func @kv_append_head_dim(%c: tensor<1x2x?x16xf32>, %n: tensor<1x2x?x8xf32>) {
  // expected-error @+1 {{head dims differ: 16 vs 8}}
  %r = llm.kv_append %c, %n : tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>
  return
}

// -----

func.func @kv_append_batch(%c: tensor<1x2x?x16xf32>, %n: tensor<2x2x?x16xf32>) {
  // expected-error @+1 {{batch sizes differ: 1 vs 2}}
  %r = llm.kv_append %c, %n : tensor<1x2x?x16xf32>, tensor<2x2x?x16xf32>
  return
}

// -----

func.func @kv_append_types(%c: tensor<1x2x?x16xf16>, %n: tensor<1x2x?x16xf32>) {
  // expected-error @+1 {{operands must share one element type, got 'f16' and 'f32'}}
  %r = llm.kv_append %c, %n : tensor<1x2x?x16xf16>, tensor<1x2x?x16xf32>
  return
}

// -----

func.func @kv_append_result(%c: tensor<1x2x3x16xf32>, %n: tensor<1x2x1x16xf32>) {
  // The generic form states a result type; it must be the inferred one.
  // expected-error @+2 {{'llm.kv_append' op inferred type(s) 'tensor<1x2x4x16xf32>' are incompatible with return type(s) of operation 'tensor<1x2x5x16xf32>'}}
  // expected-error @+1 {{'llm.kv_append' op failed to infer returned types}}
  %r = "llm.kv_append"(%c, %n) : (tensor<1x2x3x16xf32>, tensor<1x2x1x16xf32>) -> tensor<1x2x5x16xf32>
  return
}

// -----

func.func @swiglu_types(%g: tensor<1x?x256xf32>, %u: tensor<1x?x128xf32>) {
  // expected-error @+1 {{'llm.swiglu' op requires the same type for all operands and results}}
  %r = "llm.swiglu"(%g, %u) : (tensor<1x?x256xf32>, tensor<1x?x128xf32>) -> tensor<1x?x256xf32>
  return
}

// -----

func.func @gelu_kind(%x: tensor<4xf32>) {
  // expected-error @+2 {{expected ::llmc::llm::GeluApproximation to be one of: erf, tanh}}
  // expected-error @+1 {{failed to parse LLM_GeluApproximationAttr parameter 'value'}}
  %r = llm.gelu <sigmoid> %x : tensor<4xf32>
  return
}

// -----

func.func @mla_query_nope_rank(%qn: tensor<4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                               %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_nope [B, H, Sq, Dn] must have rank 4, got rank 3}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_query_rope_rank(%qn: tensor<1x4x?x16xf32>, %qr: tensor<4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                               %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_rope [B, H, Sq, Dr] must have rank 4, got rank 3}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x4x?x16xf32>, tensor<4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_key_rope_rank(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                             %kr: tensor<1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{key_rope [B, 1, Skv, Dr] must have rank 4, got rank 3}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_query_batch(%qn: tensor<1x4x?x16xf32>, %qr: tensor<2x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                           %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_nope and query_rope batch sizes differ: 1 vs 2}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x4x?x16xf32>, tensor<2x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_query_length(%qn: tensor<1x4x3x16xf32>, %qr: tensor<1x4x2x8xf32>, %c: tensor<1x1x?x32xf32>,
                            %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{query_nope and query_rope lengths differ: 3 vs 2}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x4x3x16xf32>, tensor<1x4x2x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_latent_batch(%qn: tensor<?x4x?x16xf32>, %qr: tensor<?x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                            %kr: tensor<2x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{latent and key_rope batch sizes differ: 1 vs 2}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<?x4x?x16xf32>, tensor<?x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<2x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @mla_types(%qn: tensor<1x4x?x16xf16>, %qr: tensor<1x4x?x8xf16>, %c: tensor<1x1x?x32xf16>,
                     %kr: tensor<1x1x?x8xf16>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{operands must share one element type, got 'f16' and 'f32'}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x4x?x16xf16>, tensor<1x4x?x8xf16>, tensor<1x1x?x32xf16>, tensor<1x1x?x8xf16>, tensor<112x32xf32>
  return
}

// -----

func.func @kv_append_update_rank(%c: tensor<1x2x?x16xf32>, %n: tensor<2x?x16xf32>) {
  // expected-error @+1 {{update [B, H, S, D] must have rank 4, got rank 3}}
  %r = llm.kv_append %c, %n : tensor<1x2x?x16xf32>, tensor<2x?x16xf32>
  return
}

// -----

func.func @cache_update_overflow(%cache: tensor<1x2x4x16xf32>, %new: tensor<1x2x8x16xf32>, %p: tensor<i64>) -> tensor<1x2x4x16xf32> {
  // expected-error @+1 {{an update of 8 entries cannot fit a cache of 4 slots}}
  %u = llm.cache_update %cache[%p], %new length %p : tensor<1x2x4x16xf32>, tensor<1x2x8x16xf32>
  return %u : tensor<1x2x4x16xf32>
}

// -----

func.func @cache_update_heads(%cache: tensor<1x2x32x16xf32>, %new: tensor<1x4x8x16xf32>, %p: tensor<i64>) -> tensor<1x2x32x16xf32> {
  // expected-error @+1 {{head counts}}
  %u = llm.cache_update %cache[%p], %new length %p : tensor<1x2x32x16xf32>, tensor<1x4x8x16xf32>
  return %u : tensor<1x2x32x16xf32>
}

// -----

func.func @mla_mask(%qn: tensor<1x4x8x16xf32>, %qr: tensor<1x4x8x8xf32>, %c: tensor<1x1x32x32xf32>, %kr: tensor<1x1x32x8xf32>, %w: tensor<112x32xf32>, %m: tensor<8x16xi1>) -> tensor<1x4x8x12xf32> {
  // expected-error @+1 {{mask [8, 16] does not broadcast to the scores [1, 4, 8, 32]}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w mask %m scale(0.1) : tensor<1x4x8x16xf32>, tensor<1x4x8x8xf32>, tensor<1x1x32x32xf32>, tensor<1x1x32x8xf32>, tensor<112x32xf32>, tensor<8x16xi1>
  return %o : tensor<1x4x8x12xf32>
}

// -----

// Keys and values of one stored type: f16 or bf16 for an f32 query.
func.func @attention_keys_of_two_types(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x8x16xf16>, %v: tensor<1x2x8x16xbf16>) {
  // expected-error @+1 {{operands must share one element type, got 'f16' and 'bf16'}}
  %o = llm.attention %q, %k, %v scale(0.25) : tensor<1x4x1x16xf32>, tensor<1x2x8x16xf16>, tensor<1x2x8x16xbf16>
  return
}

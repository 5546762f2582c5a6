// Specification tests of llm.rope, llm.attention and llm.mla_attention
// (docs/dialect/llm.md; lib/Reference/AttentionKernels.cpp). Attention
// inputs are chosen so that the softmax weights are simple fractions: with
// scale = ln 3, scores [0, 1] become weights [1/4, 3/4].
// RUN: llmc-run --check %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 17 passed, 0 failed

// ---------------------------------------------------------------------------
// rope
// ---------------------------------------------------------------------------

// theta = 100, Dh = 4: inv_freq = [100^0, 100^(-2/4)] = [1, 0.1]. Position 2
// rotates the pair (x0, x2) by 2 rad (cos -0.416147, sin 0.909297) and the
// pair (x1, x3) by 0.2 rad (cos 0.980067, sin 0.198669); position 0 is the
// identity. For x = [1, 2, 3, 4] at position 2:
//   x0' = 1 c - 3 t = -3.144039, x2' = 3 c + 1 t = -0.339143 (2 rad)
//   x1' = 2 c - 4 t =  1.165456, x3' = 4 c + 2 t =  4.317605 (0.2 rad)
// Both heads use the positions of their token.
func.func @rope_half_split() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]],
                            [[-1.0, 0.5, 2.0, 1.0], [-1.0, 0.5, 2.0, 1.0]]]]> : tensor<1x2x2x4xf32>
  %pos = llm.constant dense<[[2, 0]]> : tensor<1x2xi64>
  %y = llm.rope <half_split> %x, %pos theta(100.0) : tensor<1x2x2x4xf32>, tensor<1x2xi64>
  check.expect_close %y, dense<[[[[-3.14403915, 1.16545582, -0.339143097, 4.31760502], [1.0, 2.0, 3.0, 4.0]],
                                 [[-1.40244806, 0.291363955, -1.7415911, 1.07940125], [-1.0, 0.5, 2.0, 1.0]]]]> : tensor<1x2x2x4xf32>
  return
}

// Quarter turns, with explicit frequencies [pi/2, pi], so that every
// rotation is exact: (x1, x2) by pi/2 -> (-x2, x1), by pi -> (-x1, -x2), by
// 2 pi -> (x1, x2). x = [1, 2, 3, 4] at positions 1 and 2 of the batch row.
// interleaved pairs (x0, x1) and (x2, x3):
//   position 1: (1, 2) by pi/2 -> (-2, 1); (3, 4) by pi   -> (-3, -4)
//   position 2: (1, 2) by pi   -> (-1, -2); (3, 4) by 2 pi -> (3, 4)
func.func @rope_interleaved() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x2x4xf32>
  %pos = llm.constant dense<[[1, 2]]> : tensor<1x2xi64>
  %y = llm.rope <interleaved> %x, %pos {inv_freq = array<f64: 1.5707963267948966, 3.141592653589793>} : tensor<1x1x2x4xf32>, tensor<1x2xi64>
  check.expect_close %y, dense<[[[[-2.0, 1.0, -3.0, -4.0], [-1.0, -2.0, 3.0, 4.0]]]]> : tensor<1x1x2x4xf32> {atol = 1.0e-6}
  return
}

// The same with half_split pairs (x0, x2) and (x1, x3):
//   position 1: (1, 3) by pi/2 -> (-3, 1); (2, 4) by pi   -> (-2, -4)
//   position 2: (1, 3) by pi   -> (-1, -3); (2, 4) by 2 pi -> (2, 4)
// Two batch rows with their own positions ([1] and [2]).
func.func @rope_half_split_quarter_turns() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]], [[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<2x1x1x4xf32>
  %pos = llm.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %y = llm.rope <half_split> %x, %pos {inv_freq = array<f64: 1.5707963267948966, 3.141592653589793>} : tensor<2x1x1x4xf32>, tensor<2x1xi64>
  check.expect_close %y, dense<[[[[-3.0, -2.0, 1.0, -4.0]]], [[[-1.0, 2.0, -3.0, 4.0]]]]> : tensor<2x1x1x4xf32> {atol = 1.0e-6}
  return
}

// Partial rotary: rotary_dim = 2 rotates (x0, x1) by pi/2 at position 1;
// dimensions 2 and 3 pass through.
func.func @rope_partial() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
  %pos = llm.constant dense<[[1]]> : tensor<1x1xi64>
  %y = llm.rope <half_split> %x, %pos {rotary_dim = 2, inv_freq = array<f64: 1.5707963267948966>} : tensor<1x1x1x4xf32>, tensor<1x1xi64>
  check.expect_close %y, dense<[[[[-2.0, 1.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32> {atol = 1.0e-6}
  return
}

// The magnitude multiplies cos and sin: at position 0 (cos 1, sin 0) the
// rotated dimensions are scaled by 2, the pass-through ones are not.
func.func @rope_magnitude() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
  %pos = llm.constant dense<[[0]]> : tensor<1x1xi64>
  %y = llm.rope <interleaved> %x, %pos {rotary_dim = 2, inv_freq = array<f64: 0.5>, magnitude = 2.0 : f64} : tensor<1x1x1x4xf32>, tensor<1x1xi64>
  check.expect_eq %y, dense<[[[[2.0, 4.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
  return
}

// YaRN (the #llm.yarn formulas), rotary dim d = 4, theta b = 1e4, factor 4,
// original_max_position 64, beta_fast 32, beta_slow 1:
//   low  = max(floor(4 ln(64 / (32 * 2 pi)) / (2 ln 1e4)), 0) = max(floor(-0.249), 0) = 0
//   high = min(ceil (4 ln(64 / (1 * 2 pi))  / (2 ln 1e4)), 3) = ceil(0.504) = 1
//   ramp = [0, 1]: inv_freq = [1 (kept), 0.01 / 4 = 0.0025 (interpolated)]
//   magnitude m(1) / m(0) = (0.1 ln 4 + 1) / 1 = 1.138629
// Position 10: pair (x0, x2) by 10 rad, c = cos(10) m = -0.839072 m =
// -0.955392, t = sin(10) m = -0.544021 m = -0.619438; pair (x1, x3) by
// 0.025 rad, c = 1.138274, t = 0.028463. For [1, 2, 3, 4]:
//   x0' = 1 c - 3 t = -0.955392 + 1.858315 = 0.902923
//   x2' = 3 c + 1 t = -2.866175 - 0.619438 = -3.485613
//   x1' = 2 c - 4 t =  2.276547 - 0.113851 = 2.162696
//   x3' = 4 c + 2 t =  4.553095 + 0.056926 = 4.610021
func.func @rope_yarn() {
  %x = llm.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
  %pos = llm.constant dense<[[10]]> : tensor<1x1xi64>
  %y = llm.rope <half_split> %x, %pos theta(1.0e+04) {yarn = #llm.yarn<factor = 4.0, original_max_position = 64, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 0.0>} : tensor<1x1x1x4xf32>, tensor<1x1xi64>
  check.expect_close %y, dense<[[[[0.902923822, 2.16269612, -3.48561311, 4.61002016]]]]> : tensor<1x1x1x4xf32>
  return
}

// ---------------------------------------------------------------------------
// attention
// ---------------------------------------------------------------------------

// Dk = 2: s = ln 3 * q . k = ln 3 * [1, 2] -> exp [3, 9] -> [1/4, 3/4];
// result = 1/4 [4, 0] + 3/4 [0, 4] = [1, 3].
func.func @attention_dot_and_scale() {
  %q = llm.constant dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>
  %k = llm.constant dense<[[[[1.0, 0.0], [0.0, 1.0]]]]> : tensor<1x1x2x2xf32>
  %v = llm.constant dense<[[[[4.0, 0.0], [0.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %o = llm.attention %q, %k, %v scale(1.0986122886681098) : tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
  check.expect_close %o, dense<[[[[1.0, 3.0]]]]> : tensor<1x1x1x2xf32>
  return
}

// Causal, Sq = Skv = 2: query 0 sees key 0 only -> v0 = [4, 0]; query 1
// scores ln 3 * [0, 1] -> 1/4 v0 + 3/4 v1 = [1, 6].
func.func @attention_causal() {
  %q = llm.constant dense<[[[[1.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %k = llm.constant dense<[[[[0.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %v = llm.constant dense<[[[[4.0, 0.0], [0.0, 8.0]]]]> : tensor<1x1x2x2xf32>
  %o = llm.attention %q, %k, %v scale(1.0986122886681098) causal : tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x2xf32>
  check.expect_close %o, dense<[[[[4.0, 0.0], [1.0, 6.0]]]]> : tensor<1x1x2x2xf32>
  return
}

// Causal with a cache: the 2 queries are the last 2 of 3 tokens, at
// positions 1 and 2 (Skv - Sq + i). With equal scores each averages the
// values it may see: query 0 (3 + 6) / 2 = 4.5, query 1 (3 + 6 + 9) / 3 = 6.
// A one-token decode sees every key: 6.
func.func @attention_causal_with_cache() {
  %q = llm.constant dense<0.0> : tensor<1x1x2x1xf32>
  %k = llm.constant dense<0.0> : tensor<1x1x3x1xf32>
  %v = llm.constant dense<[[[[3.0], [6.0], [9.0]]]]> : tensor<1x1x3x1xf32>
  %o = llm.attention %q, %k, %v scale(1.0) causal : tensor<1x1x2x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x1xf32>
  check.expect_close %o, dense<[[[[4.5], [6.0]]]]> : tensor<1x1x2x1xf32>
  %q1 = llm.constant dense<0.0> : tensor<1x1x1x1xf32>
  %d = llm.attention %q1, %k, %v scale(1.0) causal : tensor<1x1x1x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x1xf32>
  check.expect_close %d, dense<6.0> : tensor<1x1x1x1xf32>
  return
}

// An i1 mask [Sq, Skv] broadcast over batch and heads: key 1 has the highest
// score (5 ln 3) but is not allowed; keys 0 and 2 (scores 0, ln 3) get
// [1/4, 3/4]: 1/4 * 4 + 3/4 * 8 = 7.
func.func @attention_bool_mask() {
  %q = llm.constant dense<1.0> : tensor<1x1x1x1xf32>
  %k = llm.constant dense<[[[[0.0], [5.0], [1.0]]]]> : tensor<1x1x3x1xf32>
  %v = llm.constant dense<[[[[4.0], [100.0], [8.0]]]]> : tensor<1x1x3x1xf32>
  %m = llm.constant dense<[[true, false, true]]> : tensor<1x3xi1>
  %o = llm.attention %q, %k, %v mask %m scale(1.0986122886681098) : tensor<1x1x1x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x1xf32>, tensor<1x3xi1>
  check.expect_close %o, dense<7.0> : tensor<1x1x1x1xf32>
  return
}

// An additive float mask: zero scores plus [0, -inf, ln 3] -> [1/4, 0, 3/4]
// -> 1/4 * 4 + 3/4 * 8 = 7.
func.func @attention_float_mask() {
  %q = llm.constant dense<0.0> : tensor<1x1x1x1xf32>
  %k = llm.constant dense<[[[[0.0], [5.0], [1.0]]]]> : tensor<1x1x3x1xf32>
  %v = llm.constant dense<[[[[4.0], [100.0], [8.0]]]]> : tensor<1x1x3x1xf32>
  %m = llm.constant dense<[[[[0.0, 0xFF800000, 1.09861229]]]]> : tensor<1x1x1x3xf32>
  %o = llm.attention %q, %k, %v mask %m scale(1.0) : tensor<1x1x1x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x1x3xf32>
  check.expect_close %o, dense<7.0> : tensor<1x1x1x1xf32>
  return
}

// Grouped-query attention, Hq = 4, Hkv = 2. KV head 0 has keys [0, 1] and
// values [0, 4] (q = 1, scale ln 3 -> [1/4, 3/4] -> 3); KV head 1 has keys
// [1, 0] and values [8, 0] (-> [3/4, 1/4] -> 6). A head reading the keys of
// one KV head and the values of the other would give 1 or 2.
// Default mapping h / (Hq / Hkv): heads 0, 1 -> KV 0; heads 2, 3 -> KV 1.
func.func @attention_gqa() {
  %q = llm.constant dense<1.0> : tensor<1x4x1x1xf32>
  %k = llm.constant dense<[[[[0.0], [1.0]], [[1.0], [0.0]]]]> : tensor<1x2x2x1xf32>
  %v = llm.constant dense<[[[[0.0], [4.0]], [[8.0], [0.0]]]]> : tensor<1x2x2x1xf32>
  %o = llm.attention %q, %k, %v scale(1.0986122886681098) : tensor<1x4x1x1xf32>, tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>
  check.expect_close %o, dense<[[[[3.0]], [[3.0]], [[6.0]], [[6.0]]]]> : tensor<1x4x1x1xf32>
  return
}

// The explicit head map [1, 0, 0, 1] replaces the default.
func.func @attention_kv_head_map() {
  %q = llm.constant dense<1.0> : tensor<1x4x1x1xf32>
  %k = llm.constant dense<[[[[0.0], [1.0]], [[1.0], [0.0]]]]> : tensor<1x2x2x1xf32>
  %v = llm.constant dense<[[[[0.0], [4.0]], [[8.0], [0.0]]]]> : tensor<1x2x2x1xf32>
  %o = llm.attention %q, %k, %v scale(1.0986122886681098) {kv_head_map = array<i64: 1, 0, 0, 1>} : tensor<1x4x1x1xf32>, tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>
  check.expect_close %o, dense<[[[[6.0]], [[3.0]], [[3.0]], [[6.0]]]]> : tensor<1x4x1x1xf32>
  return
}

// A row in which no key is allowed yields zeros, never NaN: by an i1 mask
// (query 0), by a float mask of -inf (query 0), and by causal plus a mask
// (query 0 may only see key 0, which the mask removes). Query 1 averages
// the values it may see: (2 + 4) / 2 = 3, or key 1 alone: 4.
func.func @attention_fully_masked_row() {
  %q = llm.constant dense<0.0> : tensor<1x1x2x1xf32>
  %k = llm.constant dense<0.0> : tensor<1x1x2x1xf32>
  %v = llm.constant dense<[[[[2.0], [4.0]]]]> : tensor<1x1x2x1xf32>
  %m = llm.constant dense<[[false, false], [true, true]]> : tensor<2x2xi1>
  %a = llm.attention %q, %k, %v mask %m scale(1.0) : tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<2x2xi1>
  check.expect_close %a, dense<[[[[0.0], [3.0]]]]> : tensor<1x1x2x1xf32>
  %f = llm.constant dense<[[0xFF800000, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>
  %b = llm.attention %q, %k, %v mask %f scale(1.0) : tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<2x2xf32>
  check.expect_close %b, dense<[[[[0.0], [3.0]]]]> : tensor<1x1x2x1xf32>
  %n = llm.constant dense<[false, true]> : tensor<2xi1>
  %c = llm.attention %q, %k, %v mask %n scale(1.0) causal : tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<2xi1>
  check.expect_close %c, dense<[[[[0.0], [4.0]]]]> : tensor<1x1x2x1xf32>
  return
}

// ---------------------------------------------------------------------------
// mla_attention
// ---------------------------------------------------------------------------

// H = 2, Dn = Dr = Dv = 1, R = 2. kv_up_weight rows per head: Wk[h], Wv[h]:
//   head 0: Wk = [1, 0], Wv = [2, 6]; head 1: Wk = [0, 1], Wv = [4, 8].
// latent rows c0 = [1, 0], c1 = [0, 1]; key_rope [0, 1] (shared).
//   key_nope: head 0 [1, 0], head 1 [0, 1]; values: head 0 [2, 6], head 1 [4, 8].
// Head 0 (query_nope 1, query_rope 0): s = ln 3 * [1, 0] -> [3/4, 1/4]
//   -> 3/4 * 2 + 1/4 * 6 = 3 (the no-RoPE part decides).
// Head 1 (query_nope 0, query_rope 1): s = ln 3 * [0, 1] -> [1/4, 3/4]
//   -> 1/4 * 4 + 3/4 * 8 = 7 (the RoPE part decides).
func.func @mla_attention() {
  %qn = llm.constant dense<[[[[1.0]], [[0.0]]]]> : tensor<1x2x1x1xf32>
  %qr = llm.constant dense<[[[[0.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %c = llm.constant dense<[[[[1.0, 0.0], [0.0, 1.0]]]]> : tensor<1x1x2x2xf32>
  %kr = llm.constant dense<[[[[0.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %w = llm.constant dense<[[1.0, 0.0], [2.0, 6.0], [0.0, 1.0], [4.0, 8.0]]> : tensor<4x2xf32>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(1.0986122886681098) : tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>, tensor<4x2xf32>
  check.expect_close %o, dense<[[[[3.0]], [[7.0]]]]> : tensor<1x2x1x1xf32>
  return
}

// Causal, Sq = Skv = 2: query 0 sees key 0 only (head 0: 2, head 1: 4);
// query 1 is the case above (3, 7).
func.func @mla_attention_causal() {
  %qn = llm.constant dense<[[[[1.0], [1.0]], [[0.0], [0.0]]]]> : tensor<1x2x2x1xf32>
  %qr = llm.constant dense<[[[[0.0], [0.0]], [[1.0], [1.0]]]]> : tensor<1x2x2x1xf32>
  %c = llm.constant dense<[[[[1.0, 0.0], [0.0, 1.0]]]]> : tensor<1x1x2x2xf32>
  %kr = llm.constant dense<[[[[0.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %w = llm.constant dense<[[1.0, 0.0], [2.0, 6.0], [0.0, 1.0], [4.0, 8.0]]> : tensor<4x2xf32>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(1.0986122886681098) causal : tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>, tensor<4x2xf32>
  check.expect_close %o, dense<[[[[2.0], [3.0]], [[4.0], [7.0]]]]> : tensor<1x2x2x1xf32>
  return
}

// An i1 mask removing key 0: every head reads its value of key 1 (6, 8); a
// mask removing both keys gives zeros.
func.func @mla_attention_mask() {
  %qn = llm.constant dense<[[[[1.0]], [[0.0]]]]> : tensor<1x2x1x1xf32>
  %qr = llm.constant dense<[[[[0.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %c = llm.constant dense<[[[[1.0, 0.0], [0.0, 1.0]]]]> : tensor<1x1x2x2xf32>
  %kr = llm.constant dense<[[[[0.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %w = llm.constant dense<[[1.0, 0.0], [2.0, 6.0], [0.0, 1.0], [4.0, 8.0]]> : tensor<4x2xf32>
  %m = llm.constant dense<[false, true]> : tensor<2xi1>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w mask %m scale(1.0986122886681098) : tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>, tensor<4x2xf32>, tensor<2xi1>
  check.expect_close %o, dense<[[[[6.0]], [[8.0]]]]> : tensor<1x2x1x1xf32>
  %none = llm.constant dense<false> : tensor<2xi1>
  %z = llm.mla_attention %qn, %qr, %c, %kr, %w mask %none scale(1.0986122886681098) : tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>, tensor<4x2xf32>, tensor<2xi1>
  check.expect_eq %z, dense<0.0> : tensor<1x2x1x1xf32>
  return
}

// Specification tests of the normalisations, softmax and the reductions
// (docs/dialect/llm.md; lib/Reference/NormKernels.cpp): rms_norm, layer_norm,
// softmax, reduce_sum/mean/max/min and argmax. Inputs are chosen so that the
// statistics are whole numbers; the arithmetic is in the comments.
// RUN: llmc-run --check %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 22 passed, 0 failed

// ---------------------------------------------------------------------------
// rms_norm
// ---------------------------------------------------------------------------

// epsilon is added under the root: row 0 mean(x^2) = (1 + 1 + 9 + 25) / 4 = 9,
// sqrt(9 + 7) = 4; row 1 mean = 9 too. x / 4 * [1, 2, 3, 0.5].
func.func @rms_norm() {
  %x = llm.constant dense<[[1.0, 1.0, 3.0, 5.0], [3.0, -3.0, 3.0, -3.0]]> : tensor<2x4xf32>
  %w = llm.constant dense<[1.0, 2.0, 3.0, 0.5]> : tensor<4xf32>
  %y = llm.rms_norm %x, %w epsilon(7.0) : tensor<2x4xf32>, tensor<4xf32>
  check.expect_eq %y, dense<[[0.25, 0.5, 2.25, 0.625], [0.75, -1.5, 2.25, -0.375]]> : tensor<2x4xf32>
  return
}

// With a small epsilon: x / 3 = [1/3, 1/3, 1, 5/3] (the 1e-6 changes the
// root by 1.7e-7, within the tolerance); a row of zeros stays zeros.
func.func @rms_norm_small_epsilon() {
  %x = llm.constant dense<[[[1.0, 1.0, 3.0, 5.0], [0.0, 0.0, 0.0, 0.0]]]> : tensor<1x2x4xf32>
  %w = llm.constant dense<1.0> : tensor<4xf32>
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x2x4xf32>, tensor<4xf32>
  check.expect_close %y, dense<[[[0.333333343, 0.333333343, 1.0, 1.66666663], [0.0, 0.0, 0.0, 0.0]]]> : tensor<1x2x4xf32> {rtol = 1.0e-6}
  return
}

// The definition is exact whatever the element type: the squares of an f16
// row [256, 0] (65536, beyond f16's 65504) do not overflow.
// 256 / sqrt(65536 / 2) = sqrt(2) = 1.41421356 -> f16 1.4140625 (1448.15
// steps of 2^-10 -> 1448). On an FP16 device they do: see fp16-device.mlir.
func.func @rms_norm_f16_no_overflow() {
  %x = llm.constant dense<[[256.0, 0.0]]> : tensor<1x2xf16>
  %w = llm.constant dense<1.0> : tensor<2xf16>
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x2xf16>, tensor<2xf16>
  check.expect_eq %y, dense<[[1.4140625, 0.0]]> : tensor<1x2xf16>
  return
}

// ---------------------------------------------------------------------------
// layer_norm
// ---------------------------------------------------------------------------

// Row 0 [1, 3, 5, 7]: mu = 4, centred [-3, -1, 1, 3], biased variance
// (9 + 1 + 1 + 9) / 4 = 5 (the unbiased one would be 20/3), sqrt(5 + 4) = 3
// -> [-1, -1/3, 1/3, 1]. Row 1 [0, 0, 0, 8]: mu = 2, centred [-2, -2, -2, 6],
// variance 48 / 4 = 12, sqrt(16) = 4 -> [-0.5, -0.5, -0.5, 1.5].
// Times w = [1, 2, -1, 0.5]: [-1, -2/3, -1/3, 0.5] and [-0.5, -1, 0.5, 0.75].
func.func @layer_norm_no_bias() {
  %x = llm.constant dense<[[1.0, 3.0, 5.0, 7.0], [0.0, 0.0, 0.0, 8.0]]> : tensor<2x4xf32>
  %w = llm.constant dense<[1.0, 2.0, -1.0, 0.5]> : tensor<4xf32>
  %y = llm.layer_norm %x, %w epsilon(4.0) : tensor<2x4xf32>, tensor<4xf32>
  check.expect_close %y, dense<[[-1.0, -0.666666687, -0.333333343, 0.5], [-0.5, -1.0, 0.5, 0.75]]> : tensor<2x4xf32>
  return
}

// The same plus b = [0, 1, 0.5, -1]: [-1, 1/3, 1/6, -0.5] and [-0.5, 0, 1, -0.25].
func.func @layer_norm_bias() {
  %x = llm.constant dense<[[1.0, 3.0, 5.0, 7.0], [0.0, 0.0, 0.0, 8.0]]> : tensor<2x4xf32>
  %w = llm.constant dense<[1.0, 2.0, -1.0, 0.5]> : tensor<4xf32>
  %b = llm.constant dense<[0.0, 1.0, 0.5, -1.0]> : tensor<4xf32>
  %y = llm.layer_norm %x, %w, %b epsilon(4.0) : tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>
  check.expect_close %y, dense<[[-1.0, 0.333333343, 0.166666672, -0.5], [-0.5, 0.0, 1.0, -0.25]]> : tensor<2x4xf32> {atol = 1.0e-7}
  return
}

// A constant row has variance 0: (x - mu) = 0, the result is the bias.
func.func @layer_norm_constant_row() {
  %x = llm.constant dense<[[5.0, 5.0, 5.0]]> : tensor<1x3xf32>
  %w = llm.constant dense<[2.0, 2.0, 2.0]> : tensor<3xf32>
  %b = llm.constant dense<[1.0, -1.0, 0.5]> : tensor<3xf32>
  %y = llm.layer_norm %x, %w, %b epsilon(1.0e-05) : tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>
  check.expect_eq %y, dense<[[1.0, -1.0, 0.5]]> : tensor<1x3xf32>
  return
}

// ---------------------------------------------------------------------------
// softmax
// ---------------------------------------------------------------------------

// [e, e^2, e^3] / (e + e^2 + e^3) = [0.0900305732, 0.244728471, 0.665240956];
// a row of equal values is uniform.
func.func @softmax() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]> : tensor<2x3xf32>
  %y = llm.softmax %x dim 1 : tensor<2x3xf32>
  check.expect_close %y, dense<[[0.0900305733, 0.244728476, 0.665240943], [0.333333343, 0.333333343, 0.333333343]]> : tensor<2x3xf32>
  return
}

// -inf entries get probability 0; a row that is entirely -inf yields zeros
// (not NaN).
func.func @softmax_neg_inf() {
  %x = llm.constant dense<[[0.0, 0xFF800000, 0.0, 0.0], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000]]> : tensor<2x4xf32>
  %y = llm.softmax %x dim 1 : tensor<2x4xf32>
  check.expect_close %y, dense<[[0.333333343, 0.0, 0.333333343, 0.333333343], [0.0, 0.0, 0.0, 0.0]]> : tensor<2x4xf32>
  return
}

// Along dimension 0: column 0 is [0, ln 3] -> [1/4, 3/4], column 1 [2, 2] ->
// [1/2, 1/2].
func.func @softmax_dim0() {
  %x = llm.constant dense<[[0.0, 2.0], [1.09861229, 2.0]]> : tensor<2x2xf32>
  %y = llm.softmax %x dim 0 : tensor<2x2xf32>
  check.expect_close %y, dense<[[0.25, 0.5], [0.75, 0.5]]> : tensor<2x2xf32>
  return
}

// Large logits: exp(x - max) = [1, 1, e^-2000], so [0.5, 0.5, 0] (e^-2000 / 2
// is 0 in f32).
func.func @softmax_large() {
  %x = llm.constant dense<[1000.0, 1000.0, -1000.0]> : tensor<3xf32>
  %y = llm.softmax %x dim 0 : tensor<3xf32>
  check.expect_eq %y, dense<[0.5, 0.5, 0.0]> : tensor<3xf32>
  return
}

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

// x = [[1, 2, 3], [4, 5, 6]]: rows [6, 15], columns [5, 7, 9], all 21.
func.func @reduce_sum() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %rows = llm.reduce_sum %x dims [1] : tensor<2x3xf32>
  check.expect_eq %rows, dense<[6.0, 15.0]> : tensor<2xf32>
  %rows_kept = llm.reduce_sum %x dims [1] keep_dims : tensor<2x3xf32>
  check.expect_eq %rows_kept, dense<[[6.0], [15.0]]> : tensor<2x1xf32>
  %cols = llm.reduce_sum %x dims [0] : tensor<2x3xf32>
  check.expect_eq %cols, dense<[5.0, 7.0, 9.0]> : tensor<3xf32>
  %all = llm.reduce_sum %x dims [0, 1] : tensor<2x3xf32>
  check.expect_eq %all, dense<21.0> : tensor<f32>
  %all_kept = llm.reduce_sum %x dims [1, 0] keep_dims : tensor<2x3xf32>
  check.expect_eq %all_kept, dense<[[21.0]]> : tensor<1x1xf32>
  return
}

// Non-adjacent dims [0, 2] of [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]:
// 1 + 2 + 5 + 6 = 14 and 3 + 4 + 7 + 8 = 22.
func.func @reduce_sum_outer_dims() {
  %x = llm.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %y = llm.reduce_sum %x dims [0, 2] : tensor<2x2x2xf32>
  check.expect_eq %y, dense<[14.0, 22.0]> : tensor<2xf32>
  %z = llm.reduce_sum %x dims [0, 2] keep_dims : tensor<2x2x2xf32>
  check.expect_eq %z, dense<[[[14.0], [22.0]]]> : tensor<1x2x1xf32>
  return
}

func.func @reduce_sum_int() {
  %x = llm.constant dense<[[1, 2, 3], [4, 5, -6]]> : tensor<2x3xi64>
  %y = llm.reduce_sum %x dims [1] : tensor<2x3xi64>
  check.expect_eq %y, dense<[6, 3]> : tensor<2xi64>
  %i = llm.constant dense<[[1, 2, 3], [4, 5, -6]]> : tensor<2x3xi32>
  %z = llm.reduce_sum %i dims [0] keep_dims : tensor<2x3xi32>
  check.expect_eq %z, dense<[[5, 7, -3]]> : tensor<1x3xi32>
  return
}

// Rows [2, 5], columns [2.5, 3.5, 4.5], all 3.5.
func.func @reduce_mean() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %rows = llm.reduce_mean %x dims [1] : tensor<2x3xf32>
  check.expect_eq %rows, dense<[2.0, 5.0]> : tensor<2xf32>
  %cols = llm.reduce_mean %x dims [0] keep_dims : tensor<2x3xf32>
  check.expect_eq %cols, dense<[[2.5, 3.5, 4.5]]> : tensor<1x3xf32>
  %all = llm.reduce_mean %x dims [0, 1] : tensor<2x3xf32>
  check.expect_eq %all, dense<3.5> : tensor<f32>
  return
}

// x = [[1, -5, 3], [4, 2, -6]]: row maxima [3, 4], column maxima [4, 2, 3].
func.func @reduce_max() {
  %x = llm.constant dense<[[1.0, -5.0, 3.0], [4.0, 2.0, -6.0]]> : tensor<2x3xf32>
  %rows = llm.reduce_max %x dims [1] : tensor<2x3xf32>
  check.expect_eq %rows, dense<[3.0, 4.0]> : tensor<2xf32>
  %cols = llm.reduce_max %x dims [0] keep_dims : tensor<2x3xf32>
  check.expect_eq %cols, dense<[[4.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %all = llm.reduce_max %x dims [0, 1] : tensor<2x3xf32>
  check.expect_eq %all, dense<4.0> : tensor<f32>
  %i = llm.constant dense<[[1, -5, 3], [4, 2, -6]]> : tensor<2x3xi64>
  %irows = llm.reduce_max %i dims [1] keep_dims : tensor<2x3xi64>
  check.expect_eq %irows, dense<[[3], [4]]> : tensor<2x1xi64>
  return
}

// Row minima [-5, -6], column minima [1, -5, -6]; -inf is a value like any
// other.
func.func @reduce_min() {
  %x = llm.constant dense<[[1.0, -5.0, 3.0], [4.0, 2.0, -6.0]]> : tensor<2x3xf32>
  %rows = llm.reduce_min %x dims [1] : tensor<2x3xf32>
  check.expect_eq %rows, dense<[-5.0, -6.0]> : tensor<2xf32>
  %cols = llm.reduce_min %x dims [0] keep_dims : tensor<2x3xf32>
  check.expect_eq %cols, dense<[[1.0, -5.0, -6.0]]> : tensor<1x3xf32>
  %i = llm.constant dense<[[1, -5, 3], [4, 2, -6]]> : tensor<2x3xi32>
  %icols = llm.reduce_min %i dims [0] : tensor<2x3xi32>
  check.expect_eq %icols, dense<[1, -5, -6]> : tensor<3xi32>
  %n = llm.constant dense<[2.0, 0xFF800000]> : tensor<2xf32>
  %nmin = llm.reduce_min %n dims [0] : tensor<2xf32>
  check.expect_eq %nmin, dense<0xFF800000> : tensor<f32>
  return
}

// ---------------------------------------------------------------------------
// argmax
// ---------------------------------------------------------------------------

// x = [[1, 3, 3, 2], [5, 3, 0, 2]]. Along dim 1: row 0's maximum 3 is at 1
// and 2 (ties go to the lowest index), row 1's at 0. Along dim 0: column 1
// (3, 3) and column 3 (2, 2) tie -> 0.
func.func @argmax() {
  %x = llm.constant dense<[[1.0, 3.0, 3.0, 2.0], [5.0, 3.0, 0.0, 2.0]]> : tensor<2x4xf32>
  %r = llm.argmax %x dim 1 : tensor<2x4xf32>
  check.expect_eq %r, dense<[1, 0]> : tensor<2xi64>
  %k = llm.argmax %x dim 1 keep_dims : tensor<2x4xf32>
  check.expect_eq %k, dense<[[1], [0]]> : tensor<2x1xi64>
  %c = llm.argmax %x dim 0 : tensor<2x4xf32>
  check.expect_eq %c, dense<[1, 0, 0, 0]> : tensor<4xi64>
  return
}

// A greedy-decoding shape [1, 1, V]; an all-equal row (here all -inf) -> 0.
func.func @argmax_logits() {
  %x = llm.constant dense<[[[0xFF800000, -1.0, 0.5, 0.5, 0.25]]]> : tensor<1x1x5xf32>
  %i = llm.argmax %x dim 2 : tensor<1x1x5xf32>
  check.expect_eq %i, dense<[[2]]> : tensor<1x1xi64>
  %m = llm.constant dense<0xFF800000> : tensor<3xf32>
  %j = llm.argmax %m dim 0 : tensor<3xf32>
  check.expect_eq %j, dense<0> : tensor<i64>
  return
}

// Logits 1e-4 apart are distinct (on the FP16 device they tie:
// fp16-device.mlir's @argmax_f16_tie).
func.func @argmax_close_logits() {
  %x = llm.constant dense<[1.0, 1.0001, 0.5]> : tensor<3xf32>
  %i = llm.argmax %x dim 0 : tensor<3xf32>
  check.expect_eq %i, dense<1> : tensor<i64>
  return
}

func.func @argmax_int() {
  %x = llm.constant dense<[[-1, 7, 7], [9, -9, 8]]> : tensor<2x3xi64>
  %r = llm.argmax %x dim 1 : tensor<2x3xi64>
  check.expect_eq %r, dense<[1, 0]> : tensor<2xi64>
  %y = llm.constant dense<[4, 4, 6]> : tensor<3xi32>
  %s = llm.argmax %y dim 0 keep_dims : tensor<3xi32>
  check.expect_eq %s, dense<[2]> : tensor<1xi64>
  return
}

// Integer reductions and argmax are exact in int64 (2^53 + 1 is not a
// double).
func.func @argmax_i64_beyond_2p53() {
  %a = llm.constant dense<[9007199254740992, 9007199254740993]> : tensor<2xi64>
  %m = llm.argmax %a dim 0 : tensor<2xi64>
  check.expect_eq %m, dense<1> : tensor<i64>
  return
}
func.func @reduce_i64_beyond_2p53() {
  %a = llm.constant dense<[9007199254740992, 1]> : tensor<2xi64>
  %s = llm.reduce_sum %a dims [0] : tensor<2xi64>
  check.expect_eq %s, dense<9007199254740993> : tensor<i64>
  %b = llm.constant dense<[9007199254740993, 1]> : tensor<2xi64>
  %m = llm.reduce_max %b dims [0] : tensor<2xi64>
  check.expect_eq %m, dense<9007199254740993> : tensor<i64>
  return
}

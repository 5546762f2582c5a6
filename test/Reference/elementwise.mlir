// Specification tests of the elementwise llm ops (docs/dialect/llm.md;
// lib/Reference/ElementwiseKernels.cpp): every unary op, every binary op in
// its float and integer forms with broadcasting, compare in all six
// directions, where, cast, gelu, silu and swiglu. Expected values are worked
// out by hand (transcendental ones with Python's math module, then rounded to
// f32) and stated with the arithmetic where it is not obvious.
// RUN: llmc-run --check %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 56 passed, 0 failed

// ---------------------------------------------------------------------------
// Unary ops
// ---------------------------------------------------------------------------

func.func @neg() {
  %x = llm.constant dense<[1.5, -2.0, 0.0, -0.25]> : tensor<4xf32>
  %y = llm.neg %x : tensor<4xf32>
  check.expect_eq %y, dense<[-1.5, 2.0, -0.0, 0.25]> : tensor<4xf32>
  return
}

func.func @abs() {
  %x = llm.constant dense<[-1.5, 2.0, -0.0, -3.25]> : tensor<4xf32>
  %y = llm.abs %x : tensor<4xf32>
  check.expect_eq %y, dense<[1.5, 2.0, 0.0, 3.25]> : tensor<4xf32>
  return
}

// floor/ceil/round keep integers, infinities, NaN and the sign of zero;
// round takes halves to the even neighbour: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2,
// -0.5 -> -0, -2.5 -> -2.
func.func @floor_ceil_round() {
  %x = llm.constant dense<[1.5, -1.5, 2.5, -0.5, 0.5, 3.0, -0.0, 0x7F800000, 0x7FC00000]> : tensor<9xf32>
  %f = llm.floor %x : tensor<9xf32>
  check.expect_eq %f, dense<[1.0, -2.0, 2.0, -1.0, 0.0, 3.0, -0.0, 0x7F800000, 0x7FC00000]> : tensor<9xf32>
  %c = llm.ceil %x : tensor<9xf32>
  check.expect_eq %c, dense<[2.0, -1.0, 3.0, -0.0, 1.0, 3.0, -0.0, 0x7F800000, 0x7FC00000]> : tensor<9xf32>
  %r = llm.round %x : tensor<9xf32>
  check.expect_eq %r, dense<[2.0, -2.0, 2.0, -0.0, 0.0, 3.0, -0.0, 0x7F800000, 0x7FC00000]> : tensor<9xf32>
  // f16 (spacing 0.5 below 1024): 1023.5 is a half and ties to 1024.
  %h = llm.constant dense<[1023.5, -1023.5, 0.25]> : tensor<3xf16>
  %hr = llm.round %h : tensor<3xf16>
  check.expect_eq %hr, dense<[1024.0, -1024.0, 0.0]> : tensor<3xf16>
  return
}

// exp(1) = 2.718281828, exp(-1) = 0.367879441, exp(2) = 7.389056099.
func.func @exp() {
  %x = llm.constant dense<[0.0, 1.0, -1.0, 2.0]> : tensor<4xf32>
  %y = llm.exp %x : tensor<4xf32>
  check.expect_close %y, dense<[1.0, 2.71828175, 0.36787945, 7.38905621]> : tensor<4xf32>
  return
}

// log(4) = 1.386294361, log(0.5) = -0.693147181; log(0) = -inf; log(-1) is NaN.
func.func @log() {
  %x = llm.constant dense<[1.0, 4.0, 0.5, 0.0, -1.0]> : tensor<5xf32>
  %y = llm.log %x : tensor<5xf32>
  check.expect_close %y, dense<[0.0, 1.38629436, -0.693147182, 0xFF800000, 0x7FC00000]> : tensor<5xf32>
  return
}

func.func @sqrt() {
  %x = llm.constant dense<[0.0, 1.0, 2.25, 16.0, -1.0]> : tensor<5xf32>
  %y = llm.sqrt %x : tensor<5xf32>
  check.expect_eq %y, dense<[0.0, 1.0, 1.5, 4.0, 0x7FC00000]> : tensor<5xf32>
  return
}

// 1/sqrt(0) = +inf.
func.func @rsqrt() {
  %x = llm.constant dense<[0.25, 1.0, 4.0, 16.0, 0.0]> : tensor<5xf32>
  %y = llm.rsqrt %x : tensor<5xf32>
  check.expect_eq %y, dense<[2.0, 1.0, 0.5, 0.25, 0x7F800000]> : tensor<5xf32>
  return
}

// 1/0 = +inf, 1/-0 = -inf.
func.func @reciprocal() {
  %x = llm.constant dense<[2.0, -0.5, 4.0, 0.0, -0.0]> : tensor<5xf32>
  %y = llm.reciprocal %x : tensor<5xf32>
  check.expect_eq %y, dense<[0.5, -2.0, 0.25, 0x7F800000, 0xFF800000]> : tensor<5xf32>
  return
}

// tanh(0.5) = 0.462117157, tanh(-1) = -0.761594156; tanh(20) = 1 - 8.5e-18,
// which is 1.0 in f32.
func.func @tanh() {
  %x = llm.constant dense<[0.0, 0.5, -1.0, 20.0]> : tensor<4xf32>
  %y = llm.tanh %x : tensor<4xf32>
  check.expect_close %y, dense<[0.0, 0.462117165, -0.761594176, 1.0]> : tensor<4xf32>
  return
}

// erf(0.5) = 0.520499878, erf(-1) = -0.842700793, erf(3) = 0.999977910.
func.func @erf() {
  %x = llm.constant dense<[0.0, 0.5, -1.0, 3.0]> : tensor<4xf32>
  %y = llm.erf %x : tensor<4xf32>
  check.expect_close %y, dense<[0.0, 0.520499885, -0.842700779, 0.999977887]> : tensor<4xf32>
  return
}

// 1/(1 + e^-2) = 0.880797078, 1/(1 + e^2) = 0.119202922,
// 1/(1 + e^20) = 2.061153618e-9.
func.func @sigmoid() {
  %x = llm.constant dense<[0.0, 2.0, -2.0, -20.0]> : tensor<4xf32>
  %y = llm.sigmoid %x : tensor<4xf32>
  check.expect_close %y, dense<[0.5, 0.880797088, 0.119202919, 2.06115369e-09]> : tensor<4xf32>
  return
}

// The inputs are f32 values: pi/3 is 1.04719758 (cos 0.49999997), pi is
// 3.14159274 (cos -1 to f32 precision); cos(-0.5) = 0.877582562.
func.func @cos() {
  %x = llm.constant dense<[0.0, 1.04719758, 3.14159274, -0.5]> : tensor<4xf32>
  %y = llm.cos %x : tensor<4xf32>
  check.expect_close %y, dense<[1.0, 0.49999997, -1.0, 0.87758255]> : tensor<4xf32>
  return
}

// sin(0.5) = 0.479425539; -pi/2 as f32 is -1.57079637 (sin -1 to f32
// precision); pi/6 as f32 is 0.52359879 (sin 0.5 to f32 precision).
func.func @sin() {
  %x = llm.constant dense<[0.0, 0.5, -1.57079637, 0.52359879]> : tensor<4xf32>
  %y = llm.sin %x : tensor<4xf32>
  check.expect_close %y, dense<[0.0, 0.47942555, -1.0, 0.5]> : tensor<4xf32>
  return
}

// An f16 operand gives an f16 result, rounded once: exp(1) = 2.71828... is
// 2.71875 in f16 (steps of 2^-9 in [2, 4): 1391.76 steps -> 1392).
func.func @exp_f16() {
  %x = llm.constant dense<[0.0, 1.0]> : tensor<2xf16>
  %y = llm.exp %x : tensor<2xf16>
  check.expect_eq %y, dense<[1.0, 2.71875]> : tensor<2xf16>
  return
}

// ---------------------------------------------------------------------------
// Binary ops, float
// ---------------------------------------------------------------------------

func.func @add() {
  %a = llm.constant dense<[1.0, 2.5, -3.0, 0.125]> : tensor<4xf32>
  %b = llm.constant dense<[0.5, -2.5, 1.0, 0.25]> : tensor<4xf32>
  %y = llm.add %a, %b : tensor<4xf32>
  check.expect_eq %y, dense<[1.5, 0.0, -2.0, 0.375]> : tensor<4xf32>
  return
}

// [2, 3] + [3]: the row is added to each row. [2, 1] + [1, 3]: both operands
// are repeated, an outer sum.
func.func @add_broadcast() {
  %m = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %r = llm.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %y = llm.add %m, %r : tensor<2x3xf32>, tensor<3xf32>
  check.expect_eq %y, dense<[[11.0, 22.0, 33.0], [14.0, 25.0, 36.0]]> : tensor<2x3xf32>
  %col = llm.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %row = llm.constant dense<[[10.0, 20.0, 30.0]]> : tensor<1x3xf32>
  %z = llm.add %col, %row : tensor<2x1xf32>, tensor<1x3xf32>
  check.expect_eq %z, dense<[[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]]> : tensor<2x3xf32>
  return
}

// A 0-d lhs broadcasts to the rhs's shape: 1 - [0.5, 2, -3].
func.func @sub() {
  %a = llm.constant dense<[5.0, 1.0, -2.0, 0.5]> : tensor<4xf32>
  %b = llm.constant dense<[2.0, 3.0, -2.0, 0.25]> : tensor<4xf32>
  %y = llm.sub %a, %b : tensor<4xf32>
  check.expect_eq %y, dense<[3.0, -2.0, 0.0, 0.25]> : tensor<4xf32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %v = llm.constant dense<[0.5, 2.0, -3.0]> : tensor<3xf32>
  %z = llm.sub %one, %v : tensor<f32>, tensor<3xf32>
  check.expect_eq %z, dense<[0.5, -1.0, 4.0]> : tensor<3xf32>
  return
}

// [2, 1] * [3]: row i of the result is a[i] * b.
func.func @mul() {
  %a = llm.constant dense<[[2.0], [-0.5]]> : tensor<2x1xf32>
  %b = llm.constant dense<[1.0, 3.0, -4.0]> : tensor<3xf32>
  %y = llm.mul %a, %b : tensor<2x1xf32>, tensor<3xf32>
  check.expect_eq %y, dense<[[2.0, 6.0, -8.0], [-0.5, -1.5, 2.0]]> : tensor<2x3xf32>
  return
}

// 1/0 = inf, -1/0 = -inf, 0/0 = NaN.
func.func @div() {
  %a = llm.constant dense<[1.0, -3.0, 1.0, -1.0, 0.0]> : tensor<5xf32>
  %b = llm.constant dense<[4.0, 2.0, 0.0, 0.0, 0.0]> : tensor<5xf32>
  %y = llm.div %a, %b : tensor<5xf32>
  check.expect_eq %y, dense<[0.25, -1.5, 0x7F800000, 0xFF800000, 0x7FC00000]> : tensor<5xf32>
  %c = llm.constant dense<[[3.0], [6.0]]> : tensor<2x1xf32>
  %d = llm.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %z = llm.div %c, %d : tensor<2x1xf32>, tensor<2xf32>
  check.expect_eq %z, dense<[[1.5, 0.75], [3.0, 1.5]]> : tensor<2x2xf32>
  return
}

// As C's pow: 2^3 = 8, 9^0.5 = 3, 2^-1 = 0.5, (-2)^3 = -8 (an integer
// exponent), (-8)^0.5 is NaN (a negative base, a non-integer exponent),
// 0^0 = 1.
func.func @pow() {
  %a = llm.constant dense<[2.0, 9.0, 2.0, -2.0, -8.0, 0.0]> : tensor<6xf32>
  %b = llm.constant dense<[3.0, 0.5, -1.0, 3.0, 0.5, 0.0]> : tensor<6xf32>
  %y = llm.pow %a, %b : tensor<6xf32>
  check.expect_eq %y, dense<[8.0, 3.0, 0.5, -8.0, 0x7FC00000, 1.0]> : tensor<6xf32>
  %two = llm.constant dense<2.0> : tensor<f32>
  %c = llm.constant dense<[1.0, -2.0, 3.0]> : tensor<3xf32>
  %z = llm.pow %c, %two : tensor<3xf32>, tensor<f32>
  check.expect_eq %z, dense<[1.0, 4.0, 9.0]> : tensor<3xf32>
  return
}

// NaN in either operand gives NaN (as torch.maximum / torch.minimum).
func.func @maximum_minimum() {
  %a = llm.constant dense<[1.0, -2.0, 0x7FC00000, 3.0, 4.0]> : tensor<5xf32>
  %b = llm.constant dense<[0.0, 5.0, 1.0, 3.0, 0x7FC00000]> : tensor<5xf32>
  %max = llm.maximum %a, %b : tensor<5xf32>
  check.expect_eq %max, dense<[1.0, 5.0, 0x7FC00000, 3.0, 0x7FC00000]> : tensor<5xf32>
  %min = llm.minimum %a, %b : tensor<5xf32>
  check.expect_eq %min, dense<[0.0, -2.0, 0x7FC00000, 3.0, 0x7FC00000]> : tensor<5xf32>
  return
}

// max/min against a 0-d zero: ReLU-like clamping.
func.func @maximum_minimum_broadcast() {
  %x = llm.constant dense<[[-1.0, 2.0], [3.0, -4.0]]> : tensor<2x2xf32>
  %zero = llm.constant dense<0.0> : tensor<f32>
  %max = llm.maximum %x, %zero : tensor<2x2xf32>, tensor<f32>
  check.expect_eq %max, dense<[[0.0, 2.0], [3.0, 0.0]]> : tensor<2x2xf32>
  %min = llm.minimum %zero, %x : tensor<f32>, tensor<2x2xf32>
  check.expect_eq %min, dense<[[-1.0, 0.0], [0.0, -4.0]]> : tensor<2x2xf32>
  return
}

// f16 operands, f16 result rounded once: 1 + 2^-11 is halfway between 1 and
// 1 + 2^-10, and ties go to even (1.0); 1 + 3 * 2^-11 ties to 1 + 2^-9.
func.func @add_f16_rounding() {
  %a = llm.constant dense<[1.0, 1.0]> : tensor<2xf16>
  %b = llm.constant dense<[0.00048828125, 0.00146484375]> : tensor<2xf16>
  %y = llm.add %a, %b : tensor<2xf16>
  check.expect_eq %y, dense<[1.0, 1.001953125]> : tensor<2xf16>
  return
}

// ---------------------------------------------------------------------------
// Binary ops, integer
// ---------------------------------------------------------------------------

// [2, 1] + [3]: the outer sum.
func.func @add_i64() {
  %a = llm.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %b = llm.constant dense<[10, 20, 30]> : tensor<3xi64>
  %y = llm.add %a, %b : tensor<2x1xi64>, tensor<3xi64>
  check.expect_eq %y, dense<[[11, 21, 31], [12, 22, 32]]> : tensor<2x3xi64>
  return
}

func.func @sub_i32() {
  %a = llm.constant dense<[5, -3, 0]> : tensor<3xi32>
  %b = llm.constant dense<[7, -3, 2]> : tensor<3xi32>
  %y = llm.sub %a, %b : tensor<3xi32>
  check.expect_eq %y, dense<[-2, 0, -2]> : tensor<3xi32>
  return
}

func.func @mul_i64() {
  %a = llm.constant dense<[3, -4, 0]> : tensor<3xi64>
  %b = llm.constant dense<-2> : tensor<i64>
  %y = llm.mul %a, %b : tensor<3xi64>, tensor<i64>
  check.expect_eq %y, dense<[-6, 8, 0]> : tensor<3xi64>
  return
}

// Integer division truncates toward zero: -7 / 2 = -3 (not floor's -4),
// 7 / -2 = -3, -7 / -2 = 3.
func.func @div_i64() {
  %a = llm.constant dense<[7, -7, 7, -7, 0, 6]> : tensor<6xi64>
  %b = llm.constant dense<[2, 2, -2, -2, 5, 3]> : tensor<6xi64>
  %y = llm.div %a, %b : tensor<6xi64>
  check.expect_eq %y, dense<[3, -3, -3, 3, 0, 2]> : tensor<6xi64>
  return
}

func.func @div_i32() {
  %a = llm.constant dense<[9, -9, 1]> : tensor<3xi32>
  %b = llm.constant dense<4> : tensor<i32>
  %y = llm.div %a, %b : tensor<3xi32>, tensor<i32>
  check.expect_eq %y, dense<[2, -2, 0]> : tensor<3xi32>
  return
}

// Integer pow is exact and wraps: 3^4 = 81, (-2)^3 = -8, 0^0 = 1, 2^62;
// 2^63 wraps to -2^63 and 2^64 to 0. A negative exponent truncates 1 / x^n:
// 1^-3 = 1, (-1)^-3 = -1, (-1)^-2 = 1, 2^-1 = 0, (-5)^-1 = 0.
func.func @pow_i64() {
  %a = llm.constant dense<[3, -2, 0, 2, 2, 2, 1, -1, -1, 2, -5]> : tensor<11xi64>
  %b = llm.constant dense<[4, 3, 0, 62, 63, 64, -3, -3, -2, -1, -1]> : tensor<11xi64>
  %y = llm.pow %a, %b : tensor<11xi64>
  check.expect_eq %y, dense<[81, -8, 1, 4611686018427387904, -9223372036854775808, 0, 1, -1, 1, 0, 0]> : tensor<11xi64>
  return
}

// i32 wraps at 32 bits: 3^20 = 3486784401 = -808182895 + 2^32.
func.func @pow_i32() {
  %a = llm.constant dense<[3, 7, -3]> : tensor<3xi32>
  %b = llm.constant dense<[20, 2, 3]> : tensor<3xi32>
  %y = llm.pow %a, %b : tensor<3xi32>
  check.expect_eq %y, dense<[-808182895, 49, -27]> : tensor<3xi32>
  return
}

func.func @maximum_minimum_i64() {
  %a = llm.constant dense<[3, -4, 7]> : tensor<3xi64>
  %b = llm.constant dense<[1, 5, 7]> : tensor<3xi64>
  %max = llm.maximum %a, %b : tensor<3xi64>
  check.expect_eq %max, dense<[3, 5, 7]> : tensor<3xi64>
  %min = llm.minimum %a, %b : tensor<3xi64>
  check.expect_eq %min, dense<[1, -4, 7]> : tensor<3xi64>
  return
}

// ---------------------------------------------------------------------------
// compare, where
// ---------------------------------------------------------------------------

// [1, 2, 3, NaN] against a broadcast 2: comparisons with NaN are false,
// except ne.
func.func @compare_eq() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <eq>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[false, true, false, false]> : tensor<4xi1>
  return
}

func.func @compare_ne() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <ne>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[true, false, true, true]> : tensor<4xi1>
  return
}

func.func @compare_lt() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <lt>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[true, false, false, false]> : tensor<4xi1>
  return
}

func.func @compare_le() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <le>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[true, true, false, false]> : tensor<4xi1>
  return
}

func.func @compare_gt() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <gt>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[false, false, true, false]> : tensor<4xi1>
  return
}

func.func @compare_ge() {
  %a = llm.constant dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>
  %b = llm.constant dense<2.0> : tensor<f32>
  %m = llm.compare <ge>, %a, %b : tensor<4xf32>, tensor<f32>
  check.expect_eq %m, dense<[false, true, true, false]> : tensor<4xi1>
  return
}

// The causal-mask idiom, key positions [[0, 1, 2]] <= query positions
// [[1], [2]]: result[i, j] = k[j] <= q[i].
func.func @compare_i64_broadcast() {
  %k = llm.constant dense<[[0, 1, 2]]> : tensor<1x3xi64>
  %q = llm.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %m = llm.compare <le>, %k, %q : tensor<1x3xi64>, tensor<2x1xi64>
  check.expect_eq %m, dense<[[true, true, false], [true, true, true]]> : tensor<2x3xi1>
  %n = llm.compare <gt>, %k, %q : tensor<1x3xi64>, tensor<2x1xi64>
  check.expect_eq %n, dense<[[false, false, true], [false, false, false]]> : tensor<2x3xi1>
  return
}

// The condition [2, 1] picks row 0 from on_true and fills row 1 with the
// 0-d on_false.
func.func @where() {
  %c = llm.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %t = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %f = llm.constant dense<0xFF800000> : tensor<f32>
  %y = llm.where %c, %t, %f : tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>
  check.expect_eq %y, dense<[[1.0, 2.0, 3.0], [0xFF800000, 0xFF800000, 0xFF800000]]> : tensor<2x3xf32>
  return
}

func.func @where_elementwise_i64() {
  %c = llm.constant dense<[true, false, false, true]> : tensor<4xi1>
  %t = llm.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %f = llm.constant dense<[-1, -2, -3, -4]> : tensor<4xi64>
  %y = llm.where %c, %t, %f : tensor<4xi1>, tensor<4xi64>, tensor<4xi64>
  check.expect_eq %y, dense<[1, -2, -3, 4]> : tensor<4xi64>
  return
}

// ---------------------------------------------------------------------------
// cast
// ---------------------------------------------------------------------------

// f32 -> f16, round to nearest even: 0.1 -> 1638.4 * 2^-14 -> 0.0999755859375;
// 65519 is below the rounding boundary 65520 and rounds to the largest f16,
// 65504; 65520 and beyond become inf; 1e-8 is below half the smallest
// subnormal (2^-25 = 2.98e-8) and becomes 0; 2^-24 is the smallest subnormal.
func.func @cast_f32_to_f16() {
  %x = llm.constant dense<[1.0, 0.1, 65519.0, 65520.0, -1.0e5, 1.0e-8, 5.9604644775390625e-08]> : tensor<7xf32>
  %y = llm.cast %x : tensor<7xf32> to tensor<7xf16>
  check.expect_eq %y, dense<[1.0, 0.0999755859375, 65504.0, 0x7C00, 0xFC00, 0.0, 5.9604644775390625e-08]> : tensor<7xf16>
  return
}

// f32 -> bf16 (8 significant bits): 0.1 -> 0.10009765625; 1 + 2^-8 is
// halfway between 1 and 1 + 2^-7 and ties to 1; 1 + 3 * 2^-8 ties to
// 1 + 2^-6 = 1.015625; 3.4e38 is beyond bf16's largest finite value
// (3.3895e38) by more than half a step and becomes inf.
func.func @cast_f32_to_bf16() {
  %x = llm.constant dense<[0.1, 1.00390625, 1.01171875, 3.4e38]> : tensor<4xf32>
  %y = llm.cast %x : tensor<4xf32> to tensor<4xbf16>
  check.expect_eq %y, dense<[0.10009765625, 1.0, 1.015625, 0x7F80]> : tensor<4xbf16>
  return
}

// Widening is exact.
func.func @cast_f16_to_f32() {
  %x = llm.constant dense<[0.333251953125, -2.5, 65504.0]> : tensor<3xf16>
  %y = llm.cast %x : tensor<3xf16> to tensor<3xf32>
  check.expect_eq %y, dense<[0.333251953125, -2.5, 65504.0]> : tensor<3xf32>
  return
}

// Float -> integer truncates toward zero.
func.func @cast_float_to_int() {
  %x = llm.constant dense<[2.7, -2.7, 0.5, -0.99, 3.0, -1.0e9]> : tensor<6xf32>
  %i = llm.cast %x : tensor<6xf32> to tensor<6xi64>
  check.expect_eq %i, dense<[2, -2, 0, 0, 3, -1000000000]> : tensor<6xi64>
  %j = llm.cast %x : tensor<6xf32> to tensor<6xi32>
  check.expect_eq %j, dense<[2, -2, 0, 0, 3, -1000000000]> : tensor<6xi32>
  return
}

// To i1 means != 0 (NaN != 0 holds; -0.0 == 0).
func.func @cast_to_i1() {
  %x = llm.constant dense<[0.0, -0.0, 2.5, -1.0, 0x7FC00000]> : tensor<5xf32>
  %b = llm.cast %x : tensor<5xf32> to tensor<5xi1>
  check.expect_eq %b, dense<[false, false, true, true, true]> : tensor<5xi1>
  %i = llm.constant dense<[0, 5, -3]> : tensor<3xi64>
  %c = llm.cast %i : tensor<3xi64> to tensor<3xi1>
  check.expect_eq %c, dense<[false, true, true]> : tensor<3xi1>
  return
}

// From i1: 0 or 1.
func.func @cast_from_i1() {
  %b = llm.constant dense<[true, false]> : tensor<2xi1>
  %f = llm.cast %b : tensor<2xi1> to tensor<2xf32>
  check.expect_eq %f, dense<[1.0, 0.0]> : tensor<2xf32>
  %i = llm.cast %b : tensor<2xi1> to tensor<2xi64>
  check.expect_eq %i, dense<[1, 0]> : tensor<2xi64>
  return
}

// Integer -> float rounds to nearest even: 2^24 + 1 is halfway between 2^24
// and 2^24 + 2 in f32 and ties to 2^24; in f16 (steps of 2 above 2048) 2049
// ties to 2048 and 2051 to 2052; 70000 is beyond f16's range.
func.func @cast_int_to_float() {
  %x = llm.constant dense<[3, -7, 16777217]> : tensor<3xi64>
  %f = llm.cast %x : tensor<3xi64> to tensor<3xf32>
  check.expect_eq %f, dense<[3.0, -7.0, 16777216.0]> : tensor<3xf32>
  %y = llm.constant dense<[2049, 2051, -70000]> : tensor<3xi32>
  %h = llm.cast %y : tensor<3xi32> to tensor<3xf16>
  check.expect_eq %h, dense<[2048.0, 2052.0, 0xFC00]> : tensor<3xf16>
  return
}

func.func @cast_int_to_int() {
  %x = llm.constant dense<[5, -5, 2147483647]> : tensor<3xi32>
  %y = llm.cast %x : tensor<3xi32> to tensor<3xi64>
  check.expect_eq %y, dense<[5, -5, 2147483647]> : tensor<3xi64>
  %z = llm.cast %y : tensor<3xi64> to tensor<3xi32>
  check.expect_eq %z, dense<[5, -5, 2147483647]> : tensor<3xi32>
  return
}

// ---------------------------------------------------------------------------
// Activations
// ---------------------------------------------------------------------------

// 0.5 x (1 + erf(x / sqrt 2)): x = 1 -> 0.5 (1 + 0.682689492) = 0.841344746;
// x = -2 -> -(1 - 0.954499736) = -0.0455002639; x = -0.5 -> -0.154268769;
// x = 3 -> 2.99595031.
func.func @gelu_erf() {
  %x = llm.constant dense<[-2.0, -0.5, 0.0, 1.0, 3.0]> : tensor<5xf32>
  %y = llm.gelu <erf> %x : tensor<5xf32>
  check.expect_close %y, dense<[-0.0455002636, -0.154268771, 0.0, 0.841344774, 2.99595022]> : tensor<5xf32>
  return
}

// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): x = 1 -> tanh(0.7978846 *
// 1.044715) = tanh(0.833562) = 0.682384 -> 0.841192; it differs from the erf
// form in the 4th digit.
func.func @gelu_tanh() {
  %x = llm.constant dense<[-2.0, -0.5, 0.0, 1.0, 3.0]> : tensor<5xf32>
  %y = llm.gelu <tanh> %x : tensor<5xf32>
  check.expect_close %y, dense<[-0.0454023071, -0.154285997, 0.0, 0.841192007, 2.99636269]> : tensor<5xf32>
  return
}

// x / (1 + e^-x): -2 / (1 + 7.389056) = -0.238405844; 1 / (1 + 0.367879) =
// 0.731058579; 4 / (1 + 0.0183156) = 3.92805516.
func.func @silu() {
  %x = llm.constant dense<[-2.0, 0.0, 1.0, 4.0]> : tensor<4xf32>
  %y = llm.silu %x : tensor<4xf32>
  check.expect_close %y, dense<[-0.238405839, 0.0, 0.731058598, 3.92805505]> : tensor<4xf32>
  return
}

// silu(gate) * up: silu(-1) = -0.268941421 (* 2), silu(1) = 0.731058579
// (* -3 = -2.19317574), silu(2) = 1.76159416 (* 0.5 = 0.880797078).
func.func @swiglu() {
  %g = llm.constant dense<[-1.0, 0.0, 1.0, 2.0]> : tensor<4xf32>
  %u = llm.constant dense<[2.0, 5.0, -3.0, 0.5]> : tensor<4xf32>
  %y = llm.swiglu %g, %u : tensor<4xf32>
  check.expect_close %y, dense<[-0.537882864, 0.0, -2.19317579, 0.880797088]> : tensor<4xf32>
  return
}

// An f16 swiglu is rounded once: silu(1) * 10 = 7.3105858 -> 7.3125
// (1871.51 steps of 2^-8 -> 1872); the FP16 device, which holds
// silu(1) in f16 first, gives 7.30859375 (fp16-device.mlir's
// @swiglu_holds_silu).
func.func @swiglu_f16() {
  %g = llm.constant dense<[1.0]> : tensor<1xf16>
  %u = llm.constant dense<[10.0]> : tensor<1xf16>
  %y = llm.swiglu %g, %u : tensor<1xf16>
  check.expect_eq %y, dense<[7.3125]> : tensor<1xf16>
  return
}

// Integers compare as integers: a double cannot tell 2^53 from 2^53 + 1.
func.func @compare_i64_beyond_2p53() {
  %a = llm.constant dense<[9007199254740992, 5]> : tensor<2xi64>
  %b = llm.constant dense<[9007199254740993, 5]> : tensor<2xi64>
  %lt = llm.compare <lt>, %a, %b : tensor<2xi64>
  check.expect_eq %lt, dense<[true, false]> : tensor<2xi1>
  %eq = llm.compare <eq>, %a, %b : tensor<2xi64>
  check.expect_eq %eq, dense<[false, true]> : tensor<2xi1>
  return
}

// Integers wrap to their element type (two's complement): 300 = 0x12C keeps
// its low byte 0x2C = 44 as an i8, -200 = 0x...F38 keeps 0x38 = 56; an i32
// sum past 2^31 - 1 wraps to -2^31.
func.func @integer_cast_wraps() {
  %a = llm.constant dense<[300, -200, 5]> : tensor<3xi64>
  %b = llm.cast %a : tensor<3xi64> to tensor<3xi8>
  check.expect_eq %b, dense<[44, 56, 5]> : tensor<3xi8>
  return
}
func.func @integer_sum_wraps() {
  %a = llm.constant dense<[2147483647, -2147483648]> : tensor<2xi32>
  %b = llm.constant dense<[1, -1]> : tensor<2xi32>
  %c = llm.add %a, %b : tensor<2xi32>, tensor<2xi32>
  check.expect_eq %c, dense<[-2147483648, 2147483647]> : tensor<2xi32>
  return
}

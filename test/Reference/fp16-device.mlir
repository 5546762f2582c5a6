// The FP16-only device of `llmc-run --fp16` (docs/dialect/llm.md,
// "Numerics"; lib/Reference/Numerics.h): every float value, each product
// feeding an accumulation, each partial sum and each statistic an op holds
// is rounded to f16 as it goes, whatever element type the IR declares. These
// are the device behaviours worth stating; the exact behaviour of the same
// computations is in the family files (the comments say where). Inputs are
// f16 values unless a function says otherwise; expected values are attributes
// and are not rounded. f16: 11 significant bits, steps of 1 in [1024, 2048),
// of 2 in [2048, 4096), largest finite 65504, anything from 65520 up is inf.
// RUN: llmc-run --check --fp16 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 12 passed, 0 failed

// Values beyond f16's range are inf on the device, though declared f32: a
// constant 1e5, and 60000 + 10000 = 70000.
func.func @f16_range() {
  %c = llm.constant dense<1.0e5> : tensor<f32>
  check.expect_eq %c, dense<0x7F800000> : tensor<f32>
  %a = llm.constant dense<[60000.0, 1.0]> : tensor<2xf32>
  %b = llm.constant dense<[10000.0, 1.0]> : tensor<2xf32>
  %s = llm.add %a, %b : tensor<2xf32>
  check.expect_eq %s, dense<[0x7F800000, 2.0]> : tensor<2xf32>
  return
}

// Integers are not rounded: 2049 + 0 = 2049 in i64; cast to a float it is
// held as f16, where 2049 ties to 2048.
func.func @integers_exact_floats_f16() {
  %i = llm.constant dense<2049> : tensor<i64>
  %z = llm.constant dense<0> : tensor<i64>
  %s = llm.add %i, %z : tensor<i64>
  check.expect_eq %s, dense<2049> : tensor<i64>
  %f = llm.cast %s : tensor<i64> to tensor<f32>
  check.expect_eq %f, dense<2048.0> : tensor<f32>
  return
}

// exp(11) = 59874.1 -> 59872 (steps of 32 above 32768); exp(12) = 162754.8
// overflows to inf (a finite value in f32 without --fp16).
func.func @exp_overflows() {
  %x = llm.constant dense<[11.0, 12.0]> : tensor<2xf32>
  %y = llm.exp %x : tensor<2xf32>
  check.expect_eq %y, dense<[59872.0, 0x7F800000]> : tensor<2xf32>
  return
}

// Softmax subtracts the maximum first, so the same logits do not overflow:
// exp(0) / (exp(0) + exp(0)).
func.func @softmax_does_not_overflow() {
  %x = llm.constant dense<[12.0, 12.0]> : tensor<2xf32>
  %y = llm.softmax %x dim 0 : tensor<2xf32>
  check.expect_eq %y, dense<[0.5, 0.5]> : tensor<2xf32>
  return
}

// swiglu holds silu(gate) in f16 before the product: silu(1) = 0.7310586 is
// held as 0.73095703125 (1497.2 steps of 2^-11 -> 1497); times 10 =
// 7.3095703125 -> 7.30859375 (1871.25 steps of 2^-8 -> 1871). Rounding
// silu(1) * 10 = 7.3105858 once would give 7.3125 (1871.51 -> 1872):
// elementwise.mlir's @swiglu_f16.
func.func @swiglu_holds_silu() {
  %g = llm.constant dense<[1.0]> : tensor<1xf32>
  %u = llm.constant dense<[10.0]> : tensor<1xf32>
  %s = llm.silu %g : tensor<1xf32>
  check.expect_eq %s, dense<[0.73095703125]> : tensor<1xf32>
  %y = llm.swiglu %g, %u : tensor<1xf32>
  check.expect_eq %y, dense<[7.30859375]> : tensor<1xf32>
  return
}

// A sum of 2049 ones stays 2048: once a partial sum is 2048, 2048 + 1 ties
// back to 2048 (in any summation order). The mean is then 2048 / 2049 =
// 0.99951196 -> 0.99951171875 (2047 steps of 2^-11).
func.func @reduce_sum_2049_ones() {
  %x = llm.constant dense<1.0> : tensor<2049xf32>
  %s = llm.reduce_sum %x dims [0] : tensor<2049xf32>
  check.expect_eq %s, dense<2048.0> : tensor<f32>
  %m = llm.reduce_mean %x dims [0] : tensor<2049xf32>
  check.expect_eq %m, dense<0.99951171875> : tensor<f32>
  return
}

// The same in a linear layer's and a matmul's accumulation.
func.func @linear_accumulates_in_f16() {
  %x = llm.constant dense<1.0> : tensor<1x2049xf32>
  %w = llm.constant dense<1.0> : tensor<1x2049xf32>
  %y = llm.linear %x, %w : tensor<1x2049xf32>, tensor<1x2049xf32>
  check.expect_eq %y, dense<2048.0> : tensor<1x1xf32>
  %b = llm.constant dense<1.0> : tensor<2049x1xf32>
  %z = llm.matmul %x, %b : tensor<1x2049xf32>, tensor<2049x1xf32>
  check.expect_eq %z, dense<2048.0> : tensor<1x1xf32>
  return
}

// Adding 2^-11 to 1 twice loses both (1 + 2^-11 ties to 1), where the exact
// sum 1 + 2^-10 is an f16 value (contractions.mlir's
// @linear_f16_rounded_once): the device sums in order.
func.func @linear_loses_small_terms() {
  %x = llm.constant dense<[[1.0, 0.00048828125, 0.00048828125]]> : tensor<1x3xf16>
  %w = llm.constant dense<[[1.0, 1.0, 1.0]]> : tensor<1x3xf16>
  %y = llm.linear %x, %w : tensor<1x3xf16>, tensor<1x3xf16>
  check.expect_eq %y, dense<[[1.0]]> : tensor<1x1xf16>
  return
}

// RMSNorm's sum of squares overflows: 256^2 = 65536 and 200^2 + 200^2 =
// 80000 are inf, so 1 / sqrt(inf) = 0 and the rows become zeros (the exact
// op gives [sqrt(2), 0] and [1, 1]: norms.mlir's @rms_norm_f16_no_overflow).
// A row in range, [3, 4] (mean square 12.5), is right to f16 precision:
// [3, 4] / 3.5355339 = [0.848528, 1.131371].
func.func @rms_norm_overflows() {
  %x = llm.constant dense<[[256.0, 0.0], [200.0, 200.0], [3.0, 4.0]]> : tensor<3x2xf32>
  %w = llm.constant dense<1.0> : tensor<2xf32>
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<3x2xf32>, tensor<2xf32>
  check.expect_close %y, dense<[[0.0, 0.0], [0.0, 0.0], [0.848528137, 1.13137085]]> : tensor<3x2xf32> {rtol = 2.0e-3}
  return
}

// Logits that differ in f32 can tie in f16: 1.0001 is held as 1.0 (steps of
// 2^-10 above 1), so greedy decoding takes the lowest index, 0 (exactly it
// is 1: norms.mlir's @argmax_close_logits).
func.func @argmax_f16_tie() {
  %x = llm.constant dense<[1.0, 1.0001, 0.5]> : tensor<3xf32>
  %i = llm.argmax %x dim 0 : tensor<3xf32>
  check.expect_eq %i, dense<0> : tensor<i64>
  return
}

// Data movement and integer ops are exact on the device (data-movement.mlir
// runs in both modes); a float gather returns the f16 values it holds.
func.func @gather_holds_f16() {
  %x = llm.constant dense<[0.1, 2.0]> : tensor<2xf32>
  %i = llm.constant dense<[0]> : tensor<1xi64>
  %g = llm.gather %x[%i] dim 0 : tensor<2xf32>, tensor<1xi64>
  check.expect_eq %g, dense<[0.0999755859375]> : tensor<1xf32>
  return
}

// Integers are exact on the FP16 device too: only float values are held as
// f16.
func.func @reduce_sum_int_exact_on_device() {
  %a = llm.constant dense<[2048, 1]> : tensor<2xi64>
  %s = llm.reduce_sum %a dims [0] : tensor<2xi64>
  check.expect_eq %s, dense<2049> : tensor<i64>
  %b = llm.constant dense<[70000, 1]> : tensor<2xi64>
  %t = llm.reduce_sum %b dims [0] : tensor<2xi64>
  check.expect_eq %t, dense<70001> : tensor<i64>
  return
}

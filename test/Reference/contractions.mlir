// Specification tests of llm.linear and llm.matmul (docs/dialect/llm.md;
// lib/Reference/LinearKernels.cpp). Small integers and halves, so every
// product and sum is exact and the results are checked for equality.
// RUN: llmc-run --check %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 9 passed, 0 failed

// x = [[1, 2, 3], [-1, 0, 2]], W (out_in, [N=2, K=3]) = [[1, 0, -1], [2, 1, 0.5]]:
// y[0] = [1 - 3, 2 + 2 + 1.5] = [-2, 5.5], y[1] = [-1 - 2, -2 + 1] = [-3, -1].
func.func @linear_out_in() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]> : tensor<2x3xf32>
  %w = llm.constant dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]> : tensor<2x3xf32>
  %y = llm.linear %x, %w : tensor<2x3xf32>, tensor<2x3xf32>
  check.expect_eq %y, dense<[[-2.0, 5.5], [-3.0, -1.0]]> : tensor<2x2xf32>
  return
}

// The same plus bias [0.5, -1].
func.func @linear_out_in_bias() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]> : tensor<2x3xf32>
  %w = llm.constant dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]> : tensor<2x3xf32>
  %b = llm.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = llm.linear %x, %w, %b : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>
  check.expect_eq %y, dense<[[-1.5, 4.5], [-2.5, -2.0]]> : tensor<2x2xf32>
  return
}

// The same weight stored [K=3, N=2] (W transposed): the same results.
func.func @linear_in_out() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]> : tensor<2x3xf32>
  %w = llm.constant dense<[[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]> : tensor<3x2xf32>
  %y = llm.linear %x, %w {weight_layout = #llm.weight_layout<in_out>} : tensor<2x3xf32>, tensor<3x2xf32>
  check.expect_eq %y, dense<[[-2.0, 5.5], [-3.0, -1.0]]> : tensor<2x2xf32>
  return
}

func.func @linear_in_out_bias() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]]> : tensor<2x3xf32>
  %w = llm.constant dense<[[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]> : tensor<3x2xf32>
  %b = llm.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = llm.linear %x, %w, %b {weight_layout = #llm.weight_layout<in_out>} : tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>
  check.expect_eq %y, dense<[[-1.5, 4.5], [-2.5, -2.0]]> : tensor<2x2xf32>
  return
}

// A square weight [[1, 2], [3, 4]] read in each layout, x = [1, 2]:
// out_in: [1*1 + 2*2, 1*3 + 2*4] = [5, 11]; in_out: [1*1 + 2*3, 1*2 + 2*4] = [7, 10].
func.func @linear_layouts_differ() {
  %x = llm.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %w = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %a = llm.linear %x, %w : tensor<1x2xf32>, tensor<2x2xf32>
  check.expect_eq %a, dense<[[5.0, 11.0]]> : tensor<1x2xf32>
  %b = llm.linear %x, %w {weight_layout = #llm.weight_layout<in_out>} : tensor<1x2xf32>, tensor<2x2xf32>
  check.expect_eq %b, dense<[[7.0, 10.0]]> : tensor<1x2xf32>
  return
}

// Leading dimensions of the input are kept: [2, 1, 3] -> [2, 1, 2].
func.func @linear_batched_input() {
  %x = llm.constant dense<[[[1.0, 2.0, 3.0]], [[-1.0, 0.0, 2.0]]]> : tensor<2x1x3xf32>
  %w = llm.constant dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]> : tensor<2x3xf32>
  %y = llm.linear %x, %w : tensor<2x1x3xf32>, tensor<2x3xf32>
  check.expect_eq %y, dense<[[[-2.0, 5.5]], [[-3.0, -1.0]]]> : tensor<2x1x2xf32>
  return
}

// An f16 linear is the exact sum rounded once: 1 + 2^-11 + 2^-11 = 1 + 2^-10,
// an f16 value (summing in f16 would lose each 2^-11: see fp16-device.mlir).
func.func @linear_f16_rounded_once() {
  %x = llm.constant dense<[[1.0, 0.00048828125, 0.00048828125]]> : tensor<1x3xf16>
  %w = llm.constant dense<[[1.0, 1.0, 1.0]]> : tensor<1x3xf16>
  %y = llm.linear %x, %w : tensor<1x3xf16>, tensor<1x3xf16>
  check.expect_eq %y, dense<[[1.0009765625]]> : tensor<1x1xf16>
  return
}

// [[1, 2, 3], [4, 5, 6]] @ [[1, 0], [0, 1], [1, -1]] = [[1 + 3, 2 - 3], [4 + 6, 5 - 6]].
func.func @matmul() {
  %a = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = llm.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]> : tensor<3x2xf32>
  %y = llm.matmul %a, %b : tensor<2x3xf32>, tensor<3x2xf32>
  check.expect_eq %y, dense<[[4.0, -1.0], [10.0, -1.0]]> : tensor<2x2xf32>
  return
}

// Batch dimensions broadcast. A rank-2 rhs multiplies each batch of the lhs:
// [1, 2] @ [[1, 0], [1, 1]] = [3, 2], [3, 4] @ ... = [7, 4].
// lhs batches [2, 1] and rhs batches [1, 3] give [2, 3]: result[i, j] =
// a_i . b_j with a = [1, 0], [0, 1] and b = [1, 2], [3, 4], [5, 6].
func.func @matmul_batch_broadcast() {
  %a = llm.constant dense<[[[1.0, 2.0]], [[3.0, 4.0]]]> : tensor<2x1x2xf32>
  %b = llm.constant dense<[[1.0, 0.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %y = llm.matmul %a, %b : tensor<2x1x2xf32>, tensor<2x2xf32>
  check.expect_eq %y, dense<[[[3.0, 2.0]], [[7.0, 4.0]]]> : tensor<2x1x2xf32>
  %c = llm.constant dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>
  %d = llm.constant dense<[[[[1.0], [2.0]], [[3.0], [4.0]], [[5.0], [6.0]]]]> : tensor<1x3x2x1xf32>
  %z = llm.matmul %c, %d : tensor<2x1x1x2xf32>, tensor<1x3x2x1xf32>
  check.expect_eq %z, dense<[[[[1.0]], [[3.0]], [[5.0]]], [[[2.0]], [[4.0]], [[6.0]]]]> : tensor<2x3x1x1xf32>
  return
}

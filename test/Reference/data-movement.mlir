// Specification tests of the ops that move values without arithmetic
// (docs/dialect/llm.md; lib/Reference/DataMovementKernels.cpp): embedding,
// reshape, transpose, concat, slice, dynamic_slice, gather, broadcast_to,
// kv_append, cache_update, iota and dim. Every value is a small integer or
// half, exact in f16, so the expectations also hold on the FP16 device.
// A dynamic result is given a static type for its check by
// `llm.broadcast_to %v : tensor<?x..> to tensor<N x..>` (a run-time-checked
// identity when the sizes agree).
// RUN: llmc-run --check %s | FileCheck %s
// RUN: llmc-run --check --fp16 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: checks: 20 passed, 0 failed

// result[i, j, :] = table[ids[i, j], :]: ids [[3, 0], [1, 3]] of a table
// whose row r is [10 r, 10 r + 1].
func.func @embedding() {
  %t = llm.constant dense<[[0.0, 1.0], [10.0, 11.0], [20.0, 21.0], [30.0, 31.0]]> : tensor<4x2xf32>
  %ids = llm.constant dense<[[3, 0], [1, 3]]> : tensor<2x2xi64>
  %e = llm.embedding %t[%ids] : tensor<4x2xf32>, tensor<2x2xi64>
  check.expect_eq %e, dense<[[[30.0, 31.0], [0.0, 1.0]], [[10.0, 11.0], [30.0, 31.0]]]> : tensor<2x2x2xf32>
  %i32 = llm.constant dense<[2]> : tensor<1xi32>
  %f = llm.embedding %t[%i32] : tensor<4x2xf32>, tensor<1xi32>
  check.expect_eq %f, dense<[[20.0, 21.0]]> : tensor<1x2xf32>
  return
}

// Row-major order is kept: [[1, 2, 3], [4, 5, 6]] as [3, 2] and [1, 6].
func.func @reshape() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %a = llm.reshape %x : tensor<2x3xf32> to tensor<3x2xf32>
  check.expect_eq %a, dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %b = llm.reshape %x : tensor<2x3xf32> to tensor<1x6xf32>
  check.expect_eq %b, dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]> : tensor<1x6xf32>
  %s = llm.constant dense<5> : tensor<1xi64>
  %c = llm.reshape %s : tensor<1xi64> to tensor<i64>
  check.expect_eq %c, dense<5> : tensor<i64>
  return
}

// With a run-time shape operand [3, 2]: a dynamic result [?, ?].
func.func @reshape_shape_operand() {
  %x = llm.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %shape = llm.constant dense<[3, 2]> : tensor<2xi64>
  %r = llm.reshape %x, %shape : tensor<2x3xi64>, tensor<2xi64> to tensor<?x?xi64>
  %rows = llm.dim %r[0] : tensor<?x?xi64>
  check.expect_eq %rows, dense<3> : tensor<i64>
  %s = llm.broadcast_to %r : tensor<?x?xi64> to tensor<3x2xi64>
  check.expect_eq %s, dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>
  return
}

// result dimension i is input dimension perm[i]. [2, 0, 1] of a [1, 2, 3]
// input x[0, r, c] gives [3, 1, 2] with result[c, 0, r] = x[0, r, c].
func.func @transpose() {
  %x = llm.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %t = llm.transpose %x [1, 0] : tensor<2x3xf32>
  check.expect_eq %t, dense<[[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]> : tensor<3x2xf32>
  %y = llm.constant dense<[[[1, 2, 3], [4, 5, 6]]]> : tensor<1x2x3xi32>
  %u = llm.transpose %y [2, 0, 1] : tensor<1x2x3xi32>
  check.expect_eq %u, dense<[[[1, 4]], [[2, 5]], [[3, 6]]]> : tensor<3x1x2xi32>
  return
}

// Splitting heads: [B=1, S=2, H=2, D=1] -> [B, H, S, D] by [0, 2, 1, 3]:
// token s, head h goes to [h, s].
func.func @transpose_heads() {
  %x = llm.constant dense<[[[[1.0], [2.0]], [[3.0], [4.0]]]]> : tensor<1x2x2x1xf32>
  %t = llm.transpose %x [0, 2, 1, 3] : tensor<1x2x2x1xf32>
  check.expect_eq %t, dense<[[[[1.0], [3.0]], [[2.0], [4.0]]]]> : tensor<1x2x2x1xf32>
  return
}

func.func @concat() {
  %a = llm.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %b = llm.constant dense<[[3.0, 4.0], [5.0, 6.0]]> : tensor<2x2xf32>
  %r = llm.concat %a, %b dim 0 : tensor<1x2xf32>, tensor<2x2xf32>
  check.expect_eq %r, dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %c = llm.constant dense<[[7.0], [8.0]]> : tensor<2x1xf32>
  %d = llm.concat %b, %c, %b dim 1 : tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x2xf32>
  check.expect_eq %d, dense<[[3.0, 4.0, 7.0, 3.0, 4.0], [5.0, 6.0, 8.0, 5.0, 6.0]]> : tensor<2x5xf32>
  %e = llm.concat %a dim 1 : tensor<1x2xf32>
  check.expect_eq %e, dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  return
}

func.func @concat_int_and_bool() {
  %a = llm.constant dense<[1]> : tensor<1xi64>
  %b = llm.constant dense<[2, 3]> : tensor<2xi64>
  %s = llm.concat %a, %b dim 0 : tensor<1xi64>, tensor<2xi64>
  check.expect_eq %s, dense<[1, 2, 3]> : tensor<3xi64>
  %t = llm.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %f = llm.constant dense<[[false], [true]]> : tensor<2x1xi1>
  %m = llm.concat %t, %f dim 1 : tensor<2x1xi1>, tensor<2x1xi1>
  check.expect_eq %m, dense<[[true, false], [false, true]]> : tensor<2x2xi1>
  return
}

// x = [0, 1, ..., 7]. Negative bounds count from the end (n + value), then
// clamp to [0, n]; size = max(0, ceil((limit - start) / step)):
//   [-3, 8)            -> [5, 6, 7]
//   [1, -1) step 2     -> 1, 3, 5 (limit 7)
//   [-100, 100) step 3 -> clamped to [0, 8): 0, 3, 6
//   [5, 2)             -> empty
func.func @slice() {
  %x = llm.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>
  %a = llm.slice %x dims [0] starts [-3] limits [8] : tensor<8xf32> to tensor<3xf32>
  check.expect_eq %a, dense<[5.0, 6.0, 7.0]> : tensor<3xf32>
  %b = llm.slice %x dims [0] starts [1] limits [-1] steps [2] : tensor<8xf32> to tensor<3xf32>
  check.expect_eq %b, dense<[1.0, 3.0, 5.0]> : tensor<3xf32>
  %c = llm.slice %x dims [0] starts [-100] limits [100] steps [3] : tensor<8xf32> to tensor<3xf32>
  check.expect_eq %c, dense<[0.0, 3.0, 6.0]> : tensor<3xf32>
  %d = llm.slice %x dims [0] starts [5] limits [2] : tensor<8xf32> to tensor<0xf32>
  check.expect_eq %d, dense<> : tensor<0xf32>
  return
}

// The 2-D example of the op's documentation on t[r, c] = 10 r + c ([4, 8]):
// dim 1 from 0 below 8 step 4 -> columns 0, 4; dim 0 from -3 (= 1) below 4
// -> rows 1, 2, 3. Dimensions not listed are kept whole.
func.func @slice_2d() {
  %t = llm.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7], [10, 11, 12, 13, 14, 15, 16, 17],
                           [20, 21, 22, 23, 24, 25, 26, 27], [30, 31, 32, 33, 34, 35, 36, 37]]> : tensor<4x8xi64>
  %s = llm.slice %t dims [1, 0] starts [0, -3] limits [8, 4] steps [4, 1] : tensor<4x8xi64> to tensor<3x2xi64>
  check.expect_eq %s, dense<[[10, 14], [20, 24], [30, 34]]> : tensor<3x2xi64>
  %r = llm.slice %t dims [1] starts [-2] limits [8] : tensor<4x8xi64> to tensor<4x2xi64>
  check.expect_eq %r, dense<[[6, 7], [16, 17], [26, 27], [36, 37]]> : tensor<4x2xi64>
  return
}

// Run-time bounds, same rules: rows [1, 3), columns [-2, 4) = [2, 4) of
// t[r, c] = 10 r + c ([4, 4]); with a dynamic result, and with steps.
func.func @dynamic_slice() {
  %t = llm.constant dense<[[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]> : tensor<4x4xi64>
  %starts = llm.constant dense<[1, -2]> : tensor<2xi64>
  %limits = llm.constant dense<[3, 4]> : tensor<2xi64>
  %a = llm.dynamic_slice %t, %starts, %limits dims [0, 1] : tensor<4x4xi64>, tensor<2xi64>, tensor<2xi64> to tensor<2x2xi64>
  check.expect_eq %a, dense<[[12, 13], [22, 23]]> : tensor<2x2xi64>
  %d = llm.dynamic_slice %t, %starts, %limits dims [0, 1] : tensor<4x4xi64>, tensor<2xi64>, tensor<2xi64> to tensor<?x?xi64>
  %cols = llm.dim %d[1] : tensor<?x?xi64>
  check.expect_eq %cols, dense<2> : tensor<i64>
  %s = llm.constant dense<[-100]> : tensor<1xi64>
  %l = llm.constant dense<[100]> : tensor<1xi64>
  %e = llm.dynamic_slice %t, %s, %l dims [1] steps [3] : tensor<4x4xi64>, tensor<1xi64>, tensor<1xi64> to tensor<4x2xi64>
  check.expect_eq %e, dense<[[0, 3], [10, 13], [20, 23], [30, 33]]> : tensor<4x2xi64>
  return
}

// A causal-mask buffer sliced by position, as an imported graph does:
// rows [1, 2) and columns [0, 2) of a 3 x 3 lower-triangular i1 buffer.
func.func @dynamic_slice_mask() {
  %buf = llm.constant dense<[[[[true, false, false], [true, true, false], [true, true, true]]]]> : tensor<1x1x3x3xi1>
  %starts = llm.constant dense<[1, 0]> : tensor<2xi64>
  %limits = llm.constant dense<[2, 2]> : tensor<2xi64>
  %m = llm.dynamic_slice %buf, %starts, %limits dims [2, 3] : tensor<1x1x3x3xi1>, tensor<2xi64>, tensor<2xi64> to tensor<1x1x1x2xi1>
  check.expect_eq %m, dense<[[[[true, true]]]]> : tensor<1x1x1x2xi1>
  return
}

// result[p, i, q] = input[p, indices[i], q]; -1 is the last row.
func.func @gather() {
  %x = llm.constant dense<[[0.0, 1.0, 2.0], [10.0, 11.0, 12.0], [20.0, 21.0, 22.0], [30.0, 31.0, 32.0]]> : tensor<4x3xf32>
  %i = llm.constant dense<[-1, 0, -4]> : tensor<3xi64>
  %rows = llm.gather %x[%i] dim 0 : tensor<4x3xf32>, tensor<3xi64>
  check.expect_eq %rows, dense<[[30.0, 31.0, 32.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]> : tensor<3x3xf32>
  return
}

// Along dim 1 with 2-D indices [[0, -1], [1, 1]] on [2, 3]: the result
// [2, 2, 2] is result[p, i, j] = x[p, indices[i, j]] (-1 is column 2); a 0-d
// index removes the dimension.
func.func @gather_dim1() {
  %x = llm.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %i = llm.constant dense<[[0, -1], [1, 1]]> : tensor<2x2xi32>
  %g = llm.gather %x[%i] dim 1 : tensor<2x3xi64>, tensor<2x2xi32>
  check.expect_eq %g, dense<[[[1, 3], [2, 2]], [[4, 6], [5, 5]]]> : tensor<2x2x2xi64>
  %s = llm.constant dense<-2> : tensor<i64>
  %h = llm.gather %x[%s] dim 1 : tensor<2x3xi64>, tensor<i64>
  check.expect_eq %h, dense<[2, 5]> : tensor<2xi64>
  return
}

// Size-1 dimensions repeat, missing leading dimensions are added.
func.func @broadcast_to() {
  %r = llm.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %a = llm.broadcast_to %r : tensor<1x3xf32> to tensor<2x3xf32>
  check.expect_eq %a, dense<[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]> : tensor<2x3xf32>
  %c = llm.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %b = llm.broadcast_to %c : tensor<2x1xi64> to tensor<2x2xi64>
  check.expect_eq %b, dense<[[1, 1], [2, 2]]> : tensor<2x2xi64>
  %v = llm.constant dense<[true, false]> : tensor<2xi1>
  %d = llm.broadcast_to %v : tensor<2xi1> to tensor<2x1x2xi1>
  check.expect_eq %d, dense<[[[true, false]], [[true, false]]]> : tensor<2x1x2xi1>
  return
}

// With a run-time shape [2, 3]: a 0-d value filled into a [?, ?] result.
func.func @broadcast_to_shape_operand() {
  %z = llm.constant dense<0.5> : tensor<f32>
  %shape = llm.constant dense<[2, 3]> : tensor<2xi64>
  %b = llm.broadcast_to %z, %shape : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
  %n = llm.dim %b[1] : tensor<?x?xf32>
  check.expect_eq %n, dense<3> : tensor<i64>
  %s = llm.broadcast_to %b : tensor<?x?xf32> to tensor<2x3xf32>
  check.expect_eq %s, dense<0.5> : tensor<2x3xf32>
  return
}

// [B=1, H=2, Sp=1, D=2] + [1, 2, Sn=1, 2]: per head, the old entries then the
// new ones along axis 2 (not a flat concatenation of the buffers).
func.func @kv_append() {
  %cache = llm.constant dense<[[[[1.0, 2.0]], [[3.0, 4.0]]]]> : tensor<1x2x1x2xf32>
  %new = llm.constant dense<[[[[5.0, 6.0]], [[7.0, 8.0]]]]> : tensor<1x2x1x2xf32>
  %k = llm.kv_append %cache, %new : tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>
  check.expect_eq %k, dense<[[[[1.0, 2.0], [5.0, 6.0]], [[3.0, 4.0], [7.0, 8.0]]]]> : tensor<1x2x2x2xf32>
  return
}

// The first prefill appends to an empty cache (Sp = 0): the update itself.
func.func @kv_append_empty_cache() {
  %cache = llm.constant dense<> : tensor<1x1x0x2xf32>
  %new = llm.constant dense<[[[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x1x2x2xf32>
  %k = llm.kv_append %cache, %new : tensor<1x1x0x2xf32>, tensor<1x1x2x2xf32>
  check.expect_eq %k, dense<[[[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x1x2x2xf32>
  return
}

// A cache of M = 4 slots per head (H = 2, D = 1), zeros; update of N = 2
// entries [1, 2] (head 0) and [3, 4] (head 1).
//   position 1, length 1: slot 1 gets the first entry; the second (padding)
//   is not written.
//   position 2, length 2: slots 2 and 3.
//   length 0: nothing changes.
func.func @cache_update() {
  %cache = llm.constant dense<0.0> : tensor<1x2x4x1xf32>
  %new = llm.constant dense<[[[[1.0], [2.0]], [[3.0], [4.0]]]]> : tensor<1x2x2x1xf32>
  %p1 = llm.constant dense<1> : tensor<i64>
  %p2 = llm.constant dense<2> : tensor<i64>
  %n0 = llm.constant dense<0> : tensor<i64>
  %n1 = llm.constant dense<1> : tensor<i64>
  %n2 = llm.constant dense<2> : tensor<i64>
  %a = llm.cache_update %cache[%p1], %new length %n1 : tensor<1x2x4x1xf32>, tensor<1x2x2x1xf32>
  check.expect_eq %a, dense<[[[[0.0], [1.0], [0.0], [0.0]], [[0.0], [3.0], [0.0], [0.0]]]]> : tensor<1x2x4x1xf32>
  %b = llm.cache_update %a[%p2], %new length %n2 : tensor<1x2x4x1xf32>, tensor<1x2x2x1xf32>
  check.expect_eq %b, dense<[[[[0.0], [1.0], [1.0], [2.0]], [[0.0], [3.0], [3.0], [4.0]]]]> : tensor<1x2x4x1xf32>
  %c = llm.cache_update %b[%p2], %new length %n0 : tensor<1x2x4x1xf32>, tensor<1x2x2x1xf32>
  check.expect_eq %c, dense<[[[[0.0], [1.0], [1.0], [2.0]], [[0.0], [3.0], [3.0], [4.0]]]]> : tensor<1x2x4x1xf32>
  return
}

// iota n = [0, ..., n - 1] (a dynamic [?] result); iota 0 is empty.
func.func @iota() {
  %n = llm.constant dense<4> : tensor<i64>
  %p = llm.iota %n : tensor<i64>
  %s = llm.broadcast_to %p : tensor<?xi64> to tensor<4xi64>
  check.expect_eq %s, dense<[0, 1, 2, 3]> : tensor<4xi64>
  %zero = llm.constant dense<0> : tensor<i64>
  %e = llm.iota %zero : tensor<i64>
  %len = llm.dim %e[0] : tensor<?xi64>
  check.expect_eq %len, dense<0> : tensor<i64>
  return
}

// The size of a dimension as a 0-d i64, static or dynamic (here the
// sequence length of an iota).
func.func @dim() {
  %x = llm.constant dense<0.0> : tensor<2x3x5xf32>
  %d0 = llm.dim %x[0] : tensor<2x3x5xf32>
  check.expect_eq %d0, dense<2> : tensor<i64>
  %d2 = llm.dim %x[2] : tensor<2x3x5xf32>
  check.expect_eq %d2, dense<5> : tensor<i64>
  %n = llm.constant dense<7> : tensor<i64>
  %p = llm.iota %n : tensor<i64>
  %d = llm.dim %p[0] : tensor<?xi64>
  check.expect_eq %d, dense<7> : tensor<i64>
  return
}

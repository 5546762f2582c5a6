// The llm dialect folds an op whose operands are all constants to the value
// the reference executor computes for it (one implementation of each op's
// semantics): here the shape arithmetic of an imported graph.
// RUN: llmc-opt %s -split-input-file --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @shape_arithmetic
// CHECK-NEXT: %[[C:.*]] = llm.constant dense<[1, 5, 4, 16]> : tensor<4xi64>
// CHECK-NEXT: %[[R:.*]] = llm.reshape %arg0, %[[C]]
// CHECK-NEXT: return %[[R]]
func.func @shape_arithmetic(%x: tensor<1x5x64xf32>) -> tensor<?x?x4x16xf32> {
  %b = llm.dim %x[0] : tensor<1x5x64xf32>
  %s = llm.dim %x[1] : tensor<1x5x64xf32>
  %b1 = llm.reshape %b : tensor<i64> to tensor<1xi64>
  %s1 = llm.reshape %s : tensor<i64> to tensor<1xi64>
  %heads = llm.constant dense<[64, 4]> : tensor<2xi64>
  %four = llm.slice %heads dims [0] starts [1] limits [2] : tensor<2xi64> to tensor<1xi64>
  %width = llm.div %heads, %heads : tensor<2xi64>
  %sixteen = llm.constant dense<16> : tensor<1xi64>
  %shape = llm.concat %b1, %s1, %four, %sixteen dim 0 : tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>
  %r = llm.reshape %x, %shape : tensor<1x5x64xf32>, tensor<4xi64> to tensor<?x?x4x16xf32>
  return %r : tensor<?x?x4x16xf32>
}

// -----

// Float computations fold in the executor's arithmetic (rounded once to
// f32), comparisons and selections too.
// CHECK-LABEL: func.func @values
// CHECK-DAG: llm.constant dense<[1.000000e+00, 0.540302277, -0.416146845]> : tensor<3xf32>
// CHECK-DAG: llm.constant dense<[0, 7, 7]> : tensor<3xi64>
// CHECK-NOT: llm.cos
// CHECK-NOT: llm.where
func.func @values() -> (tensor<3xf32>, tensor<3xi64>) {
  %f = llm.constant dense<[0.0, 1.0, 2.0]> : tensor<3xf32>
  %c = llm.cos %f : tensor<3xf32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %small = llm.compare <lt>, %f, %half : tensor<3xf32>, tensor<f32>
  %zero = llm.constant dense<0> : tensor<i64>
  %seven = llm.constant dense<7> : tensor<i64>
  %w = llm.where %small, %zero, %seven : tensor<3xi1>, tensor<i64>, tensor<i64>
  return %c, %w : tensor<3xf32>, tensor<3xi64>
}

// -----

// What the executor rejects (an index out of range) is left to fail at run
// time with its message; a dynamic result is not folded (a fold keeps the
// type: llm-static-shapes refines the iota's type first).
// CHECK-LABEL: func.func @not_folded
// CHECK: llm.gather
// CHECK: llm.iota
func.func @not_folded() -> (tensor<i64>, tensor<?xi64>) {
  %n = llm.constant dense<3> : tensor<i64>
  %v = llm.constant dense<[4, 5]> : tensor<2xi64>
  %i = llm.constant dense<7> : tensor<i64>
  %g = llm.gather %v[%i] dim 0 : tensor<2xi64>, tensor<i64>
  %p = llm.iota %n : tensor<i64>
  return %g, %p : tensor<i64>, tensor<?xi64>
}

// Folds of the llm ops: each removes an op that computes its own input.
// RUN: llmc-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @cast_to_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cast_to_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = llm.cast %x : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A real conversion stays.
// CHECK-LABEL: func.func @cast_kept
// CHECK: llm.cast
func.func @cast_kept(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = llm.cast %x : tensor<4xf32> to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip(%x: tensor<1x?x64xf32>) -> tensor<1x?x64xf32> {
  %0 = llm.reshape %x : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
  %1 = llm.reshape %0 : tensor<1x?x4x16xf32> to tensor<1x?x64xf32>
  return %1 : tensor<1x?x64xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_identity
// CHECK-NEXT: return %arg0
func.func @reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = llm.reshape %x : tensor<2x3xf32> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_chain_kept
// CHECK: llm.reshape
// CHECK: llm.reshape
func.func @reshape_chain_kept(%x: tensor<1x?x64xf32>) -> tensor<1x?x2x32xf32> {
  %0 = llm.reshape %x : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
  %1 = llm.reshape %0 : tensor<1x?x4x16xf32> to tensor<1x?x2x32xf32>
  return %1 : tensor<1x?x2x32xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-NEXT: return %arg0
func.func @transpose_identity(%x: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %0 = llm.transpose %x [0, 1, 2] : tensor<1x?x4xf32>
  return %0 : tensor<1x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_kept
// CHECK: llm.transpose %arg0 [0, 2, 1]
func.func @transpose_kept(%x: tensor<1x?x4xf32>) -> tensor<1x4x?xf32> {
  %0 = llm.transpose %x [0, 2, 1] : tensor<1x?x4xf32>
  return %0 : tensor<1x4x?xf32>
}

// -----

// Equal constants become one; unused pure ops (a weight read) disappear.
// CHECK-LABEL: func.func @constants
// CHECK-COUNT-1: llm.constant
// CHECK-NOT: llm.constant
// CHECK-NOT: llm.weight
module attributes {llm.weights = "w.safetensors"} {
  func.func @constants() -> (tensor<2xf32>, tensor<2xf32>) {
    %w = llm.weight "unused" : tensor<8xf32>
    %0 = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %1 = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
    return %0, %1 : tensor<2xf32>, tensor<2xf32>
  }
}

// -----

// x + 0, x - 0, x * 1 and x / 1 are x; a broadcasting identity is kept.
// CHECK-LABEL: func.func @identities
// CHECK: %[[B:.*]] = llm.add %arg0, %{{.*}} : tensor<4xi64>, tensor<2x4xi64>
// CHECK-NEXT: return %arg0, %arg0, %arg0, %arg0, %[[B]] :
func.func @identities(%x: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<2x4xi64>) {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %zeros = llm.constant dense<0> : tensor<2x4xi64>
  %a = llm.add %zero, %x : tensor<i64>, tensor<4xi64>
  %s = llm.sub %x, %zero : tensor<4xi64>, tensor<i64>
  %m = llm.mul %x, %one : tensor<4xi64>, tensor<i64>
  %d = llm.div %x, %one : tensor<4xi64>, tensor<i64>
  %b = llm.add %x, %zeros : tensor<4xi64>, tensor<2x4xi64>
  return %a, %s, %m, %d, %b : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<2x4xi64>
}

// -----

// A slice that takes exactly one input of a concat along the same
// dimension is that input: an exporter's Shape -> Concat -> Slice of a
// static entry is that entry.
// CHECK-LABEL: func.func @slice_of_concat
// CHECK-SAME: (%[[A:.*]]: tensor<1xi64>, %[[B:.*]]: tensor<1xi64>)
// CHECK-NEXT: %[[C:.*]] = llm.constant dense<16> : tensor<1xi64>
// CHECK-NEXT: return %[[C]], %[[A]]
func.func @slice_of_concat(%a: tensor<1xi64>, %b: tensor<1xi64>) -> (tensor<1xi64>, tensor<1xi64>) {
  %c = llm.constant dense<16> : tensor<1xi64>
  %shape = llm.concat %a, %b, %c dim 0 : tensor<1xi64>, tensor<1xi64>, tensor<1xi64>
  %last = llm.slice %shape dims [0] starts [-1] limits [9223372036854775807] : tensor<3xi64> to tensor<1xi64>
  %first = llm.slice %shape dims [0] starts [0] limits [1] : tensor<3xi64> to tensor<1xi64>
  return %last, %first : tensor<1xi64>, tensor<1xi64>
}

// -----

// Near misses: a slice across two inputs, or with a step, stays.
// CHECK-LABEL: func.func @slice_of_concat_kept
// CHECK-COUNT-2: llm.slice
func.func @slice_of_concat_kept(%a: tensor<1xi64>, %b: tensor<1xi64>) -> (tensor<2xi64>, tensor<1xi64>) {
  %shape = llm.concat %a, %b, %a dim 0 : tensor<1xi64>, tensor<1xi64>, tensor<1xi64>
  %two = llm.slice %shape dims [0] starts [0] limits [2] : tensor<3xi64> to tensor<2xi64>
  %odd = llm.slice %shape dims [0] starts [1] limits [2] steps [2] : tensor<3xi64> to tensor<1xi64>
  return %two, %odd : tensor<2xi64>, tensor<1xi64>
}

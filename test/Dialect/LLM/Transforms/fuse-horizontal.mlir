// llm-fuse-horizontal: linears that read the same input become one linear
// over their concatenated weights, sliced back into the original outputs
// (each output element is the same sum, so the numbers are unchanged: the
// bundled models' logits are bit-identical before and after, see
// test/models/fusion.test). Near misses stay as they are.
// RUN: llmc-opt %s -split-input-file --llm-fuse-horizontal | FileCheck %s

// Qwen2's Q, K and V: grouped-query attention's narrower K and V, with
// biases; the weights read after the first linear move before it.
// CHECK-LABEL: func.func @qkv
// CHECK-DAG:  %[[WQ:.*]] = llm.weight "wq"
// CHECK-DAG:  %[[WK:.*]] = llm.weight "wk"
// CHECK-DAG:  %[[WV:.*]] = llm.weight "wv"
// CHECK:      %[[W:.*]] = llm.concat %[[WQ]], %[[WK]], %[[WV]] dim 0 : tensor<64x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>
// CHECK:      %[[B:.*]] = llm.concat %{{.*}}, %{{.*}}, %{{.*}} dim 0 : tensor<64xf32>, tensor<16xf32>, tensor<16xf32>
// CHECK:      %[[Y:.*]] = llm.linear %arg0, %[[W]], %[[B]] : tensor<1x?x32xf32>, tensor<96x32xf32>, tensor<96xf32>
// CHECK-NEXT: %[[Q:.*]] = llm.slice %[[Y]] dims [2] starts [0] limits [64] : tensor<1x?x96xf32> to tensor<1x?x64xf32>
// CHECK-NEXT: %[[K:.*]] = llm.slice %[[Y]] dims [2] starts [64] limits [80] : tensor<1x?x96xf32> to tensor<1x?x16xf32>
// CHECK-NEXT: %[[V:.*]] = llm.slice %[[Y]] dims [2] starts [80] limits [96] : tensor<1x?x96xf32> to tensor<1x?x16xf32>
// CHECK-NOT:  llm.linear
// CHECK:      return %[[Q]], %[[K]], %[[V]]
module attributes {llm.weights = "w.safetensors"} {
  func.func @qkv(%x: tensor<1x?x32xf32>) -> (tensor<1x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x16xf32>) {
    %wq = llm.weight "wq" : tensor<64x32xf32>
    %bq = llm.weight "bq" : tensor<64xf32>
    %q = llm.linear %x, %wq, %bq : tensor<1x?x32xf32>, tensor<64x32xf32>, tensor<64xf32>
    %wk = llm.weight "wk" : tensor<16x32xf32>
    %bk = llm.weight "bk" : tensor<16xf32>
    %k = llm.linear %x, %wk, %bk : tensor<1x?x32xf32>, tensor<16x32xf32>, tensor<16xf32>
    %wv = llm.weight "wv" : tensor<16x32xf32>
    %bv = llm.weight "bv" : tensor<16xf32>
    %v = llm.linear %x, %wv, %bv : tensor<1x?x32xf32>, tensor<16x32xf32>, tensor<16xf32>
    return %q, %k, %v : tensor<1x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x16xf32>
  }
}

// -----

// SwiGLU's gate and up, GPT-2-style [K, N] weights (in_out): concatenated
// along N; the swiglu reads the two halves.
// CHECK-LABEL: func.func @gate_up
// CHECK:      %[[W:.*]] = llm.concat %{{.*}}, %{{.*}} dim 1 : tensor<32x48xf32>, tensor<32x48xf32>
// CHECK:      %[[Y:.*]] = llm.linear %arg0, %[[W]] {weight_layout = #llm.weight_layout<in_out>} : tensor<2x32xf32>, tensor<32x96xf32>
// CHECK-NEXT: %[[G:.*]] = llm.slice %[[Y]] dims [1] starts [0] limits [48]
// CHECK-NEXT: %[[U:.*]] = llm.slice %[[Y]] dims [1] starts [48] limits [96]
// CHECK-NEXT: llm.swiglu %[[G]], %[[U]]
module attributes {llm.weights = "w.safetensors"} {
  func.func @gate_up(%x: tensor<2x32xf32>) -> tensor<2x48xf32> {
    %wg = llm.weight "wg" : tensor<32x48xf32>
    %wu = llm.weight "wu" : tensor<32x48xf32>
    %g = llm.linear %x, %wg {weight_layout = #llm.weight_layout<in_out>} : tensor<2x32xf32>, tensor<32x48xf32>
    %u = llm.linear %x, %wu {weight_layout = #llm.weight_layout<in_out>} : tensor<2x32xf32>, tensor<32x48xf32>
    %s = llm.swiglu %g, %u : tensor<2x48xf32>
    return %s : tensor<2x48xf32>
  }
}

// -----

// Near misses, each left as it is: different inputs; different weight
// layouts; one with a bias and one without; a weight passed in at run time
// (it would be concatenated on every call); a single linear.
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT:  llm.concat
// CHECK-COUNT-9: llm.linear
// CHECK-NOT:  llm.slice
module attributes {llm.weights = "w.safetensors"} {
  func.func @near_misses(%x: tensor<2x32xf32>, %z: tensor<2x32xf32>, %runtime: tensor<8x32xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
    %w = llm.weight "w" : tensor<8x32xf32>
    %wt = llm.weight "wt" : tensor<32x8xf32>
    %b = llm.weight "b" : tensor<8xf32>
    %y = llm.weight "y" : tensor<8x32xf32>
    // different inputs
    %a0 = llm.linear %x, %w : tensor<2x32xf32>, tensor<8x32xf32>
    %a1 = llm.linear %z, %y : tensor<2x32xf32>, tensor<8x32xf32>
    // different layouts (on %z: with %a1 it would be a group)
    %a2 = llm.linear %z, %wt {weight_layout = #llm.weight_layout<in_out>} : tensor<2x32xf32>, tensor<32x8xf32>
    // bias and no bias (on a third input)
    %s = llm.add %x, %z : tensor<2x32xf32>
    %a3 = llm.linear %s, %w, %b : tensor<2x32xf32>, tensor<8x32xf32>, tensor<8xf32>
    %a4 = llm.linear %s, %y : tensor<2x32xf32>, tensor<8x32xf32>
    // a weight passed in at run time (on a fourth input)
    %t = llm.mul %x, %z : tensor<2x32xf32>
    %a5 = llm.linear %t, %w : tensor<2x32xf32>, tensor<8x32xf32>
    %a6 = llm.linear %t, %runtime : tensor<2x32xf32>, tensor<8x32xf32>
    // alone (a fifth input)
    %u = llm.sub %x, %z : tensor<2x32xf32>
    %a7 = llm.linear %u, %w : tensor<2x32xf32>, tensor<8x32xf32>
    %v = llm.neg %x : tensor<2x32xf32>
    %a8 = llm.linear %v, %w : tensor<2x32xf32>, tensor<8x32xf32>
    return %a0, %a1, %a2, %a3, %a4, %a5, %a6, %a7, %a8 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
  }
}

// llm-fusion-stats prints, per program, kernels, activation bytes read and
// weight tensors read before and after the fusion passes, and leaves the
// module as it is. Q/K/V of one input [1, S, 32] f32 (S counts as 1): three
// linears reading 128 bytes each and six weights (w and b) become one
// linear reading 128 bytes and two (the concatenated w and b).
// RUN: llmc-opt %s -split-input-file --llm-fusion-stats 2>&1 >/dev/null | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-fusion-stats 2>/dev/null | FileCheck --check-prefix=KEPT %s
// CHECK:      llm-fusion-stats: per call
// CHECK-NEXT: program kernels fused act. KiB read fused weights fused
// CHECK-NEXT: @qkv 3 1 0.4 0.1 6 2 0.0
// KEPT-COUNT-3: llm.linear
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

// With groups: a norm and the linear it feeds are one kernel; the norm's
// output (1 x S x 32 f32, S counted as 1: 128 bytes) stays on chip, so the
// reads go from 256 bytes (x by the norm, its output by the linear) to 128.
// RUN: llmc-opt %s -split-input-file --llm-fusion-stats=groups=norm-linear 2>&1 >/dev/null | FileCheck --check-prefix=GROUPS %s
// GROUPS: @norm_linear 2 1 0.2 0.1 2 2 0.1
module attributes {llm.weights = "w.safetensors"} {
  func.func @norm_linear(%x: tensor<1x?x32xf32>) -> tensor<1x?x64xf32> {
    %g = llm.weight "g" : tensor<32xf32>
    %w = llm.weight "w" : tensor<64x32xf32>
    %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<1x?x32xf32>, tensor<32xf32>
    %y = llm.linear %n, %w : tensor<1x?x32xf32>, tensor<64x32xf32>
    return %y : tensor<1x?x64xf32>
  }
}

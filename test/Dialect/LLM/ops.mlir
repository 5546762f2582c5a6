// Round trip of every llm op in its custom syntax: print, reparse, print
// again, and through the generic form.
// RUN: llmc-opt %s | llmc-opt | FileCheck %s
// RUN: llmc-opt %s --mlir-print-op-generic | llmc-opt | FileCheck %s

module attributes {llm.weights = "model.safetensors"} {

// CHECK-LABEL: func.func @weight_and_constant
func.func @weight_and_constant() -> (tensor<8x4xf16>, tensor<2xf32>) {
  // CHECK: llm.weight "model.embed_tokens.weight" : tensor<8x4xf16>
  %w = llm.weight "model.embed_tokens.weight" : tensor<8x4xf16>
  // CHECK: llm.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %c = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %w, %c : tensor<8x4xf16>, tensor<2xf32>
}

// CHECK-LABEL: func.func @embedding
func.func @embedding(%table: tensor<512x64xf32>, %ids: tensor<1x?xi64>) -> tensor<1x?x64xf32> {
  // CHECK: llm.embedding %{{.*}}[%{{.*}}] : tensor<512x64xf32>, tensor<1x?xi64>
  %h = llm.embedding %table[%ids] : tensor<512x64xf32>, tensor<1x?xi64>
  return %h : tensor<1x?x64xf32>
}

// CHECK-LABEL: func.func @linear
func.func @linear(%x: tensor<1x?x64xf32>, %w: tensor<192x64xf32>, %b: tensor<192xf32>,
                  %c: tensor<64x192xf32>) -> (tensor<1x?x192xf32>, tensor<1x?x192xf32>) {
  // CHECK: llm.linear %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x?x64xf32>, tensor<192x64xf32>, tensor<192xf32>
  %y = llm.linear %x, %w, %b : tensor<1x?x64xf32>, tensor<192x64xf32>, tensor<192xf32>
  // CHECK: llm.linear %{{.*}}, %{{.*}} {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x192xf32>
  %z = llm.linear %x, %c {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x192xf32>
  return %y, %z : tensor<1x?x192xf32>, tensor<1x?x192xf32>
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<1x?x64xbf16>, %w: tensor<64xbf16>, %b: tensor<64xbf16>)
    -> (tensor<1x?x64xbf16>, tensor<1x?x64xbf16>, tensor<1x?x64xbf16>) {
  // CHECK: llm.rms_norm %{{.*}}, %{{.*}} epsilon(9.9999999999999995E-7) : tensor<1x?x64xbf16>, tensor<64xbf16>
  %r = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x?x64xbf16>, tensor<64xbf16>
  // CHECK: llm.layer_norm %{{.*}}, %{{.*}}, %{{.*}} epsilon(1.000000e-05) : tensor<1x?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
  %l = llm.layer_norm %x, %w, %b epsilon(1.0e-05) : tensor<1x?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
  // CHECK: llm.layer_norm %{{.*}}, %{{.*}} epsilon(1.000000e-05) : tensor<1x?x64xbf16>, tensor<64xbf16>
  %n = llm.layer_norm %x, %w epsilon(1.0e-05) : tensor<1x?x64xbf16>, tensor<64xbf16>
  return %r, %l, %n : tensor<1x?x64xbf16>, tensor<1x?x64xbf16>, tensor<1x?x64xbf16>
}

// CHECK-LABEL: func.func @rope
func.func @rope(%x: tensor<1x4x?x16xf32>, %pos: tensor<1x?xi64>, %k: tensor<1x1x?x8xf16>)
    -> (tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x1x?x8xf16>, tensor<1x4x?x16xf32>) {
  // CHECK: llm.rope <half_split> %{{.*}}, %{{.*}} theta(1.000000e+04) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  %a = llm.rope <half_split> %x, %pos theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  // CHECK: llm.rope <half_split> %{{.*}}, %{{.*}} theta(1.000000e+06) {rotary_dim = 8 : i64} : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  %b = llm.rope <half_split> %x, %pos theta(1.0e+06) {rotary_dim = 8} : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  // CHECK: llm.rope <interleaved> %{{.*}}, %{{.*}} theta(1.000000e+04) {yarn = #llm.yarn<factor = 4.000000e+01, original_max_position = 4096, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>} : tensor<1x1x?x8xf16>, tensor<1x?xi64>
  %c = llm.rope <interleaved> %k, %pos theta(1.0e+04) {yarn = #llm.yarn<factor = 40.0, original_max_position = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 0.707, mscale_all_dim = 0.707>} : tensor<1x1x?x8xf16>, tensor<1x?xi64>
  // CHECK: llm.rope <half_split> %{{.*}}, %{{.*}} {inv_freq = array<f64: 1.000000e+00, 1.000000e-01, 1.000000e-02, 1.000000e-03>, magnitude = 1.250000e+00 : f64, rotary_dim = 8 : i64} : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  %d = llm.rope <half_split> %x, %pos {rotary_dim = 8, inv_freq = array<f64: 1.0, 0.1, 0.01, 0.001>, magnitude = 1.25 : f64} : tensor<1x4x?x16xf32>, tensor<1x?xi64>
  return %a, %b, %c, %d : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32>, tensor<1x1x?x8xf16>, tensor<1x4x?x16xf32>
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>,
                     %m: tensor<1x1x?x?xi1>, %add: tensor<?x?xf32>)
    -> (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) {
  // CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>
  %a = llm.attention %q, %k, %v scale(0.25) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>
  // CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} scale(2.500000e-01) {kv_head_map = array<i64: 1, 0, 1, 0>} : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xi1>
  %b = llm.attention %q, %k, %v mask %m scale(0.25) {kv_head_map = array<i64: 1, 0, 1, 0>} : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xi1>
  // CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} scale(1.250000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<?x?xf32>
  %c = llm.attention %q, %k, %v mask %add scale(0.125) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<?x?xf32>
  return %a, %b, %c : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
}

// Keys and values kept in f16 (a KV cache stored narrower) for an f32 query.
// CHECK-LABEL: func.func @attention_stored_f16
// CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf16>, tensor<1x2x?x8xf16>
func.func @attention_stored_f16(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf16>, %v: tensor<1x2x?x8xf16>) -> tensor<1x4x?x8xf32> {
  %a = llm.attention %q, %k, %v scale(0.25) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf16>, tensor<1x2x?x8xf16>
  return %a : tensor<1x4x?x8xf32>
}

// CHECK-LABEL: func.func @mla_attention
func.func @mla_attention(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                         %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) -> tensor<1x4x?x12xf32> {
  // 112 rows = 4 heads * (16 nope + 12 value dims).
  // CHECK: llm.mla_attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} scale(1.000000e-01) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) causal : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return %o : tensor<1x4x?x12xf32>
}

// CHECK-LABEL: func.func @kv_append
func.func @kv_append(%past: tensor<1x2x?x16xf16>, %new: tensor<1x2x?x16xf16>,
                     %p3: tensor<1x2x3x16xf16>, %n1: tensor<1x2x1x16xf16>)
    -> (tensor<1x2x?x16xf16>, tensor<1x2x4x16xf16>) {
  // CHECK: llm.kv_append %{{.*}}, %{{.*}} : tensor<1x2x?x16xf16>, tensor<1x2x?x16xf16>
  %a = llm.kv_append %past, %new : tensor<1x2x?x16xf16>, tensor<1x2x?x16xf16>
  // CHECK: llm.kv_append %{{.*}}, %{{.*}} : tensor<1x2x3x16xf16>, tensor<1x2x1x16xf16>
  %b = llm.kv_append %p3, %n1 : tensor<1x2x3x16xf16>, tensor<1x2x1x16xf16>
  return %a, %b : tensor<1x2x?x16xf16>, tensor<1x2x4x16xf16>
}

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<1x?x256xf32>, %u: tensor<1x?x256xf32>)
    -> (tensor<1x?x256xf32>, tensor<1x?x256xf32>, tensor<1x?x256xf32>, tensor<1x?x256xf32>) {
  // CHECK: llm.gelu <tanh> %{{.*}} : tensor<1x?x256xf32>
  %a = llm.gelu <tanh> %x : tensor<1x?x256xf32>
  // CHECK: llm.gelu <erf> %{{.*}} : tensor<1x?x256xf32>
  %b = llm.gelu <erf> %x : tensor<1x?x256xf32>
  // CHECK: llm.silu %{{.*}} : tensor<1x?x256xf32>
  %c = llm.silu %x : tensor<1x?x256xf32>
  // CHECK: llm.swiglu %{{.*}}, %{{.*}} : tensor<1x?x256xf32>
  %d = llm.swiglu %x, %u : tensor<1x?x256xf32>
  return %a, %b, %c, %d : tensor<1x?x256xf32>, tensor<1x?x256xf32>, tensor<1x?x256xf32>, tensor<1x?x256xf32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<4x?xf32>) -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>) {
  // CHECK: llm.neg %{{.*}} : tensor<4x?xf32>
  %0 = llm.neg %x : tensor<4x?xf32>
  // CHECK: llm.abs
  %1 = llm.abs %x : tensor<4x?xf32>
  // CHECK: llm.exp
  %2 = llm.exp %x : tensor<4x?xf32>
  // CHECK: llm.log
  %3 = llm.log %x : tensor<4x?xf32>
  // CHECK: llm.sqrt
  %4 = llm.sqrt %x : tensor<4x?xf32>
  // CHECK: llm.rsqrt
  %5 = llm.rsqrt %x : tensor<4x?xf32>
  // CHECK: llm.reciprocal
  %6 = llm.reciprocal %x : tensor<4x?xf32>
  // CHECK: llm.tanh
  %7 = llm.tanh %x : tensor<4x?xf32>
  // CHECK: llm.erf
  %8 = llm.erf %x : tensor<4x?xf32>
  // CHECK: llm.sigmoid
  %9 = llm.sigmoid %x : tensor<4x?xf32>
  // CHECK: llm.cos
  %10 = llm.cos %x : tensor<4x?xf32>
  // CHECK: llm.sin %{{.*}} : tensor<4x?xf32>
  %11 = llm.sin %x : tensor<4x?xf32>
  // CHECK: llm.floor %{{.*}} : tensor<4x?xf32>
  %12 = llm.floor %x : tensor<4x?xf32>
  // CHECK: llm.ceil %{{.*}} : tensor<4x?xf32>
  %13 = llm.ceil %x : tensor<4x?xf32>
  // CHECK: llm.round %{{.*}} : tensor<4x?xf32>
  %14 = llm.round %x : tensor<4x?xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14 : tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>,
    tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<1x?x64xf32>, %b: tensor<64xf32>, %i: tensor<?xi64>)
    -> (tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>,
        tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<?xi64>) {
  // Equal types are written once; different ones both.
  // CHECK: llm.add %{{.*}}, %{{.*}} : tensor<1x?x64xf32>{{$}}
  %0 = llm.add %a, %a : tensor<1x?x64xf32>
  // CHECK: llm.sub %{{.*}}, %{{.*}} : tensor<1x?x64xf32>, tensor<64xf32>
  %1 = llm.sub %a, %b : tensor<1x?x64xf32>, tensor<64xf32>
  // CHECK: llm.mul %{{.*}}, %{{.*}} : tensor<64xf32>, tensor<1x?x64xf32>
  %2 = llm.mul %b, %a : tensor<64xf32>, tensor<1x?x64xf32>
  // CHECK: llm.div
  %3 = llm.div %a, %b : tensor<1x?x64xf32>, tensor<64xf32>
  // CHECK: llm.pow
  %4 = llm.pow %a, %b : tensor<1x?x64xf32>, tensor<64xf32>
  // CHECK: llm.maximum
  %5 = llm.maximum %a, %b : tensor<1x?x64xf32>, tensor<64xf32>
  // CHECK: llm.minimum
  %6 = llm.minimum %a, %b : tensor<1x?x64xf32>, tensor<64xf32>
  // CHECK: llm.add %{{.*}}, %{{.*}} : tensor<?xi64>
  %7 = llm.add %i, %i : tensor<?xi64>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>,
    tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<?xi64>
}

// CHECK-LABEL: func.func @compare_where_cast
func.func @compare_where_cast(%a: tensor<1x?xi64>, %b: tensor<?x1xi64>, %x: tensor<1x4x?x?xf32>, %y: tensor<f32>)
    -> (tensor<?x?xi1>, tensor<1x4x?x?xf32>, tensor<1x4x?x?xf16>) {
  // CHECK: llm.compare <le>, %{{.*}}, %{{.*}} : tensor<1x?xi64>, tensor<?x1xi64>
  %m = llm.compare <le>, %a, %b : tensor<1x?xi64>, tensor<?x1xi64>
  // CHECK: llm.where %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32>
  %w = llm.where %m, %x, %y : tensor<?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32>
  // CHECK: llm.cast %{{.*}} : tensor<1x4x?x?xf32> to tensor<1x4x?x?xf16>
  %h = llm.cast %w : tensor<1x4x?x?xf32> to tensor<1x4x?x?xf16>
  return %m, %w, %h : tensor<?x?xi1>, tensor<1x4x?x?xf32>, tensor<1x4x?x?xf16>
}

// CHECK-LABEL: func.func @contractions
func.func @contractions(%q: tensor<1x4x?x16xf32>, %kt: tensor<4x16x?xf32>)
    -> (tensor<1x4x?x?xf32>, tensor<1x4x?x?xf32>) {
  // CHECK: llm.matmul %{{.*}}, %{{.*}} : tensor<1x4x?x16xf32>, tensor<4x16x?xf32>
  %s = llm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<4x16x?xf32>
  // CHECK: llm.softmax %{{.*}} dim 3 : tensor<1x4x?x?xf32>
  %p = llm.softmax %s dim 3 : tensor<1x4x?x?xf32>
  return %s, %p : tensor<1x4x?x?xf32>, tensor<1x4x?x?xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<1x?x64xf32>, %i: tensor<3x5xi64>)
    -> (tensor<1x?x1xf32>, tensor<1x?xf32>, tensor<64xf32>, tensor<1x?x1xf32>, tensor<3xi64>, tensor<1x?x1xi64>) {
  // CHECK: llm.reduce_mean %{{.*}} dims [2] keep_dims : tensor<1x?x64xf32>
  %0 = llm.reduce_mean %x dims [2] keep_dims : tensor<1x?x64xf32>
  // CHECK: llm.reduce_sum %{{.*}} dims [2] : tensor<1x?x64xf32>
  %1 = llm.reduce_sum %x dims [2] : tensor<1x?x64xf32>
  // CHECK: llm.reduce_max %{{.*}} dims [0, 1] : tensor<1x?x64xf32>
  %2 = llm.reduce_max %x dims [0, 1] : tensor<1x?x64xf32>
  // CHECK: llm.reduce_min %{{.*}} dims [2] keep_dims : tensor<1x?x64xf32>
  %3 = llm.reduce_min %x dims [2] keep_dims : tensor<1x?x64xf32>
  // CHECK: llm.reduce_sum %{{.*}} dims [1] : tensor<3x5xi64>
  %4 = llm.reduce_sum %i dims [1] : tensor<3x5xi64>
  // CHECK: llm.argmax %{{.*}} dim 2 keep_dims : tensor<1x?x64xf32>
  %5 = llm.argmax %x dim 2 keep_dims : tensor<1x?x64xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x?x1xf32>, tensor<1x?xf32>, tensor<64xf32>, tensor<1x?x1xf32>, tensor<3xi64>, tensor<1x?x1xi64>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<1x?x64xf32>, %a: tensor<1x4x?x8xf32>, %i: tensor<2xi64>, %t: tensor<4x8xf32>,
                         %k: tensor<1x1x?x8xf32>)
    -> (tensor<1x4x?x16xf32>, tensor<1x?x4x16xf32>, tensor<1x4x?x16xf32>, tensor<1x?x16xf32>, tensor<3x2xf32>,
        tensor<4x2xf32>, tensor<1x4x?x8xf32>) {
  // CHECK: llm.reshape %{{.*}} : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
  %r = llm.reshape %x : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
  // CHECK: llm.transpose %{{.*}} [0, 2, 1, 3] : tensor<1x?x4x16xf32>
  %t0 = llm.transpose %r [0, 2, 1, 3] : tensor<1x?x4x16xf32>
  // CHECK: llm.concat %{{.*}}, %{{.*}} dim 3 : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
  %c = llm.concat %a, %a dim 3 : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
  // CHECK: llm.slice %{{.*}} dims [2] starts [16] limits [32] : tensor<1x?x64xf32> to tensor<1x?x16xf32>
  %s = llm.slice %x dims [2] starts [16] limits [32] : tensor<1x?x64xf32> to tensor<1x?x16xf32>
  // CHECK: llm.slice %{{.*}} dims [1, 0] starts [0, -3] limits [8, 4] steps [4, 1] : tensor<4x8xf32> to tensor<3x2xf32>
  %st = llm.slice %t dims [1, 0] starts [0, -3] limits [8, 4] steps [4, 1] : tensor<4x8xf32> to tensor<3x2xf32>
  // CHECK: llm.gather %{{.*}}[%{{.*}}] dim 1 : tensor<4x8xf32>, tensor<2xi64>
  %g = llm.gather %t[%i] dim 1 : tensor<4x8xf32>, tensor<2xi64>
  // CHECK: llm.broadcast_to %{{.*}} : tensor<1x1x?x8xf32> to tensor<1x4x?x8xf32>
  %b = llm.broadcast_to %k : tensor<1x1x?x8xf32> to tensor<1x4x?x8xf32>
  return %c, %r, %t0, %s, %st, %g, %b : tensor<1x4x?x16xf32>, tensor<1x?x4x16xf32>, tensor<1x4x?x16xf32>,
    tensor<1x?x16xf32>, tensor<3x2xf32>, tensor<4x2xf32>, tensor<1x4x?x8xf32>
}

// CHECK-LABEL: func.func @run_time_sizes
func.func @run_time_sizes(%x: tensor<?x?x64xf32>, %z: tensor<f32>)
    -> (tensor<?xi64>, tensor<?x64xf32>, tensor<?x?xf32>) {
  // CHECK: llm.dim %{{.*}}[1] : tensor<?x?x64xf32>
  %s = llm.dim %x [1] : tensor<?x?x64xf32>
  // CHECK: llm.iota %{{.*}} : tensor<i64>
  %p = llm.iota %s : tensor<i64>
  %b = llm.dim %x [0] : tensor<?x?x64xf32>
  %bs = llm.mul %b, %s : tensor<i64>
  %c64 = llm.constant dense<[64]> : tensor<1xi64>
  %bs1 = llm.reshape %bs : tensor<i64> to tensor<1xi64>
  %shape = llm.concat %bs1, %c64 dim 0 : tensor<1xi64>, tensor<1xi64>
  // CHECK: llm.reshape %{{.*}}, %{{.*}} : tensor<?x?x64xf32>, tensor<2xi64> to tensor<?x64xf32>
  %f = llm.reshape %x, %shape : tensor<?x?x64xf32>, tensor<2xi64> to tensor<?x64xf32>
  %s1 = llm.reshape %s : tensor<i64> to tensor<1xi64>
  %sq = llm.concat %s1, %s1 dim 0 : tensor<1xi64>, tensor<1xi64>
  // CHECK: llm.broadcast_to %{{.*}}, %{{.*}} : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
  %m = llm.broadcast_to %z, %sq : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
  return %p, %f, %m : tensor<?xi64>, tensor<?x64xf32>, tensor<?x?xf32>
}

// CHECK-LABEL: func.func @dynamic_slice
func.func @dynamic_slice(%m: tensor<1x1x128x128xi1>, %s: tensor<2xi64>, %l: tensor<2xi64>) -> tensor<1x1x?x?xi1> {
  // CHECK: llm.dynamic_slice %{{.*}}, %{{.*}}, %{{.*}} dims [2, 3] : tensor<1x1x128x128xi1>, tensor<2xi64>, tensor<2xi64> to tensor<1x1x?x?xi1>
  %r = llm.dynamic_slice %m, %s, %l dims [2, 3] : tensor<1x1x128x128xi1>, tensor<2xi64>, tensor<2xi64> to tensor<1x1x?x?xi1>
  return %r : tensor<1x1x?x?xi1>
}

}

// CHECK-LABEL: func.func @static_cache_ops
func.func @static_cache_ops(%cache: tensor<1x2x32x16xf32>, %new: tensor<1x2x8x16xf32>, %pos: tensor<i64>,
                            %len: tensor<i64>, %qn: tensor<1x4x8x16xf32>, %qr: tensor<1x4x8x8xf32>,
                            %c: tensor<1x1x32x32xf32>, %kr: tensor<1x1x32x8xf32>, %w: tensor<112x32xf32>,
                            %m: tensor<8x32xi1>) -> (tensor<1x2x32x16xf32>, tensor<1x4x8x12xf32>) {
  // CHECK: llm.cache_update %{{.*}}[%{{.*}}], %{{.*}} length %{{.*}} : tensor<1x2x32x16xf32>, tensor<1x2x8x16xf32>
  %u = llm.cache_update %cache[%pos], %new length %len : tensor<1x2x32x16xf32>, tensor<1x2x8x16xf32>
  // CHECK: llm.mla_attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} scale(1.000000e-01) : tensor<1x4x8x16xf32>, tensor<1x4x8x8xf32>, tensor<1x1x32x32xf32>, tensor<1x1x32x8xf32>, tensor<112x32xf32>, tensor<8x32xi1>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w mask %m scale(0.1) : tensor<1x4x8x16xf32>, tensor<1x4x8x8xf32>, tensor<1x1x32x32xf32>, tensor<1x1x32x8xf32>, tensor<112x32xf32>, tensor<8x32xi1>
  return %u, %o : tensor<1x2x32x16xf32>, tensor<1x4x8x12xf32>
}

// llm-raise: each primitive subgraph an exporter writes becomes the
// transformer op that computes the same function; near misses stay as they
// are. (Numbers before and after raising are compared on whole exported
// models in test/models/pytorch/onnx-prefill.test.)
// RUN: llmc-opt %s -split-input-file --llm-raise --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @silu_and_swiglu
// CHECK-SAME: (%[[G:.*]]: tensor<2x8xf32>, %[[U:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[R:.*]] = llm.swiglu %[[G]], %[[U]] : tensor<2x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @silu_and_swiglu(%g: tensor<2x8xf32>, %u: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = llm.sigmoid %g : tensor<2x8xf32>
  %silu = llm.mul %g, %s : tensor<2x8xf32>
  %r = llm.mul %silu, %u : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @silu_of_another_value
// CHECK: llm.sigmoid
// CHECK: llm.mul
func.func @silu_of_another_value(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %s = llm.sigmoid %y : tensor<4xf32>
  %r = llm.mul %x, %s : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// GPT-2's gelu_new as torch.onnx.export writes it.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-NEXT: %[[R:.*]] = llm.gelu <tanh> %arg0 : tensor<2x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @gelu_tanh(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %three = llm.constant dense<3.0> : tensor<f32>
  %c = llm.constant dense<0.044715> : tensor<f32>
  %k = llm.constant dense<0.797884583> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %hx = llm.mul %x, %half : tensor<2x8xf32>, tensor<f32>
  %x3 = llm.pow %x, %three : tensor<2x8xf32>, tensor<f32>
  %cx3 = llm.mul %x3, %c : tensor<2x8xf32>, tensor<f32>
  %in = llm.add %x, %cx3 : tensor<2x8xf32>
  %kin = llm.mul %in, %k : tensor<2x8xf32>, tensor<f32>
  %t = llm.tanh %kin : tensor<2x8xf32>
  %t1 = llm.add %t, %one : tensor<2x8xf32>, tensor<f32>
  %r = llm.mul %hx, %t1 : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_erf
// CHECK-NEXT: %[[R:.*]] = llm.gelu <erf> %arg0 : tensor<2x8xf32>
func.func @gelu_erf(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %d = llm.div %x, %sqrt2 : tensor<2x8xf32>, tensor<f32>
  %e = llm.erf %d : tensor<2x8xf32>
  %e1 = llm.add %e, %one : tensor<2x8xf32>, tensor<f32>
  %hx = llm.mul %x, %e1 : tensor<2x8xf32>
  %r = llm.mul %hx, %half : tensor<2x8xf32>, tensor<f32>
  return %r : tensor<2x8xf32>
}

// -----

// A wrong GELU constant is not GELU.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: llm.gelu
func.func @not_gelu(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %sqrt2 = llm.constant dense<2.0> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %hx = llm.mul %x, %half : tensor<2x8xf32>, tensor<f32>
  %d = llm.div %x, %sqrt2 : tensor<2x8xf32>, tensor<f32>
  %e = llm.erf %d : tensor<2x8xf32>
  %e1 = llm.add %e, %one : tensor<2x8xf32>, tensor<f32>
  %r = llm.mul %hx, %e1 : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Llama's RMSNorm as exported: pow, mean, add eps, sqrt, 1/., mul, * weight.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x64xf32>, %[[W:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[R:.*]] = llm.rms_norm %[[X]], %[[W]] epsilon(9.99999997{{[0-9]*}}E-7) : tensor<1x7x64xf32>, tensor<64xf32>
// CHECK-NEXT: return %[[R]]
func.func @rms_norm(%x: tensor<1x7x64xf32>, %w: tensor<64xf32>) -> tensor<1x7x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-6> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %sq = llm.pow %x, %two : tensor<1x7x64xf32>, tensor<f32>
  %mean = llm.reduce_mean %sq dims [2] keep_dims : tensor<1x7x64xf32>
  %s = llm.add %mean, %eps : tensor<1x7x1xf32>, tensor<f32>
  %root = llm.sqrt %s : tensor<1x7x1xf32>
  %inv = llm.div %one, %root : tensor<f32>, tensor<1x7x1xf32>
  %n = llm.mul %x, %inv : tensor<1x7x64xf32>, tensor<1x7x1xf32>
  %r = llm.mul %w, %n : tensor<64xf32>, tensor<1x7x64xf32>
  return %r : tensor<1x7x64xf32>
}

// -----

// RMSNorm spelled with x*x and rsqrt.
// CHECK-LABEL: func.func @rms_norm_rsqrt
// CHECK-NEXT: llm.rms_norm %arg0, %arg1 epsilon(9.99999974{{[0-9]*}}E-6)
func.func @rms_norm_rsqrt(%x: tensor<3x16xf32>, %w: tensor<16xf32>) -> tensor<3x16xf32> {
  %eps = llm.constant dense<1.0e-5> : tensor<f32>
  %sq = llm.mul %x, %x : tensor<3x16xf32>
  %mean = llm.reduce_mean %sq dims [1] keep_dims : tensor<3x16xf32>
  %s = llm.add %eps, %mean : tensor<f32>, tensor<3x1xf32>
  %inv = llm.rsqrt %s : tensor<3x1xf32>
  %n = llm.mul %inv, %x : tensor<3x1xf32>, tensor<3x16xf32>
  %r = llm.mul %n, %w : tensor<3x16xf32>, tensor<16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// The mean over another axis is not an RMSNorm of the last axis.
// CHECK-LABEL: func.func @not_rms_norm
// CHECK-NOT: llm.rms_norm
func.func @not_rms_norm(%x: tensor<16x16xf32>, %w: tensor<16xf32>) -> tensor<16x16xf32> {
  %eps = llm.constant dense<1.0e-5> : tensor<f32>
  %sq = llm.mul %x, %x : tensor<16x16xf32>
  %mean = llm.reduce_mean %sq dims [0] keep_dims : tensor<16x16xf32>
  %s = llm.add %mean, %eps : tensor<1x16xf32>, tensor<f32>
  %inv = llm.rsqrt %s : tensor<1x16xf32>
  %n = llm.mul %x, %inv : tensor<16x16xf32>, tensor<1x16xf32>
  %r = llm.mul %n, %w : tensor<16x16xf32>, tensor<16xf32>
  return %r : tensor<16x16xf32>
}

// -----

// GPT-2's Conv1D as exported: reshape to 2-D, matmul, bias, reshape back.
// CHECK-LABEL: func.func @linear
// CHECK-NEXT: %[[W:.*]] = llm.weight "w"
// CHECK-NEXT: %[[B:.*]] = llm.weight "b"
// CHECK-NEXT: %[[R:.*]] = llm.linear %arg0, %[[W]], %[[B]] {weight_layout = #llm.weight_layout<in_out>} : tensor<1x7x64xf32>, tensor<64x192xf32>, tensor<192xf32>
// CHECK-NEXT: return %[[R]]
module attributes {llm.weights = "w.safetensors"} {
  func.func @linear(%x: tensor<1x7x64xf32>) -> tensor<1x7x192xf32> {
    %w = llm.weight "w" : tensor<64x192xf32>
    %b = llm.weight "b" : tensor<192xf32>
    %x2 = llm.reshape %x : tensor<1x7x64xf32> to tensor<7x64xf32>
    %m = llm.matmul %x2, %w : tensor<7x64xf32>, tensor<64x192xf32>
    %a = llm.add %m, %b : tensor<7x192xf32>, tensor<192xf32>
    %r = llm.reshape %a : tensor<7x192xf32> to tensor<1x7x192xf32>
    return %r : tensor<1x7x192xf32>
  }
}

// -----

// A product of two activations is not a linear layer.
// CHECK-LABEL: func.func @activation_product
// CHECK: llm.matmul
func.func @activation_product(%a: tensor<7x64xf32>, %b: tensor<64x8xf32>) -> tensor<7x8xf32> {
  %m = llm.matmul %a, %b : tensor<7x64xf32>, tensor<64x8xf32>
  return %m : tensor<7x8xf32>
}

// -----

// Causal attention with grouped KV heads (repeat_kv) and a -inf mask.
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x3x8xf32>, %[[K:.*]]: tensor<1x2x3x8xf32>, %[[V:.*]]: tensor<1x2x3x8xf32>)
// CHECK-NEXT: %[[O:.*]] = llm.attention %[[Q]], %[[K]], %[[V]] scale(2.500000e-01) causal : tensor<1x4x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>
// CHECK-NEXT: return %[[O]]
func.func @attention(%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x4x3x8xf32> {
  %k5 = llm.reshape %k : tensor<1x2x3x8xf32> to tensor<1x2x1x3x8xf32>
  %kb = llm.broadcast_to %k5 : tensor<1x2x1x3x8xf32> to tensor<1x2x2x3x8xf32>
  %kr = llm.reshape %kb : tensor<1x2x2x3x8xf32> to tensor<1x4x3x8xf32>
  %v5 = llm.reshape %v : tensor<1x2x3x8xf32> to tensor<1x2x1x3x8xf32>
  %vb = llm.broadcast_to %v5 : tensor<1x2x1x3x8xf32> to tensor<1x2x2x3x8xf32>
  %vr = llm.reshape %vb : tensor<1x2x2x3x8xf32> to tensor<1x4x3x8xf32>
  %kt = llm.transpose %kr [0, 1, 3, 2] : tensor<1x4x3x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x4x3x8xf32>, tensor<1x4x8x3xf32>
  %scale = llm.constant dense<0.25> : tensor<f32>
  %ss = llm.mul %s, %scale : tensor<1x4x3x3xf32>, tensor<f32>
  %mask = llm.constant dense<[[false, true, true], [false, false, true], [false, false, false]]> : tensor<3x3xi1>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %m = llm.where %mask, %ninf, %ss : tensor<3x3xi1>, tensor<f32>, tensor<1x4x3x3xf32>
  %p = llm.softmax %m dim 3 : tensor<1x4x3x3xf32>
  %o = llm.matmul %p, %vr : tensor<1x4x3x3xf32>, tensor<1x4x3x8xf32>
  return %o : tensor<1x4x3x8xf32>
}

// -----

// A mask that is not causal is not turned into `causal`: it becomes the
// attention's i1 mask (true = allowed, so the exclusion is negated; the
// negation of a constant mask folds, by the executor's semantics of where).
// CHECK-LABEL: func.func @attention_other_mask
// CHECK: %[[ALLOWED:.*]] = llm.constant dense<{{\[}}[false, true], [true, true]]> : tensor<2x2xi1>
// CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} mask %[[ALLOWED]] scale(1.000000e+00) :
// CHECK-NOT: causal
func.func @attention_other_mask(%q: tensor<1x1x2x8xf32>, %k: tensor<1x1x2x8xf32>, %v: tensor<1x1x2x8xf32>) -> tensor<1x1x2x8xf32> {
  %kt = llm.transpose %k [0, 1, 3, 2] : tensor<1x1x2x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x1x2x8xf32>, tensor<1x1x8x2xf32>
  %mask = llm.constant dense<[[true, false], [false, false]]> : tensor<2x2xi1>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %m = llm.where %mask, %ninf, %s : tensor<2x2xi1>, tensor<f32>, tensor<1x1x2x2xf32>
  %p = llm.softmax %m dim 3 : tensor<1x1x2x2xf32>
  %o = llm.matmul %p, %v : tensor<1x1x2x2xf32>, tensor<1x1x2x8xf32>
  return %o : tensor<1x1x2x8xf32>
}

// -----

// HF GPT-2: a lower-triangular buffer sliced to rows [L - Q, L) and columns
// [0, L) by the run-time query and key lengths, kept where true, with a
// finite fill (finfo.min): the causal rule.
// CHECK-LABEL: func.func @attention_sliced_buffer
// CHECK: llm.attention %arg0, %arg1, %arg2 scale(2.500000e-01) causal
// CHECK-NOT: llm.softmax
func.func @attention_sliced_buffer(%q: tensor<1x1x?x8xf32>, %k: tensor<1x1x?x8xf32>, %v: tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32> {
  %buffer = llm.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %zero = llm.constant dense<0> : tensor<1xi64>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %quarter = llm.constant dense<0.25> : tensor<f32>
  %kt = llm.transpose %k [0, 1, 3, 2] : tensor<1x1x?x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x1x?x8xf32>, tensor<1x1x8x?xf32>
  %ss = llm.mul %s, %quarter : tensor<1x1x?x?xf32>, tensor<f32>
  %ql = llm.dim %q[2] : tensor<1x1x?x8xf32>
  %kl = llm.dim %k[2] : tensor<1x1x?x8xf32>
  %d = llm.sub %kl, %ql : tensor<i64>
  %start = llm.reshape %d : tensor<i64> to tensor<1xi64>
  %limit = llm.reshape %kl : tensor<i64> to tensor<1xi64>
  %limit2 = llm.reshape %kl : tensor<i64> to tensor<1xi64>
  %rows = llm.dynamic_slice %buffer, %start, %limit dims [2] : tensor<1x1x4x4xi1>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x?x4xi1>
  %mask = llm.dynamic_slice %rows, %zero, %limit2 dims [3] : tensor<1x1x?x4xi1>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x?x?xi1>
  %m = llm.where %mask, %ss, %min : tensor<1x1x?x?xi1>, tensor<1x1x?x?xf32>, tensor<f32>
  %p = llm.softmax %m dim 3 : tensor<1x1x?x?xf32>
  %o = llm.matmul %p, %v : tensor<1x1x?x?xf32>, tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}

// -----

// The same with a buffer that is not lower-triangular: an i1 mask.
// CHECK-LABEL: func.func @attention_sliced_other_buffer
// CHECK: llm.attention %arg0, %arg1, %arg2 mask
// CHECK-NOT: causal
func.func @attention_sliced_other_buffer(%q: tensor<1x1x?x8xf32>, %k: tensor<1x1x?x8xf32>, %v: tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32> {
  %buffer = llm.constant dense<[[[[true, true, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %zero = llm.constant dense<0> : tensor<1xi64>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %kt = llm.transpose %k [0, 1, 3, 2] : tensor<1x1x?x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x1x?x8xf32>, tensor<1x1x8x?xf32>
  %ql = llm.dim %q[2] : tensor<1x1x?x8xf32>
  %kl = llm.dim %k[2] : tensor<1x1x?x8xf32>
  %d = llm.sub %kl, %ql : tensor<i64>
  %start = llm.reshape %d : tensor<i64> to tensor<1xi64>
  %limit = llm.reshape %kl : tensor<i64> to tensor<1xi64>
  %rows = llm.dynamic_slice %buffer, %start, %limit dims [2] : tensor<1x1x4x4xi1>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x?x4xi1>
  %mask = llm.dynamic_slice %rows, %zero, %limit dims [3] : tensor<1x1x?x4xi1>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x?x?xi1>
  %m = llm.where %mask, %s, %min : tensor<1x1x?x?xi1>, tensor<1x1x?x?xf32>, tensor<f32>
  %p = llm.softmax %m dim 3 : tensor<1x1x?x?xf32>
  %o = llm.matmul %p, %v : tensor<1x1x?x?xf32>, tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}

// -----

// A fill of -1 does not exclude a key (it only lowers its score): not a mask.
// CHECK-LABEL: func.func @attention_mild_fill
// CHECK-NOT: llm.attention
func.func @attention_mild_fill(%q: tensor<1x1x2x8xf32>, %k: tensor<1x1x2x8xf32>, %v: tensor<1x1x2x8xf32>) -> tensor<1x1x2x8xf32> {
  %kt = llm.transpose %k [0, 1, 3, 2] : tensor<1x1x2x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x1x2x8xf32>, tensor<1x1x8x2xf32>
  %mask = llm.constant dense<[[false, true], [false, false]]> : tensor<2x2xi1>
  %fill = llm.constant dense<-1.0> : tensor<f32>
  %m = llm.where %mask, %fill, %s : tensor<2x2xi1>, tensor<f32>, tensor<1x1x2x2xf32>
  %p = llm.softmax %m dim 3 : tensor<1x1x2x2xf32>
  %o = llm.matmul %p, %v : tensor<1x1x2x2xf32>, tensor<1x1x2x8xf32>
  return %o : tensor<1x1x2x8xf32>
}

// -----

// CHECK-LABEL: func.func @embedding
// CHECK: llm.embedding %{{.*}}[%arg0] : tensor<512x64xf32>, tensor<1x7xi64>
module attributes {llm.weights = "w.safetensors"} {
  func.func @embedding(%ids: tensor<1x7xi64>) -> tensor<1x7x64xf32> {
    %t = llm.weight "wte" : tensor<512x64xf32>
    %e = llm.gather %t[%ids] dim 0 : tensor<512x64xf32>, tensor<1x7xi64>
    return %e : tensor<1x7x64xf32>
  }
}

// -----

// The causal mask an export computes at run time, and the KV cache a caller
// passes in: attention over the appended cache.
// CHECK-LABEL: func.func @run_time_causal_attention
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x?x8xf32>, %[[PAST:.*]]: tensor<1x2x?x8xf32>, %[[K:.*]]: tensor<1x2x?x8xf32>)
// CHECK: %[[KV:.*]] = llm.kv_append %[[PAST]], %[[K]]
// CHECK: llm.attention %[[Q]], %[[KV]], %[[KV]] scale(1.000000e+00) causal
// CHECK-NOT: llm.softmax
func.func @run_time_causal_attention(%q: tensor<1x2x?x8xf32>, %past: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %kv = llm.concat %past, %k dim 2 : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %nk = llm.dim %kv[2] : tensor<1x2x?x8xf32>
  %nq = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %kt = llm.transpose %kv [0, 1, 3, 2] : tensor<1x2x?x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %ck = llm.maximum %nk, %zero : tensor<i64>
  %j = llm.iota %ck : tensor<i64>
  %j2 = llm.reshape %j : tensor<?xi64> to tensor<1x?xi64>
  %cq = llm.maximum %nq, %zero : tensor<i64>
  %i = llm.iota %cq : tensor<i64>
  %i2 = llm.reshape %i : tensor<?xi64> to tensor<?x1xi64>
  %off = llm.sub %nk, %nq : tensor<i64>
  %ii = llm.add %i2, %off : tensor<?x1xi64>, tensor<i64>
  %mask = llm.compare <gt>, %j2, %ii : tensor<1x?xi64>, tensor<?x1xi64>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %m = llm.where %mask, %ninf, %s : tensor<?x?xi1>, tensor<f32>, tensor<1x2x?x?xf32>
  %p = llm.softmax %m dim 3 : tensor<1x2x?x?xf32>
  %o = llm.matmul %p, %kv : tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Llama's RoPE as exports compute it: cos/sin of in-graph angles and
// rotate_half; theta is read back from the inverse frequencies.
// CHECK-LABEL: func.func @rope
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x?x8xf32>, %[[P:.*]]: tensor<1x?xi64>)
// CHECK-NEXT: %[[R:.*]] = llm.rope <half_split> %[[X]], %[[P]] theta(1.000000e+04) : tensor<1x2x?x8xf32>, tensor<1x?xi64>
// CHECK-NEXT: return %[[R]]
func.func @rope(%x: tensor<1x2x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %inv = llm.constant dense<[1.0, 0.1, 0.01, 0.001]> : tensor<4xf32>
  %p3 = llm.reshape %p : tensor<1x?xi64> to tensor<1x?x1xi64>
  %pf = llm.cast %p3 : tensor<1x?x1xi64> to tensor<1x?x1xf32>
  %f = llm.mul %pf, %inv : tensor<1x?x1xf32>, tensor<4xf32>
  %e = llm.concat %f, %f dim 2 : tensor<1x?x4xf32>, tensor<1x?x4xf32>
  %c = llm.cos %e : tensor<1x?x8xf32>
  %c4 = llm.reshape %c : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %s = llm.sin %e : tensor<1x?x8xf32>
  %s4 = llm.reshape %s : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %hi = llm.slice %x dims [3] starts [4] limits [9223372036854775807] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %nhi = llm.neg %hi : tensor<1x2x?x4xf32>
  %lo = llm.slice %x dims [3] starts [0] limits [4] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %rot = llm.concat %nhi, %lo dim 3 : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
  %xc = llm.mul %x, %c4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %rs = llm.mul %rot, %s4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %r = llm.add %xc, %rs : tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// Frequencies that are not theta^(-2i/D) (YaRN, other scalings) and a
// magnitude on cos and sin are kept as they are: explicit inv_freq.
// CHECK-LABEL: func.func @rope_explicit_frequencies
// CHECK-NEXT: llm.rope <half_split> %{{.*}}, %{{.*}} {inv_freq = array<f64: 1.000000e+00, 5.000000e-01, 0.10000000149011612, 0.0010000000474974513>, magnitude = 1.250000e+00 : f64}
// CHECK-NEXT: return
func.func @rope_explicit_frequencies(%x: tensor<1x2x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %inv = llm.constant dense<[1.0, 0.5, 0.1, 0.001]> : tensor<4xf32>
  %m = llm.constant dense<1.25> : tensor<f32>
  %p3 = llm.reshape %p : tensor<1x?xi64> to tensor<1x?x1xi64>
  %pf = llm.cast %p3 : tensor<1x?x1xi64> to tensor<1x?x1xf32>
  %f = llm.mul %pf, %inv : tensor<1x?x1xf32>, tensor<4xf32>
  %e = llm.concat %f, %f dim 2 : tensor<1x?x4xf32>, tensor<1x?x4xf32>
  %c = llm.cos %e : tensor<1x?x8xf32>
  %cm = llm.mul %c, %m : tensor<1x?x8xf32>, tensor<f32>
  %c4 = llm.reshape %cm : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %s = llm.sin %e : tensor<1x?x8xf32>
  %sm = llm.mul %m, %s : tensor<f32>, tensor<1x?x8xf32>
  %s4 = llm.reshape %sm : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %hi = llm.slice %x dims [3] starts [4] limits [8] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %nhi = llm.neg %hi : tensor<1x2x?x4xf32>
  %lo = llm.slice %x dims [3] starts [0] limits [4] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %rot = llm.concat %nhi, %lo dim 3 : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
  %xc = llm.mul %x, %c4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %rs = llm.mul %rot, %s4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %r = llm.add %xc, %rs : tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// cos and sin scaled differently are not a rotation.
// CHECK-LABEL: func.func @rope_magnitude_mismatch
// CHECK-NOT: llm.rope
func.func @rope_magnitude_mismatch(%x: tensor<1x2x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %inv = llm.constant dense<[1.0, 0.5, 0.1, 0.001]> : tensor<4xf32>
  %m = llm.constant dense<1.25> : tensor<f32>
  %p3 = llm.reshape %p : tensor<1x?xi64> to tensor<1x?x1xi64>
  %pf = llm.cast %p3 : tensor<1x?x1xi64> to tensor<1x?x1xf32>
  %f = llm.mul %pf, %inv : tensor<1x?x1xf32>, tensor<4xf32>
  %e = llm.concat %f, %f dim 2 : tensor<1x?x4xf32>, tensor<1x?x4xf32>
  %c = llm.cos %e : tensor<1x?x8xf32>
  %cm = llm.mul %c, %m : tensor<1x?x8xf32>, tensor<f32>
  %c4 = llm.reshape %cm : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %s = llm.sin %e : tensor<1x?x8xf32>
  %s4 = llm.reshape %s : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %hi = llm.slice %x dims [3] starts [4] limits [8] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %nhi = llm.neg %hi : tensor<1x2x?x4xf32>
  %lo = llm.slice %x dims [3] starts [0] limits [4] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %rot = llm.concat %nhi, %lo dim 3 : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
  %xc = llm.mul %x, %c4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %rs = llm.mul %rot, %s4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %r = llm.add %xc, %rs : tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// cos/sin read from precomputed tables by position (older HF Llama, many
// deployment exports): the frequencies are recovered from the table and
// every row is checked.
// CHECK-LABEL: func.func @rope_table
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x?x8xf32>, %[[P:.*]]: tensor<1x?xi64>)
// CHECK-NEXT: %[[R:.*]] = llm.rope <half_split> %[[X]], %[[P]] theta(1.000000e+02)
// CHECK-NEXT: return %[[R]]
func.func @rope_table(%x: tensor<1x2x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %ct = llm.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.540302277, 0.950415254, 0.995004177, 0.999500036, 0.540302277, 0.950415254, 0.995004177, 0.999500036], [-0.416146815, 0.806578398, 0.980066597, 0.998000681, -0.416146815, 0.806578398, 0.980066597, 0.998000681], [-0.989992499, 0.582753599, 0.955336511, 0.995503366, -0.989992499, 0.582753599, 0.955336511, 0.995503366], [-0.653643608, 0.301137477, 0.921060979, 0.992010653, -0.653643608, 0.301137477, 0.921060979, 0.992010653], [0.28366217, -0.0103423381, 0.87758255, 0.987526, 0.28366217, -0.0103423381, 0.87758255, 0.987526]]> : tensor<6x8xf32>
  %st = llm.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.841471016, 0.310983598, 0.0998334214, 0.0316175036, 0.841471016, 0.310983598, 0.0998334214, 0.0316175036], [0.909297407, 0.591127098, 0.198669329, 0.0632033944, 0.909297407, 0.591127098, 0.198669329, 0.0632033944], [0.141120002, 0.812648892, 0.295520216, 0.0947260857, 0.141120002, 0.812648892, 0.295520216, 0.0947260857], [-0.756802499, 0.953580737, 0.389418334, 0.126154065, -0.756802499, 0.953580737, 0.389418334, 0.126154065], [-0.958924294, 0.999946535, 0.47942555, 0.157455876, -0.958924294, 0.999946535, 0.47942555, 0.157455876]]> : tensor<6x8xf32>
  %c = llm.gather %ct[%p] dim 0 : tensor<6x8xf32>, tensor<1x?xi64>
  %c4 = llm.reshape %c : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %s = llm.gather %st[%p] dim 0 : tensor<6x8xf32>, tensor<1x?xi64>
  %s4 = llm.reshape %s : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %hi = llm.slice %x dims [3] starts [4] limits [8] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %nhi = llm.neg %hi : tensor<1x2x?x4xf32>
  %lo = llm.slice %x dims [3] starts [0] limits [4] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %rot = llm.concat %nhi, %lo dim 3 : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
  %xc = llm.mul %x, %c4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %rs = llm.mul %rot, %s4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %r = llm.add %xc, %rs : tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// One table entry off by 1e-3: not a RoPE table.
// CHECK-LABEL: func.func @rope_table_mismatch
// CHECK-NOT: llm.rope
func.func @rope_table_mismatch(%x: tensor<1x2x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %ct = llm.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.540302277, 0.950415254, 0.995004177, 0.999500036, 0.540302277, 0.950415254, 0.995004177, 0.999500036], [-0.416146815, 0.806578398, 0.980066597, 0.998000681, -0.416146815, 0.806578398, 0.980066597, 0.998000681], [-0.989992499, 0.582753599, 0.955336511, 0.995503366, -0.989992499, 0.582753599, 0.955336511, 0.995503366], [-0.653643608, 0.301137477, 0.921060979, 0.992010653, -0.653643608, 0.301137477, 0.921060979, 0.992010653], [0.28366217, -0.0103423381, 0.878582537, 0.987526, 0.28366217, -0.0103423381, 0.87758255, 0.987526]]> : tensor<6x8xf32>
  %st = llm.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.841471016, 0.310983598, 0.0998334214, 0.0316175036, 0.841471016, 0.310983598, 0.0998334214, 0.0316175036], [0.909297407, 0.591127098, 0.198669329, 0.0632033944, 0.909297407, 0.591127098, 0.198669329, 0.0632033944], [0.141120002, 0.812648892, 0.295520216, 0.0947260857, 0.141120002, 0.812648892, 0.295520216, 0.0947260857], [-0.756802499, 0.953580737, 0.389418334, 0.126154065, -0.756802499, 0.953580737, 0.389418334, 0.126154065], [-0.958924294, 0.999946535, 0.47942555, 0.157455876, -0.958924294, 0.999946535, 0.47942555, 0.157455876]]> : tensor<6x8xf32>
  %c = llm.gather %ct[%p] dim 0 : tensor<6x8xf32>, tensor<1x?xi64>
  %c4 = llm.reshape %c : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %s = llm.gather %st[%p] dim 0 : tensor<6x8xf32>, tensor<1x?xi64>
  %s4 = llm.reshape %s : tensor<1x?x8xf32> to tensor<1x1x?x8xf32>
  %hi = llm.slice %x dims [3] starts [4] limits [8] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %nhi = llm.neg %hi : tensor<1x2x?x4xf32>
  %lo = llm.slice %x dims [3] starts [0] limits [4] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %rot = llm.concat %nhi, %lo dim 3 : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
  %xc = llm.mul %x, %c4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %rs = llm.mul %rot, %s4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32>
  %r = llm.add %xc, %rs : tensor<1x2x?x8xf32>
  return %r : tensor<1x2x?x8xf32>
}

// -----

// LayerNorm as exports before opset 17 write it; not mistaken for an
// RMSNorm of x - mean(x).
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>, %[[W:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[R:.*]] = llm.layer_norm %[[X]], %[[W]], %[[B]] epsilon(9.99999974{{[0-9]*}}E-6) : tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>
// CHECK-NEXT: return %[[R]]
func.func @layer_norm(%x: tensor<1x?x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<1x?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-5> : tensor<f32>
  %mean = llm.reduce_mean %x dims [2] keep_dims : tensor<1x?x64xf32>
  %d = llm.sub %x, %mean : tensor<1x?x64xf32>, tensor<1x?x1xf32>
  %sq = llm.pow %d, %two : tensor<1x?x64xf32>, tensor<f32>
  %var = llm.reduce_mean %sq dims [2] keep_dims : tensor<1x?x64xf32>
  %ve = llm.add %var, %eps : tensor<1x?x1xf32>, tensor<f32>
  %std = llm.sqrt %ve : tensor<1x?x1xf32>
  %n = llm.div %d, %std : tensor<1x?x64xf32>, tensor<1x?x1xf32>
  %nw = llm.mul %n, %w : tensor<1x?x64xf32>, tensor<64xf32>
  %r = llm.add %nw, %b : tensor<1x?x64xf32>, tensor<64xf32>
  return %r : tensor<1x?x64xf32>
}

// -----

// HF DeepSeek's attention: keys and values decompressed from the latent
// cache by kv_b_proj, the shared RoPE key broadcast to every head.
// CHECK-LABEL: func.func @latent_attention
// CHECK-SAME: (%[[QN:.*]]: tensor<1x4x?x16xf32>, %[[QR:.*]]: tensor<1x4x?x8xf32>, %[[C:.*]]: tensor<1x1x?x32xf32>, %[[KR:.*]]: tensor<1x1x?x8xf32>)
// CHECK: %[[WT:.*]] = llm.transpose %{{.*}} [1, 0] : tensor<32x112xf32>
// CHECK: llm.mla_attention %[[QN]], %[[QR]], %[[C]], %[[KR]], %[[WT]] scale(2.500000e-01) causal
// CHECK-NOT: llm.attention
module attributes {llm.weights = "w.safetensors"} {
  func.func @latent_attention(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                              %kr: tensor<1x1x?x8xf32>) -> tensor<1x4x?x12xf32> {
    %w = llm.weight "kv_b_proj" : tensor<32x112xf32>
    %zero = llm.constant dense<0> : tensor<i64>
    %c3 = llm.gather %c[%zero] dim 1 : tensor<1x1x?x32xf32>, tensor<i64>
    %kv = llm.linear %c3, %w {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x32xf32>, tensor<32x112xf32>
    %kv4 = llm.reshape %kv : tensor<1x?x112xf32> to tensor<1x?x4x28xf32>
    %t = llm.transpose %kv4 [0, 2, 1, 3] : tensor<1x?x4x28xf32>
    %kn = llm.slice %t dims [3] starts [0] limits [16] : tensor<1x4x?x28xf32> to tensor<1x4x?x16xf32>
    %v = llm.slice %t dims [3] starts [16] limits [28] : tensor<1x4x?x28xf32> to tensor<1x4x?x12xf32>
    %krb = llm.broadcast_to %kr : tensor<1x1x?x8xf32> to tensor<1x4x?x8xf32>
    %k = llm.concat %kn, %krb dim 3 : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>
    %q = llm.concat %qn, %qr dim 3 : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>
    %o = llm.attention %q, %k, %v scale(0.25) causal : tensor<1x4x?x24xf32>, tensor<1x4x?x24xf32>, tensor<1x4x?x12xf32>
    return %o : tensor<1x4x?x12xf32>
  }
}

// -----

// The same over a latent cache without a head axis ([B, S, R], as HF-style
// exports pass compressed_kv): llm.mla_attention reads it through a unit
// head axis.
// CHECK-LABEL: func.func @latent_attention_3d
// CHECK-SAME: (%[[QN:.*]]: tensor<1x4x?x16xf32>, %[[QR:.*]]: tensor<1x4x?x8xf32>, %[[C:.*]]: tensor<1x?x32xf32>, %[[KR:.*]]: tensor<1x1x?x8xf32>)
// CHECK: %[[C4:.*]] = llm.reshape %[[C]] : tensor<1x?x32xf32> to tensor<1x1x?x32xf32>
// CHECK: llm.mla_attention %[[QN]], %[[QR]], %[[C4]], %[[KR]], %{{.*}} scale(2.500000e-01) causal
// CHECK-NOT: llm.attention
module attributes {llm.weights = "w.safetensors"} {
  func.func @latent_attention_3d(%qn: tensor<1x4x?x16xf32>, %qr: tensor<1x4x?x8xf32>, %c: tensor<1x?x32xf32>,
                                 %kr: tensor<1x1x?x8xf32>) -> tensor<1x4x?x12xf32> {
    %w = llm.weight "kv_b_proj" : tensor<32x112xf32>
    %kv = llm.linear %c, %w {weight_layout = #llm.weight_layout<in_out>} : tensor<1x?x32xf32>, tensor<32x112xf32>
    %kv4 = llm.reshape %kv : tensor<1x?x112xf32> to tensor<1x?x4x28xf32>
    %t = llm.transpose %kv4 [0, 2, 1, 3] : tensor<1x?x4x28xf32>
    %kn = llm.slice %t dims [3] starts [0] limits [16] : tensor<1x4x?x28xf32> to tensor<1x4x?x16xf32>
    %v = llm.slice %t dims [3] starts [16] limits [28] : tensor<1x4x?x28xf32> to tensor<1x4x?x12xf32>
    %krb = llm.broadcast_to %kr : tensor<1x1x?x8xf32> to tensor<1x4x?x8xf32>
    %k = llm.concat %kn, %krb dim 3 : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>
    %q = llm.concat %qn, %qr dim 3 : tensor<1x4x?x16xf32>, tensor<1x4x?x8xf32>
    %o = llm.attention %q, %k, %v scale(0.25) causal : tensor<1x4x?x24xf32>, tensor<1x4x?x24xf32>, tensor<1x4x?x12xf32>
    return %o : tensor<1x4x?x12xf32>
  }
}

// -----

// A product of 0-D values (scalar arithmetic of an exported window function)
// has no last dimension to normalise: the norm patterns leave it alone.
// CHECK-LABEL: func.func @scalar_product
// CHECK-NEXT: llm.mul
func.func @scalar_product(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %p = llm.mul %a, %b : tensor<f32>
  return %p : tensor<f32>
}

// llm-fp16-safety's range analysis and hazard report. Proven ranges come
// from constants here (a model's weights are read from its file): the
// first table holds 300, so its norm's sum of squares reaches
// 4 * 300^2 = 360000 > 65504 and is rewritten; the second table is within
// [-1, 1] (sum at most 4) and its norm is left alone. Each norm output is at
// most sqrt(4) * 100 = 200, so the raw scores reach 4 * 200 * 200 = 160000;
// scaling the query first (by 0.25) keeps them to 40000. The attention
// output is within its values' [-200, 200]; 400 times that can leave FP16's
// range (80000), a `result` hazard the pass cannot fix.
// RUN: llmc-opt %s --llm-fp16-safety=report 2>&1 | FileCheck %s

// CHECK:      llm-fp16-safety: FP16 hazards of @block (proven ranges, no weights file)
// CHECK-NEXT:   {{.*}}fp16-hazards.mlir:31:9: llm.rms_norm: sum of squares up to 3.6e+05 (input [-1, 300]): fixed (rows scaled by their max |x|)
// CHECK-NEXT:   {{.*}}fp16-hazards.mlir:37:8: llm.attention: scores up to 1.6e+05 (query [-200, 200], key [-200, 200]): fixed (scale folded into the query: scores up to 4e+04)
// CHECK-NEXT:   {{.*}}fp16-hazards.mlir:38:8: llm.mul: result up to 8e+04 (result [-8e+04, 8e+04]): not fixed
// CHECK-NEXT:   3 hazards: 2 fixed, 1 not fixed
// CHECK-LABEL: func.func @block
// CHECK:       llm.abs
// CHECK:       llm.rms_norm
// CHECK-NOT:   llm.rms_norm
// CHECK:       %[[S:.*]] = llm.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NEXT:  %[[Q:.*]] = llm.mul %{{.*}}, %[[S]] : tensor<1x1x4x4xf32>, tensor<f32>
// CHECK-NEXT:  llm.attention %[[Q]], %{{.*}}, %{{.*}} scale(1.000000e+00) causal
func.func @block(%ids: tensor<1x4xi64>) -> tensor<1x1x4x4xf32> {
  %t1 = llm.constant dense<[[300.0, 1.0, -1.0, 0.5], [1.0, 1.0, 1.0, 1.0]]> : tensor<2x4xf32>
  %t2 = llm.constant dense<[[0.5, 1.0, -1.0, 0.5], [1.0, 1.0, 1.0, 1.0]]> : tensor<2x4xf32>
  %w = llm.constant dense<100.0> : tensor<4xf32>
  %c400 = llm.constant dense<400.0> : tensor<f32>
  %h1 = llm.embedding %t1[%ids] : tensor<2x4xf32>, tensor<1x4xi64>
  %h2 = llm.embedding %t2[%ids] : tensor<2x4xf32>, tensor<1x4xi64>
  %n1 = llm.rms_norm %h1, %w epsilon(1.0e-06) : tensor<1x4x4xf32>, tensor<4xf32>
  %n2 = llm.rms_norm %h2, %w epsilon(1.0e-06) : tensor<1x4x4xf32>, tensor<4xf32>
  %a = llm.reshape %n1 : tensor<1x4x4xf32> to tensor<1x4x1x4xf32>
  %q = llm.transpose %a [0, 2, 1, 3] : tensor<1x4x1x4xf32>
  %b = llm.reshape %n2 : tensor<1x4x4xf32> to tensor<1x4x1x4xf32>
  %k = llm.transpose %b [0, 2, 1, 3] : tensor<1x4x1x4xf32>
  %o = llm.attention %q, %k, %k scale(0.25) causal : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
  %r = llm.mul %o, %c400 : tensor<1x1x4x4xf32>, tensor<f32>
  return %r : tensor<1x1x4x4xf32>
}

// Latent attention: a raw score is q_nope . (Wk latent) + q_rope . k_rope.
// Wk's rows have L1 norms of at most 100 and the latent is within 10, so a
// decompressed key is within 1000, and a score within
// 2 * 40 * 1000 + 2 * 40 * 10 = 80800; both query parts are scaled by 0.5
// first, keeping it to 40400. A float32 mask fill (-3.4e38), -inf as FP16,
// is written as FP16's lowest, -65504, reported where it is defined.
// RUN: llmc-opt %s --llm-fp16-safety=report 2>&1 >/dev/null | FileCheck --check-prefix=LATENT %s
// LATENT:      llm-fp16-safety: FP16 hazards of @latent (proven ranges, no weights file)
// LATENT-NEXT:   {{.*}}fp16-hazards.mlir:65:11: llm.constant: a fill of -3.4e+38 is beyond FP16 (-inf there): fixed (FP16's lowest, -65504, excludes as well)
// LATENT-NEXT:   {{.*}}fp16-hazards.mlir:66:8: llm.mla_attention: scores up to 8.08e+04 (query [-40, 40], latent [-10, 10], rope key [10, 10]): fixed (scale folded into the query: scores up to 4.04e+04)
// LATENT-NEXT:   2 hazards: 2 fixed, 0 not fixed
// CHECK-LABEL: func.func @latent
// CHECK:       %[[S:.*]] = llm.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT:  %[[QN:.*]] = llm.mul %{{.*}}, %[[S]] : tensor<1x1x2x2xf32>, tensor<f32>
// CHECK-NEXT:  %[[S2:.*]] = llm.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT:  %[[QR:.*]] = llm.mul %{{.*}}, %[[S2]] : tensor<1x1x2x2xf32>, tensor<f32>
// CHECK-NEXT:  llm.mla_attention %[[QN]], %[[QR]], %{{.*}}, %{{.*}}, %{{.*}} scale(1.000000e+00) causal
func.func @latent() -> (tensor<1x1x2x2xf32>, tensor<2xf32>) {
  %qn = llm.constant dense<[[[[40.0, -40.0], [1.0, 2.0]]]]> : tensor<1x1x2x2xf32>
  %qr = llm.constant dense<40.0> : tensor<1x1x2x2xf32>
  %c = llm.constant dense<[[[[10.0, -10.0], [1.0, 1.0]]]]> : tensor<1x1x2x2xf32>
  %kr = llm.constant dense<10.0> : tensor<1x1x2x2xf32>
  %w = llm.constant dense<[[50.0, 50.0], [50.0, -50.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<4x2xf32>
  %fill = llm.constant dense<-3.40282347E+38> : tensor<2xf32>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.5) causal : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<4x2xf32>
  return %o, %fill : tensor<1x1x2x2xf32>, tensor<2xf32>
}

// A RoPE table built from primitive ops: FP16 holds an angle past 4 rad
// less precisely than its cosine (2^-11 relative), so cos/sin of positions
// up to 4095 times 1.0 are reported (llm.rope computes its angles exactly
// and is safe); angles within 4095 * 0.0009 = 3.7 are not.
// RUN: llmc-opt %s --llm-fp16-safety=report 2>&1 >/dev/null | FileCheck --check-prefix=TABLE %s
// TABLE:      llm-fp16-safety: FP16 hazards of @table (proven ranges, no weights file)
// TABLE-NEXT:   {{.*}}fp16-hazards.mlir:86:8: llm.cos: angle up to 4.1e+03 (angle [0, 4.1e+03]): not fixed
// TABLE-NEXT:   {{.*}}fp16-hazards.mlir:87:8: llm.sin: angle up to 4.1e+03 (angle [0, 4.1e+03]): not fixed
// TABLE-NEXT:   2 hazards: 0 fixed, 2 not fixed
func.func @table() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %p = llm.constant dense<[[0], [4095]]> : tensor<2x1xi64>
  %f = llm.constant dense<[1.0, 0.0009]> : tensor<2xf32>
  %n = llm.constant dense<[0.0009, 0.0001]> : tensor<2xf32>
  %pf = llm.cast %p : tensor<2x1xi64> to tensor<2x1xf32>
  %a = llm.mul %pf, %f : tensor<2x1xf32>, tensor<2xf32>
  %b = llm.mul %pf, %n : tensor<2x1xf32>, tensor<2xf32>
  %c = llm.cos %a : tensor<2x2xf32>
  %s = llm.sin %a : tensor<2x2xf32>
  %ok = llm.cos %b : tensor<2x2xf32>
  return %c, %s, %ok : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

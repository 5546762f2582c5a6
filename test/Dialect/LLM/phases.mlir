// One attention block in the three shapes a model runs in: a first prefill
// (empty cache), a prefill that continues a cache, and a one-token decode.
// With static shapes, inference gives the exact cache and output sizes.
// RUN: llmc-opt %s | FileCheck %s

// CHECK-LABEL: func.func @prefill_from_empty
func.func @prefill_from_empty(%q: tensor<1x4x7x16xf32>, %k: tensor<1x2x7x16xf32>, %v: tensor<1x2x7x16xf32>,
                              %pk: tensor<1x2x0x16xf32>, %pv: tensor<1x2x0x16xf32>)
    -> (tensor<1x4x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>) {
  // CHECK: %[[K:.*]] = llm.kv_append %{{.*}}, %{{.*}} : tensor<1x2x0x16xf32>, tensor<1x2x7x16xf32>
  %kc = llm.kv_append %pk, %k : tensor<1x2x0x16xf32>, tensor<1x2x7x16xf32>
  %vc = llm.kv_append %pv, %v : tensor<1x2x0x16xf32>, tensor<1x2x7x16xf32>
  // CHECK: llm.attention %{{.*}}, %[[K]], %{{.*}} scale(2.500000e-01) causal : tensor<1x4x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>
  %o = llm.attention %q, %kc, %vc scale(0.25) causal : tensor<1x4x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>
  return %o, %kc, %vc : tensor<1x4x7x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32>
}

// CHECK-LABEL: func.func @prefill_continuing
func.func @prefill_continuing(%q: tensor<1x4x3x16xf32>, %k: tensor<1x2x3x16xf32>, %v: tensor<1x2x3x16xf32>,
                              %pk: tensor<1x2x5x16xf32>, %pv: tensor<1x2x5x16xf32>)
    -> (tensor<1x4x3x16xf32>, tensor<1x2x8x16xf32>) {
  // Three new tokens after five cached ones attend over eight keys.
  // CHECK: llm.kv_append {{.*}} : tensor<1x2x5x16xf32>, tensor<1x2x3x16xf32>
  %kc = llm.kv_append %pk, %k : tensor<1x2x5x16xf32>, tensor<1x2x3x16xf32>
  %vc = llm.kv_append %pv, %v : tensor<1x2x5x16xf32>, tensor<1x2x3x16xf32>
  // CHECK: llm.attention {{.*}} : tensor<1x4x3x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
  %o = llm.attention %q, %kc, %vc scale(0.25) causal : tensor<1x4x3x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
  return %o, %kc : tensor<1x4x3x16xf32>, tensor<1x2x8x16xf32>
}

// CHECK-LABEL: func.func @decode
func.func @decode(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x1x16xf32>, %v: tensor<1x2x1x16xf32>,
                  %pk: tensor<1x2x?x16xf32>, %pv: tensor<1x2x?x16xf32>) -> tensor<1x4x1x16xf32> {
  // CHECK: llm.kv_append {{.*}} : tensor<1x2x?x16xf32>, tensor<1x2x1x16xf32>
  %kc = llm.kv_append %pk, %k : tensor<1x2x?x16xf32>, tensor<1x2x1x16xf32>
  %vc = llm.kv_append %pv, %v : tensor<1x2x?x16xf32>, tensor<1x2x1x16xf32>
  // CHECK: llm.attention {{.*}} : tensor<1x4x1x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  %o = llm.attention %q, %kc, %vc scale(0.25) causal : tensor<1x4x1x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// A decode step of multi-head latent attention over a cache of 9 latents.
// CHECK-LABEL: func.func @mla_decode
func.func @mla_decode(%qn: tensor<1x4x1x16xf16>, %qr: tensor<1x4x1x8xf16>, %c: tensor<1x1x9x32xf16>,
                      %kr: tensor<1x1x9x8xf16>, %w: tensor<112x32xf16>) -> tensor<1x4x1x12xf16> {
  // CHECK: llm.mla_attention {{.*}} : tensor<1x4x1x16xf16>, tensor<1x4x1x8xf16>, tensor<1x1x9x32xf16>, tensor<1x1x9x8xf16>, tensor<112x32xf16>
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.2) causal : tensor<1x4x1x16xf16>, tensor<1x4x1x8xf16>, tensor<1x1x9x32xf16>, tensor<1x1x9x8xf16>, tensor<112x32xf16>
  return %o : tensor<1x4x1x12xf16>
}

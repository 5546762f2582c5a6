// llm-static-shapes on a one-layer Llama-style @forward: a decode program and
// one prefill program per bucket/chunk size, static shapes throughout, caches
// written in place (cache_update, result aliased to its argument), attention
// over the whole cache under the position/length mask, LM head on one row.
// (Numbers: test/models/static-programs.test.)
// RUN: llmc-opt %S/Inputs/one-layer-llama.mlir --llm-static-shapes="max-seq-len=32 prefill-buckets=8 prefill-chunk=4" | FileCheck %s
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-static-shapes="max-seq-len=32 prefill-buckets=8 prefill-chunk=4"

// CHECK-LABEL: module attributes {llm.max_seq_len = 32 : i64, llm.prefill_chunk = 4 : i64
// CHECK:      func.func @decode(%[[IDS:.*]]: tensor<1x1xi64>, %[[POS:.*]]: tensor<i64>, %[[LEN:.*]]: tensor<i64>, %[[K:.*]]: tensor<1x2x32x16xf32>, %[[V:.*]]: tensor<1x2x32x16xf32>)
// CHECK-SAME:   -> (tensor<1x1x64xf32>, tensor<1x2x32x16xf32> {llm.aliases = 3 : i64}, tensor<1x2x32x16xf32> {llm.aliases = 4 : i64})
// CHECK-SAME:   attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
// CHECK:      %[[MASK:.*]] = llm.compare <le>, {{.*}} : tensor<1x32xi64>, tensor<1x1xi64>
// CHECK:      llm.rope <half_split> {{.*}} : tensor<1x4x1x16xf32>, tensor<1x1xi64>
// CHECK:      %[[K1:.*]] = llm.cache_update %[[K]][%[[POS]]], %{{.*}} length %[[LEN]] : tensor<1x2x32x16xf32>, tensor<1x2x1x16xf32>
// CHECK:      %[[V1:.*]] = llm.cache_update %[[V]][%[[POS]]], %{{.*}} length %[[LEN]]
// CHECK:      llm.attention %{{.*}}, %[[K1]], %[[V1]] mask %[[MASK]] scale(2.500000e-01) : tensor<1x4x1x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x32xi1>
// CHECK-NOT:  llm.kv_append
// CHECK:      llm.dynamic_slice {{.*}} dims [1] : tensor<1x1x64xf32>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x64xf32>
// CHECK-NEXT: llm.rms_norm {{.*}} : tensor<1x1x64xf32>
// CHECK-NEXT: llm.linear {{.*}} : tensor<1x1x64xf32>, tensor<64x64xf32>
// CHECK-NEXT: return %{{.*}}, %[[K1]], %[[V1]]

// The chunk program, then the bucket: a padded prefill of N rows.
// CHECK:      func.func @prefill_4(%{{.*}}: tensor<1x4xi64>
// CHECK-SAME:   attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 4 : i64}
// CHECK:      func.func @prefill_8(%{{.*}}: tensor<1x8xi64>
// CHECK:      llm.compare <le>, {{.*}} : tensor<1x32xi64>, tensor<8x1xi64>
// CHECK:      llm.cache_update {{.*}} : tensor<1x2x32x16xf32>, tensor<1x2x8x16xf32>
// CHECK:      llm.attention {{.*}} : tensor<1x4x8x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<8x32xi1>
// CHECK:      llm.dynamic_slice {{.*}} : tensor<1x8x64xf32>, tensor<1xi64>, tensor<1xi64> to tensor<1x1x64xf32>
// CHECK-NOT:  func.func @forward
// expected-error @+1 {{llm-static-shapes needs a dynamic @forward}}
module {
  func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

module attributes {llm.weights = "w.safetensors"} {
  func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>, %k0: tensor<1x2x?x16xf32>)
      -> (tensor<1x?x16xf32>, tensor<1x2x?x16xf32>) {
    %emb = llm.weight "embed" : tensor<64x16xf32>
    %h = llm.embedding %emb[%ids] : tensor<64x16xf32>, tensor<1x?xi64>
    // expected-error @+1 {{past cache #0 is used other than by llm.kv_append, an append (concat after it) or llm.dim; a static program cannot lower it}}
    return %h, %k0 : tensor<1x?x16xf32>, tensor<1x2x?x16xf32>
  }
}

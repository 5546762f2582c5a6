// llm-bake-prefix runs @forward on the prefix at compile time. In this
// weightless model a token's cached key is its position, twice: the baked
// cache of 3 tokens must hold 0, 0, 1, 1, 2, 2 (f32 little-endian, after
// the blob's 4-byte alignment word).
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-bake-prefix="ids=7,8,9" | FileCheck %s
// RUN: not llmc-opt %s -split-input-file --llm-bake-prefix 2>&1 | FileCheck --check-prefix=NOIDS %s
// RUN: not llmc-opt %s -split-input-file --llm-bake-prefix=ids=1 --llm-bake-prefix=ids=2 2>&1 | FileCheck --check-prefix=TWICE %s
// NOIDS: error: llm-bake-prefix needs the prefix's token ids (ids=...)
// TWICE: error: the module already holds a baked prefix (@prefix_cache)

// CHECK-LABEL: func.func @prefix_cache() -> tensor<1x1x3x2xf32>
// CHECK-SAME:    attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 7, 8, 9>, llm.tokens = 3 : i64}
// CHECK-NEXT:    %[[C:.*]] = llm.constant dense_resource<llm_prefix_cache_0> : tensor<1x1x3x2xf32>
// CHECK-NEXT:    return %[[C]]
// CHECK:       func.func @forward
// CHECK:       llm_prefix_cache_0: "0x04000000{{0000000000000000}}{{0000803F0000803F}}{{0000004000000040}}"
module {
  func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>, %k0: tensor<1x1x?x2xf32>)
      -> (tensor<1x?x4xf32>, tensor<1x1x?x2xf32>) {
    %f = llm.cast %pos : tensor<1x?xi64> to tensor<1x?xf32>
    %r = llm.reshape %f : tensor<1x?xf32> to tensor<1x1x?x1xf32>
    %k = llm.broadcast_to %r : tensor<1x1x?x1xf32> to tensor<1x1x?x2xf32>
    %k1 = llm.kv_append %k0, %k : tensor<1x1x?x2xf32>, tensor<1x1x?x2xf32>
    %l = llm.reshape %f : tensor<1x?xf32> to tensor<1x?x1xf32>
    %logits = llm.broadcast_to %l : tensor<1x?x1xf32> to tensor<1x?x4xf32>
    return %logits, %k1 : tensor<1x?x4xf32>, tensor<1x1x?x2xf32>
  }
}

// -----

// expected-error @+1 {{llm-bake-prefix needs the dynamic @forward (or an imported @main); run it before llm-static-shapes}}
module {
  func.func @decode(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

// An f16 model (an f16 checkpoint imported as it is) gets f16 caches: 0, 0,
// 1, 1, 2, 2 as binary16 (0x3C00 is 1, 0x4000 is 2) after the blob's 2-byte
// alignment word.
// CHECK-LABEL: func.func @prefix_cache() -> tensor<1x1x3x2xf16>
// CHECK-NEXT:    llm.constant dense_resource<llm_prefix_cache_0> : tensor<1x1x3x2xf16>
// CHECK:       llm_prefix_cache_0: "0x02000000{{00000000}}{{003C003C}}{{00400040}}"
module {
  func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>, %k0: tensor<1x1x?x2xf16>)
      -> (tensor<1x?x4xf16>, tensor<1x1x?x2xf16>) {
    %f = llm.cast %pos : tensor<1x?xi64> to tensor<1x?xf16>
    %r = llm.reshape %f : tensor<1x?xf16> to tensor<1x1x?x1xf16>
    %k = llm.broadcast_to %r : tensor<1x1x?x1xf16> to tensor<1x1x?x2xf16>
    %k1 = llm.kv_append %k0, %k : tensor<1x1x?x2xf16>, tensor<1x1x?x2xf16>
    %l = llm.reshape %f : tensor<1x?xf16> to tensor<1x?x1xf16>
    %logits = llm.broadcast_to %l : tensor<1x?x1xf16> to tensor<1x?x4xf16>
    return %logits, %k1 : tensor<1x?x4xf16>, tensor<1x1x?x2xf16>
  }
}

// -----

// A model whose weights cannot be read fails with the executor's reason.
module attributes {llm.weights = "missing/model.safetensors"} {
  // expected-error @+1 {{running the prefix failed: }}
  func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>, %k0: tensor<1x1x?x2xf32>)
      -> (tensor<1x?x2xf32>, tensor<1x1x?x2xf32>) {
    %emb = llm.weight "embed" : tensor<16x2xf32>
    %h = llm.embedding %emb[%ids] : tensor<16x2xf32>, tensor<1x?xi64>
    %k = llm.reshape %h : tensor<1x?x2xf32> to tensor<1x1x?x2xf32>
    %k1 = llm.kv_append %k0, %k : tensor<1x1x?x2xf32>, tensor<1x1x?x2xf32>
    return %h, %k1 : tensor<1x?x2xf32>, tensor<1x1x?x2xf32>
  }
}

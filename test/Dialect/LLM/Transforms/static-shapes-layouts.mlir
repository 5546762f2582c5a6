// llm-static-shapes on caches in other layouts than [B, H, P, D]: the
// sequence axis is where the graph appends to the cache (concat after the
// past). Each program's cache argument is [B, prod(before), M,
// prod(after)] (the same elements in the same order); the graph reads it
// through a reshape to its own layout, and its append becomes a
// cache_update of the argument at the position, returned in place.
// (Numbers: test/models/pytorch/onnx-hf-static.test, DeepSeek's latent
// [B, P, C] caches.)
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-static-shapes="max-seq-len=16 prefill-buckets=4" | FileCheck %s

// A latent cache [B, P, C] (as DeepSeek exports keep it) and a [B, P, H, D]
// one, appended along axis 1. (The views of the latent cache in the
// graph's layout and back fold away: attention reads the argument's
// update.)
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    %[[IDS:[^:]*]]: tensor<1x1xi64>, %[[POS:[^:]*]]: tensor<i64>, %[[LEN:[^:]*]]: tensor<i64>, %[[C:[^:]*]]: tensor<1x1x16x8xf32>, %[[K:[^:]*]]: tensor<1x1x16x8xf32>)
// CHECK-SAME:    -> (tensor<1x1x32xf32>, tensor<1x1x16x8xf32> {llm.aliases = 3 : i64}, tensor<1x1x16x8xf32> {llm.aliases = 4 : i64})
// CHECK-NOT:   llm.concat
// CHECK:       %[[CU:.*]] = llm.reshape %{{.*}} : tensor<1x1x8xf32> to tensor<1x1x1x8xf32>
// CHECK:       %[[C1:.*]] = llm.cache_update %[[C]][%[[POS]]], %[[CU]] length %[[LEN]]
// CHECK:       %[[KU:.*]] = llm.reshape %{{.*}} : tensor<1x1x2x4xf32> to tensor<1x1x1x8xf32>
// CHECK:       %[[K1:.*]] = llm.cache_update %[[K]][%[[POS]]], %[[KU]] length %[[LEN]]
// CHECK:       llm.attention %{{.*}}, %[[C1]], %[[C1]] mask
// CHECK:       return %{{.*}}, %[[C1]], %[[K1]]
// CHECK-LABEL: func.func @prefill_4(
// CHECK:       llm.cache_update {{.*}} : tensor<1x1x16x8xf32>, tensor<1x1x4x8xf32>
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<?x?xi64>, %c0: tensor<?x?x8xf32>, %k0: tensor<?x?x2x4xf32>)
      -> (tensor<?x?x32xf32>, tensor<?x?x8xf32>, tensor<?x?x2x4xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<?x?xi64>
    %c1 = llm.concat %c0, %h dim 1 : tensor<?x?x8xf32>, tensor<?x?x8xf32>
    %h4 = llm.reshape %h : tensor<?x?x8xf32> to tensor<?x?x2x4xf32>
    %k1 = llm.concat %k0, %h4 dim 1 : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>
    // keys and values [B, 1, T, 8] from the latent cache
    %kv = llm.reshape %c1 : tensor<?x?x8xf32> to tensor<?x1x?x8xf32>
    %q = llm.reshape %h : tensor<?x?x8xf32> to tensor<?x1x?x8xf32>
    %o = llm.attention %q, %kv, %kv scale(0.35) causal : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
    %o3 = llm.reshape %o : tensor<?x1x?x8xf32> to tensor<?x?x8xf32>
    %logits = llm.linear %o3, %head : tensor<?x?x8xf32>, tensor<32x8xf32>
    return %logits, %c1, %k1 : tensor<?x?x32xf32>, tensor<?x?x8xf32>, tensor<?x?x2x4xf32>
  }
}

// -----

// A cache appended along two axes has no sequence axis.
module attributes {llm.weights = "w.safetensors"} {
  // expected-error @+1 {{past cache #0 is never appended to, or along more than one axis or the batch; its sequence axis is not known}}
  func.func @main(%ids: tensor<1x?xi64>, %c0: tensor<1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %c1 = llm.concat %c0, %h dim 1 : tensor<1x?x8xf32>, tensor<1x?x8xf32>
    %c2 = llm.concat %c0, %h dim 2 : tensor<1x?x8xf32>, tensor<1x?x8xf32>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %c1 : tensor<1x?x32xf32>, tensor<1x?x8xf32>
  }
}

// -----

// The dimensions of a cache other than its batch and sequence are static.
module attributes {llm.weights = "w.safetensors"} {
  // expected-error @+1 {{past cache #0 must be static but for its batch and sequence axes, not 'tensor<1x?x?xf32>'}}
  func.func @main(%ids: tensor<1x?xi64>, %c0: tensor<1x?x?xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %c1 = llm.concat %c0, %h dim 1 : tensor<1x?x?xf32>, tensor<1x?x8xf32>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %c1 : tensor<1x?x32xf32>, tensor<1x?x8xf32>
  }
}

// -----

// Dimension 2 of a [B, P, H, D] cache is H, not the past length: it folds to
// its size (the position stands only for the sequence axis).
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    %{{[^:]*}}: tensor<1x1xi64>, %[[POS:[^:]*]]: tensor<i64>
// CHECK-NOT:   llm.cast %[[POS]]
// CHECK:       llm.constant dense<2.000000e+00> : tensor<f32>
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x?x2x4xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x?x2x4xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x2x4xf32>
    %k1 = llm.concat %k0, %h4 dim 1 : tensor<1x?x2x4xf32>, tensor<1x?x2x4xf32>
    %heads = llm.dim %k0[2] : tensor<1x?x2x4xf32>
    %hf = llm.cast %heads : tensor<i64> to tensor<f32>
    %scaled = llm.mul %h, %hf : tensor<1x?x8xf32>, tensor<f32>
    %logits = llm.linear %scaled, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x?x2x4xf32>
  }
}

// llm-static-shapes on an imported generation graph's @main(ids, past
// caches...), which computes its positions (iota of the sequence length plus
// the past length, llm.dim %past[2]) and a reshape target from llm.dim at run
// time, as ONNX exports do. In each program the past length is the position
// scalar, the other dims fold to constants, and the shape arithmetic built on
// them folds too (by the reference executor): the reshape and iota become
// static, and no llm.dim is left. (Numbers: test/models/pytorch/onnx-static.test.)
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-static-shapes="max-seq-len=16 prefill-buckets=4" | FileCheck %s

// CHECK: func.func @decode(%[[IDS:.*]]: tensor<1x1xi64>, %[[POS:.*]]: tensor<i64>, %[[LEN:.*]]: tensor<i64>, %[[K:.*]]: tensor<1x1x16x8xf32>, %[[V:.*]]: tensor<1x1x16x8xf32>)
// CHECK-SAME:   -> (tensor<1x1x32xf32>, tensor<1x1x16x8xf32> {llm.aliases = 3 : i64}, tensor<1x1x16x8xf32> {llm.aliases = 4 : i64})
// CHECK-NOT:  llm.dim
// CHECK-NOT:  llm.iota
// CHECK:      llm.embedding
// CHECK-NEXT: %[[ROWS:.*]] = llm.constant dense<0> : tensor<1xi64>
// CHECK:      %[[P:.*]] = llm.add %[[ROWS]], %[[POS]] : tensor<1xi64>, tensor<i64>
// CHECK:      %[[P2:.*]] = llm.reshape %[[P]] : tensor<1xi64> to tensor<1x1xi64>
// CHECK:      llm.reshape %{{.*}} : tensor<1x1x8xf32> to tensor<1x1x1x8xf32>
// CHECK:      llm.rope <half_split> %{{.*}}, %[[P2]] theta(1.000000e+04) : tensor<1x1x1x8xf32>, tensor<1x1xi64>
// CHECK:      llm.cache_update %[[K]][%[[POS]]]
// CHECK-LABEL: func.func @prefill_4(
// CHECK:      llm.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
// CHECK:      llm.rope <half_split> {{.*}} : tensor<1x1x4x8xf32>, tensor<1x4xi64>
// CHECK:      llm.cache_update {{.*}} : tensor<1x1x16x8xf32>, tensor<1x1x4x8xf32>
// CHECK-NOT:  func.func @main
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<?x?xi64>, %k0: tensor<?x1x?x8xf32>, %v0: tensor<?x1x?x8xf32>)
      -> (tensor<?x?x32xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<?x?xi64>
    // positions = iota(S) + P, as [1, S]
    %s = llm.dim %ids[1] : tensor<?x?xi64>
    %past = llm.dim %k0[2] : tensor<?x1x?x8xf32>
    %rows = llm.iota %s : tensor<i64>
    %p = llm.add %rows, %past : tensor<?xi64>, tensor<i64>
    %pos = llm.reshape %p : tensor<?xi64> to tensor<1x?xi64>
    // [B, S, 1, 8] with B and S read at run time
    %b = llm.dim %h[0] : tensor<?x?x8xf32>
    %b1 = llm.reshape %b : tensor<i64> to tensor<1xi64>
    %s1 = llm.reshape %s : tensor<i64> to tensor<1xi64>
    %tail = llm.constant dense<[1, 8]> : tensor<2xi64>
    %shape = llm.concat %b1, %s1, %tail dim 0 : tensor<1xi64>, tensor<1xi64>, tensor<2xi64>
    %h4 = llm.reshape %h, %shape : tensor<?x?x8xf32>, tensor<4xi64> to tensor<?x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<?x?x1x8xf32>
    %kr = llm.rope <half_split> %ht, %pos theta(1.0e+04) : tensor<?x1x?x8xf32>, tensor<1x?xi64>
    %k1 = llm.kv_append %k0, %kr : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
    %v1 = llm.kv_append %v0, %ht : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
    %o = llm.attention %kr, %k1, %v1 scale(0.35) causal : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<?x1x?x8xf32>
    %o3 = llm.reshape %ot : tensor<?x?x1x8xf32> to tensor<?x?x8xf32>
    %logits = llm.linear %o3, %head : tensor<?x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1, %v1 : tensor<?x?x32xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
  }
}

// -----

// A past cache read other than for its sizes has no static form.
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x8xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    // expected-error @+1 {{past cache #0 is used other than by llm.kv_append, an append (concat after it) or llm.dim; a static program cannot lower it}}
    %t = llm.transpose %k0 [0, 2, 1, 3] : tensor<1x1x?x8xf32>
    %k1 = llm.kv_append %k0, %t : tensor<1x1x?x8xf32>, tensor<1x?x1x8xf32>
    return %h, %k1 : tensor<1x?x8xf32>, tensor<1x1x?x8xf32>
  }
}

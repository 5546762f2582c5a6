// llm-static-shapes on graphs that size things by the past length P as
// PyTorch exports do: a causal mask sliced from a lower-triangular buffer by
// [P + S - S, P + S), an additive mask built as concat(zeros[S, P],
// where(iota compare)), an attention left as matmul/softmax/matmul. In each
// program P is the position scalar and whatever has P + k entries is padded
// to the cache's capacity (16): slices become gathers of clamped indices,
// the concat selects each part at its real offset, padded entries are masked
// before softmax and contractions, and attention keeps the graph's mask
// within the real keys. (Numbers: test/models/pytorch/onnx-hf-static.test.)
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-static-shapes="max-seq-len=16 prefill-buckets=4" | FileCheck %s

// GPT-2's bias buffer, sliced at run time: rows [T - S, T), columns [0, T)
// with T = P + S. The rows are a gather of S clamped indices from P, the
// columns a gather of all 16 slots; the attention's i1 mask is the slice
// within the real keys (slot < position + length).
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    %[[IDS:.*]]: tensor<1x1xi64>, %[[POS:.*]]: tensor<i64>, %[[LEN:.*]]: tensor<i64>
// CHECK:       %[[END:.*]] = llm.add %[[POS]], %[[LEN]] : tensor<i64>
// CHECK:       %[[REAL:.*]] = llm.compare <lt>, %{{.*}}, %[[END]] : tensor<1x16xi64>, tensor<i64>
// CHECK-NOT:   llm.dynamic_slice
// CHECK-NOT:   llm.dim
// CHECK:       %[[FROM:.*]] = llm.add %{{.*}}, %[[POS]] : tensor<1xi64>, tensor<i64>
// CHECK:       %[[ROW:.*]] = llm.minimum %[[FROM]], %{{.*}} : tensor<1xi64>, tensor<i64>
// CHECK:       %[[ROWS:.*]] = llm.gather %{{.*}}[%[[ROW]]] dim 2 : tensor<1x1x32x32xi1>, tensor<1xi64>
// CHECK:       %[[COLS:.*]] = llm.gather %[[ROWS]][%{{.*}}] dim 3 : tensor<1x1x1x32xi1>, tensor<16xi64>
// CHECK:       %[[MASK:.*]] = llm.where %[[COLS]], %[[REAL]], %{{.*}} : tensor<1x1x1x16xi1>, tensor<1x16xi1>, tensor<i1>
// CHECK:       llm.attention %{{.*}}, %{{.*}}, %{{.*}} mask %[[MASK]] scale(3.500000e-01) : tensor<1x1x1x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x1x16xi1>
// CHECK-LABEL: func.func @prefill_4(
// CHECK:       llm.gather %{{.*}}[%{{.*}}] dim 2 : tensor<1x1x32x32xi1>, tensor<4xi64>
// CHECK:       llm.attention {{.*}} : tensor<1x1x4x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x4x16xi1>
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>, %v0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %bias = llm.constant dense<true> : tensor<1x1x32x32xi1>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %v1 = llm.kv_append %v0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %s = llm.dim %ids[1] : tensor<1x?xi64>
    %t = llm.dim %k1[2] : tensor<1x1x?x8xf32>
    %first = llm.sub %t, %s : tensor<i64>
    %zero = llm.constant dense<0> : tensor<i64>
    %first1 = llm.reshape %first : tensor<i64> to tensor<1xi64>
    %zero1 = llm.reshape %zero : tensor<i64> to tensor<1xi64>
    %t1 = llm.reshape %t : tensor<i64> to tensor<1xi64>
    %starts = llm.concat %first1, %zero1 dim 0 : tensor<1xi64>, tensor<1xi64>
    %limits = llm.concat %t1, %t1 dim 0 : tensor<1xi64>, tensor<1xi64>
    %m = llm.dynamic_slice %bias, %starts, %limits dims [2, 3] : tensor<1x1x32x32xi1>, tensor<2xi64>, tensor<2xi64> to tensor<1x1x?x?xi1>
    %o = llm.attention %ht, %k1, %v1 mask %m scale(0.35) : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x?xi1>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<1x1x?x8xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x8xf32> to tensor<1x?x8xf32>
    %logits = llm.linear %o3, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1, %v1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

// Llama's in-graph additive mask: concat(zeros [S, P], mask [S, S]) along
// the keys, with mask = where(j > i, min, 0). The concat becomes a select of
// the two parts at their real offsets (0 and P) over 16 slots; the
// attention's float mask keeps it within the real keys, -inf elsewhere.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    %[[IDS:.*]]: tensor<1x1xi64>, %[[POS:.*]]: tensor<i64>, %[[LEN:.*]]: tensor<i64>
// CHECK:       %[[WRITTEN:.*]] = llm.compare <lt>, %{{.*}}, %{{.*}} : tensor<1x16xi64>, tensor<i64>
// CHECK-NOT:   llm.concat
// CHECK-NOT:   llm.iota
// CHECK:       %[[SEL:.*]] = llm.compare <lt>, %{{.*}}, %[[POS]] : tensor<1x16xi64>, tensor<i64>
// CHECK:       %[[MIX:.*]] = llm.where %[[SEL]], %{{.*}}, %{{.*}} : tensor<1x16xi1>, tensor<1x16xf32>, tensor<1x16xf32>
// CHECK:       %[[MASK4:.*]] = llm.reshape %[[MIX]] : tensor<1x16xf32> to tensor<1x1x1x16xf32>
// CHECK:       %[[NEGINF:.*]] = llm.constant dense<0xFF800000> : tensor<f32>
// CHECK:       %[[MASK:.*]] = llm.where %[[WRITTEN]], %[[MASK4]], %[[NEGINF]] : tensor<1x16xi1>, tensor<1x1x1x16xf32>, tensor<f32>
// CHECK:       llm.attention {{.*}} mask %[[MASK]] {{.*}} : tensor<1x1x1x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x1x16xf32>
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>, %v0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %v1 = llm.kv_append %v0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %s = llm.dim %ids[1] : tensor<1x?xi64>
    %p = llm.dim %k0[2] : tensor<1x1x?x8xf32>
    // mask [S, S]: min where j > i
    %i = llm.iota %s : tensor<i64>
    %i1 = llm.reshape %i : tensor<?xi64> to tensor<?x1xi64>
    %above = llm.compare <gt>, %i, %i1 : tensor<?xi64>, tensor<?x1xi64>
    %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
    %none = llm.constant dense<0.0> : tensor<f32>
    %causal = llm.where %above, %min, %none : tensor<?x?xi1>, tensor<f32>, tensor<f32>
    // zeros [S, P] in front
    %s1 = llm.reshape %s : tensor<i64> to tensor<1xi64>
    %p1 = llm.reshape %p : tensor<i64> to tensor<1xi64>
    %zshape = llm.concat %s1, %p1 dim 0 : tensor<1xi64>, tensor<1xi64>
    %zeros = llm.broadcast_to %none, %zshape : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
    %mask = llm.concat %zeros, %causal dim 1 : tensor<?x?xf32>, tensor<?x?xf32>
    %mask4 = llm.reshape %mask : tensor<?x?xf32> to tensor<1x1x?x?xf32>
    %o = llm.attention %ht, %k1, %v1 mask %mask4 scale(0.35) : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x?xf32>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<1x1x?x8xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x8xf32> to tensor<1x?x8xf32>
    %logits = llm.linear %o3, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1, %v1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

// Attention left as primitives: scores = q k^T over the cache, softmax,
// times v. The padded key slots are -inf before the softmax and zero in
// both operands of the second product.
// CHECK-LABEL: func.func @decode(
// CHECK:       %[[SCORES:.*]] = llm.matmul %{{.*}}, %{{.*}} : tensor<1x1x1x8xf32>, tensor<1x1x8x16xf32>
// CHECK:       %[[INSIDE:.*]] = llm.compare <lt>, %{{.*}}, %{{.*}} : tensor<1x1x1x16xi64>, tensor<i64>
// CHECK:       %[[MASKED:.*]] = llm.where %[[INSIDE]], %[[SCORES]], %{{.*}} : tensor<1x1x1x16xi1>, tensor<1x1x1x16xf32>, tensor<f32>
// CHECK:       %[[P:.*]] = llm.softmax %[[MASKED]] dim 3
// CHECK:       llm.where %{{.*}}, %[[P]], %{{.*}}
// CHECK:       llm.where %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1x16x1xi1>, tensor<1x1x16x8xf32>, tensor<f32>
// CHECK:       llm.matmul
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>, %v0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %v1 = llm.kv_append %v0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %kt = llm.transpose %k1 [0, 1, 3, 2] : tensor<1x1x?x8xf32>
    %scores = llm.matmul %ht, %kt : tensor<1x1x?x8xf32>, tensor<1x1x8x?xf32>
    %p = llm.softmax %scores dim 3 : tensor<1x1x?x?xf32>
    %o = llm.matmul %p, %v1 : tensor<1x1x?x?xf32>, tensor<1x1x?x8xf32>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<1x1x?x8xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x8xf32> to tensor<1x?x8xf32>
    %logits = llm.linear %o3, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1, %v1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

// Near misses: a padded (cache-length) dimension cut by a static slice, or
// merged with another by a reshape, has no padded form, and says so.
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    // expected-error @+1 {{operand #0's dimension 2 is padded to max-seq-len (it is sized by the cache length) and this op reads across it; its static form is not known}}
    %first = llm.slice %k1 dims [2] starts [0] limits [2] : tensor<1x1x?x8xf32> to tensor<1x1x2x8xf32>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x2x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x2x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x16xf32>
    %head = llm.weight "head" : tensor<32x16xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x16xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x16xf32> to tensor<1x?x2x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x2x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
    %t = llm.dim %k1[2] : tensor<1x2x?x8xf32>
    %t1 = llm.reshape %t : tensor<i64> to tensor<1xi64>
    %one = llm.constant dense<1> : tensor<1xi64>
    %sixteen = llm.constant dense<16> : tensor<1xi64>
    %shape = llm.concat %one, %t1, %sixteen dim 0 : tensor<1xi64>, tensor<1xi64>, tensor<1xi64>
    // expected-error @+1 {{this reshape merges or splits dimension 2, which is padded to max-seq-len; its static form is not known}}
    %mixed = llm.reshape %k1, %shape : tensor<1x2x?x8xf32>, tensor<3xi64> to tensor<1x?x16xf32>
    %logits = llm.linear %h, %head : tensor<1x?x16xf32>, tensor<32x16xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x2x?x8xf32>
  }
}

// -----

// A gather along the padded cache axis whose index counts from its end
// would count from the padded end: an error.
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %i = llm.constant dense<[0, -1]> : tensor<2xi64>
    // expected-error @+1 {{this gather along dimension 2, which is padded to max-seq-len, has indices that may count from its end; its static form is not known}}
    %g = llm.gather %k1[%i] dim 2 : tensor<1x1x?x8xf32>, tensor<2xi64>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

// A length of position + k with k beyond the program's tokens can pass
// max-seq-len: an error, not a silent cut.
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %t = llm.dim %k1[2] : tensor<1x1x?x8xf32>
    %five = llm.constant dense<5> : tensor<i64>
    %more = llm.add %t, %five : tensor<i64>
    // expected-error @+1 {{a size of position + 6 can pass max-seq-len or be negative (the program has 1 tokens); its static form is not known}}
    %r = llm.iota %more : tensor<i64>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>
  }
}

// -----

// Only the cache length (position + k) has a static bound: twice it has not.
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x8xf32> to tensor<1x?x1x8xf32>
    %ht = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x8xf32>
    %k1 = llm.kv_append %k0, %ht : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>
    %t = llm.dim %k1[2] : tensor<1x1x?x8xf32>
    %two = llm.constant dense<2> : tensor<i64>
    %twice = llm.mul %t, %two : tensor<i64>
    // expected-error @+1 {{a size of 2 * position + 2 has no static bound here (only the cache length, position + k, is padded to max-seq-len)}}
    %r = llm.iota %twice : tensor<i64>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %k1 : tensor<1x?x32xf32>, tensor<1x1x?x8xf32>
  }
}

// A generation graph that reads its cache through argmax, reduce_min and an
// integer maximum over the cache axis, and gathers by padded indices
// (static-padded-reductions.test).
module {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x4xf32>) -> (tensor<1x?x8xf32>, tensor<1x1x?x4xf32>) {
    %emb = llm.constant dense<[[0.5, -1.0, 0.25, 2.0], [1.5, 0.5, -0.75, 0.0], [-1.0, 1.0, 1.0, -0.5], [0.0, -2.0, 0.5, 1.0], [2.0, 0.25, -1.5, 0.5], [-0.5, -0.5, 2.0, 1.5], [1.0, 1.5, 0.0, -1.0], [0.25, 0.75, -0.25, -2.0]]> : tensor<8x4xf32>
    %h = llm.embedding %emb[%ids] : tensor<8x4xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x4xf32> to tensor<1x?x1x4xf32>
    %q = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x4xf32>
    %k1 = llm.concat %k0, %q dim 2 : tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>
    // the slot of each feature's largest key, gathered back
    %best = llm.argmax %k1 dim 2 : tensor<1x1x?x4xf32>
    %bf = llm.cast %best : tensor<1x1x4xi64> to tensor<1x1x4xf32>
    %min = llm.reduce_min %k1 dims [2] : tensor<1x1x?x4xf32>
    %ki = llm.cast %k1 : tensor<1x1x?x4xf32> to tensor<1x1x?x4xi64>
    %imax = llm.reduce_max %ki dims [2] : tensor<1x1x?x4xi64>
    %if = llm.cast %imax : tensor<1x1x4xi64> to tensor<1x1x4xf32>
    %tenth = llm.constant dense<0.1> : tensor<f32>
    %bs = llm.mul %bf, %tenth : tensor<1x1x4xf32>, tensor<f32>
    %a = llm.add %bs, %min : tensor<1x1x4xf32>
    %b = llm.add %a, %if : tensor<1x1x4xf32>
    %b4 = llm.reshape %b : tensor<1x1x4xf32> to tensor<1x1x1x4xf32>
    %c = llm.add %q, %b4 : tensor<1x1x?x4xf32>, tensor<1x1x1x4xf32>
    %ot = llm.transpose %c [0, 2, 1, 3] : tensor<1x1x?x4xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x4xf32> to tensor<1x?x4xf32>
    %head = llm.constant dense<[[1.0, -2.0, 0.5, 0.0], [-1.5, 0.5, 1.0, 2.0], [0.5, 1.5, -2.0, 1.0], [2.0, 0.0, -0.5, -1.5], [-0.5, -1.0, 1.5, 0.5], [0.0, 2.0, 0.5, -1.0], [1.5, -0.5, -1.0, 1.0], [-2.0, 1.0, 0.0, 0.5]]> : tensor<8x4xf32>
    %logits = llm.linear %o3, %head : tensor<1x?x4xf32>, tensor<8x4xf32>
    return %logits, %k1 : tensor<1x?x8xf32>, tensor<1x1x?x4xf32>
  }
}

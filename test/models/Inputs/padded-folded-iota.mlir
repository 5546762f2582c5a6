// An iota over the cache length whose add/cast fold away and whose sum
// enters the logits (static-padded-reductions.test).
// A generation graph whose decode mixes the cache through primitives
// (matmul, softmax, reduce_mean / reduce_max / reduce_sum over the cache
// axis, matmul with the cache): test/models/static-padded-reductions.test.
module {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x4xf32>) -> (tensor<1x?x8xf32>, tensor<1x1x?x4xf32>) {
    %emb = llm.constant dense<[[0.5, -1.0, 0.25, 2.0], [1.5, 0.5, -0.75, 0.0], [-1.0, 1.0, 1.0, -0.5], [0.0, -2.0, 0.5, 1.0], [2.0, 0.25, -1.5, 0.5], [-0.5, -0.5, 2.0, 1.5], [1.0, 1.5, 0.0, -1.0], [0.25, 0.75, -0.25, -2.0]]> : tensor<8x4xf32>
    %h = llm.embedding %emb[%ids] : tensor<8x4xf32>, tensor<1x?xi64>
    %h4 = llm.reshape %h : tensor<1x?x4xf32> to tensor<1x?x1x4xf32>
    %q = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x4xf32>
    %k1 = llm.concat %k0, %q dim 2 : tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>
    %kt = llm.transpose %k1 [0, 1, 3, 2] : tensor<1x1x?x4xf32>
    %s = llm.matmul %q, %kt : tensor<1x1x?x4xf32>, tensor<1x1x4x?xf32>
    %p = llm.softmax %s dim 3 : tensor<1x1x?x?xf32>
    %o = llm.matmul %p, %k1 : tensor<1x1x?x?xf32>, tensor<1x1x?x4xf32>
    %mean = llm.reduce_mean %k1 dims [2] keep_dims : tensor<1x1x?x4xf32>
    %max = llm.reduce_max %k1 dims [2] keep_dims : tensor<1x1x?x4xf32>
    %small = llm.constant dense<0.05> : tensor<f32>
    %sum = llm.reduce_sum %s dims [3] keep_dims : tensor<1x1x?x?xf32>
    %a = llm.add %o, %mean : tensor<1x1x?x4xf32>, tensor<1x1x1x4xf32>
    %b = llm.add %a, %max : tensor<1x1x?x4xf32>, tensor<1x1x1x4xf32>
    %sum1 = llm.mul %sum, %small : tensor<1x1x?x1xf32>, tensor<f32>
    %c = llm.add %b, %sum1 : tensor<1x1x?x4xf32>, tensor<1x1x?x1xf32>
    %ot = llm.transpose %c [0, 2, 1, 3] : tensor<1x1x?x4xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x4xf32> to tensor<1x?x4xf32>
    %head = llm.constant dense<[[1.0, -2.0, 0.5, 0.0], [-1.5, 0.5, 1.0, 2.0], [0.5, 1.5, -2.0, 1.0], [2.0, 0.0, -0.5, -1.5], [-0.5, -1.0, 1.5, 0.5], [0.0, 2.0, 0.5, -1.0], [1.5, -0.5, -1.0, 1.0], [-2.0, 1.0, 0.0, 0.5]]> : tensor<8x4xf32>
    %lg = llm.linear %o3, %head : tensor<1x?x4xf32>, tensor<8x4xf32>
    %t = llm.dim %k1[2] : tensor<1x1x?x4xf32>
    %kk = llm.constant dense<0> : tensor<i64>
    %t1 = llm.add %t, %kk : tensor<i64>, tensor<i64>
    %r0 = llm.iota %t1 : tensor<i64>
    %r = llm.add %r0, %kk : tensor<?xi64>, tensor<i64>
    %rf = llm.cast %r : tensor<?xi64> to tensor<?xf32>
    %rs = llm.reduce_sum %rf dims [0] : tensor<?xf32>
    %vec = llm.constant dense<[0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]> : tensor<8xf32>
    %rv = llm.mul %vec, %rs : tensor<8xf32>, tensor<f32>
    %logits = llm.add %lg, %rv : tensor<1x?x8xf32>, tensor<8xf32>
    return %logits, %k1 : tensor<1x?x8xf32>, tensor<1x1x?x4xf32>
  }
}

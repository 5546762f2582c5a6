// A learned position table of exactly max-seq-len rows, read at P + i
// (static-padded-reductions.test: padding rows must not read past it).
module {
  func.func @main(%ids: tensor<1x?xi64>, %k0: tensor<1x1x?x4xf32>) -> (tensor<1x?x8xf32>, tensor<1x1x?x4xf32>) {
    %emb = llm.constant dense<[[-1.46, 1.39, 1.06, -0.98], [-0.02, -0.20, 0.61, 1.15], [-1.62, -1.89, 1.34, -0.27], [1.05, -1.99, -0.22, 0.89], [-1.08, 1.78, 1.61, -1.88], [-1.90, 0.17, 1.76, -0.48], [-1.13, -0.31, -1.88, -1.11], [-0.25, -0.02, -1.07, -1.08]]> : tensor<8x4xf32>
    %wpe = llm.constant dense<[[-1.12, -0.16, -0.84, -1.91], [1.35, 0.23, 0.57, -1.26], [1.97, 1.44, -1.52, -0.67], [0.89, 0.84, 1.75, -0.31], [1.32, 0.68, -0.79, 0.35], [1.53, 1.38, 0.02, 0.36], [-1.86, -1.03, 1.19, -0.34], [-1.31, 0.20, 0.81, 0.70], [-0.50, -0.24, 0.03, 1.11], [0.08, -0.43, -0.04, -1.88]]> : tensor<10x4xf32>
    %te = llm.embedding %emb[%ids] : tensor<8x4xf32>, tensor<1x?xi64>
    %p = llm.dim %k0[2] : tensor<1x1x?x4xf32>
    %s = llm.dim %ids[1] : tensor<1x?xi64>
    %r = llm.iota %s : tensor<i64>
    %pr = llm.add %r, %p : tensor<?xi64>, tensor<i64>
    %pos = llm.reshape %pr : tensor<?xi64> to tensor<1x?xi64>
    %pe = llm.embedding %wpe[%pos] : tensor<10x4xf32>, tensor<1x?xi64>
    %h = llm.add %te, %pe : tensor<1x?x4xf32>, tensor<1x?x4xf32>
    %h4 = llm.reshape %h : tensor<1x?x4xf32> to tensor<1x?x1x4xf32>
    %q = llm.transpose %h4 [0, 2, 1, 3] : tensor<1x?x1x4xf32>
    %k1 = llm.concat %k0, %q dim 2 : tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>
    %o = llm.attention %q, %k1, %k1 scale(0.5) causal : tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<1x1x?x4xf32>
    %o3 = llm.reshape %ot : tensor<1x?x1x4xf32> to tensor<1x?x4xf32>
    %head = llm.constant dense<[[-1.83, 0.81, 1.93, 0.37], [-0.43, -1.32, 0.01, 1.93], [1.08, 0.16, 1.44, -1.07], [0.06, 1.81, 0.31, -0.16], [-0.92, 0.19, 1.83, -1.98], [1.13, 1.28, 1.54, 0.96], [1.24, 0.07, 0.25, -0.30], [-1.78, 1.48, 0.28, -1.20]]> : tensor<8x4xf32>
    %logits = llm.linear %o3, %head : tensor<1x?x4xf32>, tensor<8x4xf32>
    return %logits, %k1 : tensor<1x?x8xf32>, tensor<1x1x?x4xf32>
  }
}

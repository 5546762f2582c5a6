// A one-layer Llama-style @forward (hidden 64, 4 query heads over 2 KV heads
// of 16, vocabulary 64) for the llm-static-shapes tests.
module attributes {llm.weights = "w.safetensors"} {
  func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>, %k0: tensor<1x2x?x16xf32>, %v0: tensor<1x2x?x16xf32>)
      -> (tensor<1x?x64xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) {
    %emb = llm.weight "embed" : tensor<64x64xf32>
    %wq = llm.weight "q" : tensor<64x64xf32>
    %wk = llm.weight "k" : tensor<32x64xf32>
    %wv = llm.weight "v" : tensor<32x64xf32>
    %wn = llm.weight "norm" : tensor<64xf32>
    %head = llm.weight "head" : tensor<64x64xf32>
    %h = llm.embedding %emb[%ids] : tensor<64x64xf32>, tensor<1x?xi64>
    %q = llm.linear %h, %wq : tensor<1x?x64xf32>, tensor<64x64xf32>
    %k = llm.linear %h, %wk : tensor<1x?x64xf32>, tensor<32x64xf32>
    %v = llm.linear %h, %wv : tensor<1x?x64xf32>, tensor<32x64xf32>
    %q4 = llm.reshape %q : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %qt = llm.transpose %q4 [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    %qr = llm.rope <half_split> %qt, %pos theta(1.0e+04) : tensor<1x4x?x16xf32>, tensor<1x?xi64>
    %k4 = llm.reshape %k : tensor<1x?x32xf32> to tensor<1x?x2x16xf32>
    %kt = llm.transpose %k4 [0, 2, 1, 3] : tensor<1x?x2x16xf32>
    %kr = llm.rope <half_split> %kt, %pos theta(1.0e+04) : tensor<1x2x?x16xf32>, tensor<1x?xi64>
    %v4 = llm.reshape %v : tensor<1x?x32xf32> to tensor<1x?x2x16xf32>
    %vt = llm.transpose %v4 [0, 2, 1, 3] : tensor<1x?x2x16xf32>
    %k1 = llm.kv_append %k0, %kr : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
    %v1 = llm.kv_append %v0, %vt : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
    %o = llm.attention %qr, %k1, %v1 scale(0.25) causal : tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
    %ot = llm.transpose %o [0, 2, 1, 3] : tensor<1x4x?x16xf32>
    %o3 = llm.reshape %ot : tensor<1x?x4x16xf32> to tensor<1x?x64xf32>
    %r = llm.add %h, %o3 : tensor<1x?x64xf32>
    %n = llm.rms_norm %r, %wn epsilon(1.0e-06) : tensor<1x?x64xf32>, tensor<64xf32>
    %logits = llm.linear %n, %head : tensor<1x?x64xf32>, tensor<64x64xf32>
    return %logits, %k1, %v1 : tensor<1x?x64xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
  }
}

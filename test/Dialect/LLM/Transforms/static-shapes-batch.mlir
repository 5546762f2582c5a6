// A model built for one batch size compiled for another is an error that
// says so (it was a crash building the cache update).
// RUN: llmc-opt %s -verify-diagnostics --llm-static-shapes="max-seq-len=16 prefill-buckets=4 batch=2"

module attributes {llm.weights = "w.safetensors"} {
  // expected-error @+1 {{past cache #0 holds a batch of 1; batch = 2 does not fit it (the model was built for that batch)}}
  func.func @main(%ids: tensor<1x?xi64>, %c0: tensor<1x?x8xf32>)
      -> (tensor<1x?x32xf32>, tensor<1x?x8xf32>) {
    %emb = llm.weight "embed" : tensor<32x8xf32>
    %head = llm.weight "head" : tensor<32x8xf32>
    %h = llm.embedding %emb[%ids] : tensor<32x8xf32>, tensor<1x?xi64>
    %c1 = llm.concat %c0, %h dim 1 : tensor<1x?x8xf32>, tensor<1x?x8xf32>
    %logits = llm.linear %h, %head : tensor<1x?x8xf32>, tensor<32x8xf32>
    return %logits, %c1 : tensor<1x?x32xf32>, tensor<1x?x8xf32>
  }
}

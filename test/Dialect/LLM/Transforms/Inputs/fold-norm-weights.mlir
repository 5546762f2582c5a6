// Norms for llm-fold-norm-weights over the weights fold_norm_weights.py
// writes: what is folded and what is kept, and why.
module attributes {llm.weights = "w.safetensors"} {
  // Folded: an RMSNorm feeding two linears (one [N, D], one [D, N]).
  func.func @rms(%x: tensor<2x4xf32>) -> (tensor<2x6xf32>, tensor<2x6xf32>) {
    %g = llm.weight "g" : tensor<4xf32>
    %w = llm.weight "w" : tensor<6x4xf32>
    %wt = llm.weight "wt" : tensor<4x6xf32>
    %n = llm.rms_norm %x, %g epsilon(1.0e-5) : tensor<2x4xf32>, tensor<4xf32>
    %a = llm.linear %n, %w : tensor<2x4xf32>, tensor<6x4xf32>
    %b = llm.linear %n, %wt {weight_layout = #llm.weight_layout<in_out>} : tensor<2x4xf32>, tensor<4x6xf32>
    return %a, %b : tensor<2x6xf32>, tensor<2x6xf32>
  }
  // Folded: a LayerNorm with a bias into a linear with a bias.
  func.func @layer(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
    %g = llm.weight "g" : tensor<4xf32>
    %beta = llm.weight "beta" : tensor<4xf32>
    %w = llm.weight "w" : tensor<6x4xf32>
    %c = llm.weight "c" : tensor<6xf32>
    %n = llm.layer_norm %x, %g, %beta epsilon(1.0e-5) : tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>
    %a = llm.linear %n, %w, %c : tensor<2x4xf32>, tensor<6x4xf32>, tensor<6xf32>
    return %a : tensor<2x6xf32>
  }
  // Kept: the norm's output is also returned.
  func.func @other_user(%x: tensor<2x4xf32>) -> (tensor<2x6xf32>, tensor<2x4xf32>) {
    %g = llm.weight "g" : tensor<4xf32>
    %w = llm.weight "w" : tensor<6x4xf32>
    %n = llm.rms_norm %x, %g epsilon(1.0e-5) : tensor<2x4xf32>, tensor<4xf32>
    %a = llm.linear %n, %w : tensor<2x4xf32>, tensor<6x4xf32>
    return %a, %n : tensor<2x6xf32>, tensor<2x4xf32>
  }
  // Kept: a scale of 1000 times weights up to 100 could reach 1e5 in FP16.
  func.func @out_of_range(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
    %g = llm.weight "big_g" : tensor<4xf32>
    %w = llm.weight "big_w" : tensor<6x4xf32>
    %n = llm.rms_norm %x, %g epsilon(1.0e-5) : tensor<2x4xf32>, tensor<4xf32>
    %a = llm.linear %n, %w : tensor<2x4xf32>, tensor<6x4xf32>
    return %a : tensor<2x6xf32>
  }
}

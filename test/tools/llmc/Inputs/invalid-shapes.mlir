// Parses, but the linear layer's shapes disagree. Used by bad-input.test.
module {
  func.func @f(%x: tensor<1x?x64xf32>, %w: tensor<192x32xf32>) -> tensor<1x?x192xf32> {
    %y = llm.linear %x, %w : tensor<1x?x64xf32>, tensor<192x32xf32>
    return %y : tensor<1x?x192xf32>
  }
}

// Not valid llm syntax: the GELU form is missing. Used by bad-input.test.
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    // The next line is the error.

    %y = llm.gelu %x : tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

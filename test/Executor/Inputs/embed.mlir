// A small function for the executor's input checks.
func.func @f(%ids: tensor<1x?xi64>) -> tensor<1x?x2xf32> {
  %t = llm.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]> : tensor<3x2xf32>
  %h = llm.embedding %t[%ids] : tensor<3x2xf32>, tensor<1x?xi64>
  return %h : tensor<1x?x2xf32>
}

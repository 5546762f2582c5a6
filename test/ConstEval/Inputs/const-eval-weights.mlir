// A program over the weights of const_eval_weights.py: what it computes
// from weights alone (transposes, a concatenation, a product of two
// weights, a slice of a concatenation) and what it must compute at run
// time (anything reading %x, a broadcast that would only grow the file,
// a reshape of one weight, constants' arithmetic).
module attributes {llm.weights = "w.safetensors"} {
  func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x6xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<8x4xf32>, tensor<2x24xf32>, tensor<2xf32>, tensor<2x4xf32>) {
    %a = llm.weight "a" : tensor<4x6xf32>
    %b = llm.weight "b" : tensor<6x4xf32>
    %c = llm.weight "c" : tensor<1x4xf32>
    %d = llm.weight "d" : tensor<4x4xf16>
    // Hoisted: b^T.
    %bt = llm.transpose %b [1, 0] : tensor<6x4xf32>
    %y0 = llm.matmul %x, %bt : tensor<2x4xf32>, tensor<4x6xf32>
    // Hoisted: a b, a product of weights.
    %ab = llm.matmul %a, %b : tensor<4x6xf32>, tensor<6x4xf32>
    %y1 = llm.matmul %x, %ab : tensor<2x4xf32>, tensor<4x4xf32>
    // Hoisted: the second half of concat(c, c): the slice, not the concat.
    %cc = llm.concat %c, %c dim 0 : tensor<1x4xf32>, tensor<1x4xf32>
    %c1 = llm.slice %cc dims [0] starts [1] limits [2] : tensor<2x4xf32> to tensor<1x4xf32>
    %y2 = llm.add %x, %c1 : tensor<2x4xf32>, tensor<1x4xf32>
    // Not hoisted: a broadcast only grows the data.
    %cb = llm.broadcast_to %c : tensor<1x4xf32> to tensor<8x4xf32>
    // Not hoisted: a reshape of one weight is the same bytes (the broadcast
    // of it stays at run time).
    %ar = llm.reshape %a : tensor<4x6xf32> to tensor<1x24xf32>
    %y4 = llm.broadcast_to %ar : tensor<1x24xf32> to tensor<2x24xf32>
    // Not hoisted: constants alone.
    %k = llm.constant dense<2.0> : tensor<2xf32>
    %k2 = llm.add %k, %k : tensor<2xf32>
    // Not hoisted: a cast to a wider type only grows the file.
    %df = llm.cast %d : tensor<4x4xf16> to tensor<4x4xf32>
    %y5 = llm.matmul %x, %df : tensor<2x4xf32>, tensor<4x4xf32>
    return %y0, %y1, %y2, %cb, %y4, %k2, %y5 : tensor<2x6xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<8x4xf32>, tensor<2x24xf32>, tensor<2xf32>, tensor<2x4xf32>
  }

  // e^T, read after the tensors before it were written (their pages
  // released): its values must survive.
  func.func @late(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
    %e = llm.weight "e" : tensor<48x48xf32>
    %et = llm.transpose %e [1, 0] : tensor<48x48xf32>
    %y = llm.matmul %x, %et : tensor<2x48xf32>, tensor<48x48xf32>
    return %y : tensor<2x48xf32>
  }

  // The same b^T in another program: written once.
  func.func @other(%x: tensor<3x4xf32>) -> tensor<3x6xf32> {
    %b = llm.weight "b" : tensor<6x4xf32>
    %bt = llm.transpose %b [1, 0] : tensor<6x4xf32>
    %y = llm.matmul %x, %bt : tensor<3x4xf32>, tensor<4x6xf32>
    return %y : tensor<3x6xf32>
  }
}

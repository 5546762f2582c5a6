// The model summary counts each distinct weight once (a tied head reads the
// embedding twice) and its bytes per element type.
// RUN: llmc-opt --llm-model-summary %s -o /dev/null | FileCheck %s
// RUN: llmc-opt --llm-model-summary=output=%t.txt %s -o /dev/null
// RUN: FileCheck %s < %t.txt
// RUN: not llmc-opt --llm-model-summary=output=%t.missing-dir/x.txt %s -o /dev/null 2>&1 | FileCheck --check-prefix=ERR %s

// 512x64 + 64 = 32832 f32 parameters (131328 bytes), 64 f16 (128 bytes).
// CHECK:      model summary
// CHECK-NEXT:   weights file: tiny/model.safetensors
// CHECK-NEXT:   weights: 3 tensors, 32896 parameters, 131456 bytes
// CHECK-NEXT:     f16: 64 parameters, 128 bytes
// CHECK-NEXT:     f32: 32832 parameters, 131328 bytes
// CHECK-NEXT:   function @head: 1 arguments, 1 results
// CHECK-NEXT:     llm.linear: 1
// CHECK-NEXT:     llm.rms_norm: 1
// CHECK-NEXT:     llm.weight: 3
// CHECK-NEXT:   function @embed: 1 arguments, 1 results
// CHECK-NEXT:     llm.embedding: 1
// CHECK-NEXT:     llm.weight: 1
// ERR: cannot write the summary
module attributes {llm.weights = "tiny/model.safetensors"} {
  func.func @head(%h: tensor<1x?x64xf32>) -> tensor<1x?x512xf32> {
    %w = llm.weight "model.norm.weight" : tensor<64xf32>
    %n = llm.rms_norm %h, %w epsilon(1.0e-06) : tensor<1x?x64xf32>, tensor<64xf32>
    %e = llm.weight "model.embed_tokens.weight" : tensor<512x64xf32>
    %l = llm.linear %n, %e : tensor<1x?x64xf32>, tensor<512x64xf32>
    %unused = llm.weight "model.extra.weight" : tensor<64xf16>
    return %l : tensor<1x?x512xf32>
  }
  func.func @embed(%ids: tensor<1x?xi64>) -> tensor<1x?x64xf32> {
    %e = llm.weight "model.embed_tokens.weight" : tensor<512x64xf32>
    %h = llm.embedding %e[%ids] : tensor<512x64xf32>, tensor<1x?xi64>
    return %h : tensor<1x?x64xf32>
  }
}

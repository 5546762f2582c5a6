// llm-compute-type gives every f32 value of the static programs the device's
// type: arguments, results, op results; weights and constants keep their
// stored type behind a cast (folded or const-evaluated later); integers are
// left alone.
// RUN: llmc-opt %s -split-input-file --llm-compute-type -verify-diagnostics | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-compute-type=type=bf16 -verify-diagnostics | FileCheck %s --check-prefix=BF16
// RUN: not llmc-opt %s -split-input-file --llm-compute-type=type=f32 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: llm-compute-type: type must be f16 or bf16, not 'f32'

// CHECK-LABEL: func.func @decode(%arg0: tensor<1x1xi64>, %arg1: tensor<i64>, %arg2: tensor<i64>, %arg3: tensor<1x1x8x4xf16>)
// CHECK-SAME:    -> (tensor<1x1x4xf16>, tensor<1x1x8x4xf16> {llm.aliases = 3 : i64})
// CHECK:         %[[W:.*]] = llm.weight "w" : tensor<4xf32>
// CHECK-NEXT:    %[[W16:.*]] = llm.cast %[[W]] : tensor<4xf32> to tensor<4xf16>
// CHECK:         %[[C:.*]] = llm.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[C16:.*]] = llm.cast %[[C]] : tensor<f32> to tensor<f16>
// CHECK:         llm.reduce_sum %arg3 dims [2] : tensor<1x1x8x4xf16>
// CHECK:         llm.mul {{.*}}, %[[W16]] : tensor<1x1x4xf16>, tensor<4xf16>
// CHECK:         llm.mul {{.*}}, %[[C16]] : tensor<1x1x4xf16>, tensor<f16>
// BF16-LABEL: func.func @decode(
// BF16-SAME:    tensor<1x1x8x4xbf16>) -> (tensor<1x1x4xbf16>
module attributes {llm.max_seq_len = 8 : i64, llm.weights = "w.safetensors"} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %w = llm.weight "w" : tensor<4xf32>
    %two = llm.constant dense<2.0> : tensor<f32>
    %s = llm.reduce_sum %k dims [2] : tensor<1x1x8x4xf32>
    %m = llm.mul %s, %w : tensor<1x1x4xf32>, tensor<4xf32>
    %logits = llm.mul %m, %two : tensor<1x1x4xf32>, tensor<f32>
    return %logits, %k : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// expected-error @+1 {{llm-compute-type: the module has no static programs}}
module {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

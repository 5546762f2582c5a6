// llm-fp16-safety reads the module's device (#llm.device, recorded by
// llm-set-device at the start of a target's deployment pipeline) when no
// norm strategy is given: a device that accumulates in FP32 keeps its norms,
// an FP16-only one (or a module without a device) gets the range-safe form;
// an explicit strategy wins.
// RUN: llmc-opt %s -split-input-file --llm-fp16-safety | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-fp16-safety=norm-strategy=dynamic | FileCheck --check-prefix=DYNAMIC %s
// RUN: llmc-opt %s -split-input-file --llm-set-device="name=npu sram-bytes=4194304" | FileCheck --check-prefix=SET %s

// CHECK-LABEL: func.func @fp32_accumulation
// CHECK:         llm.rms_norm
// DYNAMIC-LABEL: func.func @fp32_accumulation
// DYNAMIC-NOT:   llm.rms_norm
// SET: module attributes {llm.device = #llm.device<name = "npu", accumulates_in_fp32 = false, sram_bytes = 4194304>}
module attributes {llm.device = #llm.device<name = "arm", accumulates_in_fp32 = true, sram_bytes = 0>} {
  func.func @fp32_accumulation(%x: tensor<1x4x64xf32>) -> tensor<1x4x64xf32> {
    %w = llm.constant dense<1.0> : tensor<64xf32>
    %0 = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x4x64xf32>, tensor<64xf32>
    return %0 : tensor<1x4x64xf32>
  }
}

// -----

// CHECK-LABEL: func.func @fp16_only
// CHECK-NOT:     llm.rms_norm
// CHECK:         llm.reduce_max
module attributes {llm.device = #llm.device<name = "npu", accumulates_in_fp32 = false, sram_bytes = 4194304>} {
  func.func @fp16_only(%x: tensor<1x4x64xf32>) -> tensor<1x4x64xf32> {
    %w = llm.constant dense<1.0> : tensor<64xf32>
    %0 = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x4x64xf32>, tensor<64xf32>
    return %0 : tensor<1x4x64xf32>
  }
}

// -----

// CHECK-LABEL: func.func @no_device
// CHECK-NOT:     llm.rms_norm
// CHECK:         llm.reduce_max
func.func @no_device(%x: tensor<1x4x64xf32>) -> tensor<1x4x64xf32> {
  %w = llm.constant dense<1.0> : tensor<64xf32>
  %0 = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x4x64xf32>, tensor<64xf32>
  return %0 : tensor<1x4x64xf32>
}

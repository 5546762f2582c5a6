// The mlir target's pipeline (and each available target's) is registered by name; unavailable targets
// have none.
// RUN: llmc-opt --llmc-mlir-pipeline %s | FileCheck %s
// RUN: llmc-opt --pass-pipeline='builtin.module(llmc-mlir-pipeline)' %s | FileCheck %s
// RUN: llmc-opt --help | FileCheck --check-prefix=HELP %s
// RUN: not llmc-opt --llmc-arm-pipeline %s 2>&1 | FileCheck --check-prefix=ARM %s

// HELP: --llmc-mlir-pipeline
// HELP: --llmc-npu-pipeline
// HELP-NOT: --llmc-arm-pipeline
// ARM: Unknown command line argument '--llmc-arm-pipeline'

// CHECK-LABEL: func.func @f
// CHECK-NEXT: return %arg0
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = llm.cast %x : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

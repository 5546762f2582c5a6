// The mlir target's own options: the device they describe is what the
// deployment passes read (llm.device, then fp16-safety's norm strategy),
// the same through llmc-opt's pipeline and the llmc driver; `generic` prints
// the generic form; a wrong option names the target and what it takes.
// RUN: llmc-opt %s --llmc-mlir-pipeline="fp16-safety target-options={accumulates-in-fp32 sram-bytes=65536}" | FileCheck --check-prefix=FP32 %s
// RUN: llmc %s -target=mlir --fp16-safety -target-options="accumulates-in-fp32 sram-bytes=65536" | FileCheck --check-prefix=FP32 %s
// RUN: llmc-opt %s --llmc-mlir-pipeline="fp16-safety" | FileCheck --check-prefix=FP16 %s
// RUN: llmc %s -target=mlir --fp16-safety | FileCheck --check-prefix=FP16 %s
// RUN: llmc %s -target=mlir -target-options=generic | FileCheck --check-prefix=GENERIC %s
// RUN: not llmc-opt %s --llmc-mlir-pipeline="target-options={sram=1}" 2>&1 | FileCheck --check-prefix=BAD %s
// RUN: rm -f %t.out
// RUN: not llmc %s -target=mlir -target-options="sram=1" -o %t.out 2>&1 | FileCheck --check-prefix=BAD %s
// RUN: not test -e %t.out
// RUN: llmc --list-targets | FileCheck --check-prefix=LIST %s

// FP32: llm.device = #llm.device<name = "mlir", accumulates_in_fp32 = true, sram_bytes = 65536>
// FP32: func.func @f
// FP32-NOT: llm.reduce_max
// FP32: llm.rms_norm

// An FP16-only device (the default): the norm gets the dynamic range-safe form.
// FP16: llm.device = #llm.device<name = "mlir", accumulates_in_fp32 = false, sram_bytes = 0>
// FP16: func.func @f
// FP16-NOT: llm.rms_norm
// FP16: llm.reduce_max

// GENERIC: "func.func"() <{function_type = (tensor<1x4x64xf32>, tensor<64xf32>) -> tensor<1x4x64xf32>, sym_name = "f"}>
// GENERIC: "llm.rms_norm"

// BAD: error: invalid options for target 'mlir': no such option sram; it takes {accumulates-in-fp32=false cache-type= compute-type= fusion-groups= generic=false sram-bytes=0}

// LIST:      mlir - the llm-dialect module after the target-independent passes
// LIST-NEXT:   --accumulates-in-fp32
// LIST-NEXT:   --cache-type=<string>
// LIST-NEXT:   --compute-type=<string>
// LIST-NEXT:   --fusion-groups=<string>
// LIST-NEXT:   --generic
// LIST-NEXT:   --sram-bytes=<long>
// LIST-NEXT: npu -

func.func @f(%x: tensor<1x4x64xf32>, %w: tensor<64xf32>) -> tensor<1x4x64xf32> {
  %0 = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x4x64xf32>, tensor<64xf32>
  return %0 : tensor<1x4x64xf32>
}

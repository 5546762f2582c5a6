// llm-set-device records the device a module is compiled for; the device
// attribute is verified wherever it appears.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-set-device="name=npu sram-bytes=4194304" | FileCheck %s
// RUN: not llmc-opt %s -split-input-file --llm-set-device="name=" 2>&1 | FileCheck --check-prefix=NONAME %s
// RUN: not llmc-opt %s -split-input-file --llm-set-device="name=x sram-bytes=-1" 2>&1 | FileCheck --check-prefix=NEGATIVE %s

// NONAME: error: a device needs the name of its target
// NEGATIVE: error: sram_bytes must not be negative, got -1

// A device recorded before is replaced by the pipeline's.
// CHECK: module attributes {llm.device = #llm.device<name = "npu", accumulates_in_fp32 = false, sram_bytes = 4194304>}
module attributes {llm.device = #llm.device<name = "arm", accumulates_in_fp32 = true, sram_bytes = 0>} {
}

// -----

// expected-error @+1 {{'llm.device' must be a #llm.device<...>}}
module attributes {llm.device = "npu"} {
}

// -----

module {
  // expected-error @+1 {{'llm.device' belongs on a builtin.module}}
  func.func @f() attributes {llm.device = #llm.device<name = "npu", accumulates_in_fp32 = false, sram_bytes = 0>} {
    return
  }
}

// -----

// expected-error @+1 {{sram_bytes must not be negative, got -4}}
module attributes {llm.device = #llm.device<name = "npu", accumulates_in_fp32 = false, sram_bytes = -4>} {
}

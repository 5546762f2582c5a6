// Exporters exclude entries with their dtype's lowest value as a fill
// (torch.finfo(float32).min, -1e9). On an FP16 device such a constant is
// -inf, and a row where every entry is excluded (a padding row, a masked-out
// query) is no longer what it is in f32 (uniform weights): its softmax is
// -inf minus -inf, zeros in the reference, NaN on many devices. llm-fp16-safety writes a
// uniform fill beyond FP16's range as FP16's lowest, -65504 (what
// finfo(float16).min means to the same code), which excludes as well, and
// reports it; a fill within range, or a constant that is not uniform, is
// left alone.
// RUN: llmc-opt %s --llm-fp16-safety=report 2>%t.report | FileCheck %s
// RUN: FileCheck --check-prefix=REPORT %s < %t.report
// RUN: llmc-opt %s --llm-fp16-safety | llmc-run --check --fp16 - | FileCheck --check-prefix=SAFE %s
// RUN: not llmc-run --check --fp16 %s | FileCheck --check-prefix=NAIVE %s

// CHECK-LABEL: func.func @excluded_rows
// CHECK:       llm.constant dense<-6.550400e+04> : tensor<f32>
// CHECK-LABEL: func.func @within_range
// CHECK:       llm.constant dense<-1.000000e+04> : tensor<f32>
// CHECK:       llm.constant dense<[-1.000000e+09, 1.000000e+00]> : tensor<2xf32>

// REPORT:      FP16 hazards of @excluded_rows
// REPORT-NEXT: fp16-safety-fills.mlir:{{[0-9]+}}:{{[0-9]+}}: llm.constant: a fill of -3.4e+38 is beyond FP16 (-inf there): fixed (FP16's lowest, -65504, excludes as well)
// REPORT-NEXT: 1 hazards: 1 fixed, 0 not fixed

// The first row keeps two entries; the second excludes all four and is
// uniform after the pass, as in f32 (without it, zeros).
// SAFE:  checks: 1 passed, 0 failed
// NAIVE: FAIL: @excluded_rows
// NAIVE: element 4 is 0, expected 0.25
func.func @excluded_rows() {
  %s = llm.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<2x4xf32>
  %m = llm.constant dense<[[true, true, false, false], [false, false, false, false]]> : tensor<2x4xi1>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %w = llm.where %m, %s, %min : tensor<2x4xi1>, tensor<2x4xf32>, tensor<f32>
  %p = llm.softmax %w dim 1 : tensor<2x4xf32>
  check.expect_close %p, dense<[[0.268941, 0.731059, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]]> : tensor<2x4xf32> {atol = 1.0e-3}
  return
}

func.func @within_range(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %fill = llm.constant dense<-1.0e4> : tensor<f32>
  %a = llm.add %x, %fill : tensor<2xf32>, tensor<f32>
  %data = llm.constant dense<[-1.0e9, 1.0]> : tensor<2xf32>
  %b = llm.add %x, %data : tensor<2xf32>
  return %a, %b : tensor<2xf32>, tensor<2xf32>
}

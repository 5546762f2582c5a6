// llmc-run --check runs each function without arguments and reports its
// check.* assertions; a failed one names the first differing element and
// does not stop the others; any failure exits non-zero.
// RUN: not llmc-run --check %s | FileCheck %s
// RUN: not llmc-run --check --fp16 %s | FileCheck --check-prefix=FP16 %s

// CHECK: PASS: @holds
func.func @holds() {
  %a = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = llm.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %sum = llm.add %a, %b : tensor<2xf32>, tensor<2xf32>
  check.expect_eq %sum, dense<[1.5, 2.25]> : tensor<2xf32>
  return
}

// CHECK:      FAIL: @fails
// CHECK-NEXT:   check.mlir:[[@LINE+5]]:3: 'check.expect_eq': 1 of 3 elements differ; element 1 is 3, expected 4
// CHECK-NEXT:   check.mlir:[[@LINE+5]]:3: 'check.expect_close': 1 of 3 elements differ; element 1 is 3, expected 3.5 (atol 0.25, rtol 0)
func.func @fails() {
  %a = llm.constant dense<[1, 3, 5]> : tensor<3xi64>
  %b = llm.constant dense<[1.0, 3.0, 5.0]> : tensor<3xf32>
  check.expect_eq %a, dense<[1, 4, 5]> : tensor<3xi64>
  check.expect_close %b, dense<[1.125, 3.5, 5.0]> : tensor<3xf32> {atol = 0.25, rtol = 0.0}
  return
}

// The expected values are not rounded on the FP16 device: 1/3 held as an
// f16 differs from the f32 value, within one f16 step (2^-11 relative).
// CHECK: PASS: @third_exact
// CHECK: PASS: @third_close
// FP16: FAIL: @third_exact
// FP16-NEXT: element 0 is 0.333251953, expected 0.333333343
// FP16: PASS: @third_close
func.func @third_exact() {
  %one = llm.constant dense<1.0> : tensor<f32>
  %three = llm.constant dense<3.0> : tensor<f32>
  %third = llm.div %one, %three : tensor<f32>, tensor<f32>
  check.expect_eq %third, dense<0.333333343> : tensor<f32>
  return
}
func.func @third_close() {
  %one = llm.constant dense<1.0> : tensor<f32>
  %three = llm.constant dense<3.0> : tensor<f32>
  %third = llm.div %one, %three : tensor<f32>, tensor<f32>
  check.expect_close %third, dense<0.333333343> : tensor<f32> {rtol = 4.8828125e-4}
  return
}

// Integers are compared exactly, also beyond 2^53.
// CHECK: FAIL: @integers_beyond_2p53
// CHECK-NEXT: 'check.expect_eq': 1 of 1 elements differ; element 0 is 9007199254740992, expected 9007199254740993
func.func @integers_beyond_2p53() {
  %a = llm.constant dense<9007199254740992> : tensor<i64>
  check.expect_eq %a, dense<9007199254740993> : tensor<i64>
  return
}

// A kernel's run-time error fails its function with the error.
// CHECK: FAIL: @cast_out_of_range
// CHECK-NEXT: 'llm.cast': cannot convert 3000000000.000000 to i32
func.func @cast_out_of_range() {
  %a = llm.constant dense<[3.0e9]> : tensor<1xf32>
  %b = llm.cast %a : tensor<1xf32> to tensor<1xi32>
  return
}

// CHECK: checks: 3 passed, 3 failed
// FP16: checks: 2 passed, 4 failed

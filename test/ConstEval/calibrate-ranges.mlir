// llm-calibrate-ranges generates from each prompt of the file (here token 0,
// then tokens 1 1; then 4 greedy tokens each) and records what every op
// produced. Hand-computed: the embedded rows are [1, -2] and [3, 4], so the
// embedding took values in [-2, 4] and the rows' RMS was sqrt(2.5) =
// 1.5811 and sqrt(12.5) = 3.5355; the norm's results are -2 / 1.5811 =
// -1.2649 and 4 / 3.5355 = 1.1314 at the extremes. Constants get nothing.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-calibrate-ranges=inputs=%S/Inputs/calibration-prompts.txt | FileCheck %s
// RUN: not llmc-opt %s -split-input-file --llm-calibrate-ranges 2>&1 | FileCheck --check-prefix=NOFILE %s
// RUN: not llmc-opt %s -split-input-file --llm-calibrate-ranges=inputs=%t.missing 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not llmc-opt %s -split-input-file --llm-calibrate-ranges=inputs=%S/Inputs/bad-prompts.txt 2>&1 | FileCheck --check-prefix=BAD %s
// RUN: not llmc-opt %s -split-input-file --llm-calibrate-ranges=inputs=%S/Inputs/no-prompts.txt 2>&1 | FileCheck --check-prefix=EMPTY %s
// RUN: not llmc-opt %s -split-input-file --llm-calibrate-ranges=inputs=%S/Inputs/comma-prompts.txt 2>&1 | FileCheck --check-prefix=NOIDS %s
// NOFILE: error: llm-calibrate-ranges needs a file of prompts (inputs=...)
// MISSING: error: cannot read calibration prompts '{{.*}}.missing':
// BAD: error: {{.*}}bad-prompts.txt:2: 'x' is not a token id
// NOIDS: error: {{.*}}comma-prompts.txt:2: ',' holds no token ids
// EMPTY: error: {{.*}}no-prompts.txt: no prompts (one per line, token ids separated by spaces or commas)

// CHECK-LABEL: func.func @forward
// CHECK:       llm.constant
// CHECK-NOT:   llm.observed
// CHECK-SAME:  tensor<2x2xf32>
// CHECK:       llm.embedding {{.*}} {llm.observed = array<f64: -2.000000e+00, 4.000000e+00>}
// CHECK:       llm.rms_norm {{.*}} {llm.observed = array<f64: -1.26491{{[0-9]*}}, 1.13137{{[0-9]*}}>, llm.observed_row_rms = array<f64: 1.58113{{[0-9]*}}, 3.53553{{[0-9]*}}>}
func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>) -> tensor<1x?x2xf32> {
  %t = llm.constant dense<[[1.0, -2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w = llm.constant dense<1.0> : tensor<2xf32>
  %h = llm.embedding %t[%ids] : tensor<2x2xf32>, tensor<1x?xi64>
  %n = llm.rms_norm %h, %w epsilon(0.0) : tensor<1x?x2xf32>, tensor<2xf32>
  return %n : tensor<1x?x2xf32>
}

// -----

// An all-zero row normalised with epsilon 0 is 0 / 0: calibration stops
// at the op that produced the NaN.
func.func @forward(%ids: tensor<1x?xi64>, %pos: tensor<1x?xi64>) -> tensor<1x?x2xf32> {
  %t = llm.constant dense<0.0> : tensor<2x2xf32>
  %w = llm.constant dense<1.0> : tensor<2xf32>
  %h = llm.embedding %t[%ids] : tensor<2x2xf32>, tensor<1x?xi64>
  // expected-error @+1 {{produced NaN on a calibration prompt (in f32)}}
  %n = llm.rms_norm %h, %w epsilon(0.0) : tensor<1x?x2xf32>, tensor<2xf32>
  return %n : tensor<1x?x2xf32>
}

// -----

// expected-error @+1 {{calibration run failed: the module has no @forward}}
module {
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// llm-fp16-safety's static norm strategy: a power-of-two pre-scale chosen
// from the ranges llm-calibrate-ranges recorded (written by hand here).
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-fp16-safety=norm-strategy=static | FileCheck %s
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-fp16-safety="norm-strategy=static report" 2>&1 >/dev/null | FileCheck --check-prefix=REPORT %s

// norm-strategy=static multiplies by a power of two chosen from the
// calibrated range (llm.observed of the input): no reduction, and epsilon
// rescaled at compile time. Input up to 100, D = 16: the largest e with
// 2^e * 100 * 4 <= sqrt(65504) / 2 = 127.97 is -2 (0.25 * 400 = 100); the
// form is safe for |x| <= sqrt((65504 - D eps 4^e) / 16) * 4 = 255.9.
// D eps 4^e = 16 * 1e-5 / 16 = 1e-5 is below FP16's smallest normal: the
// radicand's floor, 2^-14, keeps an all-zero row finite where it would
// flush to 0.
// The report gives the proven bound (none: the arguments are unbounded)
// and what the calibrated ranges give, 16 * 100^2.
// REPORT:      llm-fp16-safety: FP16 hazards of @static_scale (proven ranges, no weights file)
// REPORT-NEXT:   {{.*}}: llm.rms_norm: sum of squares up to inf (input [-inf, inf]); observed 1.6e+05 (input [-100, 50]): fixed (pre-scaled by 2^-2: safe for |x| <= 256, calibrated 100)
// CHECK-LABEL: func.func @static_scale
// CHECK:      llm.add
// CHECK-NEXT: %[[K:.*]] = llm.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = llm.mul %{{.*}}, %[[K]] : tensor<2x16xf32>, tensor<f32>
// CHECK-NEXT: %[[E:.*]] = llm.constant dense<9.99999974E-6> : tensor<f32>
// CHECK-NEXT: %[[Q:.*]] = llm.mul %[[Y]], %[[Y]] : tensor<2x16xf32>
// CHECK:      %[[S:.*]] = llm.reduce_sum %{{.*}} dims [1] : tensor<2x2x1xf32>
// CHECK-NEXT: %[[T:.*]] = llm.add %[[S]], %[[E]] : tensor<2x1xf32>, tensor<f32>
// CHECK-NEXT: %[[TINY:.*]] = llm.constant dense<6.10351563E-5> : tensor<f32>
// CHECK-NEXT: llm.maximum %[[T]], %[[TINY]]
// CHECK-NOT:  llm.reduce_max
// CHECK-NOT:  llm.rms_norm
// CHECK:      return
func.func @static_scale(%x: tensor<2x16xf32>, %w: tensor<16xf32>) -> tensor<2x16xf32> {
  %y = llm.add %x, %x {llm.observed = array<f64: -100.0, 50.0>} : tensor<2x16xf32>, tensor<2x16xf32>
  %z = llm.rms_norm %y, %w epsilon(1.0e-05) {llm.observed_row_rms = array<f64: 1.0, 60.0>} : tensor<2x16xf32>, tensor<16xf32>
  return %z : tensor<2x16xf32>
}

// -----

// Rows whose RMS was calibrated below 2^(-7-e) would have scaled squares
// below FP16's normal range: such a norm keeps the dynamic form, and the
// report says why. Here e = -2 and a row of RMS 0.01 < 2^-5 was seen.
// REPORT:      llm-fp16-safety: FP16 hazards of @static_small_rows
// REPORT-NEXT:   {{.*}}: llm.rms_norm: {{.*}}: fixed (rows scaled by their max |x|: a static pre-scale by 2^-2 loses rows with RMS below 0.0312, calibrated down to 0.01)
// CHECK-LABEL: func.func @static_small_rows
// CHECK:       llm.reduce_max
func.func @static_small_rows(%x: tensor<2x16xf32>, %w: tensor<16xf32>) -> tensor<2x16xf32> {
  %y = llm.add %x, %x {llm.observed = array<f64: -100.0, 50.0>} : tensor<2x16xf32>, tensor<2x16xf32>
  %z = llm.rms_norm %y, %w epsilon(1.0e-05) {llm.observed_row_rms = array<f64: 0.01, 60.0>} : tensor<2x16xf32>, tensor<16xf32>
  return %z : tensor<2x16xf32>
}

// -----

func.func @static_uncalibrated(%x: tensor<2x16xf32>, %w: tensor<16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{norm-strategy=static needs the range this norm's input took on calibration prompts (llm-calibrate-ranges, llmc --calibrate)}}
  %z = llm.rms_norm %x, %w epsilon(1.0e-05) : tensor<2x16xf32>, tensor<16xf32>
  return %z : tensor<2x16xf32>
}

// -----

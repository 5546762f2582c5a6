// llm-fp16-safety's norm rewrite (norm-strategy=dynamic): each row is divided
// by its floored max |x|, the squares are summed by a pairwise tree, epsilon
// enters as (sqrt(D eps) / m)^2, and the reciprocal's radicand is floored at
// 2^-14. (Numbers: test/models/fp16-norms.test, test/models/pytorch/fp16.test.)
// RUN: llmc-opt %s -split-input-file -verify-diagnostics --llm-fp16-safety | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-fp16-safety=norm-strategy=none | FileCheck --check-prefix=NONE %s

// D = 12 = 2 * 2 * 3: two levels adding halves, one summing thirds.
// floor = max(sqrt(12e-6) / 128, 2^-14) = 6.1035e-5; sqrt(D eps) = 3.4641e-3.
// CHECK-LABEL: func.func @rms
// CHECK:      %[[A:.*]] = llm.abs %arg0 : tensor<1x?x12xf32>
// CHECK-NEXT: %[[MAX:.*]] = llm.reduce_max %[[A]] dims [2] keep_dims : tensor<1x?x12xf32>
// CHECK-NEXT: %[[FLOOR:.*]] = llm.constant dense<6.10351563E-5> : tensor<f32>
// CHECK-NEXT: %[[M:.*]] = llm.maximum %[[MAX]], %[[FLOOR]] : tensor<1x?x1xf32>, tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = llm.div %arg0, %[[M]] : tensor<1x?x12xf32>, tensor<1x?x1xf32>
// CHECK-NEXT: %[[C:.*]] = llm.constant dense<0.00346410158> : tensor<f32>
// CHECK-NEXT: %[[R:.*]] = llm.div %[[C]], %[[M]]
// CHECK-NEXT: %[[E:.*]] = llm.mul %[[R]], %[[R]] : tensor<1x?x1xf32>
// CHECK-NEXT: %[[Q:.*]] = llm.mul %[[Y]], %[[Y]] : tensor<1x?x12xf32>
// CHECK-NEXT: %[[L1:.*]] = llm.reshape %[[Q]] : tensor<1x?x12xf32> to tensor<1x?x2x6xf32>
// CHECK-NEXT: %[[S1:.*]] = llm.reduce_sum %[[L1]] dims [2] : tensor<1x?x2x6xf32>
// CHECK-NEXT: %[[L2:.*]] = llm.reshape %[[S1]] : tensor<1x?x6xf32> to tensor<1x?x2x3xf32>
// CHECK-NEXT: %[[S2:.*]] = llm.reduce_sum %[[L2]] dims [2] : tensor<1x?x2x3xf32>
// CHECK-NEXT: %[[L3:.*]] = llm.reshape %[[S2]] : tensor<1x?x3xf32> to tensor<1x?x3x1xf32>
// CHECK-NEXT: %[[S:.*]] = llm.reduce_sum %[[L3]] dims [2] : tensor<1x?x3x1xf32>
// CHECK-NEXT: %[[T:.*]] = llm.add %[[S]], %[[E]] : tensor<1x?x1xf32>
// CHECK-NEXT: %[[TINY:.*]] = llm.constant dense<6.10351563E-5> : tensor<f32>
// CHECK-NEXT: %[[TF:.*]] = llm.maximum %[[T]], %[[TINY]]
// CHECK-NEXT: %[[INV:.*]] = llm.rsqrt %[[TF]] : tensor<1x?x1xf32>
// CHECK-NEXT: %[[SQRTD:.*]] = llm.constant dense<3.46410155> : tensor<f32>
// CHECK-NEXT: %[[G:.*]] = llm.mul %[[INV]], %[[SQRTD]]
// CHECK-NEXT: %[[N:.*]] = llm.mul %[[Y]], %[[G]] : tensor<1x?x12xf32>, tensor<1x?x1xf32>
// CHECK-NEXT: %[[OUT:.*]] = llm.mul %[[N]], %arg1 : tensor<1x?x12xf32>, tensor<12xf32>
// CHECK-NEXT: return %[[OUT]]
// CHECK-NOT:  llm.rms_norm
// NONE-LABEL: func.func @rms
// NONE:       llm.rms_norm
func.func @rms(%x: tensor<1x?x12xf32>, %w: tensor<12xf32>) -> tensor<1x?x12xf32> {
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x?x12xf32>, tensor<12xf32>
  return %y : tensor<1x?x12xf32>
}

// -----

// LayerNorm: the scaled row is centred on its mean (a pairwise sum divided
// by D), then normalised like RMSNorm; the bias is added last. A large
// epsilon raises the floor: sqrt(8 * 0.5) / 128 = 0.015625.
// CHECK-LABEL: func.func @layer
// CHECK:      %[[FLOOR:.*]] = llm.constant dense<1.562500e-02> : tensor<f32>
// CHECK:      %[[Y:.*]] = llm.div %arg0, %{{.*}} : tensor<4x8xf32>, tensor<4x1xf32>
// CHECK:      %[[SUM:.*]] = llm.reduce_sum {{.*}} : tensor<4x2x1xf32>
// CHECK-NEXT: %[[D:.*]] = llm.constant dense<8.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[MEAN:.*]] = llm.div %[[SUM]], %[[D]] : tensor<4x1xf32>, tensor<f32>
// CHECK-NEXT: %[[CENTRED:.*]] = llm.sub %[[Y]], %[[MEAN]]
// CHECK-NEXT: llm.mul %[[CENTRED]], %[[CENTRED]] : tensor<4x8xf32>
// CHECK:      %[[N:.*]] = llm.mul %[[CENTRED]], %{{.*}} : tensor<4x8xf32>, tensor<4x1xf32>
// CHECK-NEXT: %[[W:.*]] = llm.mul %[[N]], %arg1
// CHECK-NEXT: %[[B:.*]] = llm.add %[[W]], %arg2
// CHECK-NEXT: return %[[B]]
// NONE-LABEL: func.func @layer
// NONE:       llm.layer_norm
func.func @layer(%x: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %y = llm.layer_norm %x, %w, %b epsilon(0.5) : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @dynamic_width(%x: tensor<1x?xf32>, %w: tensor<?xf32>) -> tensor<1x?xf32> {
  // expected-error @+1 {{the FP16-safe form of a norm needs a static width}}
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x?xf32>, tensor<?xf32>
  return %y : tensor<1x?xf32>
}

// -----

func.func @too_wide(%x: tensor<1x50000xf32>, %w: tensor<50000xf32>) -> tensor<1x50000xf32> {
  // expected-error @+1 {{a norm over 50000 elements has no FP16-safe form here (at most 49120)}}
  %y = llm.rms_norm %x, %w epsilon(1.0e-06) : tensor<1x50000xf32>, tensor<50000xf32>
  return %y : tensor<1x50000xf32>
}

// -----

// RUN: not llmc-opt %s -split-input-file --llm-fp16-safety=norm-strategy=clamp 2>&1 | FileCheck --check-prefix=BAD %s
// BAD: error: norm-strategy must be dynamic, static or none, not 'clamp'

// llm-form-fusion-groups wraps what the device declared it runs as one
// kernel: a norm whose only user is a linear (norm-linear), the chain of
// elementwise ops after a linear, each the previous one's only user
// (linear-epilogue), or both (norm-linear-epilogue, which also allows
// either part). The group is its body: the numbers do not change
// (test/models/fusion.test runs the bundled models grouped).
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue" | FileCheck %s --check-prefix=BOTH
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear" | FileCheck %s --check-prefix=NORM
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=linear-epilogue" | FileCheck %s --check-prefix=EPI
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups | FileCheck %s --check-prefix=NONE
// RUN: not llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=attention" 2>&1 | FileCheck %s --check-prefix=BAD
// A device with 191 bytes of on-chip memory cannot keep @block's three
// 64-byte intermediates (norm, linear, gelu: 2 x 8 f32 each); with 192 it can.
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue sram-bytes=191" | FileCheck %s --check-prefix=SMALL
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue sram-bytes=192" | FileCheck %s --check-prefix=BOTH
// SMALL-LABEL: func.func @block
// SMALL-NOT:   llm.fusion_group
// SMALL-LABEL: func.func @shared
// BAD: llm-form-fusion-groups: unknown kind 'attention' (norm-linear, linear-epilogue, norm-linear-epilogue)

// A pre-norm block's projection and residual: norm -> linear -> gelu -> add.
// BOTH-LABEL: func.func @block
// BOTH:      %[[G:.*]] = llm.fusion_group "norm-linear-epilogue" -> tensor<2x8xf32> {
// BOTH-NEXT:   llm.rms_norm
// BOTH-NEXT:   llm.linear
// BOTH-NEXT:   llm.gelu
// BOTH-NEXT:   %[[S:.*]] = llm.add
// BOTH-NEXT:   llm.yield %[[S]]
// BOTH-NEXT: }
// BOTH-NEXT: return %[[G]]
// NORM-LABEL: func.func @block
// NORM:      %[[G:.*]] = llm.fusion_group "norm-linear" -> tensor<2x8xf32> {
// NORM-NEXT:   llm.rms_norm
// NORM-NEXT:   llm.linear
// NORM-NEXT:   llm.yield
// NORM-NEXT: }
// NORM-NEXT: llm.gelu <tanh> %[[G]]
// EPI-LABEL: func.func @block
// EPI:       llm.rms_norm
// EPI-NEXT:  %[[G:.*]] = llm.fusion_group "linear-epilogue" -> tensor<2x8xf32> {
// EPI-NEXT:    llm.linear
// EPI-NEXT:    llm.gelu
// EPI-NEXT:    llm.add
// EPI-NEXT:    llm.yield
// NONE-LABEL: func.func @block
// NONE-NOT:  llm.fusion_group
func.func @block(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %w: tensor<8x8xf32>) -> tensor<2x8xf32> {
  %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<2x8xf32>, tensor<8xf32>
  %l = llm.linear %n, %w : tensor<2x8xf32>, tensor<8x8xf32>
  %a = llm.gelu <tanh> %l : tensor<2x8xf32>
  %r = llm.add %a, %x : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Near misses: a norm read by two linears stays out (its output leaves the
// chip for the second); the epilogue stops at a value with two users.
// BOTH-LABEL: func.func @shared
// BOTH:      %[[N:.*]] = llm.rms_norm
// BOTH-NEXT: %[[A:.*]] = llm.fusion_group "linear-epilogue" -> tensor<2x8xf32> {
// BOTH-NEXT:   llm.linear %[[N]]
// BOTH-NEXT:   llm.gelu
// BOTH-NEXT:   llm.yield
// BOTH-NEXT: }
// BOTH-NEXT: llm.linear %[[N]]
// BOTH-NEXT: llm.add %[[A]], %[[A]]
func.func @shared(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %w: tensor<8x8xf32>, %v: tensor<8x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<2x8xf32>, tensor<8xf32>
  %a = llm.linear %n, %w : tensor<2x8xf32>, tensor<8x8xf32>
  %ag = llm.gelu <tanh> %a : tensor<2x8xf32>
  %b = llm.linear %n, %v : tensor<2x8xf32>, tensor<8x8xf32>
  %twice = llm.add %ag, %ag : tensor<2x8xf32>
  return %twice, %b : tensor<2x8xf32>, tensor<2x8xf32>
}

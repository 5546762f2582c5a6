// llm-form-fusion-groups wraps what the device declared it runs as one
// kernel: a norm whose only user is a linear (norm-linear), also the
// residual add the norm reads (residual-norm-linear: the sum is yielded when
// used after), the chain of elementwise ops after a linear, each the
// previous one's only user (linear-epilogue), or the unions
// (norm-linear-epilogue, residual-norm-linear-epilogue); a kind allows each
// kind with fewer parts, and each linear gets the largest group covered.
// The group is its body: the numbers do not change (test/models/fusion.test
// runs the bundled models grouped).
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue" | FileCheck %s --check-prefix=BOTH
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear" | FileCheck %s --check-prefix=NORM
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=linear-epilogue" | FileCheck %s --check-prefix=EPI
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups | FileCheck %s --check-prefix=NONE
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=residual-norm-linear" | FileCheck %s --check-prefix=RES
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=residual-norm-linear-epilogue" | FileCheck %s --check-prefix=ALL
// RUN: not llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=attention" 2>&1 | FileCheck %s --check-prefix=BAD
// A device with 191 bytes of on-chip memory cannot keep @block's three
// 64-byte intermediates (norm, linear, gelu: 2 x 8 f32 each), so it gets
// the largest group that fits (the linear and its epilogue: 128 bytes);
// with 192 it keeps them all.
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue sram-bytes=191" | FileCheck %s --check-prefix=SMALL
// RUN: llmc-opt %s -split-input-file --llm-form-fusion-groups="kinds=norm-linear-epilogue sram-bytes=192" | FileCheck %s --check-prefix=BOTH
// SMALL-LABEL: func.func @block
// SMALL:       llm.rms_norm
// SMALL-NEXT:  llm.fusion_group "linear-epilogue"
// SMALL-LABEL: func.func @shared
// BAD: llm-form-fusion-groups: unknown kind 'attention' (norm-linear, linear-epilogue, norm-linear-epilogue, residual-norm-linear, residual-norm-linear-epilogue)

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

// -----

// A pre-norm block's residual stream: the sum of the residual and the
// attention output feeds the norm before the MLP's linear and the residual
// after it. residual-norm-linear takes the add, yielding the sum the later
// add reads; with the epilogue too, that add is inside and the sum is not
// yielded. A device with norm-linear-epilogue only leaves the add out.
// RES-LABEL: func.func @residual
// RES:       %[[G:.*]]:2 = llm.fusion_group "residual-norm-linear" -> tensor<2x8xf32>, tensor<2x8xf32> {
// RES-NEXT:    %[[S:.*]] = llm.add %arg0, %arg1
// RES-NEXT:    llm.rms_norm %[[S]]
// RES-NEXT:    %[[L:.*]] = llm.linear
// RES-NEXT:    llm.yield %[[S]], %[[L]]
// RES-NEXT:  }
// RES-NEXT:  llm.silu %[[G]]#1
// RES-NEXT:  llm.add %[[G]]#0
// ALL-LABEL: func.func @residual
// ALL:       %[[G:.*]] = llm.fusion_group "residual-norm-linear-epilogue" -> tensor<2x8xf32> {
// ALL-NEXT:    llm.add %arg0, %arg1
// ALL-NEXT:    llm.rms_norm
// ALL-NEXT:    llm.linear
// ALL-NEXT:    llm.silu
// ALL-NEXT:    %[[OUT:.*]] = llm.add
// ALL-NEXT:    llm.yield %[[OUT]] : tensor<2x8xf32>
// ALL-NEXT:  }
// ALL-NEXT:  return %[[G]]
// BOTH-LABEL: func.func @residual
// BOTH:       llm.add %arg0, %arg1
// BOTH-NEXT:  llm.fusion_group "norm-linear-epilogue"
func.func @residual(%h: tensor<2x8xf32>, %a: tensor<2x8xf32>, %g: tensor<8xf32>, %w: tensor<8x8xf32>) -> tensor<2x8xf32> {
  %s = llm.add %h, %a : tensor<2x8xf32>
  %n = llm.rms_norm %s, %g epsilon(1.0e-06) : tensor<2x8xf32>, tensor<8xf32>
  %l = llm.linear %n, %w : tensor<2x8xf32>, tensor<8x8xf32>
  %m = llm.silu %l : tensor<2x8xf32>
  %out = llm.add %s, %m : tensor<2x8xf32>
  return %out : tensor<2x8xf32>
}

// -----

// Near misses for the residual: the sum is read between the add and the
// linear (the group's results would come after that read), and a residual
// add already in the previous linear's epilogue stays there.
// RES-LABEL: func.func @read_before
// RES:       %[[S:.*]] = llm.add %arg0, %arg1
// RES-NEXT:  llm.neg %[[S]]
// RES-NEXT:  llm.fusion_group "norm-linear"
// RES-NEXT:    llm.rms_norm %[[S]]
func.func @read_before(%h: tensor<2x8xf32>, %a: tensor<2x8xf32>, %g: tensor<8xf32>, %w: tensor<8x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %s = llm.add %h, %a : tensor<2x8xf32>
  %early = llm.neg %s : tensor<2x8xf32>
  %n = llm.rms_norm %s, %g epsilon(1.0e-06) : tensor<2x8xf32>, tensor<8xf32>
  %l = llm.linear %n, %w : tensor<2x8xf32>, tensor<8x8xf32>
  return %early, %l : tensor<2x8xf32>, tensor<2x8xf32>
}

// ALL-LABEL: func.func @two_blocks
// ALL:       %[[A:.*]] = llm.fusion_group "linear-epilogue" -> tensor<2x8xf32> {
// ALL-NEXT:    llm.linear %arg0
// ALL-NEXT:    %[[S:.*]] = llm.add
// ALL-NEXT:    llm.yield %[[S]]
// ALL-NEXT:  }
// ALL-NEXT:  llm.fusion_group "norm-linear-epilogue" -> tensor<2x8xf32> {
// ALL-NEXT:    llm.rms_norm %[[A]]
func.func @two_blocks(%x: tensor<2x8xf32>, %h: tensor<2x8xf32>, %g: tensor<8xf32>, %w: tensor<8x8xf32>, %v: tensor<8x8xf32>) -> tensor<2x8xf32> {
  %o = llm.linear %x, %w : tensor<2x8xf32>, tensor<8x8xf32>
  %s = llm.add %h, %o : tensor<2x8xf32>
  %n = llm.rms_norm %s, %g epsilon(1.0e-06) : tensor<2x8xf32>, tensor<8xf32>
  %l = llm.linear %n, %v : tensor<2x8xf32>, tensor<8x8xf32>
  %out = llm.add %s, %l : tensor<2x8xf32>
  return %out : tensor<2x8xf32>
}

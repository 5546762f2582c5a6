// llm.fusion_group: ops a target runs as one kernel. It prints, parses and
// verifies; its body reads values from above and ends with llm.yield of
// its results (one or more: a residual sum used after the group is one).
// RUN: llmc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @group
// CHECK:      %[[Y:.*]] = llm.fusion_group "norm-linear" -> tensor<1x1x8xf32> {
// CHECK-NEXT:   %[[N:.*]] = llm.rms_norm %arg0, %arg1
// CHECK-NEXT:   %[[L:.*]] = llm.linear %[[N]], %arg2
// CHECK-NEXT:   llm.yield %[[L]] : tensor<1x1x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Y]]
func.func @group(%x: tensor<1x1x4xf32>, %g: tensor<4xf32>, %w: tensor<8x4xf32>) -> tensor<1x1x8xf32> {
  %y = llm.fusion_group "norm-linear" -> tensor<1x1x8xf32> {
    %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<1x1x4xf32>, tensor<4xf32>
    %l = llm.linear %n, %w : tensor<1x1x4xf32>, tensor<8x4xf32>
    llm.yield %l : tensor<1x1x8xf32>
  }
  return %y : tensor<1x1x8xf32>
}

// CHECK-LABEL: func.func @two_results
// CHECK:      %[[G:.*]]:2 = llm.fusion_group "residual-norm-linear" -> tensor<1x1x4xf32>, tensor<1x1x8xf32> {
// CHECK-NEXT:   %[[S:.*]] = llm.add %arg0, %arg1
// CHECK-NEXT:   %[[N:.*]] = llm.rms_norm %[[S]], %arg2
// CHECK-NEXT:   %[[L:.*]] = llm.linear %[[N]], %arg3
// CHECK-NEXT:   llm.yield %[[S]], %[[L]] : tensor<1x1x4xf32>, tensor<1x1x8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]#0, %[[G]]#1
func.func @two_results(%h: tensor<1x1x4xf32>, %a: tensor<1x1x4xf32>, %g: tensor<4xf32>, %w: tensor<8x4xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x8xf32>) {
  %s, %y = llm.fusion_group "residual-norm-linear" -> tensor<1x1x4xf32>, tensor<1x1x8xf32> {
    %sum = llm.add %h, %a : tensor<1x1x4xf32>
    %n = llm.rms_norm %sum, %g epsilon(1.0e-06) : tensor<1x1x4xf32>, tensor<4xf32>
    %l = llm.linear %n, %w : tensor<1x1x4xf32>, tensor<8x4xf32>
    llm.yield %sum, %l : tensor<1x1x4xf32>, tensor<1x1x8xf32>
  }
  return %s, %y : tensor<1x1x4xf32>, tensor<1x1x8xf32>
}

// -----

func.func @wrong_type(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'llm.fusion_group' op yields 'tensor<4xf32>', its results are 'tensor<8xf32>'}}
  %y = llm.fusion_group "linear-epilogue" -> tensor<8xf32> {
    %n = llm.neg %x : tensor<4xf32>
    llm.yield %n : tensor<4xf32>
  }
  return %y : tensor<8xf32>
}

// -----

func.func @two_for_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'llm.fusion_group' op yields 'tensor<4xf32>', 'tensor<4xf32>', its results are 'tensor<4xf32>'}}
  %y = llm.fusion_group "linear-epilogue" -> tensor<4xf32> {
    %n = llm.neg %x : tensor<4xf32>
    llm.yield %n, %n : tensor<4xf32>, tensor<4xf32>
  }
  return %y : tensor<4xf32>
}

// -----

func.func @nothing(%x: tensor<4xf32>) {
  // expected-error @+1 {{'llm.fusion_group' op must return at least one value}}
  "llm.fusion_group"() <{kind = "linear-epilogue"}> ({
    %n = llm.neg %x : tensor<4xf32>
    "llm.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @nested(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = llm.fusion_group "linear-epilogue" -> tensor<4xf32> {
    // expected-error @+1 {{'llm.fusion_group' op cannot be in a fusion group (only llm ops, no nested group)}}
    %z = llm.fusion_group "linear-epilogue" -> tensor<4xf32> {
      %n = llm.neg %x : tensor<4xf32>
      llm.yield %n : tensor<4xf32>
    }
    llm.yield %z : tensor<4xf32>
  }
  return %y : tensor<4xf32>
}

// -----

func.func @yield_outside(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'llm.yield' op expects parent op 'llm.fusion_group'}}
  llm.yield %x : tensor<4xf32>
}

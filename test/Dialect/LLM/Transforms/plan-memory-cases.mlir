// Cases the memory plan must get right beyond a chain of ops (each found in
// review: the first plans overlapped live bytes or were rejected by the
// planner's own verifier).
// RUN: llmc-opt %s -split-input-file --llm-plan-memory=alignment=16 | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-plan-memory="alignment=16 sram-bytes=128" | FileCheck %s --check-prefix=SRAM

// An elementwise op does not write over an operand whose bytes another of
// its operands reads (a broadcast row of them): %y gets its own buffer.
// CHECK-LABEL: func.func @decode
// CHECK:       llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = [[X:[0-9]+]], size = 128>]
// CHECK-NEXT:  llm.slice {{.*}}[#llm.buffer<pool = "dram", offset = [[X]], size = 32>]
// CHECK-NEXT:  llm.add
// CHECK-NOT:   offset = [[X]],
// CHECK-SAME:  size = 128>]
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x1xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %r = llm.reshape %f : tensor<1x1xf32> to tensor<1x1x1xf32>
    %x = llm.broadcast_to %r : tensor<1x1x1xf32> to tensor<1x4x8xf32>
    %row = llm.slice %x dims [1] starts [0] limits [1] : tensor<1x4x8xf32> to tensor<1x1x8xf32>
    %y = llm.add %x, %row : tensor<1x4x8xf32>, tensor<1x1x8xf32>
    %s = llm.reduce_sum %y dims [1] : tensor<1x4x8xf32>
    %logits = llm.reshape %s : tensor<1x8xf32> to tensor<1x1x8xf32>
    return %logits, %cache : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
}

// -----

// A baked prefix that returns one value for two caches (CSE merges equal
// caches): the value is computed into the first cache; the second is a
// copy its caller makes (no second buffer claims the same bytes).
// CHECK-LABEL: func.func @prefix_cache
// CHECK:       llm.cast {{.*}}[#llm.buffer<pool = "cache", offset = 0, size = 128>]
// CHECK-NEXT:  return
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @prefix_cache() -> (tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5>, llm.tokens = 1 : i64} {
    %z = llm.constant dense<1.0> : tensor<1x1x8x4xf16>
    %k = llm.cast %z : tensor<1x1x8x4xf16> to tensor<1x1x8x4xf32>
    return %k, %k : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %s = llm.reduce_sum %v dims [2] : tensor<1x1x8x4xf32>
    %logits = llm.neg %s : tensor<1x1x4xf32>
    return %logits, %k, %v : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A prefix whose caches are two halves of one value: the value is scratch,
// the caches are copied out of it.
// CHECK-LABEL: func.func @prefix_cache
// CHECK:       llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 256>]
// CHECK-NEXT:  llm.slice {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 128>]
// CHECK-NEXT:  llm.slice {{.*}}[#llm.buffer<pool = "dram", offset = 128, size = 128>]
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @prefix_cache() -> (tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5>, llm.tokens = 1 : i64} {
    %z = llm.constant dense<1.0> : tensor<f32>
    %kv = llm.broadcast_to %z : tensor<f32> to tensor<2x1x8x4xf32>
    %k = llm.slice %kv dims [0] starts [0] limits [1] : tensor<2x1x8x4xf32> to tensor<1x1x8x4xf32>
    %v = llm.slice %kv dims [0] starts [1] limits [2] : tensor<2x1x8x4xf32> to tensor<1x1x8x4xf32>
    return %k, %v : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %s = llm.reduce_sum %v dims [2] : tensor<1x1x8x4xf32>
    %logits = llm.neg %s : tensor<1x1x4xf32>
    return %logits, %k, %v : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A fusion group's intermediates (the exp, not returned) are on chip while
// it runs: with sram, their bytes are reserved at the group's step and no
// other sram buffer live then takes them.
// SRAM-LABEL: func.func @decode
// SRAM:       llm.broadcast_to {{.*}}[#llm.buffer<pool = "sram", offset = 32, size = 32>]
// SRAM:       llm.fusion_group "linear-epilogue" {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>], llm.group_scratch = #llm.buffer<pool = "sram", offset = 0, size = 32>}
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %b = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x8xf32>
    %g = llm.fusion_group "linear-epilogue" -> tensor<1x1x8xf32> {
      %e = llm.exp %b : tensor<1x1x8xf32>
      %n = llm.neg %e : tensor<1x1x8xf32>
      llm.yield %n : tensor<1x1x8xf32>
    }
    return %g, %cache : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

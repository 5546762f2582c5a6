// One pass instance planning two modules in turn: each gets its own cache
// offsets (none carried over from the first).
// RUN: llmc-opt %s --mlir-disable-threading --pass-pipeline='builtin.module(builtin.module(llm-plan-memory{alignment=16}))' | FileCheck %s

// CHECK-LABEL: module @a
// CHECK-SAME:  llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64
// CHECK-LABEL: module @b
// CHECK-SAME:  llm.memory_pools = {alignment = 16 : i64, cache = 64 : i64
// CHECK:       {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 64>}
module {
  module @a attributes {llm.max_seq_len = 8 : i64} {
    func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x4xf32>)
        -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64})
        attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
      %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
      %b = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x8xf32>
      return %b, %cache : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
    }
  }
  module @b attributes {llm.max_seq_len = 4 : i64} {
    func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x4x4xf32>)
        -> (tensor<1x1x8xf32>, tensor<1x1x4x4xf32> {llm.aliases = 3 : i64})
        attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
      %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
      %b = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x8xf32>
      return %b, %cache : tensor<1x1x8xf32>, tensor<1x1x4x4xf32>
    }
  }
}

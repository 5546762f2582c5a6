// llm-plan-memory places every value the static programs materialise, with
// literal offsets (alignment 16 keeps them small):
// * arguments and logits in `io`, one after another; the cache in `cache`,
//   its in-place update and aliasing result at the same place;
// * views in their source's bytes (a reshape at its offset, contiguous
//   slices at theirs), elementwise ops over a dying operand of their type;
// * scratch reused once dead: the peak reaches the live-set lower bound.
// The plan round-trips through the dialect's verifier; planning again
// gives the same plan.
// RUN: llmc-opt %s -split-input-file --llm-plan-memory=alignment=16 | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-plan-memory=alignment=16 | llmc-opt -split-input-file --llm-plan-memory=alignment=16 | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-plan-memory="alignment=16 sram-bytes=16" | FileCheck %s --check-prefix=SRAM
// RUN: llmc-opt %s -split-input-file --llm-plan-memory="alignment=16 report=1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not llmc-opt %s -split-input-file --llm-plan-memory=alignment=24 -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALIGN
// The plan for tools (JSON) and people (an SVG picture, a rectangle per buffer).
// RUN: split-file %s %t && llmc-opt %t/one.mlir --llm-plan-memory="alignment=16 json=%t/plan.json svg=%t/plan.svg" -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t/plan.json
// RUN: FileCheck %s --check-prefix=SVG < %t/plan.svg
// JSON: "alignment": 16,
// JSON: "pools": {
// JSON-NEXT: "cache": 128,
// JSON-NEXT: "dram": 48,
// JSON-NEXT: "io": 80
// JSON: "name": "@decode",
// JSON: "dram": {
// JSON-NEXT: "peak": 48,
// JSON-NEXT: "lower_bound": 48,
// JSON: "value": "llm.broadcast_to {{.*}}",
// JSON-NEXT: "pool": "dram",
// JSON-NEXT: "offset": 0,
// JSON-NEXT: "size": 32,
// JSON-NEXT: "first": 3,
// JSON-NEXT: "last": 8
// SVG: <svg xmlns="http://www.w3.org/2000/svg"
// SVG: @decode dram: peak 48 B, lower bound 48 B
// SVG-COUNT-3: <rect x={{.*}}<title>
// ALIGN: error: llm-plan-memory: alignment must be a power of two and sram-bytes not negative

// CHECK-LABEL: module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}}
// CHECK:      func.func @decode(
// CHECK-SAME:   {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}
// CHECK-SAME:   {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}
// CHECK-SAME:   {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}
// CHECK-SAME:   {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}
// CHECK-SAME:   llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}
// CHECK:      llm.cast {{.*}}[#llm.buffer<pool = "dram", offset = 32, size = 4>]
// CHECK-NEXT: llm.reshape {{.*}}[#llm.buffer<pool = "dram", offset = 32, size = 4>]
// CHECK-NEXT: llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 32>]
// CHECK-NEXT: llm.exp {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 32>]
// CHECK-NEXT: llm.neg {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 32>]
// CHECK-NEXT: llm.slice {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 16>]
// CHECK-NEXT: llm.slice {{.*}}[#llm.buffer<pool = "dram", offset = 16, size = 16>]
// CHECK-NEXT: llm.add {{.*}}[#llm.buffer<pool = "dram", offset = 32, size = 16>]
// CHECK-NEXT: llm.concat {{.*}}[#llm.buffer<pool = "io", offset = 48, size = 32>]
// REPORT: llm-plan-memory: pools (bytes): cache 128 dram 48 io 80 (total 256); alignment 16
// REPORT: @decode        dram            48           48      1.000           64        3
// REPORT: largest buffers of @decode: 32 B llm.broadcast_to (plan-memory.mlir{{.*}}) in dram, steps 3..8
//--- one.mlir
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %r = llm.reshape %f : tensor<1x1xf32> to tensor<1x1x1xf32>
    %b = llm.broadcast_to %r : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %e = llm.exp %b : tensor<1x1x8xf32>
    %n = llm.neg %e : tensor<1x1x8xf32>
    %lo = llm.slice %n dims [2] starts [0] limits [4] : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %hi = llm.slice %n dims [2] starts [4] limits [8] : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %u = llm.add %lo, %hi : tensor<1x1x4xf32>
    %logits = llm.concat %u, %u dim 2 : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %logits, %cache : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

//--- two.mlir
// -----

// Two programs and a baked prefix share the cache pool (the same offsets in
// each) and one scratch arena (the largest program's). The decode step's
// update is in place; the prefix's caches are written into the cache pool.
// With 16 bytes of sram, what fits goes there and the rest spills to dram.
// The decode step's logits are computed in place into io (the sum, then
// its negation over it).
// CHECK-LABEL: module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 256 : i64, dram = 48 : i64, io = 64 : i64}}
// CHECK:      func.func @prefix_cache() -> (tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
// CHECK:      llm.cast {{.*}}[#llm.buffer<pool = "cache", offset = 0, size = 128>]
// CHECK-NEXT: llm.cast {{.*}}[#llm.buffer<pool = "cache", offset = 128, size = 128>]
// CHECK:      func.func @decode(
// CHECK-SAME:   {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}, {{.*}} {llm.buffer = #llm.buffer<pool = "cache", offset = 128, size = 128>}
// CHECK:      llm.cast {{.*}}[#llm.buffer<pool = "dram", offset = 16, size = 4>]
// CHECK-NEXT: llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 16>]
// CHECK-NEXT: llm.cache_update {{.*}}[#llm.buffer<pool = "cache", offset = 0, size = 128>]
// CHECK-NEXT: llm.reduce_sum {{.*}}[#llm.buffer<pool = "io", offset = 48, size = 16>]
// CHECK-NEXT: llm.neg {{.*}}[#llm.buffer<pool = "io", offset = 48, size = 16>]
// CHECK:      func.func @prefill_2(
// CHECK-SAME:   llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 48 : i64, io = 64 : i64}
// CHECK:      llm.cast {{.*}}[#llm.buffer<pool = "dram", offset = 32, size = 8>]
// CHECK-NEXT: llm.reshape {{.*}}[#llm.buffer<pool = "dram", offset = 32, size = 8>]
// CHECK-NEXT: llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 32>]
// CHECK-NEXT: llm.cache_update {{.*}}[#llm.buffer<pool = "cache", offset = 0, size = 128>]
// CHECK-NEXT: llm.cache_update {{.*}}[#llm.buffer<pool = "cache", offset = 128, size = 128>]
// With 16 bytes of sram the larger of two buffers live together goes
// first there; what does not fit spills to dram.
// SRAM-LABEL: module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 256 : i64, dram = 32 : i64, io = 64 : i64, sram = 16 : i64}}
// SRAM:       func.func @decode(
// SRAM:       llm.cast {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 4>]
// SRAM-NEXT:  llm.broadcast_to {{.*}}[#llm.buffer<pool = "sram", offset = 0, size = 16>]
// SRAM:       func.func @prefill_2(
// SRAM:       llm.cast {{.*}}[#llm.buffer<pool = "sram", offset = 0, size = 8>]
// SRAM-NEXT:  llm.reshape {{.*}}[#llm.buffer<pool = "sram", offset = 0, size = 8>]
// SRAM-NEXT:  llm.broadcast_to {{.*}}[#llm.buffer<pool = "dram", offset = 0, size = 32>]
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @prefix_cache() -> (tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5>, llm.tokens = 1 : i64} {
    %z = llm.constant dense<0.0> : tensor<1x1x8x4xf16>
    %k = llm.cast %z : tensor<1x1x8x4xf16> to tensor<1x1x8x4xf32>
    %v = llm.cast %z : tensor<1x1x8x4xf16> to tensor<1x1x8x4xf32>
    return %k, %v : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %rows = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x1x4xf32>
    %k1 = llm.cache_update %k[%position], %rows length %length : tensor<1x1x8x4xf32>, tensor<1x1x1x4xf32>
    %s = llm.reduce_sum %k1 dims [2] : tensor<1x1x8x4xf32>
    %logits = llm.neg %s : tensor<1x1x4xf32>
    return %logits, %k1, %v : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  func.func @prefill_2(%ids: tensor<1x2xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 2 : i64} {
    %f = llm.cast %ids : tensor<1x2xi64> to tensor<1x2xf32>
    %r = llm.reshape %f : tensor<1x2xf32> to tensor<1x1x2x1xf32>
    %rows = llm.broadcast_to %r : tensor<1x1x2x1xf32> to tensor<1x1x2x4xf32>
    %k1 = llm.cache_update %k[%position], %rows length %length : tensor<1x1x8x4xf32>, tensor<1x1x2x4xf32>
    %v1 = llm.cache_update %v[%position], %rows length %length : tensor<1x1x8x4xf32>, tensor<1x1x2x4xf32>
    %s = llm.reduce_sum %k1 dims [2] : tensor<1x1x8x4xf32>
    %logits = llm.neg %s : tensor<1x1x4xf32>
    return %logits, %k1, %v1 : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
}


// The dialect verifies a memory plan whenever the module carries
// llm.memory_pools (MemoryPlan.h states the rules): each planned program
// below was written by llm-plan-memory (plan-memory.mlir) and then broken in
// one place; the error names the value concerned.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

// Two buffers live at one step (the cast's, read by the broadcast at step 3, and the broadcast's) share bytes.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    // expected-note @+1 {{the other buffer's value}}
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    // expected-error @+1 {{buffer of llm.broadcast_to [0, 32) in pool 'dram' overlaps that of llm.cast [0, 4) while both are live (steps 3..8 and 1..3)}}
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// An offset off the alignment.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{buffer offset 40 is not aligned to 16}}
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 40, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A value that holds bytes without a buffer.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{the memory plan has no buffer for llm.add}}
    %7 = llm.add %5, %6 : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A view not where its source's bytes are (the second half of the negation starts 16 bytes in).
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{llm.slice shares the bytes of llm.broadcast_to at dram offset 16 (16 bytes), but the plan has #llm.buffer<pool = "dram", offset = 20, size = 16>}}
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 20, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A buffer past the end of its pool.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    // expected-error @+1 {{buffer [64, 96) lies outside pool 'io' (80 bytes)}}
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 64, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Scratch in a pool that is not scratch.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    // expected-error @+1 {{llm.cast belongs in pool 'dram or sram', not 'io'}}
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// One buffer per result.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{'llm.buffers' must list one #llm.buffer (or unit: none) per result, 1 here}}
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>, #llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// The alignment is a power of two.
// expected-error @+1 {{'llm.memory_pools' alignment must be a power of two, not 24}}
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 24 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Pools are cache, io, dram and sram.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{unknown pool 'l2' (cache, io, dram, sram)}}
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "l2", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Every program keeps a cache at the same place (the prefill has its caches swapped).
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 256 : i64, dram = 48 : i64, io = 64 : i64}} {
  func.func @prefix_cache() -> (tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>) attributes {llm.memory_plan = {dram = 0 : i64, dram_lower_bound = 0 : i64, dram_naive = 0 : i64, io = 0 : i64}, llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5>, llm.tokens = 1 : i64} {
    %0 = llm.constant dense<0.000000e+00> : tensor<1x1x8x4xf16>
    %1 = llm.cast %0 {llm.buffers = [#llm.buffer<pool = "cache", offset = 0, size = 128>]} : tensor<1x1x8x4xf16> to tensor<1x1x8x4xf32>
    %2 = llm.cast %0 {llm.buffers = [#llm.buffer<pool = "cache", offset = 128, size = 128>]} : tensor<1x1x8x4xf16> to tensor<1x1x8x4xf32>
    return %1, %2 : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}, %arg4: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 128, size = 128>}) -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64}) attributes {llm.memory_plan = {dram = 32 : i64, dram_lower_bound = 32 : i64, dram_naive = 32 : i64, io = 64 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.broadcast_to %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1xf32> to tensor<1x1x1x4xf32>
    %2 = llm.cache_update %arg3[%arg1], %1 length %arg2 {llm.buffers = [#llm.buffer<pool = "cache", offset = 0, size = 128>]} : tensor<1x1x8x4xf32>, tensor<1x1x1x4xf32>
    %3 = llm.reduce_sum %2 dims [2] {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 16>]} : tensor<1x1x8x4xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 16>]} : tensor<1x1x4xf32>
    return %4, %2, %arg4 : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
  // expected-error @+1 {{cache #0 is at #llm.buffer<pool = "cache", offset = 128, size = 128> here, at #llm.buffer<pool = "cache", offset = 0, size = 128> in another program}}
  func.func @prefill_2(%arg0: tensor<1x2xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 16>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 128, size = 128>}, %arg4: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 48 : i64, io = 64 : i64}, llm.phase = #llm.phase<prefill>, llm.tokens = 2 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 8>]} : tensor<1x2xi64> to tensor<1x2xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 8>]} : tensor<1x2xf32> to tensor<1x1x2x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x2x1xf32> to tensor<1x1x2x4xf32>
    %3 = llm.cache_update %arg3[%arg1], %2 length %arg2 {llm.buffers = [#llm.buffer<pool = "cache", offset = 128, size = 128>]} : tensor<1x1x8x4xf32>, tensor<1x1x2x4xf32>
    %4 = llm.cache_update %arg4[%arg1], %2 length %arg2 {llm.buffers = [#llm.buffer<pool = "cache", offset = 0, size = 128>]} : tensor<1x1x8x4xf32>, tensor<1x1x2x4xf32>
    %5 = llm.reduce_sum %3 dims [2] {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 16>]} : tensor<1x1x8x4xf32>
    %6 = llm.neg %5 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 16>]} : tensor<1x1x4xf32>
    return %6, %3, %4 : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A malformed op in a planned program is reported as itself (the plan is not
// read from it).
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{'llm.cache_update' op expected 4 operands, but found 0}}
    %x = "llm.cache_update"() : () -> tensor<1x1x8x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// An offset and size whose sum does not fit 64 bits.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    // expected-error @+1 {{a buffer's offset and size are not negative and their sum fits 64 bits, got 9223372036854775792 and 16}}
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 9223372036854775792, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Pool sizes are i64.
// expected-error @+1 {{'llm.memory_pools' belongs on a builtin.module, a dictionary of i64 (alignment and pool sizes)}}
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i128, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A planned module plans every program.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  // expected-error @+1 {{the module has a memory plan ('llm.memory_pools') but this program has none ('llm.memory_plan')}}
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Weights and constants are read-only: no buffer.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 48 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 48 : i64, dram_lower_bound = 48 : i64, dram_naive = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.reshape %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xf32> to tensor<1x1x1xf32>
    %2 = llm.broadcast_to %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x1xf32> to tensor<1x1x8xf32>
    %3 = llm.exp %2 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %4 = llm.neg %3 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
    %5 = llm.slice %4 dims [2] starts [0] limits [4] {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %6 = llm.slice %4 dims [2] starts [4] limits [8] {llm.buffers = [#llm.buffer<pool = "dram", offset = 16, size = 16>]} : tensor<1x1x8xf32> to tensor<1x1x4xf32>
    %7 = llm.add %5, %6 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 16>]} : tensor<1x1x4xf32>
    // expected-error @+1 {{llm.constant is read-only (a weight or constant): it has no buffer}}
    %c = llm.constant {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 4>]} dense<1.0> : tensor<f32>
    %8 = llm.concat %7, %7 dim 2 {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} : tensor<1x1x4xf32>, tensor<1x1x4xf32>
    return %8, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Values inside a fusion group stay on chip: no buffer.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 64 : i64, io = 80 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 32 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.broadcast_to %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1xf32> to tensor<1x1x8xf32>
    %2 = llm.fusion_group "linear-epilogue" {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} -> tensor<1x1x8xf32> {
      // expected-error @+1 {{values inside a fusion group are not planned (they stay on chip)}}
      %3 = llm.exp %1 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1x8xf32>
      %4 = llm.neg %3 : tensor<1x1x8xf32>
      llm.yield %4 : tensor<1x1x8xf32>
    }
    return %2, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// On a device with sram, a fusion group's intermediates are reserved there.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 64 : i64, io = 80 : i64, sram = 64 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {dram = 32 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    %1 = llm.broadcast_to %0 {llm.buffers = [#llm.buffer<pool = "dram", offset = 0, size = 32>]} : tensor<1x1xf32> to tensor<1x1x8xf32>
    // expected-error @+1 {{the memory plan reserves no sram for this group's 32 bytes of intermediates}}
    %2 = llm.fusion_group "linear-epilogue" {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>]} -> tensor<1x1x8xf32> {
      %3 = llm.exp %1 : tensor<1x1x8xf32>
      %4 = llm.neg %3 : tensor<1x1x8xf32>
      llm.yield %4 : tensor<1x1x8xf32>
    }
    return %2, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// The working set of a group overlaps a buffer live at its step.
module attributes {llm.max_seq_len = 8 : i64, llm.memory_pools = {alignment = 16 : i64, cache = 128 : i64, dram = 64 : i64, io = 80 : i64, sram = 64 : i64}} {
  func.func @decode(%arg0: tensor<1x1xi64> {llm.buffer = #llm.buffer<pool = "io", offset = 0, size = 8>}, %arg1: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 16, size = 8>}, %arg2: tensor<i64> {llm.buffer = #llm.buffer<pool = "io", offset = 32, size = 8>}, %arg3: tensor<1x1x8x4xf32> {llm.buffer = #llm.buffer<pool = "cache", offset = 0, size = 128>}) -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}) attributes {llm.memory_plan = {sram = 64 : i64, io = 80 : i64}, llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %0 = llm.cast %arg0 {llm.buffers = [#llm.buffer<pool = "sram", offset = 32, size = 4>]} : tensor<1x1xi64> to tensor<1x1xf32>
    // expected-note @+1 {{the other buffer's value}}
    %1 = llm.broadcast_to %0 {llm.buffers = [#llm.buffer<pool = "sram", offset = 0, size = 32>]} : tensor<1x1xf32> to tensor<1x1x8xf32>
    // expected-error @+1 {{buffer of the working set of a fusion group [16, 48) in pool 'sram' overlaps that of llm.broadcast_to [0, 32) while both are live (steps 3..3 and 2..3)}}
    %2 = llm.fusion_group "linear-epilogue" {llm.buffers = [#llm.buffer<pool = "io", offset = 48, size = 32>], llm.group_scratch = #llm.buffer<pool = "sram", offset = 16, size = 32>} -> tensor<1x1x8xf32> {
      %3 = llm.exp %1 : tensor<1x1x8xf32>
      %4 = llm.neg %3 : tensor<1x1x8xf32>
      llm.yield %4 : tensor<1x1x8xf32>
    }
    return %2, %arg3 : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

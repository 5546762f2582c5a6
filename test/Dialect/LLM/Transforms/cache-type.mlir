// llm-cache-type stores the static programs' caches in another float type:
// arguments, aliased results and the baked prefix's initial caches change
// type; what is written is converted before the in-place update; attention
// reads the stored keys and values as they are, any other reader a copy
// converted back (views of a cache stay stored). The retyped programs run: the
// cache holds the prompt's ids (exact in f16 and bf16), so the f16 programs
// generate as the f32 ones do.
// RUN: llmc-opt %s -split-input-file --llm-cache-type=type=f16 -verify-diagnostics | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-cache-type=type=bf16 -verify-diagnostics | FileCheck %s --check-prefix=BF16
// RUN: not llmc-opt %s -split-input-file --llm-cache-type=type=f64 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: split-file %s %t && llmc-run %t/run.mlir --generate=3 --prompt-ids=1,3,2 | FileCheck %s --check-prefix=GEN
// RUN: llmc-opt %t/run.mlir --llm-cache-type=type=f16 -o %t/run16.mlir && llmc-run %t/run16.mlir --generate=3 --prompt-ids=1,3,2 | FileCheck %s --check-prefix=GEN
// Caches already of the type are left as they are.
// RUN: llmc-opt %t/run16.mlir --llm-cache-type=type=f16 -o %t/again.mlir && diff %t/run16.mlir %t/again.mlir
// BAD: error: llm-cache-type: type must be f32, f16 or bf16, not 'f64'
// GEN: {{^}}1 1 1{{$}}

// The attention module (first in the output):
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    tensor<1x1x8x4xf16> {{.*}}tensor<1x1x8x4xf16>
// CHECK:         %[[K:.*]] = llm.cache_update
// CHECK:         %[[V:.*]] = llm.cache_update
// CHECK-NEXT:    llm.attention %{{.*}}, %[[K]], %[[V]] scale(5.000000e-01) : tensor<1x1x1x4xf32>, tensor<1x1x8x4xf16>, tensor<1x1x8x4xf16>

// CHECK-LABEL: func.func @prefix_cache() -> tensor<1x1x8x1xf16>
// CHECK:         %[[C:.*]] = llm.constant
// CHECK-NEXT:    %[[H:.*]] = llm.cast %[[C]] : tensor<1x1x8x1xf32> to tensor<1x1x8x1xf16>
// CHECK-NEXT:    return %[[H]] : tensor<1x1x8x1xf16>
// CHECK-LABEL: func.func @decode(
// CHECK-SAME:    %[[CACHE:[^:]*]]: tensor<1x1x8x1xf16>)
// CHECK-SAME:    -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf16> {llm.aliases = 3 : i64})
// CHECK:         %[[ROWS:.*]] = llm.reshape
// CHECK-NEXT:    %[[ROWS16:.*]] = llm.cast %[[ROWS]] : tensor<1x1x1x1xf32> to tensor<1x1x1x1xf16>
// CHECK-NEXT:    %[[UPDATED:.*]] = llm.cache_update %[[CACHE]][%{{.*}}], %[[ROWS16]] length %{{.*}} : tensor<1x1x8x1xf16>, tensor<1x1x1x1xf16>
// CHECK-NEXT:    %[[VIEW:.*]] = llm.reshape %[[UPDATED]] : tensor<1x1x8x1xf16> to tensor<1x1x8xf16>
// CHECK-NEXT:    %[[LOGITS:.*]] = llm.cast %[[VIEW]] : tensor<1x1x8xf16> to tensor<1x1x8xf32>
// CHECK-NEXT:    return %[[LOGITS]], %[[UPDATED]] : tensor<1x1x8xf32>, tensor<1x1x8x1xf16>
// CHECK-LABEL: func.func @prefill_2(
// CHECK-SAME:    tensor<1x1x8x1xf16>) -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf16> {llm.aliases = 3 : i64})
// BF16: func.func @decode({{.*}}tensor<1x1x8x1xbf16>) -> (tensor<1x1x8xf32>, tensor<1x1x8x1xbf16> {llm.aliases = 3 : i64})

// Attention reads the stored keys and values as they are (f16 for an f32
// query: no widened copy of the cache).
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x4xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64}, tensor<1x1x8x4xf32> {llm.aliases = 4 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %q = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x1x4xf32>
    %k1 = llm.cache_update %k[%position], %q length %length : tensor<1x1x8x4xf32>, tensor<1x1x1x4xf32>
    %v1 = llm.cache_update %v[%position], %q length %length : tensor<1x1x8x4xf32>, tensor<1x1x1x4xf32>
    %o = llm.attention %q, %k1, %v1 scale(0.5) : tensor<1x1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
    %logits = llm.reshape %o : tensor<1x1x1x4xf32> to tensor<1x1x4xf32>
    return %logits, %k1, %v1 : tensor<1x1x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// A dynamic module has no fixed cache buffers to retype.
// expected-error @+1 {{llm-cache-type: the module has no static programs}}
module {
  func.func @forward(%ids: tensor<1x?xi64>) -> tensor<1x?xi64> {
    return %ids : tensor<1x?xi64>
  }
}

// -----

//--- run.mlir
// Logits are the cache's slots after the update: the greedy token is the
// slot holding the largest id (1: the prefix's 6).
module attributes {llm.max_seq_len = 8 : i64, llm.prefill_chunk = 2 : i64} {
  func.func @prefix_cache() -> tensor<1x1x8x1xf32>
      attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5, 6>, llm.tokens = 2 : i64} {
    %c = llm.constant dense<[[[[5.0], [6.0], [0.0], [0.0], [0.0], [0.0], [0.0], [0.0]]]]> : tensor<1x1x8x1xf32>
    return %c : tensor<1x1x8x1xf32>
  }
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x1xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %rows = llm.reshape %f : tensor<1x1xf32> to tensor<1x1x1x1xf32>
    %c = llm.cache_update %cache[%position], %rows length %length : tensor<1x1x8x1xf32>, tensor<1x1x1x1xf32>
    %logits = llm.reshape %c : tensor<1x1x8x1xf32> to tensor<1x1x8xf32>
    return %logits, %c : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
  func.func @prefill_2(%ids: tensor<1x2xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x1xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 2 : i64} {
    %f = llm.cast %ids : tensor<1x2xi64> to tensor<1x2xf32>
    %rows = llm.reshape %f : tensor<1x2xf32> to tensor<1x1x2x1xf32>
    %c = llm.cache_update %cache[%position], %rows length %length : tensor<1x1x8x1xf32>, tensor<1x1x2x1xf32>
    %logits = llm.reshape %c : tensor<1x1x8x1xf32> to tensor<1x1x8xf32>
    return %logits, %c : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
}


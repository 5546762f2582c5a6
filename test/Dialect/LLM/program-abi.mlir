// The static programs' ABI (ProgramABI.h; the dialect's "Model modules and
// inference phases") round-trips, and the generation runner drives a
// hand-written module of static programs through it: the baked prefix's 2
// tokens, then the prompt's 3 through @prefill_2 (the chunk, twice), then
// @decode. Each program's logits pick the next position (position + length),
// so the tokens generated are the positions 5, 6, 7.
// RUN: llmc-opt %s | FileCheck %s
// RUN: llmc-opt %s | llmc-opt | FileCheck %s
// RUN: llmc-run %s --generate=3 --prompt-ids=1,2,3 | FileCheck --check-prefix=GEN %s

// CHECK-LABEL: module attributes {llm.max_seq_len = 8 : i64, llm.prefill_chunk = 2 : i64}
// CHECK:       func.func @prefix_cache() -> tensor<1x1x8x1xf32>
// CHECK-SAME:    attributes {llm.phase = #llm.phase<prefix>, llm.prefix_ids = array<i64: 5, 6>, llm.tokens = 2 : i64}
// CHECK:       func.func @decode(%{{.*}}: tensor<1x1xi64>, %{{.*}}: tensor<i64>, %{{.*}}: tensor<i64>, %{{.*}}: tensor<1x1x8x1xf32>)
// CHECK-SAME:    -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
// CHECK-SAME:    attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64}
// CHECK:       func.func @prefill_2(%{{.*}}: tensor<1x2xi64>, %{{.*}}: tensor<i64>, %{{.*}}: tensor<i64>, %{{.*}}: tensor<1x1x8x1xf32>)
// CHECK-SAME:    -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
// CHECK-SAME:    attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 2 : i64}

// GEN: {{^}}5 6 7{{$}}

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
    %next = llm.add %position, %length : tensor<i64>
    %vocab = llm.constant dense<[[[0, 1, 2, 3, 4, 5, 6, 7]]]> : tensor<1x1x8xi64>
    %hot = llm.compare <eq>, %vocab, %next : tensor<1x1x8xi64>, tensor<i64>
    %one = llm.constant dense<1.0> : tensor<f32>
    %zero = llm.constant dense<0.0> : tensor<f32>
    %logits = llm.where %hot, %one, %zero : tensor<1x1x8xi1>, tensor<f32>, tensor<f32>
    return %logits, %c : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
  func.func @prefill_2(%ids: tensor<1x2xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x1xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<prefill>, llm.tokens = 2 : i64} {
    %f = llm.cast %ids : tensor<1x2xi64> to tensor<1x2xf32>
    %rows = llm.reshape %f : tensor<1x2xf32> to tensor<1x1x2x1xf32>
    %c = llm.cache_update %cache[%position], %rows length %length : tensor<1x1x8x1xf32>, tensor<1x1x2x1xf32>
    %next = llm.add %position, %length : tensor<i64>
    %vocab = llm.constant dense<[[[0, 1, 2, 3, 4, 5, 6, 7]]]> : tensor<1x1x8xi64>
    %hot = llm.compare <eq>, %vocab, %next : tensor<1x1x8xi64>, tensor<i64>
    %one = llm.constant dense<1.0> : tensor<f32>
    %zero = llm.constant dense<0.0> : tensor<f32>
    %logits = llm.where %hot, %one, %zero : tensor<1x1x8xi1>, tensor<f32>, tensor<f32>
    return %logits, %c : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
}

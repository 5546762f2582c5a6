// What llm-plan-memory refuses, with the reason at the place concerned.
// RUN: llmc-opt %s -split-input-file --llm-plan-memory="alignment=16 sram-bytes=16" -verify-diagnostics

// The cache as it was is read after its update: the update cannot be in
// place, so the returned cache is not its argument's buffer.
// expected-error @+2 {{llm-plan-memory: result #1 is not its cache argument updated in place (is the cache as it was read after its update?)}}
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x1xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x1xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %rows = llm.reshape %f : tensor<1x1xf32> to tensor<1x1x1x1xf32>
    %c = llm.cache_update %cache[%position], %rows length %length : tensor<1x1x8x1xf32>, tensor<1x1x1x1xf32>
    %old = llm.reshape %cache : tensor<1x1x8x1xf32> to tensor<1x1x8xf32>
    %logits = llm.neg %old : tensor<1x1x8xf32>
    return %logits, %c : tensor<1x1x8xf32>, tensor<1x1x8x1xf32>
  }
}

// -----

// A group whose intermediates (32 bytes) do not fit the device's 16 bytes
// of sram cannot run on it.
module attributes {llm.max_seq_len = 8 : i64} {
  func.func @decode(%ids: tensor<1x1xi64>, %position: tensor<i64>, %length: tensor<i64>, %cache: tensor<1x1x8x4xf32>)
      -> (tensor<1x1x8xf32>, tensor<1x1x8x4xf32> {llm.aliases = 3 : i64})
      attributes {llm.phase = #llm.phase<decode>, llm.tokens = 1 : i64} {
    %f = llm.cast %ids : tensor<1x1xi64> to tensor<1x1xf32>
    %b = llm.broadcast_to %f : tensor<1x1xf32> to tensor<1x1x8xf32>
    // expected-error @+1 {{llm-plan-memory: the group's 32 bytes of intermediates do not fit the 16 bytes of sram}}
    %g = llm.fusion_group "linear-epilogue" -> tensor<1x1x8xf32> {
      %e = llm.exp %b : tensor<1x1x8xf32>
      %n = llm.neg %e : tensor<1x1x8xf32>
      llm.yield %n : tensor<1x1x8xf32>
    }
    return %g, %cache : tensor<1x1x8xf32>, tensor<1x1x8x4xf32>
  }
}

// -----

// Only static programs have sizes to plan.
// expected-error @+1 {{llm-plan-memory: the module has no static programs}}
module {
  func.func @forward(%ids: tensor<1x?xi64>) -> tensor<1x?xi64> {
    return %ids : tensor<1x?xi64>
  }
}

// Diagnostics of the ops and attributes that bring numbers into a model.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

func.func @weight_without_file() -> tensor<4xf32> {
  // expected-error @+1 {{'llm.weight' op reads tensor 'w' but no enclosing module names a weights file (attribute 'llm.weights')}}
  %w = llm.weight "w" : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

module attributes {llm.weights = "model.safetensors"} {
  func.func @weight_empty_name() -> tensor<4xf32> {
    // expected-error @+1 {{'llm.weight' op needs a non-empty tensor name}}
    %w = llm.weight "" : tensor<4xf32>
    return %w : tensor<4xf32>
  }
}

// -----

module attributes {llm.weights = "model.safetensors"} {
  func.func @weight_dynamic() -> tensor<?xf32> {
    // expected-error @+1 {{'llm.weight' op must have a static shape, got 'tensor<?xf32>'}}
    %w = llm.weight "w" : tensor<?xf32>
    return %w : tensor<?xf32>
  }
}

// -----

module attributes {llm.weights = "model.safetensors"} {
  func.func @weight_i64() -> tensor<4xi64> {
    // expected-error @+1 {{'llm.weight' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 8-bit signless integer values}}
    %w = llm.weight "w" : tensor<4xi64>
    return %w : tensor<4xi64>
  }
}

// -----

// expected-error @+1 {{'llm.weights' must be a non-empty string naming the weights file}}
module attributes {llm.weights = 3 : i64} {
}

// -----

// expected-error @+1 {{'llm.weights' must be a non-empty string naming the weights file}}
module attributes {llm.weights = ""} {
}

// -----

// A list names the checkpoint's file and derived ones; each must be a path.
// expected-error @+1 {{'llm.weights' must be a non-empty string naming the weights file, or a non-empty list of them}}
module attributes {llm.weights = ["model.safetensors", ""]} {
}

// -----

// expected-error @+1 {{'llm.weights' must be a non-empty string naming the weights file, or a non-empty list of them}}
module attributes {llm.weights = []} {
}

// -----

module {
  // expected-error @+1 {{'llm.weights' belongs on a builtin.module}}
  func.func @f() attributes {llm.weights = "model.safetensors"} {
    return
  }
}

// -----

// expected-error @+1 {{unknown attribute 'llm.weight_file' of the llm dialect}}
module attributes {llm.weight_file = "model.safetensors"} {
}

// -----

func.func @yarn_factor(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{YaRN factor must be at least 1, got 5.000000e-01}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {yarn = #llm.yarn<factor = 0.5, original_max_position = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @yarn_position(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{YaRN original_max_position must be positive, got 0}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {yarn = #llm.yarn<factor = 4.0, original_max_position = 0, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @yarn_betas(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{YaRN needs beta_fast > beta_slow > 0, got 1.000000e+00 and 3.200000e+01}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {yarn = #llm.yarn<factor = 4.0, original_max_position = 4096, beta_fast = 1.0, beta_slow = 32.0, mscale = 1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @yarn_mscale(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{YaRN mscale and mscale_all_dim must be non-negative}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {yarn = #llm.yarn<factor = 4.0, original_max_position = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = -1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @yarn_integer_literal(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+3 {{unexpected decimal integer literal for a floating point value}}
  // expected-note @+2 {{add a trailing dot to make the literal a float}}
  // expected-error @+1 {{failed to parse LLM_YarnAttr parameter 'factor'}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {yarn = #llm.yarn<factor = 40, original_max_position = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_no_frequencies(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{exactly one of theta and inv_freq must be given}}
  %r = llm.rope <interleaved> %x, %p {} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_both_frequencies(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{exactly one of theta and inv_freq must be given}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {inv_freq = array<f64: 1.0, 0.1, 0.01, 0.001>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_yarn_inv_freq(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{yarn needs theta, not inv_freq}}
  %r = llm.rope <interleaved> %x, %p {inv_freq = array<f64: 1.0, 0.1, 0.01, 0.001>, yarn = #llm.yarn<factor = 4.0, original_max_position = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_inv_freq_count(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{inv_freq has 2 entries; rotary_dim / 2 = 4}}
  %r = llm.rope <interleaved> %x, %p {inv_freq = array<f64: 1.0, 0.1>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_inv_freq_value(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{inv_freq entries must be positive and finite, got 0.000000e+00}}
  %r = llm.rope <interleaved> %x, %p {inv_freq = array<f64: 1.0, 0.1, 0.0, 0.001>} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_magnitude_theta(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{magnitude goes with inv_freq (yarn implies its own)}}
  %r = llm.rope <interleaved> %x, %p theta(1.0e+04) {magnitude = 2.0 : f64} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

func.func @rope_magnitude_value(%x: tensor<1x1x?x8xf32>, %p: tensor<1x?xi64>) -> tensor<1x1x?x8xf32> {
  // expected-error @+1 {{magnitude must be positive and finite, got -1.000000e+00}}
  %r = llm.rope <interleaved> %x, %p {inv_freq = array<f64: 1.0, 0.1, 0.01, 0.001>, magnitude = -1.0 : f64} : tensor<1x1x?x8xf32>, tensor<1x?xi64>
  return %r : tensor<1x1x?x8xf32>
}

// -----

// The static programs' and the baked prefix's attributes.
// expected-error @+1 {{'llm.max_seq_len' must be a positive integer}}
module attributes {llm.max_seq_len = 0 : i64} {
}

// -----

module {
  // expected-error @+1 {{'llm.phase' must be #llm.phase<prefill>, #llm.phase<decode> or #llm.phase<prefix>, not "train"}}
  func.func @p() attributes {llm.phase = "train"} {
    return
  }
}

// -----

module {
  // expected-error @+1 {{'llm.prefix_ids' must be an array<i64> of token ids}}
  func.func @prefix_cache() attributes {llm.phase = #llm.phase<prefix>, llm.tokens = 2 : i64, llm.prefix_ids = [1, 2]} {
    return
  }
}

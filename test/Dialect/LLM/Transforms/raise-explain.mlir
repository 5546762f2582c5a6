// llm-raise{report-failures}: every pattern that does not match an op of the
// result says why, as a remark at the op. Each case is a subgraph that almost
// matches; the remark of the pattern it was meant for names what is missing
// (the other patterns' remarks, at the same ops, are listed briefly).
// RUN: llmc-opt %s -split-input-file --llm-raise=report-failures -verify-diagnostics -o /dev/null
// Without the option the pass stays silent.
// RUN: llmc-opt %s -split-input-file --llm-raise 2>&1 >/dev/null | count 0

// An RMSNorm whose mean runs over the sequence, not the features.
func.func @rms_norm_over_the_wrong_dim(%x: tensor<2x4x8xf32>, %w: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : tensor<2x4x8xf32>, tensor<f32>
  %mean = llm.reduce_mean %sq dims [1] keep_dims : tensor<2x4x8xf32>
  // expected-remark@+2 {{llm.linear bias: neither operand is an llm.linear}}
  // expected-remark@+1 {{llm.rope: the sum is not 4-D [B, H, S, D] with a static head dim D}}
  %s = llm.add %mean, %eps : tensor<2x1x8xf32>, tensor<f32>
  %r = llm.sqrt %s : tensor<2x1x8xf32>
  %n = llm.div %x, %r : tensor<2x4x8xf32>, tensor<2x1x8xf32>
  // expected-remark@+5 {{llm.rms_norm: the mean of x^2 is not over the last dimension alone}}
  // expected-remark@+4 {{llm.layer_norm: the dividend is not x - mean(x) (an llm.sub)}}
  // expected-remark@+3 {{llm.silu: neither operand is llm.sigmoid of the other operand}}
  // expected-remark@+2 {{llm.swiglu: neither operand is an llm.silu}}
  // expected-remark@+1 {{llm.gelu: no factor is the constant 0.5 or a product with it}}
  %y = llm.mul %n, %w : tensor<2x4x8xf32>, tensor<8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// Attention scaled by a run-time value, not a constant.
func.func @attention_with_a_run_time_scale(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>,
    %v: tensor<1x2x4x8xf32>, %scale: tensor<f32>) -> tensor<1x2x4x8xf32> {
  %kt = llm.transpose %k [0, 1, 3, 2] : tensor<1x2x4x8xf32>
  // expected-remark@+2 {{llm.attention: the left operand is not an llm.softmax}}
  // expected-remark@+1 {{llm.linear: the right operand is not a parameter (an llm.weight or llm.constant)}}
  %qk = llm.matmul %q, %kt : tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>
  // expected-remark@+5 {{llm.rms_norm: no operand is a weight vector [D]}}
  // expected-remark@+4 {{llm.layer_norm: no operand is a weight vector [D]}}
  // expected-remark@+3 {{llm.silu: neither operand}}
  // expected-remark@+2 {{llm.swiglu: neither operand}}
  // expected-remark@+1 {{llm.gelu: no factor is the constant 0.5}}
  %scores = llm.mul %qk, %scale : tensor<1x2x4x4xf32>, tensor<f32>
  %p = llm.softmax %scores dim 3 : tensor<1x2x4x4xf32>
  // expected-remark@+2 {{llm.attention: the softmax input is not a scaled q.k^T matmul (an llm.matmul, times or divided by a constant, under an optional mask)}}
  // expected-remark@+1 {{llm.linear: the right operand is not a parameter}}
  %o = llm.matmul %p, %v : tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// GELU's erf form with 1/2 where 1/sqrt(2) belongs.
func.func @gelu_with_a_wrong_constant(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  // expected-remark@+5 {{llm.gelu: the factor beside the constant 0.5 is not a product x * (1 + f(x))}}
  // expected-remark@+4 {{llm.rms_norm: no operand is a weight vector [D]}}
  // expected-remark@+3 {{llm.layer_norm: no operand is a weight vector [D]}}
  // expected-remark@+2 {{llm.silu: neither operand}}
  // expected-remark@+1 {{llm.swiglu: neither operand}}
  %hx = llm.mul %x, %half : tensor<2x8xf32>, tensor<f32>
  // expected-remark@+5 {{llm.gelu: the factor beside the constant 0.5 is not a product x * (1 + f(x))}}
  // expected-remark@+4 {{llm.rms_norm: no operand is a weight vector [D]}}
  // expected-remark@+3 {{llm.layer_norm: no operand is a weight vector [D]}}
  // expected-remark@+2 {{llm.silu: neither operand}}
  // expected-remark@+1 {{llm.swiglu: neither operand}}
  %d = llm.mul %x, %half : tensor<2x8xf32>, tensor<f32>
  %e = llm.erf %d : tensor<2x8xf32>
  // expected-remark@+2 {{llm.linear bias: neither operand is an llm.linear}}
  // expected-remark@+1 {{llm.rope: the sum is not 4-D}}
  %e1 = llm.add %e, %one : tensor<2x8xf32>, tensor<f32>
  // expected-remark@+5 {{llm.gelu: the erf argument is not x / sqrt(2) or x * (1 / sqrt(2))}}
  // expected-remark@+4 {{llm.rms_norm: no operand is a weight vector [D]}}
  // expected-remark@+3 {{llm.layer_norm: no operand is a weight vector [D]}}
  // expected-remark@+2 {{llm.silu: neither operand}}
  // expected-remark@+1 {{llm.swiglu: neither operand}}
  %r = llm.mul %hx, %e1 : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// A cache append whose past is computed, not passed in.
func.func @append_to_a_computed_cache(%past: tensor<1x2x3x8xf32>, %new: tensor<1x2x1x8xf32>) -> tensor<1x2x4x8xf32> {
  %p = llm.neg %past : tensor<1x2x3x8xf32>
  // expected-remark@+1 {{llm.kv_append: the first input (the past cache) is not a function argument}}
  %c = llm.concat %p, %new dim 2 : tensor<1x2x3x8xf32>, tensor<1x2x1x8xf32>
  return %c : tensor<1x2x4x8xf32>
}

// -----

// What was raised is explained no further: the SiLU became llm.silu and the
// product with it llm.swiglu, so no op is left to remark on.
func.func @raised(%g: tensor<2x8xf32>, %u: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = llm.sigmoid %g : tensor<2x8xf32>
  %silu = llm.mul %g, %s : tensor<2x8xf32>
  %r = llm.mul %silu, %u : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Attention raised with a mask that is not shown to be the causal rule
// keeps it, and says why.
func.func @attention_with_an_explicit_mask(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>, %m: tensor<1x1x4x4xf32>) -> tensor<1x1x4x8xf32> {
  // expected-remark@+2 {{llm.attention: the mask is kept explicit (static programs compute it), as it is not shown to be the causal rule: the mask's elements are not known: a value of the function's arguments (at a block argument)}}
  // expected-remark@+1 {{llm.mla_attention: the attention has a mask or a kv head map}}
  %o = llm.attention %q, %k, %v mask %m scale(0.35) : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x4xf32>
  return %o : tensor<1x1x4x8xf32>
}

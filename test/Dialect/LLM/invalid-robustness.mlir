// Input the ODS constraints would reject, but that reaches type inference
// first (inference runs inside the custom parser): a clear error, no crash.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

func.func @scalar_operands(%x: f32, %w: f32) {
  // expected-error @+1 {{operand #0 must be a ranked tensor, got 'f32'}}
  %y = llm.add %x, %w : f32
  return
}

// -----

func.func @unranked_operand(%a: tensor<4xf32>, %x: tensor<*xf32>) {
  // expected-error @+1 {{operand #1 must be a ranked tensor, got 'tensor<*xf32>'}}
  %y = llm.mul %a, %x : tensor<4xf32>, tensor<*xf32>
  return
}

// -----

func.func @unranked_linear(%x: tensor<*xf32>, %w: tensor<4x4xf32>) {
  // expected-error @+1 {{invalid kind of type specified}}
  %y = llm.linear %x, %w : tensor<*xf32>, tensor<4x4xf32>
  return
}

// -----

func.func @missing_attribute(%x: tensor<2x4xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'llm.rms_norm' op requires attribute 'epsilon'}}
  %y = "llm.rms_norm"(%x, %w) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @zero_kv_heads(%q: tensor<1x4x?x16xf32>, %k: tensor<1x0x?x16xf32>) {
  // expected-error @+1 {{query heads (4) must be a multiple of KV heads (0) unless kv_head_map is given}}
  %o = llm.attention %q, %k, %k scale(0.25) : tensor<1x4x?x16xf32>, tensor<1x0x?x16xf32>, tensor<1x0x?x16xf32>
  return
}

// -----

func.func @mla_zero_heads(%qn: tensor<1x0x?x16xf32>, %qr: tensor<1x0x?x8xf32>, %c: tensor<1x1x?x32xf32>,
                          %kr: tensor<1x1x?x8xf32>, %w: tensor<112x32xf32>) {
  // expected-error @+1 {{needs at least one head}}
  %o = llm.mla_attention %qn, %qr, %c, %kr, %w scale(0.1) : tensor<1x0x?x16xf32>, tensor<1x0x?x8xf32>, tensor<1x1x?x32xf32>, tensor<1x1x?x8xf32>, tensor<112x32xf32>
  return
}

// -----

func.func @gather_scalar(%x: tensor<f32>, %i: tensor<i64>) {
  // expected-error @+1 {{dim 0 is out of range for rank 0}}
  %y = llm.gather %x[%i] dim 0 : tensor<f32>, tensor<i64>
  return
}

// -----

func.func @constant_f64() {
  // expected-error @+1 {{'llm.constant' op result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 1-bit signless integer or 8-bit signless integer or 32-bit signless integer or 64-bit signless integer values}}
  %z = llm.constant dense<1.0> : tensor<4xf64>
  return
}

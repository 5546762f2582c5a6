// Diagnostics of the generic tensor ops.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

func.func @add_shapes(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+1 {{shapes [2, 3] and [4, 3] do not broadcast}}
  %r = llm.add %a, %b : tensor<2x3xf32>, tensor<4x3xf32>
  return
}

// -----

func.func @mul_types(%a: tensor<3xf32>, %b: tensor<3xf16>) {
  // expected-error @+1 {{operands must share one element type, got 'f32' and 'f16'}}
  %r = llm.mul %a, %b : tensor<3xf32>, tensor<3xf16>
  return
}

// -----

func.func @pow_bool(%a: tensor<3xi1>) {
  // expected-error @+1 {{'llm.pow' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 32-bit signless integer or 64-bit signless integer values}}
  %r = "llm.pow"(%a, %a) : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return
}

// -----

func.func @exp_integer(%a: tensor<3xi64>) {
  // expected-error @+1 {{'llm.exp' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %r = llm.exp %a : tensor<3xi64>
  return
}

// -----

func.func @compare_shapes(%a: tensor<2xi64>, %b: tensor<3xi64>) {
  // expected-error @+1 {{shapes [2] and [3] do not broadcast}}
  %r = llm.compare <lt>, %a, %b : tensor<2xi64>, tensor<3xi64>
  return
}

// -----

func.func @compare_kind(%a: tensor<2xi64>) {
  // expected-error @+2 {{expected ::llmc::llm::CompareDirection to be one of: eq, ne, lt, le, gt, ge}}
  // expected-error @+1 {{failed to parse LLM_CompareDirectionAttr parameter 'value'}}
  %r = llm.compare <less>, %a, %a : tensor<2xi64>
  return
}

// -----

func.func @where_shapes(%c: tensor<3xi1>, %a: tensor<4xf32>, %b: tensor<f32>) {
  // expected-error @+1 {{shapes [3] and [4] do not broadcast}}
  %r = llm.where %c, %a, %b : tensor<3xi1>, tensor<4xf32>, tensor<f32>
  return
}

// -----

func.func @where_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<f16>) {
  // expected-error @+1 {{operands must share one element type, got 'f32' and 'f16'}}
  %r = llm.where %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<f16>
  return
}

// -----

func.func @where_condition(%c: tensor<4xf32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{'llm.where' op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %r = llm.where %c, %a, %a : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @cast_shape(%a: tensor<4xf32>) {
  // expected-error @+1 {{'llm.cast' op requires the same shape for all operands and results}}
  %r = llm.cast %a : tensor<4xf32> to tensor<5xf16>
  return
}

// -----

func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{operands must have rank at least 2, got 1 and 2}}
  %r = llm.matmul %a, %b : tensor<4xf32>, tensor<4x2xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x2xf32>) {
  // expected-error @+1 {{contraction sizes (lhs columns, rhs rows) differ: 4 vs 5}}
  %r = llm.matmul %a, %b : tensor<3x4xf32>, tensor<5x2xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x2xf32>) {
  // expected-error @+1 {{batch dimensions [2] and [3] do not broadcast}}
  %r = llm.matmul %a, %b : tensor<2x3x4xf32>, tensor<3x4x2xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<3x4xf32>, %b: tensor<4x2xbf16>) {
  // expected-error @+1 {{operands must share one element type, got 'f32' and 'bf16'}}
  %r = llm.matmul %a, %b : tensor<3x4xf32>, tensor<4x2xbf16>
  return
}

// -----

func.func @softmax_dim(%a: tensor<1x4x?x?xf32>) {
  // expected-error @+1 {{dim 4 is out of range for rank 4}}
  %r = llm.softmax %a dim 4 : tensor<1x4x?x?xf32>
  return
}

// -----

func.func @reduce_no_dims(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{needs at least one dim to reduce}}
  %r = llm.reduce_sum %a dims [] : tensor<2x3xf32>
  return
}

// -----

func.func @reduce_dim_range(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{dim 2 is out of range for rank 2}}
  %r = llm.reduce_max %a dims [2] : tensor<2x3xf32>
  return
}

// -----

func.func @reduce_dim_twice(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{dim 1 is listed twice}}
  %r = llm.reduce_mean %a dims [1, 1] : tensor<2x3xf32>
  return
}

// -----

func.func @reduce_mean_integer(%a: tensor<2x3xi64>) {
  // expected-error @+1 {{'llm.reduce_mean' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %r = llm.reduce_mean %a dims [1] : tensor<2x3xi64>
  return
}

// -----

func.func @reduce_min_negative(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{dim -1 is out of range for rank 2}}
  %r = llm.reduce_min %a dims [-1] : tensor<2x3xf32>
  return
}

// -----

func.func @argmax_dim(%a: tensor<1x1x512xf32>) {
  // expected-error @+1 {{dim 3 is out of range for rank 3}}
  %r = llm.argmax %a dim 3 : tensor<1x1x512xf32>
  return
}

// -----

func.func @reshape_elements(%a: tensor<1x?x64xf32>) {
  // expected-error @+1 {{'llm.reshape' op changes the number of elements: [1, ?, 64] holds 64 per dynamic index, [1, ?, 4, 8] holds 32}}
  %r = llm.reshape %a : tensor<1x?x64xf32> to tensor<1x?x4x8xf32>
  return
}

// -----

func.func @reshape_dynamic(%a: tensor<1x?x64xf32>) {
  // expected-error @+1 {{'llm.reshape' op must keep the dynamic dimensions: the input has 1, the result 0}}
  %r = llm.reshape %a : tensor<1x?x64xf32> to tensor<64x64xf32>
  return
}

// -----

func.func @reshape_type(%a: tensor<2x2xf32>) {
  // expected-error @+1 {{'llm.reshape' op cannot change the element type ('f32' to 'f16'); use llm.cast}}
  %r = llm.reshape %a : tensor<2x2xf32> to tensor<4xf16>
  return
}

// -----

func.func @transpose_permutation(%a: tensor<1x?x4x16xf32>) {
  // expected-error @+1 {{permutation [0, 2, 2, 3] is not a permutation of the 4 dimensions}}
  %r = llm.transpose %a [0, 2, 2, 3] : tensor<1x?x4x16xf32>
  return
}

// -----

func.func @transpose_length(%a: tensor<1x?x4x16xf32>) {
  // expected-error @+1 {{permutation [1, 0] is not a permutation of the 4 dimensions}}
  %r = llm.transpose %a [1, 0] : tensor<1x?x4x16xf32>
  return
}

// -----

func.func @concat_none() {
  // expected-error @+2 {{needs at least one input}}
  // expected-error @+1 {{'llm.concat' op failed to infer returned types}}
  %r = "llm.concat"() <{dim = 0 : i64}> : () -> tensor<1xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{inputs must have one rank, got 2 and 1}}
  %r = llm.concat %a, %b dim 0 : tensor<2x3xf32>, tensor<3xf32>
  return
}

// -----

func.func @concat_other_dim(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{inputs differ in dimension 1 (3 vs 4), which is not the concatenated one}}
  %r = llm.concat %a, %b dim 0 : tensor<2x3xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @concat_dim(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{dim 2 is out of range for rank 2}}
  %r = llm.concat %a, %a dim 2 : tensor<2x3xf32>, tensor<2x3xf32>
  return
}

// -----

func.func @concat_types(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error @+1 {{operands must share one element type, got 'f32' and 'f16'}}
  %r = llm.concat %a, %b dim 0 : tensor<2x3xf32>, tensor<2x3xf16>
  return
}

// -----

func.func @slice_counts(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op needs one start, limit and step per sliced dim (1)}}
  %r = llm.slice %a dims [1] starts [0, 0] limits [4] : tensor<4x8xf32> to tensor<4x8xf32>
  return
}

// -----

func.func @slice_result_rank(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op result rank 1 differs from the input rank 2}}
  %r = llm.slice %a dims [1] starts [0] limits [4] : tensor<4x8xf32> to tensor<4xf32>
  return
}

// -----

func.func @slice_dims(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op dims must be distinct dimensions in [0, 2), got [1, 1]}}
  %r = llm.slice %a dims [1, 1] starts [0, 0] limits [4, 4] : tensor<4x8xf32> to tensor<4x4xf32>
  return
}

// -----

func.func @slice_dim_range(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op dims must be distinct dimensions in [0, 2), got [2]}}
  %r = llm.slice %a dims [2] starts [0] limits [4] : tensor<4x8xf32> to tensor<4x8xf32>
  return
}

// -----

func.func @slice_step(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op step for dim 1 must be positive, got 0}}
  %r = llm.slice %a dims [1] starts [0] limits [8] steps [0] : tensor<4x8xf32> to tensor<4x8xf32>
  return
}

// -----

func.func @slice_size(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op result dimension 1 must be 2, got 3}}
  %r = llm.slice %a dims [1] starts [-2] limits [8] : tensor<4x8xf32> to tensor<4x3xf32>
  return
}

// -----

func.func @slice_unsliced_dim(%a: tensor<?x8xf32>) {
  // A dimension that is not sliced keeps its size, dynamic or not.
  // expected-error @+1 {{'llm.slice' op result dimension 0 must be ?, got 4}}
  %r = llm.slice %a dims [1] starts [0] limits [2] : tensor<?x8xf32> to tensor<4x2xf32>
  return
}

// -----

func.func @slice_dynamic_result(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op result dimension 0 must be 4, got ?}}
  %r = llm.slice %a dims [0] starts [0] limits [4] : tensor<4x8xf32> to tensor<?x8xf32>
  return
}

// -----

func.func @slice_type(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'llm.slice' op cannot change the element type ('f32' to 'bf16'); use llm.cast}}
  %r = llm.slice %a dims [0] starts [0] limits [4] : tensor<4x8xf32> to tensor<4x8xbf16>
  return
}

// -----

func.func @gather_dim(%a: tensor<4x8xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{dim 2 is out of range for rank 2}}
  %r = llm.gather %a[%i] dim 2 : tensor<4x8xf32>, tensor<2xi64>
  return
}

// -----

func.func @broadcast_rank(%a: tensor<1x4x8xf32>) {
  // expected-error @+1 {{'llm.broadcast_to' op cannot broadcast rank 3 to the lower rank 2}}
  %r = llm.broadcast_to %a : tensor<1x4x8xf32> to tensor<4x8xf32>
  return
}

// -----

func.func @broadcast_dynamic(%a: tensor<1x1x8xf32>) {
  // expected-error @+1 {{'llm.broadcast_to' op result dimension 1 is dynamic but its input dimension is not}}
  %r = llm.broadcast_to %a : tensor<1x1x8xf32> to tensor<1x?x8xf32>
  return
}

// -----

func.func @broadcast_size(%a: tensor<1x3x8xf32>) {
  // expected-error @+1 {{'llm.broadcast_to' op input dimension of size 3 cannot broadcast to 4 (result dimension 1)}}
  %r = llm.broadcast_to %a : tensor<1x3x8xf32> to tensor<1x4x8xf32>
  return
}

// -----

func.func @broadcast_type(%a: tensor<1x3x8xf32>) {
  // expected-error @+1 {{'llm.broadcast_to' op cannot change the element type ('f32' to 'f16'); use llm.cast}}
  %r = llm.broadcast_to %a : tensor<1x3x8xf32> to tensor<1x3x8xf16>
  return
}

// -----

func.func @dim_range(%x: tensor<1x?xf32>) {
  // expected-error @+1 {{dim 2 is out of range for rank 2}}
  %d = llm.dim %x [2] : tensor<1x?xf32>
  return
}

// -----

func.func @iota_count(%n: tensor<1xi64>) {
  // expected-error @+1 {{count must be a 0-D tensor, got 'tensor<1xi64>'}}
  %p = llm.iota %n : tensor<1xi64>
  return
}

// -----

func.func @reshape_shape_entries(%x: tensor<?x64xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{'llm.reshape' op needs a shape operand of 2 entries (the result rank), got 'tensor<3xi64>'}}
  %r = llm.reshape %x, %s : tensor<?x64xf32>, tensor<3xi64> to tensor<?x64xf32>
  return
}

// -----

func.func @reshape_shape_elements(%x: tensor<2x64xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'llm.reshape' op changes the number of elements: [2, 64] to [2, 32]}}
  %r = llm.reshape %x, %s : tensor<2x64xf32>, tensor<2xi64> to tensor<2x32xf32>
  return
}

// -----

func.func @broadcast_shape_entries(%x: tensor<f32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.broadcast_to' op needs a shape operand of 2 entries (the result rank), got 'tensor<1xi64>'}}
  %r = llm.broadcast_to %x, %s : tensor<f32>, tensor<1xi64> to tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_slice_bounds(%x: tensor<4x8xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op needs starts and limits of one entry per sliced dim (1), got 'tensor<2xi64>'}}
  %r = llm.dynamic_slice %x, %s, %s dims [1] : tensor<4x8xf32>, tensor<2xi64>, tensor<2xi64> to tensor<4x?xf32>
  return
}

// -----

func.func @dynamic_slice_steps(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op needs one step per sliced dim (1)}}
  %r = llm.dynamic_slice %x, %s, %s dims [1] steps [1, 1] : tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64> to tensor<4x?xf32>
  return
}

// -----

func.func @dynamic_slice_step_sign(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op steps must be positive}}
  %r = llm.dynamic_slice %x, %s, %s dims [1] steps [0] : tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64> to tensor<4x?xf32>
  return
}

// -----

func.func @dynamic_slice_rank(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op result rank 1 differs from the input rank 2}}
  %r = llm.dynamic_slice %x, %s, %s dims [1] : tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64> to tensor<?xf32>
  return
}

// -----

func.func @dynamic_slice_dims(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op dims must be distinct dimensions in [0, 2), got [2]}}
  %r = llm.dynamic_slice %x, %s, %s dims [2] : tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64> to tensor<4x?xf32>
  return
}

// -----

func.func @dynamic_slice_unsliced(%x: tensor<4x8xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'llm.dynamic_slice' op result dimension 0 is not sliced and must stay [4]}}
  %r = llm.dynamic_slice %x, %s, %s dims [1] : tensor<4x8xf32>, tensor<1xi64>, tensor<1xi64> to tensor<3x?xf32>
  return
}

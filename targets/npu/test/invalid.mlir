// The npu dialect's verifiers: the same rules as the artifact loader
// (targets/npu/Runtime/Rules.h), each with the place at fault.
// RUN: llmc-opt %s -split-input-file -verify-diagnostics

func.func @bad_memory() {
  // expected-error @+1 {{unknown memory 'l2' (weights, cache, io, scratch, const, sram)}}
  %t = npu.copy #npu.view<memory = "l2", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @bad_rank() {
  // expected-error @+1 {{a view has 1 to 4 dimensions and a stride for each}}
  %t = npu.copy #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = f16, shape = [4, 4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @bad_type() {
  // expected-error @+1 {{element type 'bf16' is not one of f16, f32, i8, i32, i64, i1}}
  %t = npu.copy #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = bf16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @copy_into_weights() {
  // expected-error @+1 {{'npu.copy' op memory Weights is read-only}}
  %t = npu.copy #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "weights", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @copy_counts() {
  // expected-error @+1 {{'npu.copy' op a copy moves elements of one type between views of as many}}
  %t = npu.copy #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [5], strides = [1]>
  return
}

// -----

func.func @matmul_shapes() {
  // expected-error @+1 {{'npu.matmul' op matmul shapes do not agree}}
  %t = npu.matmul #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>,
                  #npu.view<memory = "sram", offset = 16, reg = -1, scale = 0, type = f16, shape = [3, 2], strides = [2, 1]>
             -> #npu.view<memory = "sram", offset = 32, reg = -1, scale = 0, type = f16, shape = [2, 2], strides = [2, 1]>
  return
}

// -----

func.func @vector_in_dram() {
  // expected-error @+1 {{'npu.vector' op the matrix and vector units read and write SRAM only}}
  %t = npu.vector "exp" #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @vector_kind() {
  // expected-error @+1 {{'npu.vector' op unknown vector operation 'tanh'}}
  %t = npu.vector "tanh" #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 8, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @vector_operand() {
  // expected-error @+1 {{'npu.vector' op vector add is missing an operand}}
  %t = npu.vector "add" #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 8, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

// -----

func.func @reduce_shape() {
  // expected-error @+1 {{'npu.reduce' op a reduction reads floats and writes them with its last dimension 1}}
  %t = npu.reduce "sum" #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
             -> #npu.view<memory = "sram", offset = 16, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
  return
}

// -----

func.func @scalar_load() {
  // expected-error @+1 {{'npu.scalar' op a load reads one i64 of the io memory or the sram (source)}}
  %t = npu.scalar "load" 0 {source = #npu.view<memory = "weights", offset = 0, reg = -1, scale = 0, type = i64, shape = [1], strides = [1]>}
  return
}

// -----

func.func @register() {
  // expected-error @+1 {{register s16 does not exist}}
  %t = npu.copy #npu.view<memory = "io", offset = 0, reg = 16, scale = 8, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
  return
}

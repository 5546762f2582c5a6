// The npu dialect: one op per command of docs/npu.md, a token per command
// that later ones wait on, views as attributes. It prints and parses back.
// RUN: llmc-opt %s | FileCheck %s
// RUN: llmc-opt %s | llmc-opt | FileCheck %s

// CHECK-LABEL: func.func @add
// CHECK:       %[[L:.*]] = npu.scalar "load" 0 {source = #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = i64, shape = [1], strides = [1]>}
// (An op's own view operands print without the #npu.view prefix.)
// CHECK:       %[[A:.*]] = npu.copy <memory = "io", offset = 8, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]> -> <memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]> after(%[[L]]) {rows = 0 : i64}
// CHECK:       %[[B:.*]] = npu.copy {{.*}} {engine = 1 : i64}
// CHECK:       %[[S:.*]] = npu.vector "add" {{.*}} after(%[[A]], %[[B]]) {src1 = #npu.view<memory = "sram", offset = 16
// CHECK:       npu.matmul {{.*}} {transpose_b}
// CHECK:       npu.reduce "max"
// CHECK:       npu.vector "compare" {{.*}} {comparison = "lt", scalar = 0.000000e+00 : f64, scalar_reg = 0 : i64}
func.func @add() {
  %l = npu.scalar "load" 0 {source = #npu.view<memory = "io", offset = 0, reg = -1, scale = 0, type = i64, shape = [1], strides = [1]>}
  %a = npu.copy #npu.view<memory = "io", offset = 8, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
             -> #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]> after(%l) {rows = 0 : i64}
  %b = npu.copy #npu.view<memory = "weights", offset = 0, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 16, reg = -1, scale = 0, type = f16, shape = [4], strides = [1]> {engine = 1 : i64}
  %s = npu.vector "add" #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
             -> #npu.view<memory = "sram", offset = 32, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]> after(%a, %b)
             {src1 = #npu.view<memory = "sram", offset = 16, reg = -1, scale = 0, type = f16, shape = [1, 4], strides = [4, 1]>}
  %m = npu.matmul #npu.view<memory = "sram", offset = 32, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>,
                  #npu.view<memory = "sram", offset = 0, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
             -> #npu.view<memory = "sram", offset = 64, reg = -1, scale = 0, type = f32, shape = [2, 2], strides = [2, 1]> after(%s) {transpose_b}
  %r = npu.reduce "max" #npu.view<memory = "sram", offset = 32, reg = -1, scale = 0, type = f16, shape = [2, 4], strides = [4, 1]>
             -> #npu.view<memory = "sram", offset = 80, reg = -1, scale = 0, type = f16, shape = [2, 1], strides = [1, 1]> after(%s)
  %c = npu.vector "compare" #npu.view<memory = "sram", offset = 96, reg = -1, scale = 0, type = i64, shape = [4], strides = [1]>
             -> #npu.view<memory = "sram", offset = 128, reg = -1, scale = 0, type = i1, shape = [4], strides = [1]> after(%l)
             {comparison = "lt", scalar = 0.0, scalar_reg = 0 : i64}
  return
}

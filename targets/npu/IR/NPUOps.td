//===- NPUOps.td - one op per command of docs/npu.md -------*- tablegen -*-===//
#ifndef LLMC_TARGETS_NPU_IR_NPUOPS_TD
#define LLMC_TARGETS_NPU_IR_NPUOPS_TD

include "IR/NPUDialect.td"
include "mlir/IR/BuiltinAttributes.td"

class NPU_Command<string mnemonic, list<Trait> traits = []>
    : Op<NPU_Dialect, mnemonic, traits> {
  // Every command waits on earlier commands' tokens and gives its own.
  let results = (outs NPU_Token:$done);
  let hasVerifier = 1;
}

def NPU_CopyOp : NPU_Command<"copy"> {
  let summary = "DMA: elements of one view into another";
  let description = [{
    The `copy` command (docs/npu.md) on DMA engine `engine`: the elements of
    `src` into `dst`, one element type, as many elements; with `rows`, only
    the first `min(rows, s[rows])` indices of the first dimension (the views
    then have one shape).

    ```mlir
    %t = npu.copy #npu.view<...> -> #npu.view<...> after(%a, %b) {engine = 1 : i64}
    ```
  }];
  let arguments = (ins Variadic<NPU_Token>:$waits, NPU_ViewAttr:$src, NPU_ViewAttr:$dst,
                       DefaultValuedAttr<I64Attr, "0">:$engine,
                       DefaultValuedAttr<I64Attr, "-1">:$rows);
  let assemblyFormat = [{
    $src `->` $dst (`after` `(` $waits^ `)`)? attr-dict
  }];
}

def NPU_MatMulOp : NPU_Command<"matmul"> {
  let summary = "matrix unit: c (+)= a x b";
  let description = [{
    The `matmul` command: `c[m, n] (=|+=) sum_k a[m, k] * b[k, n]`, `b` read
    transposed (`[n, k]`) with `transpose_b`; `a`, `b` f16, `c` in the
    device's accumulation type; all in `sram`.
  }];
  let arguments = (ins Variadic<NPU_Token>:$waits, NPU_ViewAttr:$a, NPU_ViewAttr:$b,
                       NPU_ViewAttr:$c, UnitAttr:$transpose_b, UnitAttr:$accumulate);
  let assemblyFormat = [{
    $a `,` $b `->` $c (`after` `(` $waits^ `)`)? attr-dict
  }];
}

def NPU_VectorOp : NPU_Command<"vector"> {
  let summary = "vector unit: an elementwise operation";
  let description = [{
    The `vector` command: `kind` is add, sub, mul, max, min, exp,
    reciprocal, rsqrt, compare (with `comparison`: eq, ne, lt, le, gt, ge),
    select or convert, over `dst`'s shape; `src1`/`src2` broadcast along
    dimensions of size 1; `scalar` (or the register `scalar_reg`) as the
    second operand. All views in `sram`.
  }];
  let arguments = (ins Variadic<NPU_Token>:$waits, StrAttr:$kind, NPU_ViewAttr:$dst,
                       NPU_ViewAttr:$src0, OptionalAttr<NPU_ViewAttr>:$src1,
                       OptionalAttr<NPU_ViewAttr>:$src2, OptionalAttr<F64Attr>:$scalar,
                       DefaultValuedAttr<I64Attr, "-1">:$scalar_reg,
                       DefaultValuedAttr<StrAttr, "\"eq\"">:$comparison);
  let assemblyFormat = [{
    $kind $src0 `->` $dst (`after` `(` $waits^ `)`)? attr-dict
  }];
}

def NPU_ReduceOp : NPU_Command<"reduce"> {
  let summary = "vector unit: sum or max along the last dimension";
  let arguments = (ins Variadic<NPU_Token>:$waits, StrAttr:$kind, NPU_ViewAttr:$src,
                       NPU_ViewAttr:$dst);
  let assemblyFormat = [{
    $kind $src `->` $dst (`after` `(` $waits^ `)`)? attr-dict
  }];
}

def NPU_ScalarOp : NPU_Command<"scalar"> {
  let summary = "scalar unit: a register from an immediate, io or registers";
  let description = [{
    `s[dst] = a <kind> b` for add, mul, min, max (`b` the immediate when
    `b` is -1); set: `s[dst] = immediate`; load: the i64 at `source` (a
    view of one i64 in `io`).
  }];
  let arguments = (ins Variadic<NPU_Token>:$waits, StrAttr:$kind, I64Attr:$dst,
                       DefaultValuedAttr<I64Attr, "-1">:$a, DefaultValuedAttr<I64Attr, "-1">:$b,
                       DefaultValuedAttr<I64Attr, "0">:$immediate,
                       OptionalAttr<NPU_ViewAttr>:$source);
  let assemblyFormat = [{
    $kind $dst (`after` `(` $waits^ `)`)? attr-dict
  }];
}

#endif // LLMC_TARGETS_NPU_IR_NPUOPS_TD

//===- NPUDialect.td - the reference NPU's commands as IR --*- tablegen -*-===//
//
// The `npu` dialect is the command set of docs/npu.md as MLIR: one op per
// command, a token per command that later commands wait on, tensor views
// as attributes. The lowering from `llm` programs produces it (lit-testable
// there: tiling and DMA are visible), and the target's emitter writes it as
// the artifact's command streams. docs/npu.md is the definition; the ops
// here say which command they are and check what the loader checks.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_IR_NPUDIALECT_TD
#define LLMC_TARGETS_NPU_IR_NPUDIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"

def NPU_Dialect : Dialect {
  let name = "npu";
  let summary = "the reference NPU's commands (docs/npu.md)";
  let cppNamespace = "::llmc::npu";
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

def NPU_Token : TypeDef<NPU_Dialect, "Token"> {
  let mnemonic = "token";
  let summary = "the completion of a command, which later commands wait on";
}

def NPU_ViewAttr : AttrDef<NPU_Dialect, "View"> {
  let mnemonic = "view";
  let summary = "a tensor view: memory, address, element type, shape, strides";
  let description = [{
    `offset` bytes into `memory` (`weights`, `cache`, `io`, `scratch`,
    `const` or `sram`), plus `s[reg] * scale` when `reg` is a scalar
    register (0..15; -1: none); `shape` and `strides` (in elements) of 1 to
    4 dimensions; `type` one of f16, f32, i8, i32, i64, i1.

    ```mlir
    #npu.view<memory = "sram", offset = 128, reg = -1, scale = 0, type = f16,
              shape = [4, 8], strides = [8, 1]>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"memory">:$memory,
    "int64_t":$offset,
    "int64_t":$reg,
    "int64_t":$scale,
    "::mlir::Type":$type,
    ArrayRefParameter<"int64_t">:$shape,
    ArrayRefParameter<"int64_t">:$strides
  );
  let assemblyFormat = [{
    `<` `memory` `=` $memory `,` `offset` `=` $offset `,` `reg` `=` $reg `,` `scale` `=` $scale
    `,` `type` `=` $type `,` `shape` `=` `[` $shape `]` `,` `strides` `=` `[` $strides `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The number of elements.
    int64_t getCount() const;
    /// Bytes per element.
    int64_t getElementBytes() const;
  }];
}

#endif // LLMC_TARGETS_NPU_IR_NPUDIALECT_TD

//===- LLMModelOps.td - weights and constants --------------*- tablegen -*-===//
//
// Where the numbers of a model come from: named tensors of an external
// weights file, or (for tiny test modules) constants inlined in the IR.
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMMODELOPS_TD
#define LLMC_DIALECT_LLM_IR_LLMMODELOPS_TD

include "mlir/IR/OpAsmInterface.td"

def LLM_WeightOp : LLM_KnownOp<"weight",
    [Pure, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "a tensor read from the module's weights file";
  let description = [{
    Produces the tensor called `name` in the weights file named by the
    enclosing module's `llm.weights` attribute (a string path, relative to
    the directory of the `.mlir` file; a safetensors file or a
    `model.safetensors.index.json` of a sharded checkpoint). Names are the
    checkpoint's own tensor names, so an imported module can be read next to
    its Hugging Face checkpoint.

    The printed value is named after the tensor (`%model.norm.weight`), so
    imported IR reads like the checkpoint.

    The result type states the shape and the element type the program uses.
    The stored tensor must have the same shape; its stored element type may
    differ among f32/f16/bf16, in which case the value is converted with
    round-to-nearest-even when loaded (this is how `--dtype` works without
    rewriting the checkpoint). The same name may be read any number of
    times (a tied LM head reads the embedding table again); every read
    yields the same value.

    ```mlir
    module attributes {llm.weights = "model.safetensors"} {
      ...
      %w = llm.weight "model.layers.0.mlp.up_proj.weight" : tensor<256x64xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs LLM_WeightTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LLM_ConstantOp : LLM_KnownOp<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "a tensor given inline";
  let description = [{
    Produces `value`. Meant for small tensors (test modules, masks, shape
    constants); a model's weights belong in the weights file (`llm.weight`)
    so that the IR of a 1B-parameter model stays a few hundred kilobytes.

    ```mlir
    %c = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let builders = [
    // A 0-D float constant (a scale, a floor) of element type `elementType`.
    OpBuilder<(ins "::mlir::Type":$elementType, "double":$value), [{
      auto type = ::mlir::RankedTensorType::get({}, elementType);
      build($_builder, $_state, type,
            ::mlir::DenseElementsAttr::get(type, $_builder.getFloatAttr(elementType, value)));
    }]>
  ];
}

#endif // LLMC_DIALECT_LLM_IR_LLMMODELOPS_TD

//===- LLMOps.td - llm dialect operations ------------------*- tablegen -*-===//
//
// Every op of the `llm` dialect. The description of each op is normative:
// it is what the reference executor implements and what passes and targets
// are checked against.
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMOPS_TD
#define LLMC_DIALECT_LLM_IR_LLMOPS_TD

include "llmc/Dialect/LLM/IR/LLMBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

include "llmc/Dialect/LLM/IR/LLMModelOps.td"
include "llmc/Dialect/LLM/IR/LLMTransformerOps.td"
include "llmc/Dialect/LLM/IR/LLMTensorOps.td"

#endif // LLMC_DIALECT_LLM_IR_LLMOPS_TD

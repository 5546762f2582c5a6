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
include "llmc/Dialect/LLM/IR/LLMInterfaces.td"

// The base class of every op below: an LLM_Op that states what analyses
// and reports need to know of it (LLMInterfaces.td): its FLOPs
// (countFlops, LLMOpFlops.cpp) and its range rule (transferRange,
// LLMOpRanges.cpp). Neither has a default, so an op that does not state
// them does not link, and LLMInterfaces.cpp refuses to compile when an op
// of the dialect is not derived from this class.
class LLM_KnownOp<string mnemonic, list<Trait> traits = []>
    : LLM_Op<mnemonic, !listconcat(traits, [
          DeclareOpInterfaceMethods<LLM_FlopCountOpInterface>,
          DeclareOpInterfaceMethods<LLM_RangeTransferOpInterface>])>;

include "llmc/Dialect/LLM/IR/LLMModelOps.td"
include "llmc/Dialect/LLM/IR/LLMTransformerOps.td"
include "llmc/Dialect/LLM/IR/LLMTensorOps.td"
include "llmc/Dialect/LLM/IR/LLMFusionOps.td"

#endif // LLMC_DIALECT_LLM_IR_LLMOPS_TD

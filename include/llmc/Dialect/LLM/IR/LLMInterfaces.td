//===- LLMInterfaces.td - what passes know of each op ------*- tablegen -*-===//
//
// The per-op knowledge that analyses and reports need, stated by each op
// instead of in a TypeSwitch per pass. Every llm op implements every
// interface here (LLM_KnownOp in LLMOps.td attaches them; none has a
// default implementation, so an op that does not state its rule does not
// build). The implementations are in lib/Dialect/LLM/IR/LLMOpFlops.cpp and
// LLMOpRanges.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMINTERFACES_TD
#define LLMC_DIALECT_LLM_IR_LLMINTERFACES_TD

include "mlir/IR/OpBase.td"

def LLM_FlopCountOpInterface : OpInterface<"FlopCountOpInterface"> {
  let cppNamespace = "::llmc::llm";
  let description = [{
    The floating-point operations one execution of the op performs, for
    reports that compare programs (llm-static-shapes' FLOPs report). The
    rule every op follows:

    * a multiply-add counts 2 (linear, matmul, attention's scores and
      weighted sum, latent attention in its naive form, decompression
      included);
    * every other computing op counts 1 per result element (activations,
      norms, RoPE, softmax, elementwise arithmetic, comparisons,
      reductions: a few flops per element, small beside the products);
    * data movement (reshape, transpose, slice, concat, gather, broadcast,
      embedding, cache writes, cast) and constants, weights and shape
      queries count 0.

    Shapes are static: a dynamic result or operand makes the count
    meaningless (a dynamic result counts as 0 elements).
  }];
  let methods = [
    InterfaceMethod<
      "The FLOPs of one execution of this op (its shapes static).",
      "double", "countFlops">,
  ];
}

def LLM_RangeTransferOpInterface : OpInterface<"RangeTransferOpInterface"> {
  let cppNamespace = "::llmc::llm";
  let description = [{
    The op's step of the FP16 range analysis (ValueRanges): an interval
    that holds for every element of the op's (single) result whenever each
    operand lies in the interval the context gives for it. The interval
    must be sound, not tight: an op that cannot bound its result returns
    `Interval::unknown()`, which makes every consumer report a hazard
    conservatively. The context (RangeTransferContext in LLMInterfaces.h)
    gives the operands' intervals and what the weights file says about a
    weight (its values' range, the largest L1 norm of one output of a
    linear weight).
  }];
  let methods = [
    InterfaceMethod<
      "The interval of this op's result, from its operands' intervals.",
      "::llmc::llm::Interval", "transferRange",
      (ins "const ::llmc::llm::RangeTransferContext &":$context)>,
  ];
}

#endif // LLMC_DIALECT_LLM_IR_LLMINTERFACES_TD

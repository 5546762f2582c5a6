//===- LLMInterfaces.cpp - what passes know of each op --------------------===//
//
// The interfaces' definitions, and the check that every op of the dialect
// implements them: an op not derived from LLM_KnownOp (LLMOps.td) stops
// this file from compiling, naming the op.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMInterfaces.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;

#include "llmc/Dialect/LLM/IR/LLMInterfaces.cpp.inc"

namespace {

template <typename Op>
constexpr bool statesItsRules() {
  static_assert(Op::template hasTrait<FlopCountOpInterface::Trait>(),
                "every llm op implements FlopCountOpInterface: derive it from LLM_KnownOp "
                "(LLMOps.td) and define its countFlops in LLMOpFlops.cpp");
  static_assert(Op::template hasTrait<RangeTransferOpInterface::Trait>(),
                "every llm op implements RangeTransferOpInterface: derive it from LLM_KnownOp "
                "(LLMOps.td) and define its transferRange in LLMOpRanges.cpp");
  return true;
}

template <typename... Ops>
constexpr bool allStateTheirRules() {
  return (statesItsRules<Ops>() && ...);
}

static_assert(allStateTheirRules<
#define GET_OP_LIST
#include "llmc/Dialect/LLM/IR/LLMOps.cpp.inc"
              >());

} // namespace

double llmc::llm::sizeBound(int64_t size) {
  return ShapedType::isDynamic(size) ? INFINITY : double(size);
}

double llmc::llm::lastDimBound(Value value) {
  return sizeBound(cast<RankedTensorType>(value.getType()).getShape().back());
}

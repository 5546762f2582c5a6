//===- FromWeights.cpp - values computed from weights alone ---------------===//
#include "llmc/Dialect/LLM/IR/FromWeights.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

bool llmc::llm::isComputedFromWeights(Value v, llvm::DenseMap<Value, bool> &memo,
                                      llvm::function_ref<bool(Operation *)> accept) {
  if (auto it = memo.find(v); it != memo.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  bool result = false;
  if (op && isa<WeightOp, ConstantOp>(op))
    result = true;
  else if (op && op->getNumRegions() == 0 && op->getNumOperands() > 0 && isPure(op) &&
           (!accept || accept(op)))
    result = llvm::all_of(op->getOperands(), [&](Value operand) {
      return isComputedFromWeights(operand, memo, accept);
    });
  memo[v] = result;
  return result;
}

//===- FlopCount.cpp - arithmetic of a static program ---------------------===//
#include "FlopCount.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace llmc::llm;

double llmc::llm::countFlops(Operation *op) {
  if (auto counted = dyn_cast<FlopCountOpInterface>(op))
    return counted.countFlops();
  if (isa<func::ReturnOp>(op))
    return 0.0;
  llvm::report_fatal_error(llvm::Twine("countFlops: '") + op->getName().getStringRef() +
                           "' does not implement FlopCountOpInterface");
}

double llmc::llm::countFlops(func::FuncOp function) {
  double total = 0.0;
  function.walk([&](Operation *op) {
    if (op != function.getOperation())
      total += countFlops(op);
  });
  return total;
}

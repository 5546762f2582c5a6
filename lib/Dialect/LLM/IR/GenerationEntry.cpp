//===- GenerationEntry.cpp - a model's dynamic entry point ----------------===//
#include "llmc/Dialect/LLM/IR/GenerationEntry.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

using namespace mlir;
using namespace llmc::llm;

namespace {

bool hasRank(Type type, int64_t rank) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == rank;
}

/// (ids, `leading` - 1 more, caches...) -> (logits, caches...).
bool isGenerationSignature(FunctionType type, unsigned leading) {
  if (type.getNumInputs() < leading || type.getNumResults() != type.getNumInputs() - leading + 1)
    return false;
  for (Type input : type.getInputs().take_front(leading))
    if (!hasRank(input, 2))
      return false;
  return hasRank(type.getResult(0), 3);
}

} // namespace

std::optional<int64_t> llmc::llm::cacheAppendAxis(Operation *user, Value cache) {
  if (auto append = dyn_cast<KVAppendOp>(user); append && append.getCache() == cache)
    return 2;
  if (auto concat = dyn_cast<ConcatOp>(user);
      concat && concat.getInputs().size() == 2 && concat.getInputs()[0] == cache)
    return concat.getDim();
  return std::nullopt;
}

std::optional<int64_t> GenerationEntry::cacheSequenceAxis(unsigned i) const {
  std::optional<int64_t> axis;
  for (Operation *user : cache(i).getUsers()) {
    std::optional<int64_t> appended = cacheAppendAxis(user, cache(i));
    if (!appended)
      continue;
    if (axis && *axis != *appended)
      return std::nullopt;
    axis = appended;
  }
  return axis;
}

bool llmc::llm::isForwardSignature(FunctionType type) { return isGenerationSignature(type, 2); }

bool llmc::llm::isMainSignature(FunctionType type) { return isGenerationSignature(type, 1); }

std::optional<GenerationEntry> llmc::llm::lookupGenerationEntry(ModuleOp module) {
  if (auto forward = module.lookupSymbol<func::FuncOp>("forward"))
    return isForwardSignature(forward.getFunctionType())
               ? std::optional(GenerationEntry{forward, 2})
               : std::nullopt;
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    if (isMainSignature(main.getFunctionType()))
      return GenerationEntry{main, 1};
  return std::nullopt;
}

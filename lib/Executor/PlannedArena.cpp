//===- PlannedArena.cpp - a planned program's pools as bytes --------------===//
#include "PlannedArena.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"

#include <cassert>
#include <cstring>

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

std::optional<PlannedArena> PlannedArena::forProgram(func::FuncOp function) {
  auto module = function->getParentOfType<ModuleOp>();
  std::optional<llm::MemoryPools> pools = module ? llm::getMemoryPools(module) : std::nullopt;
  if (!pools || !function->hasAttr(llm::LLMDialect::getMemoryPlanAttrName()))
    return std::nullopt;
  PlannedArena arena;
  for (auto &[name, size] : pools->sizes)
    arena.pools[name].assign(size, 0);
  return arena;
}

bool PlannedArena::holds(Value v) const { return bool(llm::getBuffer(v)); }

/// The element type `v`'s buffer holds.
static DType storedType(Value v) {
  return dtypeOf(cast<RankedTensorType>(v.getType()).getElementType()).value_or(DType::F32);
}

void PlannedArena::store(Value v, const ref::Tensor &value) {
  llm::BufferAttr buffer = llm::getBuffer(v);
  std::vector<char> bytes = value.toBytes(storedType(v));
  // The verifier checked offset + size against the pool, and the size
  // against the type.
  std::vector<char> &pool = pools[buffer.getPool().str()];
  assert(int64_t(bytes.size()) == buffer.getSize() &&
         buffer.getOffset() + buffer.getSize() <= int64_t(pool.size()));
  std::memcpy(pool.data() + buffer.getOffset(), bytes.data(), bytes.size());
  storedAs[v] = value.dtype();
}

ref::Tensor PlannedArena::load(Value v) const {
  llm::BufferAttr buffer = llm::getBuffer(v);
  const std::vector<char> &pool = pools.at(buffer.getPool().str());
  auto type = cast<RankedTensorType>(v.getType());
  DType stored = storedType(v);
  auto as = storedAs.find(v);
  return ref::Tensor::fromBytes(stored, as == storedAs.end() ? stored : as->second, type.getShape(),
                                pool.data() + buffer.getOffset());
}

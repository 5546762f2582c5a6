//===- PlannedArena.cpp - a planned program's pools as bytes --------------===//
#include "PlannedArena.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"

#include <cstring>

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

/// The element type `v`'s buffer holds.
static DType storedType(Value v) {
  return dtypeOf(cast<RankedTensorType>(v.getType()).getElementType()).value_or(DType::F32);
}

std::optional<PlannedArena> PlannedArena::forProgram(func::FuncOp function,
                                                     runtime::RunError &error) {
  auto module = function->getParentOfType<ModuleOp>();
  std::optional<llm::MemoryPools> pools = module ? llm::getMemoryPools(module) : std::nullopt;
  if (!pools || !function->hasAttr(llm::LLMDialect::getMemoryPlanAttrName()) ||
      function.getBody().empty())
    return std::nullopt;
  // Only the bytes this program's buffers reach (a pool may be larger, and
  // the verifier kept every buffer inside its pool).
  std::map<std::string, int64_t> needed;
  auto reach = [&](Value v) {
    if (llm::BufferAttr b = llm::getBuffer(v); b && pools->sizes.count(b.getPool().str()))
      needed[b.getPool().str()] =
          std::max(needed[b.getPool().str()], b.getOffset() + b.getSize());
  };
  Block &body = function.getBody().front();
  for (BlockArgument arg : body.getArguments())
    reach(arg);
  for (Operation &op : body)
    for (Value v : op.getResults())
      reach(v);
  PlannedArena arena;
  for (auto &[name, size] : needed) {
    if (size > pools->sizes[name]) {
      error = {runtime::RunError::BadInput, "@" + function.getSymName().str() +
                                                ": a buffer lies outside pool '" + name + "'"};
      return std::nullopt;
    }
    // The caches are written whole on entry; scratch starts as poison (NaN
    // as f32 and f16, a large negative integer).
    bool cache = name == llm::kCachePool;
    char *bytes = static_cast<char *>(cache ? std::calloc(std::max<int64_t>(1, size), 1)
                                            : std::malloc(std::max<int64_t>(1, size)));
    if (!bytes) {
      error = {runtime::RunError::BadInput, "@" + function.getSymName().str() + ": cannot allocate the " +
                                                std::to_string(size) + " bytes of pool '" + name +
                                                "'"};
      return std::nullopt;
    }
    if (!cache)
      std::memset(bytes, 0xff, size);
    arena.pools[name] = {std::unique_ptr<char, Free>(bytes), size};
  }
  return arena;
}

bool PlannedArena::holds(Value v) const {
  llm::BufferAttr buffer = llm::getBuffer(v);
  if (!buffer)
    return false;
  auto pool = pools.find(buffer.getPool().str());
  return pool != pools.end() && buffer.getOffset() <= pool->second.size - buffer.getSize() &&
         buffer.getSize() == llm::bytesOf(v.getType());
}

void PlannedArena::store(Value v, const ref::Tensor &value) {
  llm::BufferAttr buffer = llm::getBuffer(v);
  std::vector<char> bytes = value.toBytes(storedType(v));
  Pool &pool = pools.at(buffer.getPool().str());
  std::memcpy(pool.bytes.get() + buffer.getOffset(), bytes.data(),
              std::min<size_t>(bytes.size(), buffer.getSize()));
  storedAs[v] = value.dtype();
}

ref::Tensor PlannedArena::load(Value v) const {
  llm::BufferAttr buffer = llm::getBuffer(v);
  const Pool &pool = pools.at(buffer.getPool().str());
  auto type = cast<RankedTensorType>(v.getType());
  DType stored = storedType(v);
  auto as = storedAs.find(v);
  return ref::Tensor::fromBytes(stored, as == storedAs.end() ? stored : as->second,
                                type.getShape(), pool.bytes.get() + buffer.getOffset());
}

//===- MemoryPlan.cpp - where a static program's values live --------------===//
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"

#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace llmc::llm;

bool llmc::llm::isMemoryPool(StringRef name) {
  return name == kCachePool || name == kIOPool || name == kDRAMPool || name == kSRAMPool;
}

int64_t llmc::llm::bytesOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() ||
      !isa<IntegerType, FloatType>(tensor.getElementType()))
    return 0;
  int64_t bits = std::max<int64_t>(8, tensor.getElementTypeBitWidth());
  return tensor.getNumElements() * (bits / 8);
}

std::optional<int64_t> llmc::llm::viewOffset(Operation *op) {
  if (isa<ReshapeOp>(op))
    return op->getNumOperands() == 1 ? std::optional<int64_t>(0) : std::nullopt;
  auto slice = dyn_cast<SliceOp>(op);
  if (!slice)
    return std::nullopt;
  auto in = dyn_cast<RankedTensorType>(slice.getInput().getType());
  auto out = dyn_cast<RankedTensorType>(slice.getType());
  if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape())
    return std::nullopt;
  if (auto steps = slice.getSteps())
    if (llvm::any_of(*steps, [](int64_t s) { return s != 1; }))
      return std::nullopt;
  // Contiguous: the dimensions after the first cut one are whole, the ones
  // before it hold one row.
  int64_t rank = in.getRank(), cut = rank;
  for (int64_t d = 0; d < rank; ++d)
    if (in.getDimSize(d) != out.getDimSize(d)) {
      cut = d;
      break;
    }
  if (cut == rank)
    return 0; // the whole input
  for (int64_t d = cut + 1; d < rank; ++d)
    if (in.getDimSize(d) != out.getDimSize(d))
      return std::nullopt;
  for (int64_t d = 0; d < cut; ++d)
    if (out.getDimSize(d) != 1)
      return std::nullopt;
  int64_t start = 0;
  for (auto [dim, s] : llvm::zip(slice.getDims(), slice.getStarts()))
    if (dim == cut) {
      int64_t n = in.getDimSize(cut);
      start = std::clamp<int64_t>(s < 0 ? n + s : s, 0, n);
    }
  int64_t stride = 1;
  for (int64_t d = cut + 1; d < rank; ++d)
    stride *= in.getDimSize(d);
  return start * stride * (bytesOf(in) / std::max<int64_t>(1, in.getNumElements()));
}

bool llmc::llm::mayWriteInPlace(Operation *op, Value operand) {
  return op->getNumResults() == 1 && isBroadcastingElementwise(op) &&
         operand.getType() == op->getResult(0).getType();
}

ProgramBuffers
llmc::llm::analyzeBuffers(func::FuncOp program,
                          llvm::function_ref<bool(Operation *, Value)> writesInPlace) {
  ProgramBuffers pb;
  Block &body = program.getBody().front();
  llvm::DenseMap<Operation *, int64_t> &stepOf = pb.stepOf;
  int64_t step = 0;
  for (Operation &op : body)
    stepOf[&op] = ++step;
  pb.lastStep = step;

  // Each value's last read, through the views made of it (a view's reads
  // read its source's bytes). Uses nested in a group are the group's.
  llvm::DenseMap<Value, int64_t> lastRead;
  auto topLevel = [&](Operation *user) { return body.findAncestorOpInBlock(*user); };
  // A read by a view reads on through the view's own reads (computed
  // first: the walk goes backwards).
  auto lastReadOf = [&](Value v, int64_t from) {
    int64_t last = from;
    for (OpOperand &use : v.getUses())
      if (Operation *user = topLevel(use.getOwner()))
        last = std::max(last, user == use.getOwner() && viewOffset(user)
                                  ? lastRead.lookup(user->getResult(0))
                                  : stepOf[user]);
    return last;
  };
  for (Operation &op : llvm::reverse(body))
    for (Value v : op.getResults())
      lastRead[v] = lastReadOf(v, stepOf[&op]);
  for (BlockArgument arg : body.getArguments())
    lastRead[arg] = lastReadOf(arg, 0);

  auto newBuffer = [&](Value root, ProgramBuffers::Kind kind, int64_t first) {
    ProgramBuffers::Buffer b;
    b.kind = kind;
    b.root = root;
    b.first = b.last = first;
    b.size = bytesOf(root.getType());
    pb.buffers.push_back(b);
    return unsigned(pb.buffers.size() - 1);
  };
  auto join = [&](Value v, unsigned buffer, int64_t offset) {
    pb.bufferOf[v] = buffer;
    pb.offsetInBuffer[v] = offset;
    ProgramBuffers::Buffer &b = pb.buffers[buffer];
    b.values.push_back(v);
    b.last = std::max(b.last, lastRead.lookup(v));
  };

  for (BlockArgument arg : body.getArguments()) {
    unsigned b = newBuffer(arg, ProgramBuffers::Kind::Argument, 0);
    pb.buffers[b].index = arg.getArgNumber();
    join(arg, b, 0);
  }
  for (Operation &op : body) {
    if (op.getNumResults() == 0)
      continue;
    int64_t at = stepOf[&op];
    if (isa<WeightOp, ConstantOp>(op)) {
      join(op.getResult(0), newBuffer(op.getResult(0), ProgramBuffers::Kind::ReadOnly, at), 0);
      continue;
    }
    if (std::optional<int64_t> offset = viewOffset(&op)) {
      Value source = op.getOperand(0);
      join(op.getResult(0), pb.bufferOf.lookup(source), pb.offsetInBuffer.lookup(source) + *offset);
      continue;
    }
    // An update writes its cache's bytes when nothing reads the cache as it
    // was afterwards (else the update is a copy).
    if (auto update = dyn_cast<CacheUpdateOp>(op)) {
      unsigned cache = pb.bufferOf.lookup(update.getCache());
      if (pb.buffers[cache].kind != ProgramBuffers::Kind::ReadOnly &&
          pb.buffers[cache].last <= at && pb.offsetInBuffer.lookup(update.getCache()) == 0 &&
          pb.buffers[cache].size == bytesOf(update.getType())) {
        join(update.getResult(), cache, 0);
        continue;
      }
    }
    // In place over an operand whose (scratch) buffer nobody reads later.
    std::optional<unsigned> over;
    for (Value operand : op.getOperands()) {
      auto it = pb.bufferOf.find(operand);
      if (it == pb.bufferOf.end() || !mayWriteInPlace(&op, operand))
        continue;
      const ProgramBuffers::Buffer &b = pb.buffers[it->second];
      if (b.kind != ProgramBuffers::Kind::Scratch || b.last > at ||
          pb.offsetInBuffer.lookup(operand) != 0 || b.size != bytesOf(operand.getType()))
        continue;
      // Another operand in these bytes (a broadcast row of them) would be
      // overwritten before all of it is read; the operand itself again is
      // read element by element as it is written.
      bool sharedWithOther = llvm::any_of(op.getOperands(), [&](Value other) {
        auto o = pb.bufferOf.find(other);
        return other != operand && o != pb.bufferOf.end() && o->second == it->second;
      });
      if (sharedWithOther)
        continue;
      if (writesInPlace(&op, operand)) {
        over = it->second;
        break;
      }
    }
    if (over) {
      join(op.getResult(0), *over, 0);
      continue;
    }
    for (Value result : op.getResults())
      join(result, newBuffer(result, ProgramBuffers::Kind::Scratch, at), 0);
  }

  // What the program returns lives past its end.
  Operation *ret = body.getTerminator();
  for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
    auto it = pb.bufferOf.find(v);
    if (it == pb.bufferOf.end())
      continue;
    ProgramBuffers::Buffer &b = pb.buffers[it->second];
    b.last = pb.lastStep;
    // A result computed into a whole buffer of its own lives where the
    // caller takes it; one returned again, a part of a buffer or a read-only
    // value is copied out by the caller.
    if (b.kind == ProgramBuffers::Kind::Scratch && pb.offsetInBuffer.lookup(v) == 0 &&
        bytesOf(v.getType()) == b.size) {
      b.kind = ProgramBuffers::Kind::Result;
      b.index = i;
    }
  }
  return pb;
}

BufferAttr llmc::llm::getBuffer(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto function = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    return function ? function.getArgAttrOfType<BufferAttr>(arg.getArgNumber(),
                                                             LLMDialect::getBufferAttrName())
                    : BufferAttr();
  }
  Operation *op = value.getDefiningOp();
  auto buffers = op->getAttrOfType<ArrayAttr>(LLMDialect::getBuffersAttrName());
  unsigned i = cast<OpResult>(value).getResultNumber();
  return buffers && i < buffers.size() ? dyn_cast<BufferAttr>(buffers[i]) : BufferAttr();
}

void llmc::llm::setBuffer(Value value, BufferAttr buffer) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    cast<func::FuncOp>(arg.getOwner()->getParentOp())
        .setArgAttr(arg.getArgNumber(), LLMDialect::getBufferAttrName(), buffer);
    return;
  }
  Operation *op = value.getDefiningOp();
  SmallVector<Attribute> entries(op->getNumResults(), Attribute());
  if (auto old = op->getAttrOfType<ArrayAttr>(LLMDialect::getBuffersAttrName()))
    for (auto [i, a] : llvm::enumerate(old))
      if (i < entries.size())
        entries[i] = a;
  entries[cast<OpResult>(value).getResultNumber()] = buffer;
  // Results without a buffer (read-only) get a unit entry.
  for (Attribute &a : entries)
    if (!a)
      a = UnitAttr::get(op->getContext());
  op->setAttr(LLMDialect::getBuffersAttrName(), ArrayAttr::get(op->getContext(), entries));
}

std::optional<MemoryPools> llmc::llm::getMemoryPools(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>(LLMDialect::getMemoryPoolsAttrName());
  if (!dict)
    return std::nullopt;
  MemoryPools pools;
  for (NamedAttribute entry : dict) {
    // 64-bit signless integers (an i1, a wider or an unsigned one is not a
    // size).
    auto value = dyn_cast<IntegerAttr>(entry.getValue());
    auto type = value ? dyn_cast<IntegerType>(value.getType()) : IntegerType();
    if (!type || !type.isSignless() || type.getWidth() != 64)
      return std::nullopt;
    if (entry.getName() == "alignment")
      pools.alignment = value.getInt();
    else
      pools.sizes[entry.getName().str()] = value.getInt();
  }
  return pools;
}

void llmc::llm::setMemoryPools(ModuleOp module, const MemoryPools &pools) {
  Builder b(module.getContext());
  SmallVector<NamedAttribute> entries{b.getNamedAttr("alignment", b.getI64IntegerAttr(pools.alignment))};
  for (auto &[name, size] : pools.sizes)
    entries.push_back(b.getNamedAttr(name, b.getI64IntegerAttr(size)));
  module->setAttr(LLMDialect::getMemoryPoolsAttrName(), b.getDictionaryAttr(entries));
}

int64_t llmc::llm::groupScratchBytes(FusionGroupOp group) {
  int64_t bytes = 0;
  for (Operation &op : group.getBody().front().without_terminator())
    for (Value v : op.getResults())
      if (!llvm::is_contained(group.getYield().getValues(), v))
        bytes += bytesOf(v.getType());
  return bytes;
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

namespace {

/// Where an error about `v` is reported: its op, or its function.
Operation *ownerOf(Value v) {
  if (Operation *op = v.getDefiningOp())
    return op;
  return cast<BlockArgument>(v).getOwner()->getParentOp();
}

std::string describe(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return "argument #" + std::to_string(arg.getArgNumber());
  std::string text = v.getDefiningOp()->getName().getStringRef().str();
  if (v.getDefiningOp()->getNumResults() > 1)
    text += " result #" + std::to_string(cast<OpResult>(v).getResultNumber());
  return text;
}

/// A buffer of the plan, live over [first, last].
struct Placed {
  BufferAttr attr;
  int64_t first, last;
  Operation *owner;
  std::string what;
};

/// Whether `attr` lies inside its pool (no overflow on huge values).
LogicalResult checkInPool(Operation *owner, BufferAttr attr, const MemoryPools &pools) {
  if (attr.getOffset() % pools.alignment)
    return owner->emitError() << "buffer offset " << attr.getOffset() << " is not aligned to "
                              << pools.alignment;
  auto pool = pools.sizes.find(attr.getPool().str());
  int64_t size = pool == pools.sizes.end() ? 0 : pool->second;
  if (attr.getSize() > size || attr.getOffset() > size - attr.getSize())
    // (#llm.buffer's verifier keeps offset + size within 64 bits.)
    return owner->emitError() << "buffer [" << attr.getOffset() << ", "
                              << attr.getOffset() + attr.getSize() << ") lies outside pool '" << attr.getPool() << "' (" << size
                              << " bytes)";
  return success();
}

LogicalResult verifyProgram(func::FuncOp program, const MemoryPools &pools,
                            std::map<int64_t, BufferAttr> &cacheBuffers, bool isPrefix) {
  // The plan says which results were written in place: the result's buffer
  // is the operand's.
  ProgramBuffers pb = analyzeBuffers(program, [](Operation *op, Value operand) {
    BufferAttr mine = getBuffer(op->getResult(0)), theirs = getBuffer(operand);
    return mine && mine == theirs;
  });
  std::vector<Placed> placed;
  for (const ProgramBuffers::Buffer &b : pb.buffers) {
    if (b.kind == ProgramBuffers::Kind::ReadOnly) {
      for (Value v : b.values)
        if (getBuffer(v))
          return ownerOf(v)->emitError()
                 << describe(v) << " is read-only (a weight or constant): it has no buffer";
      continue;
    }
    BufferAttr root = getBuffer(b.root);
    if (!root)
      return ownerOf(b.root)->emitError()
             << "the memory plan has no buffer for " << describe(b.root);
    if (root.getSize() != b.size)
      return ownerOf(b.root)->emitError()
             << "buffer of " << b.size << " bytes expected for " << describe(b.root)
             << ", the plan has " << root.getSize();
    if (failed(checkInPool(ownerOf(b.root), root, pools)))
      return failure();
    for (Value v : b.values) {
      BufferAttr mine = getBuffer(v);
      int64_t offset = root.getOffset() + pb.offsetInBuffer.lookup(v);
      if (mine && mine.getPool() == root.getPool() && mine.getOffset() == offset &&
          mine.getSize() == bytesOf(v.getType()))
        continue;
      InFlightDiagnostic diag = ownerOf(v)->emitError()
                                << describe(v) << " shares the bytes of " << describe(b.root)
                                << " at " << root.getPool() << " offset " << offset << " ("
                                << bytesOf(v.getType()) << " bytes), but the plan has ";
      if (mine)
        diag << Attribute(mine);
      else
        diag << "no buffer";
      return diag;
    }
    // Where each kind may live.
    bool cache = false;
    if (b.kind == ProgramBuffers::Kind::Argument)
      cache = b.index >= kFirstCacheArgument;
    else if (b.kind == ProgramBuffers::Kind::Result)
      cache = isPrefix || b.index >= kFirstCacheResult;
    StringRef want = cache ? StringRef(kCachePool)
                     : b.kind == ProgramBuffers::Kind::Scratch ? StringRef()
                                                               : StringRef(kIOPool);
    if (want.empty() ? (root.getPool() == kCachePool || root.getPool() == kIOPool)
                     : root.getPool() != want)
      return ownerOf(b.root)->emitError()
             << describe(b.root) << " belongs in pool '"
             << (want.empty() ? StringRef("dram or sram") : want) << "', not '" << root.getPool()
             << "'";
    if (cache) {
      int64_t index = b.kind == ProgramBuffers::Kind::Argument
                          ? b.index - kFirstCacheArgument
                          : b.index - (isPrefix ? 0 : kFirstCacheResult);
      auto [it, first] = cacheBuffers.insert({index, root});
      if (!first && it->second != root)
        return ownerOf(b.root)->emitError()
               << "cache #" << index << " is at " << Attribute(root) << " here, at "
               << Attribute(it->second) << " in another program";
    }
    placed.push_back({root, b.first, b.last, ownerOf(b.root), describe(b.root)});
  }
  Block &body = program.getBody().front();
  // Nothing else carries a buffer: values inside a fusion group stay on
  // chip (their bytes are the group's working set).
  WalkResult stray = program.walk([&](Operation *op) {
    if (op->getBlock() == &body || op == program.getOperation())
      return WalkResult::advance();
    if (op->hasAttr(LLMDialect::getBuffersAttrName()) ||
        op->hasAttr(LLMDialect::getGroupScratchAttrName())) {
      op->emitError() << "values inside a fusion group are not planned (they stay on chip)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (stray.wasInterrupted())
    return failure();
  // A fusion group's working set, where the device has on-chip memory.
  bool hasSRAM = pools.sizes.count(kSRAMPool.str());
  for (auto group : body.getOps<FusionGroupOp>()) {
    auto scratch = group->getAttrOfType<BufferAttr>(LLMDialect::getGroupScratchAttrName());
    int64_t bytes = groupScratchBytes(group);
    if (!scratch) {
      if (hasSRAM && bytes > 0)
        return group.emitError() << "the memory plan reserves no sram for this group's "
                                 << bytes << " bytes of intermediates";
      continue;
    }
    if (scratch.getPool() != kSRAMPool || scratch.getSize() < bytes)
      return group.emitError() << "the group's working set (" << bytes
                               << " bytes) needs an sram buffer at least as large, not "
                               << Attribute(scratch);
    if (failed(checkInPool(group, scratch, pools)))
      return failure();
    int64_t at = pb.stepOf.lookup(group);
    placed.push_back({scratch, at, at, group, "the working set of a fusion group"});
  }
  // Returned caches are written in place of their arguments.
  if (!isPrefix) {
    Operation *ret = body.getTerminator();
    for (unsigned r = kFirstCacheResult; r < ret->getNumOperands(); ++r)
      if (std::optional<unsigned> arg = getAliasedArgument(program, r))
        if (getBuffer(ret->getOperand(r)) != getBuffer(program.getArgument(*arg)))
          return ret->emitError() << "result #" << r << " is not in the buffer of argument #"
                                  << *arg << " it aliases";
  }
  for (size_t i = 0; i < placed.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const Placed &a = placed[j], &b = placed[i];
      if (a.attr.getPool() != b.attr.getPool() || a.first > b.last || b.first > a.last)
        continue;
      int64_t aOffset = a.attr.getOffset(), bOffset = b.attr.getOffset();
      if (a.attr.getSize() == 0 || b.attr.getSize() == 0 || bOffset - aOffset >= a.attr.getSize() ||
          aOffset - bOffset >= b.attr.getSize())
        continue;
      InFlightDiagnostic diag = b.owner->emitError()
                                << "buffer of " << b.what << " [" << bOffset << ", "
                                << bOffset + b.attr.getSize() << ") in pool '" << b.attr.getPool()
                                << "' overlaps that of " << a.what << " [" << aOffset << ", "
                                << aOffset + a.attr.getSize() << ") while both are live (steps "
                                << b.first << ".." << b.last << " and " << a.first << ".."
                                << a.last << ")";
      diag.attachNote(a.owner->getLoc()) << "the other buffer's value";
      return diag;
    }
  return success();
}

} // namespace

LogicalResult llmc::llm::verifyMemoryPlan(ModuleOp module, const MemoryPools &pools) {
  if (pools.alignment <= 0 || (pools.alignment & (pools.alignment - 1)))
    return module.emitError() << "'" << LLMDialect::getMemoryPoolsAttrName()
                              << "' alignment must be a power of two, not " << pools.alignment;
  for (auto &[name, size] : pools.sizes)
    if (!isMemoryPool(name) || size < 0)
      return module.emitError() << "'" << LLMDialect::getMemoryPoolsAttrName()
                                << "' has pool '" << name << "' of " << size
                                << " bytes (pools: cache, io, dram, sram; sizes not negative)";
  std::map<int64_t, BufferAttr> cacheBuffers;
  for (auto program : module.getOps<func::FuncOp>()) {
    std::optional<Phase> phase = getProgramPhase(program);
    if (!phase || program.isExternal() || !llvm::hasSingleElement(program.getBody()))
      continue;
    // The module's attributes are verified before the ops inside it: verify
    // the program first, so that the plan is read from ops known to be
    // well-formed (a malformed op is reported as such, not read).
    if (failed(mlir::verify(program)))
      return failure();
    if (!isa<func::ReturnOp>(program.getBody().front().back()))
      return program.emitError() << "a static program ends with func.return";
    if (!program->hasAttr(LLMDialect::getMemoryPlanAttrName()))
      return program.emitError() << "the module has a memory plan ('"
                                 << LLMDialect::getMemoryPoolsAttrName()
                                 << "') but this program has none ('"
                                 << LLMDialect::getMemoryPlanAttrName() << "')";
    if (failed(verifyProgram(program, pools, cacheBuffers, *phase == Phase::prefix)))
      return failure();
  }
  return success();
}

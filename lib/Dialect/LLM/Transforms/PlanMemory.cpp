//===- PlanMemory.cpp - where each value of the static programs lives -----===//
//
// llm-plan-memory (docs in Passes.td; the plan's meaning in MemoryPlan.h).
// Groups each program's values into buffers (analyzeBuffers, writing in
// place wherever it may), gives the caches their fixed offsets in the cache
// pool, lays the arguments and logits out in io, and allocates the scratch
// buffers with the allocator (sram as far as it holds them, then dram).
//
//===----------------------------------------------------------------------===//
#include "MemoryPlanReport.h"

#include "llmc/Dialect/LLM/IR/MemoryPlan.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Planning/Allocator.h"

#include "mlir/IR/Builders.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

namespace llmc::llm {
#define GEN_PASS_DEF_PLANMEMORY
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

std::string describeValue(Value v) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    os << "argument #" << arg.getArgNumber();
    return text;
  }
  os << v.getDefiningOp()->getName();
  if (v.getDefiningOp()->getNumResults() > 1)
    os << " #" << cast<OpResult>(v).getResultNumber();
  // The first file position the location holds (a fused op's are several).
  FileLineColLoc where;
  v.getLoc()->walk([&](Location inner) {
    where = dyn_cast<FileLineColLoc>(inner);
    return where ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (where)
    os << " (" << llvm::sys::path::filename(where.getFilename().getValue()) << ":"
       << where.getLine() << ")";
  return text;
}

/// Removes an earlier plan.
void clearPlan(ModuleOp module) {
  module->removeAttr(LLMDialect::getMemoryPoolsAttrName());
  module.walk([](Operation *op) {
    op->removeAttr(LLMDialect::getBuffersAttrName());
    op->removeAttr(LLMDialect::getGroupScratchAttrName());
    if (auto function = dyn_cast<func::FuncOp>(op)) {
      function->removeAttr(LLMDialect::getMemoryPlanAttrName());
      for (unsigned i = 0; i < function.getNumArguments(); ++i)
        function.removeArgAttr(i, LLMDialect::getBufferAttrName());
    }
  });
}

struct PlanMemoryPass : public llmc::llm::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment <= 0 || (alignment & (alignment - 1)) || sramBytes < 0) {
      module.emitError() << "llm-plan-memory: alignment must be a power of two and sram-bytes "
                            "not negative";
      return signalPassFailure();
    }
    std::optional<StaticPrograms> programs = lookupStaticPrograms(module);
    if (!programs) {
      module.emitError("llm-plan-memory: the module has no static programs (run "
                       "llm-static-shapes first: only they have static sizes to plan)");
      return signalPassFailure();
    }
    clearPlan(module);

    // The caches: one after another, at the same place for every program.
    cacheOffsets.clear();
    int64_t cacheBytes = 0;
    for (Type type : programs->cacheTypes()) {
      cacheOffsets.push_back(cacheBytes);
      cacheBytes += planning::alignTo(bytesOf(type), alignment);
    }

    ModulePlan plan;
    plan.alignment = alignment;
    int64_t io = 0, dram = 0;
    for (func::FuncOp program : programs->all()) {
      std::optional<ProgramPlan> planned = planProgram(program, program == programs->prefix);
      if (!planned)
        return signalPassFailure();
      io = std::max(io, planned->ioBytes);
      if (auto it = planned->pools.find(kDRAMPool.str()); it != planned->pools.end())
        dram = std::max(dram, it->second.peak);
      plan.programs.push_back(std::move(*planned));
    }
    MemoryPools pools;
    pools.alignment = alignment;
    pools.sizes = {{kCachePool.str(), cacheBytes}, {kIOPool.str(), io}, {kDRAMPool.str(), dram}};
    if (sramBytes > 0)
      pools.sizes[kSRAMPool.str()] = sramBytes;
    plan.poolSizes = pools.sizes;
    // The dialect's verifier checks the plan from here on (and now: a plan
    // it rejects is a planner bug).
    setMemoryPools(module, pools);
    if (failed(verifyMemoryPlan(module, pools)))
      return signalPassFailure();

    if (report)
      printMemoryPlan(plan, llvm::errs());
    if (!writeFile(jsonFile, [&](llvm::raw_ostream &os) { writeMemoryPlanJSON(plan, os); }) ||
        !writeFile(svgFile, [&](llvm::raw_ostream &os) { writeMemoryPlanSVG(plan, os); }))
      return signalPassFailure();
  }

  bool writeFile(StringRef path, llvm::function_ref<void(llvm::raw_ostream &)> write) {
    if (path.empty())
      return true;
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
    if (!file) {
      getOperation().emitError() << "llm-plan-memory: " << error;
      return false;
    }
    write(file->os());
    file->keep();
    return true;
  }

  std::optional<ProgramPlan> planProgram(func::FuncOp program, bool isPrefix) {
    auto start = std::chrono::steady_clock::now();
    // In place wherever it may.
    ProgramBuffers pb = analyzeBuffers(program, [](Operation *, Value) { return true; });
    ProgramPlan plan;
    plan.name = "@" + program.getSymName().str();
    plan.steps = pb.lastStep;
    MLIRContext *ctx = program.getContext();

    std::vector<std::pair<StringRef, int64_t>> placement(pb.buffers.size(), {StringRef(), -1});
    SmallVector<unsigned> scratch;
    int64_t ioCursor = 0;
    auto inIO = [&](unsigned i) {
      placement[i] = {kIOPool, ioCursor};
      ioCursor += planning::alignTo(pb.buffers[i].size, alignment);
    };
    for (auto [i, b] : llvm::enumerate(pb.buffers)) {
      switch (b.kind) {
      case ProgramBuffers::Kind::ReadOnly:
        break;
      case ProgramBuffers::Kind::Argument:
        if (b.index >= int64_t(kFirstCacheArgument))
          placement[i] = {kCachePool, cacheOffsets[b.index - kFirstCacheArgument]};
        else
          inIO(i);
        break;
      case ProgramBuffers::Kind::Result:
        if (isPrefix && size_t(b.index) < cacheOffsets.size()) {
          placement[i] = {kCachePool, cacheOffsets[b.index]};
        } else if (!isPrefix && b.index >= int64_t(kFirstCacheResult)) {
          program.emitError() << "llm-plan-memory: result #" << b.index
                              << " is not its cache argument updated in place (is the cache "
                                 "as it was read after its update?)";
          return std::nullopt;
        } else {
          inIO(i);
        }
        break;
      case ProgramBuffers::Kind::Scratch:
        scratch.push_back(i);
        break;
      }
    }
    plan.ioBytes = ioCursor;

    // On a device with sram, each fusion group's working set is reserved
    // there at its step first: the group cannot run without it.
    std::vector<std::pair<planning::BufferRequest, int64_t>> reserved;
    if (sramBytes > 0) {
      SmallVector<FusionGroupOp> groups;
      std::vector<planning::BufferRequest> requests;
      for (auto group : program.getBody().front().getOps<FusionGroupOp>())
        if (int64_t bytes = groupScratchBytes(group)) {
          int64_t at = pb.stepOf.lookup(group);
          groups.push_back(group);
          requests.push_back({bytes, at, at});
        }
      planning::AllocatorOptions options;
      options.alignment = alignment;
      options.capacity = sramBytes;
      planning::Allocation a = planning::allocate(requests, options);
      for (auto [k, group] : llvm::enumerate(groups)) {
        if (!a.offsets[k]) {
          group.emitError() << "llm-plan-memory: the group's " << requests[k].size
                            << " bytes of intermediates do not fit the " << int64_t(sramBytes)
                            << " bytes of sram";
          return std::nullopt;
        }
        reserved.push_back({requests[k], *a.offsets[k]});
        group->setAttr(LLMDialect::getGroupScratchAttrName(),
                       BufferAttr::get(ctx, kSRAMPool, *a.offsets[k], requests[k].size));
      }
    }

    // Scratch: sram as far as it holds them, the rest in dram.
    auto allocateIn = [&](StringRef pool, ArrayRef<unsigned> which, int64_t capacity) {
      std::vector<planning::BufferRequest> requests;
      for (unsigned i : which)
        requests.push_back({pb.buffers[i].size, pb.buffers[i].first, pb.buffers[i].last});
      planning::AllocatorOptions options;
      options.alignment = alignment;
      if (capacity > 0) {
        options.capacity = capacity;
        options.fixed = reserved;
      }
      planning::Allocation a = planning::allocate(requests, options);
      PoolFigures &figures = plan.pools[pool.str()];
      figures.peak = a.peak;
      figures.lowerBound = a.lowerBound;
      figures.ordersTried = a.ordersTried;
      SmallVector<unsigned> spilled;
      for (auto [k, i] : llvm::enumerate(which)) {
        if (!a.offsets[k]) {
          spilled.push_back(i);
          continue;
        }
        placement[i] = {pool, *a.offsets[k]};
        figures.naive += planning::alignTo(pb.buffers[i].size, alignment);
        ++figures.buffers;
      }
      if (capacity > 0)
        plan.spilledBytes = a.spilledBytes;
      return spilled;
    };
    SmallVector<unsigned> rest(scratch);
    if (sramBytes > 0)
      rest = allocateIn(kSRAMPool, scratch, sramBytes);
    if (!rest.empty() || sramBytes == 0)
      allocateIn(kDRAMPool, rest, 0);

    // Into the IR.
    for (auto [i, b] : llvm::enumerate(pb.buffers)) {
      auto [pool, offset] = placement[i];
      if (pool.empty())
        continue;
      for (Value v : b.values)
        setBuffer(v, BufferAttr::get(ctx, pool, offset + pb.offsetInBuffer.lookup(v),
                                     bytesOf(v.getType())));
      plan.buffers.push_back({describeValue(b.root), pool.str(), offset, b.size, b.first, b.last});
    }
    Builder builder(ctx);
    SmallVector<NamedAttribute> figures;
    for (auto &[pool, f] : plan.pools) {
      figures.push_back(builder.getNamedAttr(pool, builder.getI64IntegerAttr(f.peak)));
      figures.push_back(
          builder.getNamedAttr(pool + "_lower_bound", builder.getI64IntegerAttr(f.lowerBound)));
      figures.push_back(builder.getNamedAttr(pool + "_naive", builder.getI64IntegerAttr(f.naive)));
    }
    figures.push_back(builder.getNamedAttr("io", builder.getI64IntegerAttr(plan.ioBytes)));
    program->setAttr(LLMDialect::getMemoryPlanAttrName(), builder.getDictionaryAttr(figures));
    plan.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return plan;
  }

  SmallVector<int64_t> cacheOffsets;
};

} // namespace

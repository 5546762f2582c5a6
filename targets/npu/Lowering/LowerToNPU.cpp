//===- LowerToNPU.cpp - static llm programs to npu programs ---------------===//
//
// `npu-lower-programs`: the module's planned static programs (prefill_N,
// decode, a baked prefix) become `npu` programs the artifact writer
// serializes (docs/npu.md, "The artifact"). Every value is where the memory
// plan put it (pools sram, dram -> scratch, io, cache), every weight at its
// place in the packed weights region (npu.weight_layout: the emitter writes
// the side file), every constant in the const region (npu.constants); the
// kernels (Kernels.h) turn each op into commands. The input is replaced.
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Lowering/Passes.h"

#include "targets/npu/Lowering/Kernels.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Executor/Executor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;
using namespace llmc::llm;

namespace {

std::optional<npub::Memory> memoryOfPool(StringRef pool) {
  if (pool == kSRAMPool)
    return npub::Memory::SRAM;
  if (pool == kDRAMPool)
    return npub::Memory::Scratch;
  if (pool == kIOPool)
    return npub::Memory::IO;
  if (pool == kCachePool)
    return npub::Memory::Cache;
  return std::nullopt;
}

/// Where the memory plan put `value` (its #llm.buffer), as a dense view.
std::optional<View> plannedView(Value value) {
  BufferAttr buffer = getBuffer(value);
  std::optional<npub::Memory> memory = buffer ? memoryOfPool(buffer.getPool()) : std::nullopt;
  if (!memory)
    return std::nullopt;
  auto type = cast<RankedTensorType>(value.getType());
  return View::dense(*memory, buffer.getOffset(), type.getElementType(), type.getShape());
}

int64_t align64(int64_t n) { return (n + 63) / 64 * 64; }

/// The packed weights region: each weight the programs read, 64-byte
/// aligned, in the order the programs first read them.
struct WeightLayout {
  llvm::StringMap<int64_t> offsets;
  SmallVector<Attribute> entries;
  int64_t bytes = 0;

  int64_t place(WeightOp weight) {
    auto it = offsets.find(weight.getName());
    if (it != offsets.end())
      return it->second;
    int64_t at = align64(bytes);
    auto type = cast<RankedTensorType>(weight.getResult().getType());
    bytes = at + bytesOf(type);
    offsets[weight.getName()] = at;
    Builder b(weight.getContext());
    entries.push_back(b.getDictionaryAttr({b.getNamedAttr("name", weight.getNameAttr()),
                                           b.getNamedAttr("offset", b.getI64IntegerAttr(at)),
                                           b.getNamedAttr("type", TypeAttr::get(type))}));
    return at;
  }
};

class LowerToNPU : public PassWrapper<LowerToNPU, OperationPass<ModuleOp>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerToNPU)
  LowerToNPU() = default;
  LowerToNPU(const LowerToNPU &other) : PassWrapper(other) {}
  explicit LowerToNPU(std::string name) { config = std::move(name); }

  StringRef getArgument() const final { return "npu-lower-programs"; }
  StringRef getDescription() const final {
    return "Lower the planned static llm programs to npu programs (docs/npu.md)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<NPUDialect, func::FuncDialect>();
  }

  Option<std::string> config{*this, "config",
                             llvm::cl::desc("The NPU description: phone, tv or a JSON file"),
                             llvm::cl::init("phone")};

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::Expected<Description> device = loadDescription(config);
    if (!device) {
      module.emitError() << llvm::toString(device.takeError());
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> programs;
    for (auto function : module.getOps<func::FuncOp>())
      if (getProgramPhase(function))
        programs.push_back(function);
    // A module of npu programs already (written by hand) stays as it is.
    if (programs.empty() && module->hasAttr("npu.regions"))
      return;
    if (programs.empty()) {
      module.emitError() << "the NPU runs static prefill and decode programs: give "
                            "--max-seq-len (and --prefill-buckets)";
      return signalPassFailure();
    }
    std::optional<MemoryPools> pools = getMemoryPools(module);
    if (!pools) {
      module.emitError() << "the NPU lowering needs the memory plan (llm-plan-memory)";
      return signalPassFailure();
    }
    // The kernels' workspace: the SRAM above every program's planned values.
    int64_t planned = 0, maxTokens = 1;
    for (func::FuncOp program : programs) {
      if (auto plan = program->getAttrOfType<DictionaryAttr>("llm.memory_plan"))
        if (auto sram = plan.getAs<IntegerAttr>("sram"))
          planned = std::max(planned, sram.getInt());
      maxTokens = std::max(maxTokens, getProgramTokens(program).value_or(1));
    }
    int64_t workspace = align64(planned);
    if (workspace >= device->sramBytes) {
      module.emitError() << "the memory plan leaves no SRAM for the NPU's kernels";
      return signalPassFailure();
    }
    int64_t maxSeqLen = 0;
    if (auto m = module->getAttrOfType<IntegerAttr>("llm.max_seq_len"))
      maxSeqLen = m.getInt();

    // The caches' places (every program has them at the decode program's).
    cacheViews.clear();
    for (func::FuncOp program : programs)
      if (getProgramPhase(program) == Phase::decode)
        for (BlockArgument arg : program.getArguments().drop_front(kFirstCacheArgument))
          if (std::optional<View> cache = plannedView(arg))
            cacheViews.push_back(*cache);
    cacheInit.clear();
    WeightLayout weights;
    ConstantPool constants;
    OpBuilder builder(module.getContext());
    SmallVector<Operation *> lowered;
    int64_t cacheSlack = 0;
    for (func::FuncOp program : programs) {
      builder.setInsertionPoint(program);
      auto npuProgram = builder.create<func::FuncOp>(
          program.getLoc(), program.getSymName(), builder.getFunctionType({}, {}));
      Block *body = npuProgram.addEntryBlock();
      OpBuilder inside = OpBuilder::atBlockBegin(body);
      Emitter em(inside, *device, workspace, device->sramBytes);
      llvm::DenseMap<Value, View> views;
      Lowering l{em, views, constants, maxSeqLen, maxTokens};
      LogicalResult done = getProgramPhase(program) == Phase::prefix
                               ? lowerPrefix(program, npuProgram)
                               : lowerProgram(l, program, npuProgram, weights, cacheSlack);
      if (failed(done))
        return signalPassFailure();
      inside.create<func::ReturnOp>(program.getLoc());
      lowered.push_back(npuProgram);
      program.erase();
    }
    // The module: regions, layout, constants.
    Builder b(module.getContext());
    auto size = [&](StringRef pool) {
      auto it = pools->sizes.find(pool.str());
      return it == pools->sizes.end() ? int64_t(0) : it->second;
    };
    module->setAttr("npu.regions",
                    b.getDictionaryAttr({
                        b.getNamedAttr("weights", b.getI64IntegerAttr(weights.bytes)),
                        b.getNamedAttr("cache", b.getI64IntegerAttr(size(kCachePool) + cacheSlack)),
                        b.getNamedAttr("io", b.getI64IntegerAttr(size(kIOPool))),
                        b.getNamedAttr("scratch", b.getI64IntegerAttr(size(kDRAMPool))),
                        b.getNamedAttr("const", b.getI64IntegerAttr(constants.bytes().size())),
                        b.getNamedAttr("sram", b.getI64IntegerAttr(device->sramBytes)),
                    }));
    module->setAttr("npu.max_seq_len", b.getI64IntegerAttr(maxSeqLen));
    if (!cacheInit.empty()) {
      cacheInit.resize(size(kCachePool) + cacheSlack, 0);
      auto initType = RankedTensorType::get({int64_t(cacheInit.size())}, b.getIntegerType(8));
      module->setAttr("npu.cache_init",
                      DenseElementsAttr::get(initType, ArrayRef<char>(cacheInit)));
      module->setAttr("npu.prefix_tokens", b.getI64IntegerAttr(prefixTokens));
    }
    module->setAttr("npu.weight_layout", b.getArrayAttr(weights.entries));
    module->setAttr("npu.workspace", b.getI64IntegerAttr(workspace));
    module->setAttr("npu.llm_ops", b.getI64IntegerAttr(loweredOps));
    const std::vector<uint8_t> &bytes = constants.bytes();
    auto constType = RankedTensorType::get({int64_t(bytes.size())}, b.getIntegerType(8));
    module->setAttr("npu.constants",
                    DenseElementsAttr::get(constType,
                                           ArrayRef<char>(reinterpret_cast<const char *>(
                                                              bytes.data()),
                                                          bytes.size())));
    // What described the llm programs goes with them (llm.weights stays:
    // the emitter reads the weights from there).
    for (NamedAttribute attr : llvm::to_vector(module->getAttrs()))
      if (attr.getName().strref().starts_with("llm.") && attr.getName() != "llm.weights")
        module->removeAttr(attr.getName());
  }

private:
  /// `program`'s commands into `npuProgram`.
  LogicalResult lowerProgram(Lowering &l, func::FuncOp program, func::FuncOp npuProgram,
                             WeightLayout &weights, int64_t &cacheSlack) {
    Builder b(program.getContext());
    MLIRContext *ctx = program.getContext();
    auto entry = [&](StringRef name, const View &view) {
      return b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr(name)),
                                  b.getNamedAttr("shape", b.getDenseI64ArrayAttr(view.shape)),
                                  b.getNamedAttr("view", view.attr(ctx))});
    };
    SmallVector<Attribute> inputs, outputs;
    for (BlockArgument arg : program.getArguments()) {
      std::optional<View> view = plannedView(arg);
      if (!view)
        return program.emitError() << "argument #" << arg.getArgNumber()
                                   << " has no planned buffer";
      l.views[arg] = *view;
      if (arg.getArgNumber() == kPositionArgument)
        l.position = *view;
      if (arg.getArgNumber() == kLengthArgument)
        l.length = *view;
      inputs.push_back(entry(("input" + llvm::Twine(arg.getArgNumber())).str(), *view));
    }
    for (Operation &op : program.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
          View view = l.viewOf(value);
          if (!view.isDense() || (view.memory != npub::Memory::IO &&
                                  view.memory != npub::Memory::Cache))
            return op.emitError() << "result #" << i << " is not a planned io or cache buffer";
          outputs.push_back(entry(("output" + llvm::Twine(i)).str(), view));
        }
        continue;
      }
      if (failed(lowerTopLevel(l, &op, weights)))
        return failure();
      if (auto update = dyn_cast<CacheUpdateOp>(op)) {
        // A write at the position reaches N - 1 rows past the last slot.
        View cache = l.viewOf(update.getResult());
        cacheSlack = std::max(cacheSlack, cache.strides[2] * cache.elementBytes() *
                                              update.getUpdate().getType().getDimSize(2));
      }
    }
    Phase phase = *getProgramPhase(program);
    npuProgram->setAttr("npu.phase", b.getStringAttr(stringifyPhase(phase)));
    npuProgram->setAttr("npu.tokens", b.getI64IntegerAttr(getProgramTokens(program).value_or(0)));
    npuProgram->setAttr("npu.inputs", b.getArrayAttr(inputs));
    npuProgram->setAttr("npu.outputs", b.getArrayAttr(outputs));
    if (auto ids = getPrefixIds(program))
      npuProgram->setAttr("npu.prefix_ids", b.getDenseI64ArrayAttr(*ids));
    return success();
  }

  /// A baked prefix: its caches (constants) are the cache region's initial
  /// bytes; the program has no commands and returns the caches.
  LogicalResult lowerPrefix(func::FuncOp program, func::FuncOp npuProgram) {
    Builder b(program.getContext());
    auto ret = cast<func::ReturnOp>(program.getBody().front().getTerminator());
    if (ret.getNumOperands() != cacheViews.size())
      return program.emitError() << "the baked prefix returns " << ret.getNumOperands()
                                 << " caches, the decode program takes " << cacheViews.size();
    SmallVector<Attribute> outputs;
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      auto constant = value.getDefiningOp<ConstantOp>();
      auto type = cast<RankedTensorType>(value.getType());
      std::optional<ref::Tensor> tensor;
      if (constant)
        if (auto elements = dyn_cast<ElementsAttr>(constant.getValue()))
          tensor = exec::tensorFromAttr(elements, type);
      const View &cache = cacheViews[i];
      if (!tensor || cache.type != type.getElementType() ||
          ArrayRef<int64_t>(cache.shape) != type.getShape())
        return program.emitError() << "baked cache #" << i
                                   << " is not a constant of the decode program's cache type";
      std::optional<DType> dtype = dtypeOf(type.getElementType());
      std::vector<char> bytes = tensor->toBytes(*dtype);
      if (cacheInit.size() < size_t(cache.offset) + bytes.size())
        cacheInit.resize(cache.offset + bytes.size(), 0);
      std::copy(bytes.begin(), bytes.end(), cacheInit.begin() + cache.offset);
      outputs.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", b.getStringAttr(("output" + llvm::Twine(i)).str())),
           b.getNamedAttr("view", cache.attr(program.getContext()))}));
    }
    prefixTokens = getProgramTokens(program).value_or(0);
    npuProgram->setAttr("npu.phase", b.getStringAttr("prefix"));
    npuProgram->setAttr("npu.tokens", b.getI64IntegerAttr(prefixTokens));
    npuProgram->setAttr("npu.inputs", b.getArrayAttr({}));
    npuProgram->setAttr("npu.outputs", b.getArrayAttr(outputs));
    return success();
  }

  LogicalResult lowerTopLevel(Lowering &l, Operation *op, WeightLayout &weights) {
    if (auto weight = dyn_cast<WeightOp>(op)) {
      auto type = cast<RankedTensorType>(weight.getResult().getType());
      l.views[weight.getResult()] = View::dense(npub::Memory::Weights, weights.place(weight),
                                                type.getElementType(), type.getShape());
      return success();
    }
    if (auto constant = dyn_cast<ConstantOp>(op))
      return lowerConstant(l, constant);
    if (auto group = dyn_cast<FusionGroupOp>(op))
      return lowerGroup(l, group, weights);
    setResultViews(l, op);
    ++loweredOps;
    return lowerOp(l, op);
  }

  static bool isView(Operation *op) {
    return isa<ReshapeOp, TransposeOp, SliceOp, BroadcastToOp>(op);
  }

  void setResultViews(Lowering &l, Operation *op) {
    for (Value result : op->getResults())
      if (std::optional<View> view = plannedView(result))
        l.views[result] = *view;
  }

  /// A constant in the const region; a splat as one element read with
  /// stride 0.
  LogicalResult lowerConstant(Lowering &l, ConstantOp op) {
    auto type = cast<RankedTensorType>(op.getResult().getType());
    auto elements = dyn_cast<ElementsAttr>(op.getValue());
    std::optional<ref::Tensor> tensor =
        elements ? exec::tensorFromAttr(elements, type) : std::nullopt;
    if (!tensor)
      return op.emitError() << "the NPU lowering cannot read this constant";
    bool splat = isa<SplatElementsAttr>(op.getValue()) ||
                 (isa<DenseElementsAttr>(op.getValue()) &&
                  cast<DenseElementsAttr>(op.getValue()).isSplat());
    std::vector<char> bytes = tensor->toBytes(tensor->dtype());
    if (type.getElementType().isInteger(1)) {
      // One byte per bool, as the NPU stores them.
      bytes.clear();
      for (int64_t v : llvm::ArrayRef(tensor->ints(), tensor->size()))
        bytes.push_back(v ? 1 : 0);
    }
    int64_t width = type.getNumElements() ? int64_t(bytes.size()) / type.getNumElements() : 1;
    if (splat && !bytes.empty())
      bytes.resize(width);
    int64_t offset = l.constants.add(
        ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
    View view = View::dense(npub::Memory::Const, offset, type.getElementType(), type.getShape());
    if (splat)
      for (int64_t &s : view.strides)
        s = 0;
    l.views[op.getResult()] = view;
    return success();
  }

  /// A fusion group's ops one after another, its intermediates in its
  /// scratch (llm.group_scratch), its results where the plan put them.
  LogicalResult lowerGroup(Lowering &l, FusionGroupOp group, WeightLayout &weights) {
    setResultViews(l, group);
    for (auto [yielded, result] : llvm::zip(group.getYield().getValues(), group.getResults()))
      if (l.views.count(result))
        l.views[yielded] = l.viewOf(result);
    auto scratch = group->getAttrOfType<BufferAttr>("llm.group_scratch");
    int64_t at = scratch ? scratch.getOffset() : 0;
    for (Operation &op : group.getBody().front().without_terminator()) {
      if (isa<WeightOp, ConstantOp>(op)) {
        if (failed(lowerTopLevel(l, &op, weights)))
          return failure();
        continue;
      }
      for (Value v : op.getResults()) {
        if (l.views.count(v) || isView(&op))
          continue;
        if (!scratch)
          return group.emitError() << "the NPU runs a fusion group in its planned scratch "
                                      "(llm.group_scratch)";
        auto type = cast<RankedTensorType>(v.getType());
        l.views[v] = View::dense(npub::Memory::SRAM, at, type.getElementType(), type.getShape());
        at += bytesOf(type);
      }
      ++loweredOps;
      if (failed(lowerOp(l, &op)))
        return failure();
    }
    return success();
  }

  SmallVector<View> cacheViews;
  std::vector<char> cacheInit;
  int64_t prefixTokens = 0;
  /// llm ops turned into commands (the report's op split).
  int64_t loweredOps = 0;
};

} // namespace

std::unique_ptr<Pass> npu::createLowerToNPUPass(std::string config) {
  return std::make_unique<LowerToNPU>(std::move(config));
}

void npu::registerNPUPasses() { PassRegistration<LowerToNPU>(); }

//===- BakePrefix.cpp - the llm-bake-prefix pass --------------------------===//
//
// Runs the model's entry point (@forward, or an imported @main) on a fixed prefix with the reference executor and stores the
// caches it returns as the results of @prefix_cache (dense_resource
// constants), so a deployed model starts generating after the prefix.
//
//===----------------------------------------------------------------------===//
#include "llmc/Executor/Executor.h"
#include "llmc/ConstEval/Passes.h"
#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace llmc::consteval {
#define GEN_PASS_DEF_BAKEPREFIX
#include "llmc/ConstEval/Passes.h.inc"
} // namespace llmc::consteval

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

namespace {

struct BakePrefixPass : public llmc::consteval::impl::BakePrefixBase<BakePrefixPass> {
  using BakePrefixBase::BakePrefixBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(module);
    if (!entry) {
      if (auto forward = module.lookupSymbol<func::FuncOp>("forward"))
        forward.emitError("@forward does not have the model signature (ids, positions, "
                          "caches...) -> (logits, caches...)");
      else
        emitError(module.getLoc(), "llm-bake-prefix needs the dynamic @forward (or an imported "
                                   "@main); run it before llm-static-shapes");
      return signalPassFailure();
    }
    func::FuncOp forward = entry->function;
    if (ids.empty()) {
      emitError(module.getLoc(), "llm-bake-prefix needs the prefix's token ids (ids=...)");
      return signalPassFailure();
    }
    if (llm::lookupPrefixProgram(module) || module.lookupSymbol(llm::kPrefixProgramName)) {
      emitError(module.getLoc(), "the module already holds a baked prefix (@prefix_cache)");
      return signalPassFailure();
    }
    for (Type cache : entry->cacheTypes())
      if (!isa<FloatType>(cast<RankedTensorType>(cache).getElementType()) ||
          !dtypeOf(cast<RankedTensorType>(cache).getElementType())) {
        forward.emitError("llm-bake-prefix stores float caches (f32, f16, bf16), not ") << cache;
        return signalPassFailure();
      }

    std::optional<std::vector<Tensor>> caches = runPrefix(*entry);
    if (!caches)
      return signalPassFailure();
    buildPrefixCache(module, forward, *caches);
  }

  /// The entry point on the prefix with empty caches: the caches it
  /// returns.
  std::optional<std::vector<Tensor>> runPrefix(const llm::GenerationEntry &entry) {
    func::FuncOp forward = entry.function;
    int64_t length = int64_t(ids.size());
    std::vector<int64_t> tokens(ids.begin(), ids.end()), positions(length);
    for (int64_t i = 0; i < length; ++i)
      positions[i] = i;
    std::vector<Tensor> inputs{Tensor::fromInts(DType::I64, {1, length}, tokens)};
    if (entry.hasPositions())
      inputs.push_back(Tensor::fromInts(DType::I64, {1, length}, positions));
    for (auto [i, cache] : llvm::enumerate(entry.cacheTypes()))
      inputs.push_back(emptyCacheFor(cast<RankedTensorType>(cache),
                                     entry.cacheSequenceAxis(i).value_or(2)));
    ExecutorOptions options;
    options.moduleDirectory = modelDir;
    Executor executor(getOperation(), options);
    RunError error;
    std::optional<std::vector<Tensor>> results = executor.run(forward, inputs, error);
    if (!results) {
      forward.emitError("running the prefix failed: ") << error.message;
      return std::nullopt;
    }
    results->erase(results->begin()); // the logits
    return results;
  }

  void buildPrefixCache(ModuleOp module, func::FuncOp forward, ArrayRef<Tensor> caches) {
    OpBuilder b(forward);
    Location loc = forward.getLoc();
    // Each cache in its argument's element type (an f16 model's caches are
    // f16), as a resource blob of those bytes.
    SmallVector<Type> types;
    for (auto [cache, argument] : llvm::zip(caches, forward.getArgumentTypes().take_back(caches.size())))
      types.push_back(RankedTensorType::get(cache.shape(),
                                            cast<RankedTensorType>(argument).getElementType()));
    auto function = b.create<func::FuncOp>(loc, llm::kPrefixProgramName,
                                           b.getFunctionType({}, types));
    llm::setPrefixProgram(function, SmallVector<int64_t>(ids.begin(), ids.end()));
    OpBuilder body = OpBuilder::atBlockBegin(function.addEntryBlock());
    SmallVector<Value> values;
    for (auto [i, cache] : llvm::enumerate(caches)) {
      auto type = cast<RankedTensorType>(types[i]);
      DType dtype = *dtypeOf(type.getElementType());
      std::vector<char> bytes = cache.toBytes(dtype);
      auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
          ArrayRef<char>(bytes), byteWidth(dtype));
      auto value = DenseResourceElementsAttr::get(type, "llm_prefix_cache_" + std::to_string(i),
                                                  std::move(blob));
      values.push_back(body.create<llm::ConstantOp>(loc, type, cast<ElementsAttr>(value)));
    }
    body.create<func::ReturnOp>(loc, values);
  }
};

} // namespace

//===- FusionStats.cpp - what the fusion passes save ----------------------===//
#include "llmc/Dialect/LLM/IR/FromWeights.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace llmc::llm {
#define GEN_PASS_DEF_FUSIONSTATS
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

void llmc::llm::addFusionPasses(OpPassManager &pm, bool foldNormWeights,
                                llvm::StringRef modelDir) {
  if (foldNormWeights) {
    FoldNormWeightsOptions fold;
    fold.modelDir = modelDir.str();
    pm.addPass(createFoldNormWeights(fold));
  }
  pm.addPass(createFuseHorizontal());
}

namespace {

struct Counts {
  int64_t kernels = 0;
  int64_t activationBytes = 0;
  int64_t weightTensors = 0;
  int64_t onChipBytes = 0; ///< computed inside fusion groups, not yielded
};

/// Views a kernel reads through, and what is no computation at all.
bool isKernel(Operation *op) {
  return !isa<WeightOp, ConstantOp, DimOp, ReshapeOp, SliceOp, func::ReturnOp>(op);
}

/// Bytes of `v` with each dynamic dimension counted as 1.
int64_t bytesOf(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type)
    return 0;
  int64_t n = std::max<int64_t>(1, type.getElementTypeBitWidth());
  for (int64_t d : type.getShape())
    n *= ShapedType::isDynamic(d) ? 1 : d;
  return (n + 7) / 8;
}

std::map<std::string, Counts> count(ModuleOp module) {
  std::map<std::string, Counts> byFunction;
  module.walk([&](func::FuncOp function) {
    Counts &c = byFunction["@" + function.getSymName().str()];
    llvm::DenseMap<Value, bool> memo;
    function.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (auto group = dyn_cast<FusionGroupOp>(op)) {
        // One kernel: what it reads from above, and what stays inside.
        ++c.kernels;
        llvm::DenseSet<Value> read;
        group.walk([&](Operation *inner) {
          for (Value operand : inner->getOperands()) {
            bool fromAbove = !group->isAncestor(operand.getParentBlock()->getParentOp());
            if (fromAbove && !read.insert(operand).second)
              continue;
            if (fromAbove && !isComputedFromWeights(operand, memo))
              c.activationBytes += bytesOf(operand);
            else if (fromAbove && !operand.getDefiningOp<ConstantOp>())
              ++c.weightTensors;
          }
          if (inner != group.getOperation() && !isa<YieldOp>(inner))
            for (Value v : inner->getResults())
              if (!llvm::is_contained(group.getYield().getValues(), v))
                c.onChipBytes += bytesOf(v);
        });
        return WalkResult::skip();
      }
      if (op == function.getOperation() || op->getNumResults() == 0 || !isKernel(op) ||
          isComputedFromWeights(op->getResult(0), memo))
        return WalkResult::advance();
      ++c.kernels;
      for (Value operand : op->getOperands()) {
        if (!isComputedFromWeights(operand, memo))
          c.activationBytes += bytesOf(operand);
        else if (!operand.getDefiningOp<ConstantOp>())
          ++c.weightTensors; // a weight, or one computed from weights
      }
      return WalkResult::advance();
    });
  });
  return byFunction;
}

struct FusionStatsPass : public llmc::llm::impl::FusionStatsBase<FusionStatsPass> {
  using FusionStatsBase::FusionStatsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::map<std::string, Counts> before = count(module);
    OwningOpRef<ModuleOp> copy(module.clone());
    PassManager pm(module.getContext());
    addFusionPasses(pm, foldNormWeights, modelDir);
    if (!groups.empty()) {
      FormFusionGroupsOptions form;
      form.kinds = groups;
      pm.addPass(createFormFusionGroups(form));
    }
    if (failed(pm.run(*copy)))
      return signalPassFailure();
    std::map<std::string, Counts> after = count(*copy);
    llvm::raw_ostream &os = llvm::errs();
    os << "llm-fusion-stats: per call (a dynamic dimension counts as 1); kernels exclude views "
          "(reshape, slice), weights and constants\n";
    os << llvm::format("  %-16s %8s %8s %14s %14s %8s %8s %12s\n", (const char *)"program",
                       (const char *)"kernels", (const char *)"fused",
                       (const char *)"act. KiB read", (const char *)"fused",
                       (const char *)"weights", (const char *)"fused",
                       (const char *)"KiB on chip");
    for (const auto &[name, b] : before) {
      const Counts &a = after[name];
      os << llvm::format("  %-16s %8lld %8lld %14.1f %14.1f %8lld %8lld %12.1f\n",
                         name.c_str(), (long long)b.kernels, (long long)a.kernels,
                         b.activationBytes / 1024.0, a.activationBytes / 1024.0,
                         (long long)b.weightTensors, (long long)a.weightTensors,
                         a.onChipBytes / 1024.0);
    }
    markAllAnalysesPreserved();
  }
};

} // namespace

//===- Raise.cpp - the llm-raise pass -------------------------------------===//
#include "RaisePatterns.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

namespace llmc::llm {
#define GEN_PASS_DEF_RAISE
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

DenseElementsAttr raise::valuesOf(Value value, const WeightValues &weightValues) {
  if (auto constant = value.getDefiningOp<ConstantOp>())
    return dyn_cast<DenseElementsAttr>(constant.getValue());
  if (auto weight = value.getDefiningOp<WeightOp>())
    return weightValues ? weightValues(weight) : nullptr;
  return nullptr;
}

bool raise::sameValue(Value a, Value b, int depth) {
  if (a == b)
    return true;
  Operation *x = a.getDefiningOp(), *y = b.getDefiningOp();
  if (depth <= 0 || !x || !y || x->getName() != y->getName() || !isPure(x) ||
      x->getNumRegions() || a.getType() != b.getType() ||
      cast<OpResult>(a).getResultNumber() != cast<OpResult>(b).getResultNumber() ||
      x->getRawDictionaryAttrs() != y->getRawDictionaryAttrs() ||
      x->getPropertiesAsAttribute() != y->getPropertiesAsAttribute() ||
      x->getNumOperands() != y->getNumOperands())
    return false;
  for (auto [u, v] : llvm::zip(x->getOperands(), y->getOperands()))
    if (!sameValue(u, v, depth - 1))
      return false;
  return true;
}

bool raise::isConstant(Value value, double expected) {
  std::optional<double> v = splatValueOf(value);
  return v && std::fabs(*v - expected) <= 1e-5 * std::max(1.0, std::fabs(expected));
}

namespace {

/// The reasons patterns gave for not matching (`notifyMatchFailure`), each
/// once per location.
struct MatchFailureLog : RewriterBase::Listener {
  void notifyMatchFailure(Location loc, function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic reason(loc, DiagnosticSeverity::Remark);
    reasonCallback(reason);
    std::vector<std::string> &atLoc = reasons[loc];
    if (!llvm::is_contained(atLoc, reason.str()))
      atLoc.push_back(reason.str());
  }

  llvm::MapVector<Location, std::vector<std::string>> reasons;
};

struct RaisePass : public llmc::llm::impl::RaiseBase<RaisePass> {
  using RaiseBase::RaiseBase;
  RaisePass() = default;
  explicit RaisePass(WeightValues weightValues) : weightValues(std::move(weightValues)) {}

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    raise::populateActivationPatterns(patterns);
    raise::populateNormPatterns(patterns);
    raise::populateLinearPatterns(patterns);
    raise::populateAttentionPatterns(patterns);
    raise::populateRopePatterns(patterns, weightValues);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet late(&getContext());
    raise::populateLateAttentionPatterns(late);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(late))))
      return signalPassFailure();
    if (reportFailures)
      reportMatchFailures();
  }

  /// Explains the result: every pattern (attention in its final form, which
  /// takes any mask) is tried once more on each op of a copy, and each one
  /// that does not match says why, as a remark at the op. On a copy, the
  /// result stays as it is whatever the patterns do; the copy's ops have
  /// the same locations, so the remarks point at the input.
  void reportMatchFailures() {
    OwningOpRef<Operation *> copy(getOperation()->clone());
    // The remarks follow the ops' order.
    llvm::SetVector<Location> order;
    copy->walk([&](Operation *op) { order.insert(op->getLoc()); });
    RewritePatternSet all(&getContext());
    raise::populateActivationPatterns(all);
    raise::populateNormPatterns(all);
    raise::populateLinearPatterns(all);
    raise::populateAttentionPatterns(all, /*anyWhereMask=*/true);
    raise::populateRopePatterns(all, weightValues);
    MatchFailureLog log;
    GreedyRewriteConfig config;
    config.listener = &log;
    (void)applyPatternsAndFoldGreedily(copy.get(), std::move(all), config);
    for (Location loc : order)
      if (auto it = log.reasons.find(loc); it != log.reasons.end())
        for (const std::string &reason : it->second)
          emitRemark(loc) << reason;
  }

  WeightValues weightValues;
};

} // namespace

std::unique_ptr<Pass> llmc::llm::createRaise(WeightValues weightValues) {
  return std::make_unique<RaisePass>(std::move(weightValues));
}

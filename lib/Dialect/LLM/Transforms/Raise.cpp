//===- Raise.cpp - the llm-raise pass -------------------------------------===//
#include "RaisePatterns.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace llmc::llm {
#define GEN_PASS_DEF_RAISE
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

std::optional<double> raise::splatValue(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || !dense.isSplat())
    return std::nullopt;
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().convertToDouble();
  return double(dense.getSplatValue<APInt>().getSExtValue());
}

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
  std::optional<double> v = splatValue(value);
  return v && std::fabs(*v - expected) <= 1e-5 * std::max(1.0, std::fabs(expected));
}

namespace {

struct RaisePass : public llmc::llm::impl::RaiseBase<RaisePass> {
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
      signalPassFailure();
  }

  WeightValues weightValues;
};

} // namespace

std::unique_ptr<Pass> llmc::llm::createRaise(WeightValues weightValues) {
  return std::make_unique<RaisePass>(std::move(weightValues));
}

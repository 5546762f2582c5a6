//===- Raise.cpp - the llm-raise pass -------------------------------------===//
#include "RaisePatterns.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

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
  if (dense.getElementType().isa<FloatType>())
    return dense.getSplatValue<APFloat>().convertToDouble();
  return double(dense.getSplatValue<APInt>().getSExtValue());
}

bool raise::isConstant(Value value, double expected) {
  std::optional<double> v = splatValue(value);
  return v && std::fabs(*v - expected) <= 1e-5 * std::max(1.0, std::fabs(expected));
}

namespace {

struct RaisePass : public llmc::llm::impl::RaiseBase<RaisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    raise::populateActivationPatterns(patterns);
    raise::populateNormPatterns(patterns);
    raise::populateLinearPatterns(patterns);
    raise::populateAttentionPatterns(patterns);
    raise::populateRopePatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

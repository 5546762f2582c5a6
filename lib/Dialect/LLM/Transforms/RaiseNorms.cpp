//===- RaiseNorms.cpp - RMSNorm -------------------------------------------===//
#include "RaisePatterns.h"

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// The x and epsilon of `mean(x^2, last dim, keep) + eps`.
std::optional<std::pair<Value, double>> rmsOfSum(Value sum);

/// The x and epsilon of `1 / sqrt(mean(x^2, last dim) + eps)` in the
/// spellings exporters use: div(1, sqrt(s)), reciprocal(sqrt(s)), rsqrt(s).
std::optional<std::pair<Value, double>> inverseRms(Value inverse) {
  Value sum;
  if (auto rsqrt = inverse.getDefiningOp<RsqrtOp>()) {
    sum = rsqrt.getInput();
  } else {
    Value root;
    if (auto div = inverse.getDefiningOp<DivOp>(); div && isConstant(div.getLhs(), 1.0))
      root = div.getRhs();
    else if (auto reciprocal = inverse.getDefiningOp<ReciprocalOp>())
      root = reciprocal.getInput();
    auto sqrt = root ? root.getDefiningOp<SqrtOp>() : nullptr;
    if (!sqrt)
      return std::nullopt;
    sum = sqrt.getInput();
  }
  return rmsOfSum(sum);
}

std::optional<std::pair<Value, double>> rmsOfSum(Value sum) {
  auto add = sum.getDefiningOp<AddOp>();
  if (!add)
    return std::nullopt;
  for (auto [m, e] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> epsilon = splatValue(e);
    auto mean = m.getDefiningOp<ReduceMeanOp>();
    if (!epsilon || !mean || !mean.getKeepDims())
      continue;
    auto inputType = cast<RankedTensorType>(mean.getInput().getType());
    if (mean.getDims().size() != 1 || mean.getDims()[0] != inputType.getRank() - 1)
      continue;
    Value square = mean.getInput();
    Value x;
    if (auto pow = square.getDefiningOp<PowOp>(); pow && isConstant(pow.getRhs(), 2.0))
      x = pow.getLhs();
    else if (auto mul = square.getDefiningOp<MulOp>(); mul && mul.getLhs() == mul.getRhs())
      x = mul.getLhs();
    if (x)
      return std::pair(x, *epsilon);
  }
  return std::nullopt;
}

/// The x and epsilon when `n` is x normalised by its RMS:
/// x * inverseRms(x) or x / sqrt(mean(x^2) + eps).
std::optional<std::pair<Value, double>> normalised(Value n) {
  if (auto mul = n.getDefiningOp<MulOp>()) {
    for (auto [x, inverse] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
      if (auto found = inverseRms(inverse); found && found->first == x && x.getType() == n.getType())
        return found;
  }
  if (auto div = n.getDefiningOp<DivOp>()) {
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (auto found = sqrt ? rmsOfSum(sqrt.getInput()) : std::nullopt;
        found && found->first == div.getLhs() && div.getLhs().getType() == n.getType())
      return found;
  }
  return std::nullopt;
}

/// w * normalised(x) -> rms_norm(x, w); a normalisation without a weight
/// gets a weight of ones.
struct RaiseRMSNorm : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t width = type.getShape().empty() ? -1 : type.getShape().back();
    for (auto [w, n] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto weightType = cast<RankedTensorType>(w.getType());
      if (weightType.getRank() != 1 || weightType.getDimSize(0) != width)
        continue;
      if (auto found = normalised(n); found && found->first.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<RMSNormOp>(op, found->first, w,
                                               rewriter.getF64FloatAttr(found->second));
        return success();
      }
    }
    return failure();
  }
};

} // namespace

void raise::populateNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRMSNorm>(patterns.getContext());
}

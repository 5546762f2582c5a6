//===- RaiseNorms.cpp - RMSNorm -------------------------------------------===//
#include "RaisePatterns.h"

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// x when `square` is x^2, written pow(x, 2) or x * x.
Value squaredValue(Value square) {
  if (auto pow = square.getDefiningOp<PowOp>(); pow && isConstant(pow.getRhs(), 2.0))
    return pow.getLhs();
  if (auto mul = square.getDefiningOp<MulOp>(); mul && mul.getLhs() == mul.getRhs())
    return mul.getLhs();
  return nullptr;
}

/// The (weight, normalised) operand pairs of `op` whose weight is a
/// per-feature vector [D] of the result's last dimension.
llvm::SmallVector<std::pair<Value, Value>> weightedOperands(MulOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  int64_t width = type.getShape().empty() ? -1 : type.getShape().back();
  llvm::SmallVector<std::pair<Value, Value>> pairs;
  for (auto [w, n] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
    auto weightType = cast<RankedTensorType>(w.getType());
    if (weightType.getRank() == 1 && weightType.getDimSize(0) == width)
      pairs.push_back({w, n});
  }
  return pairs;
}

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
    if (Value x = squaredValue(mean.getInput()))
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

/// w * normalised(x) -> rms_norm(x, w)
struct RaiseRMSNorm : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    for (auto [w, n] : weightedOperands(op)) {
      if (auto found = normalised(n); found && found->first.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<RMSNormOp>(op, found->first, w,
                                               rewriter.getF64FloatAttr(found->second));
        return success();
      }
    }
    return failure();
  }
};

/// x when `v` is reduce_mean(x) over the last dimension, keeping it.
Value meanOfLast(Value v) {
  auto mean = v.getDefiningOp<ReduceMeanOp>();
  if (!mean || !mean.getKeepDims() || mean.getDims().size() != 1 ||
      mean.getDims()[0] != cast<RankedTensorType>(mean.getInput().getType()).getRank() - 1)
    return nullptr;
  return mean.getInput();
}

/// The x and epsilon when `n` is (x - mean(x)) / sqrt(var(x) + eps), the
/// LayerNorm exports write before opset 17.
std::optional<std::pair<Value, double>> standardised(Value n) {
  auto div = n.getDefiningOp<DivOp>();
  auto centred = div ? div.getLhs().getDefiningOp<SubOp>() : nullptr;
  auto sqrt = div ? div.getRhs().getDefiningOp<SqrtOp>() : nullptr;
  if (!centred || !sqrt)
    return std::nullopt;
  Value x = centred.getLhs();
  if (meanOfLast(centred.getRhs()) != x)
    return std::nullopt;
  auto add = sqrt.getInput().getDefiningOp<AddOp>();
  if (!add)
    return std::nullopt;
  for (auto [v, e] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> epsilon = splatValue(e);
    Value square = meanOfLast(v);
    if (!epsilon || !square)
      continue;
    if (squaredValue(square) == div.getLhs() && x.getType() == n.getType())
      return std::pair(x, *epsilon);
  }
  return std::nullopt;
}

/// standardised(x) * w (+ b) -> layer_norm(x, w, b)
struct RaiseLayerNorm : OpRewritePattern<MulOp> {
  // Before RMSNorm: a LayerNorm is also an RMSNorm of x - mean(x).
  RaiseLayerNorm(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    int64_t width = cast<RankedTensorType>(op.getType()).getShape().back();
    for (auto [w, n] : weightedOperands(op)) {
      auto found = standardised(n);
      if (!found || found->first.getType() != op.getType())
        continue;
      // A bias added to the product joins the op.
      Value bias;
      Operation *user = op->hasOneUse() ? *op->getUsers().begin() : nullptr;
      if (Value b = otherOperand<AddOp>(user, [&](Value v) { return v == op.getResult(); })) {
        auto biasType = cast<RankedTensorType>(b.getType());
        if (biasType.getRank() == 1 && biasType.getDimSize(0) == width &&
            user->getResult(0).getType() == op.getType())
          bias = b;
      }
      auto norm = rewriter.create<LayerNormOp>(op.getLoc(), found->first, w, bias,
                                               rewriter.getF64FloatAttr(found->second));
      if (bias)
        rewriter.replaceOp(user, norm.getResult());
      else
        rewriter.replaceOp(op, norm.getResult());
      return success();
    }
    return failure();
  }
};

} // namespace

void raise::populateNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRMSNorm, RaiseLayerNorm>(patterns.getContext());
}

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

// The matchers below return nothing when they do not match and note why in
// `why`, at the depth of the structure matched so far (from the product
// `w * normalised(x)`: 1 = a weight operand found).

/// The x and epsilon of `mean(x^2, last dim, keep) + eps` (depth 3: the
/// square root or its inverse matched).
std::optional<std::pair<Value, double>> rmsOfSum(Value sum, MissReason &why);

/// The x and epsilon of `1 / sqrt(mean(x^2, last dim) + eps)` in the
/// spellings exporters use: div(1, sqrt(s)), reciprocal(sqrt(s)), rsqrt(s).
std::optional<std::pair<Value, double>> inverseRms(Value inverse, MissReason &why) {
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
    if (!sqrt) {
      why.note(2, "the factor beside x is not 1 / sqrt(..), reciprocal(sqrt(..)) or rsqrt(..)");
      return std::nullopt;
    }
    sum = sqrt.getInput();
  }
  return rmsOfSum(sum, why);
}

std::optional<std::pair<Value, double>> rmsOfSum(Value sum, MissReason &why) {
  auto add = sum.getDefiningOp<AddOp>();
  if (!add) {
    why.note(3, "the square root's argument is not mean(x^2) + eps (an llm.add)");
    return std::nullopt;
  }
  why.note(4, "in mean(x^2) + eps, neither operand is an llm.reduce_mean");
  for (auto [m, e] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> epsilon = splatValueOf(e);
    auto mean = m.getDefiningOp<ReduceMeanOp>();
    if (!mean)
      continue;
    if (!epsilon) {
      why.note(5, "the eps added to the mean is not a constant");
      continue;
    }
    if (!mean.getKeepDims()) {
      why.note(5, "the mean of x^2 does not keep the reduced dimension (keep_dims)");
      continue;
    }
    auto inputType = cast<RankedTensorType>(mean.getInput().getType());
    if (mean.getDims().size() != 1 || mean.getDims()[0] != inputType.getRank() - 1) {
      why.note(5, "the mean of x^2 is not over the last dimension alone");
      continue;
    }
    if (Value x = squaredValue(mean.getInput()))
      return std::pair(x, *epsilon);
    why.note(6, "the mean is not of a square x^2 (pow(x, 2) or x * x)");
  }
  return std::nullopt;
}

/// The x and epsilon when `n` is x normalised by its RMS:
/// x * inverseRms(x) or x / sqrt(mean(x^2) + eps).
std::optional<std::pair<Value, double>> normalised(Value n, MissReason &why) {
  // The RMS found is of `found`, the value normalised is `x`.
  auto mismatch = [&](Value found, Value x) {
    if (found != x)
      why.note(7, "the RMS is of another value than the x it normalises");
    else
      why.note(8, "x has another type than x normalised (it broadcasts)");
  };
  if (auto mul = n.getDefiningOp<MulOp>()) {
    for (auto [x, inverse] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
      auto found = inverseRms(inverse, why);
      if (found && found->first == x && x.getType() == n.getType())
        return found;
      if (found)
        mismatch(found->first, x);
    }
    return std::nullopt;
  }
  if (auto div = n.getDefiningOp<DivOp>()) {
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sqrt) {
      why.note(2, "the divisor of x is not sqrt(mean(x^2) + eps)");
      return std::nullopt;
    }
    auto found = rmsOfSum(sqrt.getInput(), why);
    if (found && found->first == div.getLhs() && div.getLhs().getType() == n.getType())
      return found;
    if (found)
      mismatch(found->first, div.getLhs());
    return std::nullopt;
  }
  why.note(1, "the normalised operand is not x * (1 / sqrt(mean(x^2) + eps)) or x / sqrt(mean(x^2) + eps)");
  return std::nullopt;
}

/// w * normalised(x) -> rms_norm(x, w)
struct RaiseRMSNorm : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    MissReason why("no operand is a weight vector [D] of the result's last dimension");
    for (auto [w, n] : weightedOperands(op)) {
      auto found = normalised(n, why);
      if (found && found->first.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<RMSNormOp>(op, found->first, w,
                                               rewriter.getF64FloatAttr(found->second));
        return success();
      }
      if (found)
        why.note(9, "x has another type than the product (the weight broadcasts it)");
    }
    return rewriter.notifyMatchFailure(op, "llm.rms_norm: " + why.str());
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
/// LayerNorm exports write before opset 17 (depths as for the RMSNorm).
std::optional<std::pair<Value, double>> standardised(Value n, MissReason &why) {
  auto div = n.getDefiningOp<DivOp>();
  auto centred = div ? div.getLhs().getDefiningOp<SubOp>() : nullptr;
  auto sqrt = div ? div.getRhs().getDefiningOp<SqrtOp>() : nullptr;
  if (!div) {
    why.note(1, "the normalised operand is not a division (x - mean(x)) / sqrt(var(x) + eps)");
    return std::nullopt;
  }
  if (!centred) {
    why.note(2, "the dividend is not x - mean(x) (an llm.sub)");
    return std::nullopt;
  }
  if (!sqrt) {
    why.note(2, "the divisor is not sqrt(var(x) + eps) (an llm.sqrt)");
    return std::nullopt;
  }
  Value x = centred.getLhs();
  if (meanOfLast(centred.getRhs()) != x) {
    why.note(3, "the subtracted value is not the mean of x over its last dimension (keep_dims)");
    return std::nullopt;
  }
  auto add = sqrt.getInput().getDefiningOp<AddOp>();
  if (!add) {
    why.note(4, "the square root's argument is not var(x) + eps (an llm.add)");
    return std::nullopt;
  }
  why.note(5, "in var(x) + eps, no operand is a mean over the last dimension (keep_dims) beside a "
              "constant eps");
  for (auto [v, e] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> epsilon = splatValueOf(e);
    Value square = meanOfLast(v);
    if (!epsilon || !square)
      continue;
    if (squaredValue(square) == div.getLhs() && x.getType() == n.getType())
      return std::pair(x, *epsilon);
    if (squaredValue(square) != div.getLhs())
      why.note(6, "the variance is not the mean of (x - mean(x))^2 of the same centred x");
    else
      why.note(7, "x has another type than x standardised (it broadcasts)");
  }
  return std::nullopt;
}

/// standardised(x) * w (+ b) -> layer_norm(x, w, b)
struct RaiseLayerNorm : OpRewritePattern<MulOp> {
  // Before RMSNorm: a LayerNorm is also an RMSNorm of x - mean(x).
  RaiseLayerNorm(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    MissReason why("no operand is a weight vector [D] of the result's last dimension");
    for (auto [w, n] : weightedOperands(op)) { // none for a 0-D product
      int64_t width = cast<RankedTensorType>(op.getType()).getShape().back();
      auto found = standardised(n, why);
      if (!found)
        continue;
      if (found->first.getType() != op.getType()) {
        why.note(8, "x has another type than the product (the weight broadcasts it)");
        continue;
      }
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
    return rewriter.notifyMatchFailure(op, "llm.layer_norm: " + why.str());
  }
};

} // namespace

void raise::populateNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRMSNorm, RaiseLayerNorm>(patterns.getContext());
}

//===- RaiseLinear.cpp - linear layers ------------------------------------===//
#include "RaisePatterns.h"

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// A parameter of the model (a weight or a constant), not an activation.
bool isParameter(Value v) { return v.getDefiningOp<WeightOp>() || v.getDefiningOp<ConstantOp>(); }

/// matmul(x, W) with a 2-D parameter W [K, N] -> linear(x, W) (in_out).
struct RaiseMatmulToLinear : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    auto w = op.getRhs();
    if (!isParameter(w) || cast<RankedTensorType>(w.getType()).getRank() != 2)
      return failure();
    auto layout = WeightLayoutAttr::get(op.getContext(), WeightLayout::in_out);
    rewriter.replaceOpWithNewOp<LinearOp>(op, op.getLhs(), w, Value(), layout);
    return success();
  }
};

/// linear(x, W) + b with a 1-D parameter b [N] -> linear(x, W, b).
struct RaiseLinearBias : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    for (auto [l, b] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto linear = l.getDefiningOp<LinearOp>();
      auto biasType = cast<RankedTensorType>(b.getType());
      if (!linear || linear.getBias() || !linear->hasOneUse() || !isParameter(b) ||
          biasType.getRank() != 1 || linear.getType() != op.getType())
        continue;
      rewriter.replaceOpWithNewOp<LinearOp>(op, linear.getInput(), linear.getWeight(), b,
                                            linear.getWeightLayoutAttr());
      return success();
    }
    return failure();
  }
};

/// reshape(linear(reshape(x) to [M, K])) back to x's leading shape ->
/// linear(x): a linear layer acts on each row alike.
struct FoldLinearReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto linear = op.getInput().getDefiningOp<LinearOp>();
    if (!linear || !linear->hasOneUse())
      return failure();
    auto inner = linear.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    auto x = inner.getInput();
    ArrayRef<int64_t> xs = cast<RankedTensorType>(x.getType()).getShape();
    ArrayRef<int64_t> flat = inner.getType().getShape();
    ArrayRef<int64_t> out = op.getType().getShape();
    if (xs.empty() || flat.back() != xs.back() || out.size() != xs.size() ||
        out.drop_back() != xs.drop_back())
      return failure();
    rewriter.replaceOpWithNewOp<LinearOp>(op, x, linear.getWeight(), linear.getBias(),
                                          linear.getWeightLayoutAttr());
    return success();
  }
};

} // namespace

void raise::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseMatmulToLinear, RaiseLinearBias, FoldLinearReshapes>(patterns.getContext());
}

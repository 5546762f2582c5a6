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
    if (!isParameter(w))
      return rewriter.notifyMatchFailure(
          op, "llm.linear: the right operand is not a parameter (an llm.weight or llm.constant)");
    if (cast<RankedTensorType>(w.getType()).getRank() != 2)
      return rewriter.notifyMatchFailure(op, "llm.linear: the weight is not 2-D [K, N]");
    auto layout = WeightLayoutAttr::get(op.getContext(), WeightLayout::in_out);
    rewriter.replaceOpWithNewOp<LinearOp>(op, op.getLhs(), w, Value(), layout);
    return success();
  }
};

/// linear(x, W) + b with a 1-D parameter b [N] -> linear(x, W, b).
struct RaiseLinearBias : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    const char *why = "neither operand is an llm.linear";
    for (auto [l, b] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto linear = l.getDefiningOp<LinearOp>();
      auto biasType = cast<RankedTensorType>(b.getType());
      if (!linear)
        continue;
      if (linear.getBias())
        why = "the llm.linear has a bias already";
      else if (!linear->hasOneUse())
        why = "the llm.linear has other uses than this sum";
      else if (!isParameter(b))
        why = "the added value is not a parameter (an llm.weight or llm.constant)";
      else if (biasType.getRank() != 1)
        why = "the added parameter is not a 1-D bias [N]";
      else if (linear.getType() != op.getType())
        why = "the sum has another type than the llm.linear (the bias broadcasts)";
      else {
        rewriter.replaceOpWithNewOp<LinearOp>(op, linear.getInput(), linear.getWeight(), b,
                                              linear.getWeightLayoutAttr());
        return success();
      }
    }
    return rewriter.notifyMatchFailure(op, Twine("llm.linear bias: ") + why);
  }
};

/// reshape(linear(reshape(x) to [M, K])) back to x's leading shape ->
/// linear(x): a linear layer acts on each row alike.
struct FoldLinearReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto linear = op.getInput().getDefiningOp<LinearOp>();
    if (!linear)
      return rewriter.notifyMatchFailure(op, "llm.linear reshapes: the reshaped value is not an llm.linear");
    if (!linear->hasOneUse())
      return rewriter.notifyMatchFailure(op, "llm.linear reshapes: the llm.linear has other uses than this reshape");
    auto inner = linear.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "llm.linear reshapes: the llm.linear's input is not an llm.reshape");
    auto x = inner.getInput();
    ArrayRef<int64_t> xs = cast<RankedTensorType>(x.getType()).getShape();
    ArrayRef<int64_t> flat = inner.getType().getShape();
    ArrayRef<int64_t> out = op.getType().getShape();
    if (xs.empty() || flat.back() != xs.back())
      return rewriter.notifyMatchFailure(
          op, "llm.linear reshapes: the inner reshape changes the last (feature) dimension");
    if (out.size() != xs.size() || out.drop_back() != xs.drop_back())
      return rewriter.notifyMatchFailure(
          op, "llm.linear reshapes: the outer reshape does not restore the input's leading dimensions");
    rewriter.replaceOpWithNewOp<LinearOp>(op, x, linear.getWeight(), linear.getBias(),
                                          linear.getWeightLayoutAttr());
    return success();
  }
};

} // namespace

void raise::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseMatmulToLinear, RaiseLinearBias, FoldLinearReshapes>(patterns.getContext());
}

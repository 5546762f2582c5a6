//===- RaiseActivations.cpp - SiLU, SwiGLU and GELU -----------------------===//
#include "RaisePatterns.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// x * sigmoid(x) -> silu(x)
struct RaiseSiLU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    for (auto [x, s] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (sigmoid && sigmoid.getInput() == x && x.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<SiluOp>(op, x);
        return success();
      }
    }
    return failure();
  }
};

/// silu(g) * u -> swiglu(g, u)
struct RaiseSwiGLU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    for (auto [s, u] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto silu = s.getDefiningOp<SiluOp>();
      if (silu && u.getType() == op.getType() && silu.getType() == op.getType()) {
        rewriter.replaceOpWithNewOp<SwiGLUOp>(op, silu.getInput(), u);
        return success();
      }
    }
    return failure();
  }
};

/// x^3, as pow(x, 3) or x * x * x.
bool isCube(Value v, Value x) {
  if (auto pow = v.getDefiningOp<PowOp>())
    return pow.getLhs() == x && isConstant(pow.getRhs(), 3.0);
  Value square = otherOperand<MulOp>(v.getDefiningOp(), [&](Value o) { return o == x; });
  return square && otherOperand<MulOp>(square.getDefiningOp(), [&](Value o) { return o == x; }) == x;
}

/// The x of `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))`'s
/// second factor, or of `1 + erf(x / sqrt(2))`; sets `tanhForm`.
Value geluArgument(Value onePlus, bool &tanhForm) {
  Value t = otherOperand<AddOp>(onePlus.getDefiningOp(), [](Value v) { return isConstant(v, 1.0); });
  if (!t)
    return nullptr;
  if (auto tanh = t.getDefiningOp<TanhOp>()) {
    Value inner = otherOperand<MulOp>(tanh.getInput().getDefiningOp(),
                                      [](Value v) { return isConstant(v, std::sqrt(2.0 / M_PI)); });
    if (!inner)
      return nullptr;
    auto sum = inner.getDefiningOp<AddOp>();
    if (!sum)
      return nullptr;
    for (auto [x, cubic] : {std::pair(sum.getLhs(), sum.getRhs()), std::pair(sum.getRhs(), sum.getLhs())}) {
      Value cube = otherOperand<MulOp>(cubic.getDefiningOp(), [](Value v) { return isConstant(v, 0.044715); });
      if (cube && isCube(cube, x)) {
        tanhForm = true;
        return x;
      }
    }
    return nullptr;
  }
  if (auto erf = t.getDefiningOp<ErfOp>()) {
    Value in = erf.getInput();
    if (auto div = in.getDefiningOp<DivOp>(); div && isConstant(div.getRhs(), std::sqrt(2.0))) {
      tanhForm = false;
      return div.getLhs();
    }
    if (Value x = otherOperand<MulOp>(in.getDefiningOp(), [](Value v) { return isConstant(v, 1.0 / std::sqrt(2.0)); })) {
      tanhForm = false;
      return x;
    }
  }
  return nullptr;
}

/// (x * 0.5) * (1 + f(x)), x * (0.5 * (1 + f(x))) and
/// (x * (1 + f(x))) * 0.5 -> gelu(x)
struct RaiseGELU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    auto isHalf = [](Value v) { return isConstant(v, 0.5); };
    for (auto [a, c] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      bool tanhForm = false;
      // (x * 0.5) * (1 + f(x))
      if (Value x = otherOperand<MulOp>(a.getDefiningOp(), isHalf)) {
        if (geluArgument(c, tanhForm) == x && x.getType() == op.getType())
          return replace(op, x, tanhForm, rewriter);
      }
      // x * (0.5 * (1 + f(x)))
      if (Value onePlus = otherOperand<MulOp>(c.getDefiningOp(), isHalf)) {
        if (geluArgument(onePlus, tanhForm) == a && a.getType() == op.getType())
          return replace(op, a, tanhForm, rewriter);
      }
      // (x * (1 + f(x))) * 0.5, as torch.onnx.export writes F.gelu
      if (isHalf(c)) {
        if (auto product = a.getDefiningOp<MulOp>()) {
          for (auto [x, onePlus] : {std::pair(product.getLhs(), product.getRhs()),
                                    std::pair(product.getRhs(), product.getLhs())})
            if (geluArgument(onePlus, tanhForm) == x && x.getType() == op.getType())
              return replace(op, x, tanhForm, rewriter);
        }
      }
    }
    return failure();
  }

  LogicalResult replace(MulOp op, Value x, bool tanhForm, PatternRewriter &rewriter) const {
    auto form = GeluApproximationAttr::get(
        op.getContext(), tanhForm ? GeluApproximation::tanh : GeluApproximation::erf);
    rewriter.replaceOpWithNewOp<GeluOp>(op, form, x);
    return success();
  }
};

} // namespace

void raise::populateActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseSiLU, RaiseSwiGLU, RaiseGELU>(patterns.getContext());
}

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
    bool broadcasts = false;
    for (auto [x, s] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != x)
        continue;
      if (x.getType() != op.getType()) {
        broadcasts = true;
        continue;
      }
      rewriter.replaceOpWithNewOp<SiluOp>(op, x);
      return success();
    }
    return rewriter.notifyMatchFailure(
        op, broadcasts ? "llm.silu: x * sigmoid(x) has another type than x (the product broadcasts)"
                       : "llm.silu: neither operand is llm.sigmoid of the other operand");
  }
};

/// silu(g) * u -> swiglu(g, u)
struct RaiseSwiGLU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    bool broadcasts = false;
    for (auto [s, u] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto silu = s.getDefiningOp<SiluOp>();
      if (!silu)
        continue;
      if (u.getType() != op.getType() || silu.getType() != op.getType()) {
        broadcasts = true;
        continue;
      }
      rewriter.replaceOpWithNewOp<SwiGLUOp>(op, silu.getInput(), u);
      return success();
    }
    return rewriter.notifyMatchFailure(
        op, broadcasts ? "llm.swiglu: silu(g) * u broadcasts (an operand's type is not the result's)"
                       : "llm.swiglu: neither operand is an llm.silu");
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
/// second factor, or of `1 + erf(x / sqrt(2))`; sets `tanhForm`. When it
/// is neither, returns null and notes why (depth 1: the factor 0.5 found).
Value geluArgument(Value onePlus, bool &tanhForm, MissReason &why) {
  Value t = otherOperand<AddOp>(onePlus.getDefiningOp(), [](Value v) { return isConstant(v, 1.0); });
  if (!t) {
    why.note(2, "the other factor is not 1 + f(x) (an llm.add of the constant 1)");
    return nullptr;
  }
  if (auto tanh = t.getDefiningOp<TanhOp>()) {
    Value inner = otherOperand<MulOp>(tanh.getInput().getDefiningOp(),
                                      [](Value v) { return isConstant(v, std::sqrt(2.0 / M_PI)); });
    if (!inner) {
      why.note(4, "the tanh argument is not sqrt(2/pi) * (..) (an llm.mul by the constant 0.7978846)");
      return nullptr;
    }
    auto sum = inner.getDefiningOp<AddOp>();
    if (!sum) {
      why.note(5, "the tanh argument is not sqrt(2/pi) * (x + 0.044715 * x^3): no llm.add inside");
      return nullptr;
    }
    for (auto [x, cubic] : {std::pair(sum.getLhs(), sum.getRhs()), std::pair(sum.getRhs(), sum.getLhs())}) {
      Value cube = otherOperand<MulOp>(cubic.getDefiningOp(), [](Value v) { return isConstant(v, 0.044715); });
      if (cube && isCube(cube, x)) {
        tanhForm = true;
        return x;
      }
    }
    why.note(6, "the tanh argument's sum is not x + 0.044715 * x^3 (x^3 as pow(x, 3) or x * x * x "
                "of the same x)");
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
    why.note(4, "the erf argument is not x / sqrt(2) or x * (1 / sqrt(2))");
    return nullptr;
  }
  why.note(3, "in 1 + f(x), f is neither llm.tanh nor llm.erf");
  return nullptr;
}

/// (x * 0.5) * (1 + f(x)), x * (0.5 * (1 + f(x))) and
/// (x * (1 + f(x))) * 0.5 -> gelu(x)
struct RaiseGELU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    auto isHalf = [](Value v) { return isConstant(v, 0.5); };
    MissReason why("no factor is the constant 0.5 or a product with it: expected (x * 0.5) * (1 + f(x)), "
                   "x * (0.5 * (1 + f(x))) or (x * (1 + f(x))) * 0.5");
    // The x found for the form tried, against the x it must equal.
    auto mismatch = [&](Value found, Value x) {
      if (found && found != x)
        why.note(7, "1 + f(y) is of another value y than the x it multiplies");
      else if (found)
        why.note(8, "x has another type than the product (it broadcasts)");
    };
    for (auto [a, c] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      bool tanhForm = false;
      // (x * 0.5) * (1 + f(x))
      if (Value x = otherOperand<MulOp>(a.getDefiningOp(), isHalf)) {
        Value found = geluArgument(c, tanhForm, why);
        if (found == x && x.getType() == op.getType())
          return replace(op, x, tanhForm, rewriter);
        mismatch(found, x);
      }
      // x * (0.5 * (1 + f(x)))
      if (Value onePlus = otherOperand<MulOp>(c.getDefiningOp(), isHalf)) {
        Value found = geluArgument(onePlus, tanhForm, why);
        if (found == a && a.getType() == op.getType())
          return replace(op, a, tanhForm, rewriter);
        mismatch(found, a);
      }
      // (x * (1 + f(x))) * 0.5, as torch.onnx.export writes F.gelu
      if (isHalf(c)) {
        if (auto product = a.getDefiningOp<MulOp>()) {
          for (auto [x, onePlus] : {std::pair(product.getLhs(), product.getRhs()),
                                    std::pair(product.getRhs(), product.getLhs())}) {
            Value found = geluArgument(onePlus, tanhForm, why);
            if (found == x && x.getType() == op.getType())
              return replace(op, x, tanhForm, rewriter);
            mismatch(found, x);
          }
        } else {
          why.note(1, "the factor beside the constant 0.5 is not a product x * (1 + f(x))");
        }
      }
    }
    return rewriter.notifyMatchFailure(op, "llm.gelu: " + why.str());
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

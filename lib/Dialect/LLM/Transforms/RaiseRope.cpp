//===- RaiseRope.cpp - rotary position embeddings -------------------------===//
//
// The half-split RoPE of Llama/Qwen2 as exports compute it in the graph:
//   x * cos(E) + rotate_half(x) * sin(E),  E = concat(F, F),
//   F = float(positions)[..., None] * inv_freq,  inv_freq_i = theta^(-2i/D)
// with rotate_half(x) = concat(-x[..., D/2:], x[..., :D/2]).
//
//===----------------------------------------------------------------------===//
#include "RaisePatterns.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// x when `v` is x[..., start:limit) along the last of 4 dims.
Value sliceOfLast(Value v, int64_t start, int64_t limit) {
  auto slice = v.getDefiningOp<SliceOp>();
  if (!slice || slice.getDims().size() != 1 || slice.getDims()[0] != 3 || slice.getSteps() ||
      slice.getStarts()[0] != start)
    return nullptr;
  int64_t width = cast<RankedTensorType>(slice.getInput().getType()).getDimSize(3);
  if (slice.getLimits()[0] != limit && !(limit == width && slice.getLimits()[0] >= width))
    return nullptr;
  return slice.getInput();
}

/// x when `v` is rotate_half(x) for a [B, H, S, D] x.
Value rotateHalfOf(Value v) {
  auto concat = v.getDefiningOp<ConcatOp>();
  if (!concat || concat.getDim() != 3 || concat.getInputs().size() != 2)
    return nullptr;
  auto neg = concat.getInputs()[0].getDefiningOp<NegOp>();
  if (!neg)
    return nullptr;
  int64_t width = concat.getType().getDimSize(3);
  if (ShapedType::isDynamic(width) || width % 2)
    return nullptr;
  Value upper = sliceOfLast(neg.getInput(), width / 2, width);
  Value lower = sliceOfLast(concat.getInputs()[1], 0, width / 2);
  return upper && upper == lower ? upper : nullptr;
}

/// The angles E of `reshape(cos(E))` (or `cos(E)`), for `kind` cos or sin.
template <typename OpT>
Value anglesOf(Value v) {
  if (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  auto op = v.getDefiningOp<OpT>();
  return op ? op.getInput() : nullptr;
}

/// Positions [B, S] and theta of E = concat(F, F), F = positions * inv_freq.
std::optional<std::pair<Value, double>> positionsAndTheta(Value angles, int64_t width) {
  auto concat = angles.getDefiningOp<ConcatOp>();
  if (!concat || concat.getInputs().size() != 2 || concat.getInputs()[0] != concat.getInputs()[1])
    return std::nullopt;
  auto product = concat.getInputs()[0].getDefiningOp<MulOp>();
  if (!product)
    return std::nullopt;
  for (auto [p, f] : {std::pair(product.getLhs(), product.getRhs()), std::pair(product.getRhs(), product.getLhs())}) {
    auto constant = f.getDefiningOp<ConstantOp>();
    auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
    if (!dense || dense.getNumElements() != width / 2 || width < 4)
      continue;
    auto freqs = dense.getValues<APFloat>();
    double theta = std::pow(double(freqs[1].convertToDouble()), -double(width) / 2.0);
    // The frequencies are f32 roundings: theta comes back a few 1e-7 off.
    // Round it to 6 significant digits (10000.0005 -> 10000), which the
    // check below still holds against.
    if (theta > 0 && std::isfinite(theta)) {
      double scale = std::pow(10.0, 5 - std::floor(std::log10(theta)));
      theta = std::round(theta * scale) / scale;
    }
    bool matches = true;
    for (int64_t i = 0; i < width / 2 && matches; ++i) {
      double expected = std::pow(theta, -2.0 * i / width);
      matches = std::fabs(freqs[i].convertToDouble() - expected) <= 1e-5 * expected;
    }
    // p = float(reshape(positions)) with positions [B, S] integers.
    auto toFloat = p.getDefiningOp<CastOp>();
    auto reshape = toFloat ? toFloat.getInput().getDefiningOp<ReshapeOp>() : nullptr;
    if (!matches || !reshape || reshape.getShape())
      continue;
    Value positions = reshape.getInput();
    auto type = cast<RankedTensorType>(positions.getType());
    if (type.getRank() != 2 || !type.getElementType().isInteger(64))
      continue;
    return std::pair(positions, theta);
  }
  return std::nullopt;
}

struct RaiseRope : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (type.getRank() != 4 || ShapedType::isDynamic(type.getDimSize(3)))
      return failure();
    for (auto [a, b] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto cosTerm = a.getDefiningOp<MulOp>();
      auto sinTerm = b.getDefiningOp<MulOp>();
      if (!cosTerm || !sinTerm)
        continue;
      for (auto [x, c] : {std::pair(cosTerm.getLhs(), cosTerm.getRhs()), std::pair(cosTerm.getRhs(), cosTerm.getLhs())}) {
        for (auto [r, s] : {std::pair(sinTerm.getLhs(), sinTerm.getRhs()), std::pair(sinTerm.getRhs(), sinTerm.getLhs())}) {
          if (x.getType() != op.getType() || rotateHalfOf(r) != x)
            continue;
          Value angles = anglesOf<CosOp>(c);
          if (!angles || anglesOf<SinOp>(s) != angles)
            continue;
          auto found = positionsAndTheta(angles, type.getDimSize(3));
          if (!found)
            continue;
          auto layout = RopeLayoutAttr::get(op.getContext(), RopeLayout::half_split);
          auto rope = rewriter.create<RopeOp>(op.getLoc(), x, found->first, layout,
                                              rewriter.getF64FloatAttr(found->second), nullptr, nullptr, nullptr, nullptr);
          if (rope.getType() != op.getType()) {
            rewriter.eraseOp(rope);
            continue;
          }
          rewriter.replaceOp(op, rope.getResult());
          return success();
        }
      }
    }
    return failure();
  }
};

} // namespace

void raise::populateRopePatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRope>(patterns.getContext());
}

//===- SafeNorms.cpp - FP16 range-safe forms of the norms -----------------===//
#include "SafeNorms.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;

namespace {

/// A 0-D constant of element type `type`.
Value scalar(OpBuilder &b, Location loc, Type type, double value) {
  auto tensor = RankedTensorType::get({}, type);
  return b.create<ConstantOp>(loc, DenseElementsAttr::get(tensor, b.getFloatAttr(type, value)));
}

/// The smallest factor > 1 of `n`.
int64_t smallestFactor(int64_t n) {
  for (int64_t f = 2; f * f <= n; ++f)
    if (n % f == 0)
      return f;
  return n;
}

/// What both norms share: the floored row maximum m of `x`, x / m, and
/// sqrt(D) / sqrt(sumOfSquares + D * eps / m^2) for the squares of the
/// centred or plain scaled row.
struct MaxScaled {
  Value scaled; ///< x / m, |.| <= 1
  Value m;      ///< [..., 1]
};

MaxScaled scaleByRowMax(OpBuilder &b, Location loc, Value x, double floor) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t last = type.getRank() - 1;
  Value magnitude = b.create<AbsOp>(loc, x);
  Value rowMax = b.create<ReduceMaxOp>(loc, magnitude, ArrayRef<int64_t>{last}, true);
  // An all-zero (or tiny) row divides by the floor, not by zero.
  Value m = b.create<MaximumOp>(loc, rowMax, scalar(b, loc, type.getElementType(), floor));
  return {b.create<DivOp>(loc, x, m), m};
}

/// sqrt(D) / sqrt(sum_k v[k]^2 + D * eps / m^2), [..., 1]: the reciprocal
/// RMS of `v` with the epsilon of the unscaled row rescaled by 1 / m^2. The
/// radicand is floored at 2^-14 (FP16's smallest normal): it can only be
/// smaller when the rescaled epsilon underflows and v is 0 (a constant
/// LayerNorm row, whose result is then exactly the bias), and the floor
/// keeps the reciprocal finite (at most 128 sqrt(D)) so 0 * it is 0.
Value reciprocalScaledRMS(OpBuilder &b, Location loc, Value v, Value m, int64_t width,
                          double eps) {
  Type element = cast<RankedTensorType>(v.getType()).getElementType();
  Value squares = b.create<MulOp>(loc, v, v);
  Value sum = buildPairwiseSum(b, loc, squares);
  // (sqrt(D * eps) / m)^2: eps itself, often an FP16 subnormal, never
  // appears; the floor on m bounds this by 2^14.
  Value root = b.create<DivOp>(loc, scalar(b, loc, element, std::sqrt(double(width) * eps)), m);
  Value rescaledEps = b.create<MulOp>(loc, root, root);
  Value total = b.create<AddOp>(loc, sum, rescaledEps);
  Value floored = b.create<MaximumOp>(loc, total, scalar(b, loc, element, std::ldexp(1.0, -14)));
  Value inverse = b.create<RsqrtOp>(loc, floored);
  return b.create<MulOp>(loc, inverse, scalar(b, loc, element, std::sqrt(double(width))));
}

/// The static width of the norm's last dimension, or an error.
FailureOr<int64_t> normWidth(Operation *op, Value input) {
  int64_t width = cast<RankedTensorType>(input.getType()).getShape().back();
  if (ShapedType::isDynamic(width))
    return op->emitError("the FP16-safe form of a norm needs a static width");
  // The sum of squares (at most D) plus D * eps / m^2 (at most 2^14).
  if (width + (int64_t(1) << 14) > 65504)
    return op->emitError() << "a norm over " << width
                           << " elements has no FP16-safe form here (at most 49120)";
  return width;
}

} // namespace

double llmc::llm::maxScaleFloor(int64_t width, double eps) {
  // D * eps / m^2 <= 2^14  <=>  m >= sqrt(D * eps) / 2^7.
  return std::max(std::sqrt(double(width) * eps) / 128.0, std::ldexp(1.0, -14));
}

Value llmc::llm::buildPairwiseSum(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t rank = type.getRank();
  Value v = x;
  while (shape.back() > 1) {
    // [..., W] -> [..., f, W / f], summed over the f: each level adds rows
    // of the same size, a tree rather than a running sum.
    int64_t f = smallestFactor(shape.back());
    SmallVector<int64_t> split(shape.begin(), shape.end() - 1);
    split.push_back(f);
    split.push_back(shape.back() / f);
    v = b.create<ReshapeOp>(loc, RankedTensorType::get(split, type.getElementType()), v, Value());
    v = b.create<ReduceSumOp>(loc, v, ArrayRef<int64_t>{rank - 1}, false);
    shape.back() /= f;
  }
  if (v == x) // a width of 1 is its own sum
    return x;
  return v; // [..., 1]
}

LogicalResult llmc::llm::rewriteToMaxScaledForm(RMSNormOp op) {
  FailureOr<int64_t> width = normWidth(op, op.getInput());
  if (failed(width))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  double eps = op.getEpsilon().convertToDouble();
  MaxScaled x = scaleByRowMax(b, loc, op.getInput(), maxScaleFloor(*width, eps));
  Value inverse = reciprocalScaledRMS(b, loc, x.scaled, x.m, *width, eps);
  Value normalised = b.create<MulOp>(loc, x.scaled, inverse);
  Value result = b.create<MulOp>(loc, normalised, op.getWeight());
  op.replaceAllUsesWith(result);
  op.erase();
  return success();
}

LogicalResult llmc::llm::rewriteToMaxScaledForm(LayerNormOp op) {
  FailureOr<int64_t> width = normWidth(op, op.getInput());
  if (failed(width))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type element = cast<RankedTensorType>(op.getInput().getType()).getElementType();
  double eps = op.getEpsilon().convertToDouble();
  MaxScaled x = scaleByRowMax(b, loc, op.getInput(), maxScaleFloor(*width, eps));
  // The mean of the scaled row (its sum is at most D; divided by D, not
  // multiplied by a rounded 1 / D, so a constant row's mean is exact and
  // its centred row exactly 0), then the centred row (|d| <= 2, and
  // sum d^2 <= sum y^2 <= D).
  Value mean = b.create<DivOp>(loc, buildPairwiseSum(b, loc, x.scaled),
                               scalar(b, loc, element, double(*width)));
  Value centred = b.create<SubOp>(loc, x.scaled, mean);
  Value inverse = reciprocalScaledRMS(b, loc, centred, x.m, *width, eps);
  Value normalised = b.create<MulOp>(loc, centred, inverse);
  Value result = b.create<MulOp>(loc, normalised, op.getWeight());
  if (Value bias = op.getBias())
    result = b.create<AddOp>(loc, result, bias);
  op.replaceAllUsesWith(result);
  op.erase();
  return success();
}

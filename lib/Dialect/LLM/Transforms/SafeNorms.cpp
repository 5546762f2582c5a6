//===- SafeNorms.cpp - FP16 range-safe forms of the norms -----------------===//
#include "SafeNorms.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc::llm;

namespace {

/// The smallest factor > 1 of `n`.
int64_t smallestFactor(int64_t n) {
  for (int64_t f = 2; f * f <= n; ++f)
    if (n % f == 0)
      return f;
  return n;
}

/// A row divided by its floored maximum magnitude m.
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
  Value m = b.create<MaximumOp>(loc, rowMax, b.create<ConstantOp>(loc, type.getElementType(), floor));
  return {b.create<DivOp>(loc, x, m), m};
}

/// sqrt(D) / sqrt(sum_k v[k]^2 + D * eps / m^2), [..., 1]: the reciprocal
/// RMS of `v` with the epsilon of the unscaled row rescaled by 1 / m^2
/// (`rescaledEps`). The radicand is floored at 2^-14 (FP16's smallest
/// normal): it can only be smaller when the rescaled epsilon underflows and
/// v is (nearly) 0, and the floor keeps the reciprocal finite (at most
/// 128 sqrt(D)) so 0 * it is 0.
Value reciprocalScaledRMS(OpBuilder &b, Location loc, Value v, Value rescaledEps, int64_t width) {
  Type element = cast<RankedTensorType>(v.getType()).getElementType();
  Value squares = b.create<MulOp>(loc, v, v);
  Value sum = buildPairwiseSum(b, loc, squares);
  Value total = b.create<AddOp>(loc, sum, rescaledEps);
  Value floored = b.create<MaximumOp>(loc, total, b.create<ConstantOp>(loc, element, std::ldexp(1.0, -14)));
  Value inverse = b.create<RsqrtOp>(loc, floored);
  return b.create<MulOp>(loc, inverse, b.create<ConstantOp>(loc, element, std::sqrt(double(width))));
}

/// D * eps / m^2 for the static pre-scale 2^exponent (m = 2^-exponent).
double staticRescaledEps(int64_t width, double eps, int exponent) {
  return double(width) * eps * std::ldexp(1.0, 2 * exponent);
}

/// The row in range and D * eps / m^2 for it: divided by its floored max
/// |x| (dynamic), or multiplied by 2^e (static, m = 2^-e).
std::pair<Value, Value> prescale(OpBuilder &b, Location loc, Value x, int64_t width, double eps,
                                 NormPrescale how) {
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  if (how.exponent) {
    Value scaled = b.create<MulOp>(loc, x, b.create<ConstantOp>(loc, element, std::ldexp(1.0, *how.exponent)));
    // Computed here in double: on a device without subnormals a value
    // below 2^-14 reads as 0, which the radicand's floor covers.
    double rescaledEps = staticRescaledEps(width, eps, *how.exponent);
    return {scaled, b.create<ConstantOp>(loc, element, rescaledEps)};
  }
  MaxScaled row = scaleByRowMax(b, loc, x, maxScaleFloor(width, eps));
  // (sqrt(D * eps) / m)^2: eps itself, often an FP16 subnormal, never
  // appears; the floor on m bounds this by 2^14.
  Value root = b.create<DivOp>(loc, b.create<ConstantOp>(loc, element, std::sqrt(double(width) * eps)), row.m);
  return {row.scaled, b.create<MulOp>(loc, root, root)};
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

/// Replaces the norm `op` of `input` (RMSNorm; LayerNorm when `centred`)
/// by its range-safe form.
LogicalResult rewriteNorm(Operation *op, Value input, Value weight, Value bias, double eps,
                          bool centred, NormPrescale how) {
  FailureOr<int64_t> width = normWidth(op, input);
  if (failed(width))
    return failure();
  OpBuilder b(op);
  Location loc = op->getLoc();
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  auto [v, rescaledEps] = prescale(b, loc, input, *width, eps, how);
  if (centred) {
    // The mean of the scaled row (its sum is at most D; divided by D, not
    // multiplied by a rounded 1 / D, so a constant row's mean is exact and
    // its centred row exactly 0), then the centred row (|d| <= 2, and
    // sum d^2 <= sum y^2 <= D).
    Value sum = buildPairwiseSum(b, loc, v);
    Value mean = b.create<DivOp>(loc, sum, b.create<ConstantOp>(loc, element, double(*width)));
    v = b.create<SubOp>(loc, v, mean);
  }
  Value inverse = reciprocalScaledRMS(b, loc, v, rescaledEps, *width);
  Value normalised = b.create<MulOp>(loc, v, inverse);
  Value result = b.create<MulOp>(loc, normalised, weight);
  if (bias)
    result = b.create<AddOp>(loc, result, bias);
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  return success();
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
  return v; // [..., 1] (a width of 1 is its own sum)
}

int llmc::llm::staticPrescaleExponent(int64_t width, double eps, double magnitude) {
  double d = double(width);
  // 2^e <= sqrt(65504 / D) / (2 M)  and  D eps 4^e <= 2^14.
  double bound = std::min(std::log2(std::sqrt(65504.0 / d) / (2 * magnitude)),
                          std::log2(128.0 / std::sqrt(d * eps)));
  // Neither bound exists for an all-zero calibration with eps = 0; keep
  // 2^e a normal FP16 number either way.
  return int(std::clamp(std::floor(bound), -14.0, 15.0));
}

double llmc::llm::staticPrescaleLimit(int64_t width, double eps, int exponent) {
  return std::sqrt((65504.0 - staticRescaledEps(width, eps, exponent)) / double(width)) *
         std::ldexp(1.0, -exponent);
}

LogicalResult llmc::llm::rewriteToSafeForm(RMSNormOp op, NormPrescale how) {
  return rewriteNorm(op, op.getInput(), op.getWeight(), Value(), op.getEpsilon().convertToDouble(),
                     /*centred=*/false, how);
}

LogicalResult llmc::llm::rewriteToSafeForm(LayerNormOp op, NormPrescale how) {
  return rewriteNorm(op, op.getInput(), op.getWeight(), op.getBias(),
                     op.getEpsilon().convertToDouble(), /*centred=*/true, how);
}

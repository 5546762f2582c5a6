//===- LLMOpRanges.cpp - each op's range rule (RangeTransferOpInterface) --===//
//
// The step of the FP16 range analysis (lib/Dialect/LLM/Transforms/
// ValueRanges.cpp) for each op: an interval for its result, sound for every
// input within its operands' intervals. An op without a useful bound says
// so explicitly with Interval::unknown(); its consumers are then reported
// conservatively.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc::llm;

//===----------------------------------------------------------------------===//
// Weights and constants
//===----------------------------------------------------------------------===//

Interval ConstantOp::transferRange(const RangeTransferContext &) {
  auto dense = dyn_cast<DenseElementsAttr>(getValue());
  if (!dense)
    return Interval::unknown(); // a resource blob: not read here
  Interval r = Interval::empty();
  if (isa<FloatType>(dense.getElementType()))
    for (APFloat v : dense.getValues<APFloat>())
      r = r.hull(Interval::point(v.convertToDouble()));
  else
    for (APInt v : dense.getValues<APInt>())
      r = r.hull(Interval::point(double(v.getSExtValue())));
  return r;
}

Interval WeightOp::transferRange(const RangeTransferContext &context) {
  std::optional<Interval> r = context.weightValues(getName());
  return r ? *r : Interval::unknown();
}

//===----------------------------------------------------------------------===//
// Transformer ops
//===----------------------------------------------------------------------===//

Interval EmbeddingOp::transferRange(const RangeTransferContext &context) {
  return context.get(getTable());
}

Interval LinearOp::transferRange(const RangeTransferContext &context) {
  // |y[n]| <= sum_k |W[n, k]| max|x| + |bias[n]|
  Interval r = Interval::symmetric(context.maxOutputL1(getWeight(), getWeightLayout()) *
                                   context.get(getInput()).magnitude());
  return getBias() ? r + context.get(getBias()) : r;
}

Interval RMSNormOp::transferRange(const RangeTransferContext &context) {
  // |x[d]| / sqrt(mean(x^2) + eps) <= sqrt(D)
  return Interval::symmetric(std::sqrt(lastDimBound(getInput()))) * context.get(getWeight());
}

Interval LayerNormOp::transferRange(const RangeTransferContext &context) {
  Interval r = Interval::symmetric(context.get(getWeight()).magnitude()) *
               std::sqrt(lastDimBound(getInput()));
  return getBias() ? r + context.get(getBias()) : r;
}

Interval RopeOp::transferRange(const RangeTransferContext &context) {
  // Each rotated pair keeps its length (times the magnitude): an element is
  // at most sqrt(2) max|x| m.
  return Interval::symmetric(context.get(getInput()).magnitude() * std::sqrt(2.0) *
                             std::max(1.0, std::abs(computeMagnitude())));
}

Interval AttentionOp::transferRange(const RangeTransferContext &context) {
  // A convex combination of the values.
  return context.get(getValue());
}

Interval MLAAttentionOp::transferRange(const RangeTransferContext &context) {
  // A convex combination of values decompressed from the latent.
  return Interval::symmetric(context.maxOutputL1(getKvUpWeight(), WeightLayout::out_in) *
                             context.get(getLatent()).magnitude());
}

// A cache holds what its appends wrote (the past was written by the same
// computation), so the result is bounded by the update.
Interval KVAppendOp::transferRange(const RangeTransferContext &context) {
  return context.get(getUpdate());
}
Interval CacheUpdateOp::transferRange(const RangeTransferContext &context) {
  return context.get(getUpdate());
}

Interval GeluOp::transferRange(const RangeTransferContext &context) {
  Interval x = context.get(getInput());
  return {-0.1700, std::max(x.hi, 0.0)};
}

Interval SiluOp::transferRange(const RangeTransferContext &context) {
  Interval x = context.get(getInput());
  return {-0.2785, std::max(x.hi, 0.0)};
}

Interval SwiGLUOp::transferRange(const RangeTransferContext &context) {
  Interval g = context.get(getGate());
  return Interval{-0.2785, std::max(g.hi, 0.0)} * context.get(getUp());
}

Interval SoftmaxOp::transferRange(const RangeTransferContext &) { return {0, 1}; }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

Interval NegOp::transferRange(const RangeTransferContext &context) {
  Interval x = context.get(getInput());
  return {-x.hi, -x.lo};
}

Interval AbsOp::transferRange(const RangeTransferContext &context) {
  Interval x = context.get(getInput());
  return {x.lo <= 0 && x.hi >= 0 ? 0 : std::min(std::abs(x.lo), std::abs(x.hi)), x.magnitude()};
}

/// The range of an increasing function `f` of `x`: `f` at x's bounds.
template <typename Fn>
static Interval increasing(const RangeTransferContext &context, Value x, Fn f) {
  Interval r = context.get(x);
  return {f(r.lo), f(r.hi)};
}

Interval ExpOp::transferRange(const RangeTransferContext &context) {
  return increasing(context, getInput(), [](double v) { return std::exp(v); });
}
Interval FloorOp::transferRange(const RangeTransferContext &context) {
  return increasing(context, getInput(), [](double v) { return std::floor(v); });
}
Interval CeilOp::transferRange(const RangeTransferContext &context) {
  return increasing(context, getInput(), [](double v) { return std::ceil(v); });
}
Interval RoundOp::transferRange(const RangeTransferContext &context) {
  return increasing(context, getInput(), [](double v) { return std::nearbyint(v); });
}

Interval TanhOp::transferRange(const RangeTransferContext &) { return {-1, 1}; }
Interval SigmoidOp::transferRange(const RangeTransferContext &) { return {0, 1}; }
Interval CosOp::transferRange(const RangeTransferContext &) { return {-1, 1}; }
Interval SinOp::transferRange(const RangeTransferContext &) { return {-1, 1}; }

// No rule (unknown): log, rsqrt and reciprocal are unbounded near 0; sqrt
// and erf are not modelled yet.
Interval LogOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }
Interval SqrtOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }
Interval RsqrtOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }
Interval ReciprocalOp::transferRange(const RangeTransferContext &) {
  return Interval::unknown();
}
Interval ErfOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

Interval AddOp::transferRange(const RangeTransferContext &context) {
  return context.get(getLhs()) + context.get(getRhs());
}

Interval SubOp::transferRange(const RangeTransferContext &context) {
  return context.get(getLhs()) - context.get(getRhs());
}

Interval MulOp::transferRange(const RangeTransferContext &context) {
  return context.get(getLhs()) * context.get(getRhs());
}

Interval MaximumOp::transferRange(const RangeTransferContext &context) {
  Interval a = context.get(getLhs()), b = context.get(getRhs());
  return {std::max(a.lo, b.lo), std::max(a.hi, b.hi)};
}

Interval MinimumOp::transferRange(const RangeTransferContext &context) {
  Interval a = context.get(getLhs()), b = context.get(getRhs());
  return {std::min(a.lo, b.lo), std::min(a.hi, b.hi)};
}

// No rule (unknown): unbounded for a divisor or base near 0.
Interval DivOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }
Interval PowOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

// An i1 result: not a float value the analysis bounds.
Interval CompareOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

Interval WhereOp::transferRange(const RangeTransferContext &context) {
  return context.get(getOnTrue()).hull(context.get(getOnFalse()));
}

//===----------------------------------------------------------------------===//
// Products, reductions
//===----------------------------------------------------------------------===//

// No rule (unknown) yet for a generic product.
Interval MatmulOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

Interval ReduceSumOp::transferRange(const RangeTransferContext &context) {
  auto type = cast<RankedTensorType>(getInput().getType());
  double count = 1;
  for (int64_t d : getDims())
    count *= sizeBound(type.getDimSize(d));
  return context.get(getInput()) * count;
}

Interval ReduceMeanOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval ReduceMaxOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval ReduceMinOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}

// An index result: not bounded.
Interval ArgMaxOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

//===----------------------------------------------------------------------===//
// Data movement keeps the values
//===----------------------------------------------------------------------===//

Interval ReshapeOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval TransposeOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval SliceOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval DynamicSliceOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval GatherOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval BroadcastToOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}
Interval CastOp::transferRange(const RangeTransferContext &context) {
  return context.get(getInput());
}

Interval ConcatOp::transferRange(const RangeTransferContext &context) {
  Interval r = context.get(getInputs().front());
  for (Value v : getInputs())
    r = r.hull(context.get(v));
  return r;
}

//===----------------------------------------------------------------------===//
// Shapes: integer results, not bounded
//===----------------------------------------------------------------------===//

Interval DimOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }
Interval IotaOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

//===----------------------------------------------------------------------===//
// Fusion groups: the range of the yielded value (what the analysis proved
// for it inside the body, or unknown). A group of several results: its
// first here; ValueRanges gives each result its yielded value's range.
//===----------------------------------------------------------------------===//

Interval FusionGroupOp::transferRange(const RangeTransferContext &context) {
  return context.get(getYield().getValues().front());
}

// No result.
Interval YieldOp::transferRange(const RangeTransferContext &) { return Interval::unknown(); }

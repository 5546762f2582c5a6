//===- ValueRanges.cpp - proven value intervals and FP16 hazards ----------===//
#include "ValueRanges.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

const Interval kUnknown{};

/// Element `i` of a stored float tensor.
double storedValue(const StoredTensor &t, int64_t i) {
  return loadFloat(t.dtype, t.data + i * byteWidth(t.dtype));
}

Interval add(Interval a, Interval b) { return {a.lo + b.lo, a.hi + b.hi}; }
Interval sub(Interval a, Interval b) { return {a.lo - b.hi, a.hi - b.lo}; }
Interval mul(Interval a, Interval b) {
  double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  Interval r{p[0], p[0]};
  for (double v : p) {
    if (std::isnan(v)) // 0 * inf: unbounded
      return kUnknown;
    r = r.hull({v, v});
  }
  return r;
}
Interval scale(Interval a, double s) { return mul(a, {s, s}); }

std::string describe(Interval r) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[" << llvm::format("%.3g", r.lo) << ", " << llvm::format("%.3g", r.hi) << "]";
  return s;
}

/// A dimension's size as a bound: a dynamic one is unbounded.
double extent(int64_t size) { return ShapedType::isDynamic(size) ? INFINITY : double(size); }

double lastDim(Value v) { return extent(cast<RankedTensorType>(v.getType()).getShape().back()); }

/// The sums of |W| per row and per column of a row-major [rows, columns]
/// matrix, fed one element at a time; the largest bounds one output of a
/// linear layer (a row of an out_in weight, a column of an in_out one).
class OutputL1 {
public:
  OutputL1(int64_t rows, int64_t columns) : columns(columns), rowSums(rows), columnSums(columns) {}

  void add(int64_t index, double value) {
    rowSums[index / columns] += std::abs(value);
    columnSums[index % columns] += std::abs(value);
  }

  double largest(WeightLayout layout) const {
    const std::vector<double> &sums = layout == WeightLayout::out_in ? rowSums : columnSums;
    return sums.empty() ? 0.0 : *std::max_element(sums.begin(), sums.end());
  }

private:
  int64_t columns;
  std::vector<double> rowSums, columnSums;
};

} // namespace

//===----------------------------------------------------------------------===//
// WeightStatistics
//===----------------------------------------------------------------------===//

const WeightStatistics::Stats *WeightStatistics::lookup(StringRef name) {
  auto [it, inserted] = cache.try_emplace(name);
  if (!inserted)
    return it->second ? &*it->second : nullptr;
  const StoredTensor *t = store ? store->lookup(name) : nullptr;
  if (!t || !isFloat(t->dtype))
    return nullptr;
  Stats stats;
  stats.values = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  stats.is2D = t->shape.size() == 2;
  std::optional<OutputL1> l1;
  if (stats.is2D)
    l1.emplace(t->shape[0], t->shape[1]);
  for (int64_t i = 0, n = t->numElements(); i < n; ++i) {
    double v = storedValue(*t, i);
    stats.values = stats.values.hull({v, v});
    if (l1)
      l1->add(i, v);
  }
  if (l1) {
    stats.maxRowL1 = l1->largest(WeightLayout::out_in);
    stats.maxColumnL1 = l1->largest(WeightLayout::in_out);
  }
  it->second = stats;
  return &*it->second;
}

std::optional<Interval> WeightStatistics::values(StringRef name) {
  const Stats *stats = lookup(name);
  return stats ? std::optional(stats->values) : std::nullopt;
}

std::optional<double> WeightStatistics::maxOutputL1(StringRef name, WeightLayout layout) {
  const Stats *stats = lookup(name);
  if (!stats || !stats->is2D)
    return std::nullopt;
  // out_in: an output's weights are a row; in_out: a column.
  return layout == WeightLayout::out_in ? stats->maxRowL1 : stats->maxColumnL1;
}

//===----------------------------------------------------------------------===//
// ValueRanges
//===----------------------------------------------------------------------===//

ValueRanges::ValueRanges(func::FuncOp function, WeightStatistics *weights)
    : ValueRanges(function, weights, /*useObservations=*/false) {}

std::optional<ValueRanges> ValueRanges::observed(func::FuncOp function,
                                                 WeightStatistics *weights) {
  bool calibrated = function
                        .walk([](Operation *op) {
                          return op->hasAttr(LLMDialect::getObservedRangeAttrName())
                                     ? WalkResult::interrupt()
                                     : WalkResult::advance();
                        })
                        .wasInterrupted();
  if (!calibrated)
    return std::nullopt;
  return ValueRanges(function, weights, /*useObservations=*/true);
}

ValueRanges::ValueRanges(func::FuncOp function, WeightStatistics *weights, bool useObservations)
    : weights(weights) {
  function.walk([&](Operation *op) {
    if (op->getNumResults() != 1)
      return;
    auto range = op->getAttrOfType<DenseF64ArrayAttr>(LLMDialect::getObservedRangeAttrName());
    ranges[op->getResult(0)] = useObservations && range && range.size() == 2
                                   ? Interval{range[0], range[1]}
                                   : transfer(op);
  });
}

double ValueRanges::maxOutputL1(Value weight, WeightLayout layout) const {
  if (auto constant = weight.getDefiningOp<ConstantOp>()) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    auto type = cast<RankedTensorType>(constant.getType());
    if (!dense || type.getRank() != 2 || !isa<FloatType>(type.getElementType()))
      return INFINITY;
    OutputL1 l1(type.getDimSize(0), type.getDimSize(1));
    int64_t i = 0;
    for (APFloat v : dense.getValues<APFloat>())
      l1.add(i++, v.convertToDouble());
    return l1.largest(layout);
  }
  auto op = weight.getDefiningOp<WeightOp>();
  std::optional<double> l1 =
      op && weights ? weights->maxOutputL1(op.getName(), layout) : std::nullopt;
  return l1 ? *l1 : INFINITY;
}

Interval ValueRanges::get(Value value) const {
  auto it = ranges.find(value);
  return it == ranges.end() ? kUnknown : it->second;
}

Interval ValueRanges::transfer(Operation *op) {
  auto in = [&](unsigned i) { return get(op->getOperand(i)); };
  return llvm::TypeSwitch<Operation *, Interval>(op)
      .Case([&](ConstantOp c) -> Interval {
        auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
        if (!dense)
          return kUnknown;
        Interval r{std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()};
        if (isa<FloatType>(dense.getElementType()))
          for (APFloat v : dense.getValues<APFloat>())
            r = r.hull({v.convertToDouble(), v.convertToDouble()});
        else
          for (APInt v : dense.getValues<APInt>())
            r = r.hull({double(v.getSExtValue()), double(v.getSExtValue())});
        return r;
      })
      .Case([&](WeightOp w) {
        std::optional<Interval> r = weights ? weights->values(w.getName()) : std::nullopt;
        return r ? *r : kUnknown;
      })
      .Case([&](EmbeddingOp e) { return get(e.getTable()); })
      .Case([&](LinearOp l) -> Interval {
        // |y[n]| <= sum_k |W[n, k]| max|x| + |bias[n]|
        Interval r = Interval::symmetric(maxOutputL1(l.getWeight(), l.getWeightLayout()) *
                                         get(l.getInput()).magnitude());
        return l.getBias() ? add(r, get(l.getBias())) : r;
      })
      .Case([&](RMSNormOp n) {
        // |x[d]| / sqrt(mean(x^2) + eps) <= sqrt(D)
        return mul(Interval::symmetric(std::sqrt(lastDim(n.getInput()))),
                   get(n.getWeight()));
      })
      .Case([&](LayerNormOp n) {
        Interval r = scale(Interval::symmetric(get(n.getWeight()).magnitude()),
                           std::sqrt(lastDim(n.getInput())));
        return n.getBias() ? add(r, get(n.getBias())) : r;
      })
      .Case([&](RopeOp r) {
        // Each rotated pair keeps its length (times the magnitude): an
        // element is at most sqrt(2) max|x| m.
        return Interval::symmetric(get(r.getInput()).magnitude() * std::sqrt(2.0) *
                                   std::max(1.0, std::abs(r.computeMagnitude())));
      })
      // A convex combination of the values.
      .Case([&](AttentionOp a) { return get(a.getValue()); })
      .Case([&](MLAAttentionOp a) {
        // A convex combination of values decompressed from the latent.
        return Interval::symmetric(maxOutputL1(a.getKvUpWeight(), WeightLayout::out_in) *
                                   get(a.getLatent()).magnitude());
      })
      // A cache holds what its appends wrote (the past was written by the
      // same computation), so the result is bounded by the update.
      .Case([&](KVAppendOp k) { return get(k.getUpdate()); })
      .Case([&](CacheUpdateOp k) { return get(k.getUpdate()); })
      .Case([&](SoftmaxOp) { return Interval{0, 1}; })
      .Case([&](SiluOp s) {
        Interval x = get(s.getInput());
        return Interval{-0.2785, std::max(x.hi, 0.0)};
      })
      .Case([&](GeluOp g) {
        Interval x = get(g.getInput());
        return Interval{-0.1700, std::max(x.hi, 0.0)};
      })
      .Case([&](SwiGLUOp s) {
        Interval g = get(s.getGate());
        return mul({-0.2785, std::max(g.hi, 0.0)}, get(s.getUp()));
      })
      .Case([&](AddOp) { return add(in(0), in(1)); })
      .Case([&](SubOp) { return sub(in(0), in(1)); })
      .Case([&](MulOp) { return mul(in(0), in(1)); })
      .Case([&](MaximumOp) { return Interval{std::max(in(0).lo, in(1).lo), std::max(in(0).hi, in(1).hi)}; })
      .Case([&](MinimumOp) { return Interval{std::min(in(0).lo, in(1).lo), std::min(in(0).hi, in(1).hi)}; })
      .Case([&](NegOp) { return Interval{-in(0).hi, -in(0).lo}; })
      .Case([&](AbsOp) {
        Interval x = in(0);
        return Interval{x.lo <= 0 && x.hi >= 0 ? 0 : std::min(std::abs(x.lo), std::abs(x.hi)),
                        x.magnitude()};
      })
      .Case([&](ExpOp) { return Interval{std::exp(in(0).lo), std::exp(in(0).hi)}; })
      .Case([&](TanhOp) { return Interval{-1, 1}; })
      .Case([&](SigmoidOp) { return Interval{0, 1}; })
      .Case([&](CosOp) { return Interval{-1, 1}; })
      .Case([&](SinOp) { return Interval{-1, 1}; })
      .Case([&](ReduceSumOp r) {
        auto type = cast<RankedTensorType>(r.getInput().getType());
        double count = 1;
        for (int64_t d : r.getDims())
          count *= extent(type.getDimSize(d));
        return scale(in(0), count);
      })
      .Case<ReduceMeanOp, ReduceMaxOp, ReduceMinOp>([&](Operation *) { return in(0); })
      // Data movement keeps the values.
      .Case<ReshapeOp, TransposeOp, SliceOp, DynamicSliceOp, BroadcastToOp, CastOp, GatherOp>(
          [&](Operation *) { return in(0); })
      .Case([&](ConcatOp c) {
        Interval r = get(c.getInputs().front());
        for (Value v : c.getInputs())
          r = r.hull(get(v));
        return r;
      })
      .Case([&](WhereOp) { return in(1).hull(in(2)); })
      .Default([&](Operation *) { return kUnknown; });
}

//===----------------------------------------------------------------------===//
// Hazards
//===----------------------------------------------------------------------===//

StringRef FP16Hazard::describe(Kind kind) {
  switch (kind) {
  case SumOfSquares:
    return "sum of squares";
  case Scores:
    return "scores";
  case Accumulation:
    return "accumulation";
  case Result:
    return "result";
  case Values:
    return "values";
  case Angle:
    return "angle";
  }
  llvm_unreachable("unknown hazard kind");
}

double FP16Hazard::limit(Kind kind) { return kind == Angle ? 4.0 : kFP16Max; }

std::optional<FP16Hazard> llmc::llm::fp16Exposure(Operation *op, const ValueRanges &ranges) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !isa<FloatType>(type.getElementType()))
    return std::nullopt;
  // A value beyond 65504 (a float32 mask fill such as -3.4e38) is inf once
  // stored as FP16. Values the analysis cannot see (a weight without its
  // file, a resource blob) are not reported.
  if (isa<ConstantOp, WeightOp>(op)) {
    Interval r = ranges.get(op->getResult(0));
    if (r.lo == -INFINITY && r.hi == INFINITY)
      return std::nullopt;
    return FP16Hazard{op, FP16Hazard::Values, r.magnitude(), "values " + describe(r)};
  }
  // What the op accumulates before its result exists.
  if (isa<RMSNormOp, LayerNormOp>(op)) {
    Interval x = ranges.get(op->getOperand(0));
    double width = lastDim(op->getOperand(0));
    // The naive statistic: the sum of x^2 (LayerNorm: of (x - mean)^2,
    // at most (2 max|x|)^2 per element).
    double term = isa<LayerNormOp>(op) ? 2 * x.magnitude() : x.magnitude();
    return FP16Hazard{op, FP16Hazard::SumOfSquares, width * term * term, "input " + describe(x)};
  }
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    Interval q = ranges.get(attention.getQuery()), k = ranges.get(attention.getKey());
    return FP16Hazard{op, FP16Hazard::Scores,
                      lastDim(attention.getQuery()) * q.magnitude() * k.magnitude(),
                      "query " + describe(q) + ", key " + describe(k)};
  }
  if (auto mla = dyn_cast<MLAAttentionOp>(op)) {
    // q_nope . (Wk latent) + q_rope . k_rope, with each decompressed key
    // element bounded like a linear layer's output.
    Interval qn = ranges.get(mla.getQueryNope()), qr = ranges.get(mla.getQueryRope());
    Interval latent = ranges.get(mla.getLatent()), kr = ranges.get(mla.getKeyRope());
    double keyNope = ranges.maxOutputL1(mla.getKvUpWeight(), WeightLayout::out_in) *
                     latent.magnitude();
    FP16Hazard scores{op, FP16Hazard::Scores,
                      lastDim(mla.getQueryNope()) * qn.magnitude() * keyNope +
                          lastDim(mla.getQueryRope()) * qr.magnitude() * kr.magnitude(),
                      "query " + describe(qn.hull(qr)) + ", latent " + describe(latent) +
                          ", rope key " + describe(kr)};
    // The values are decompressed inside the op too: where the scores are
    // safe but they are not, that is the exposure to report.
    Interval r = ranges.get(mla.getResult());
    if (scores.bound <= kFP16Max && !(r.magnitude() <= kFP16Max))
      return FP16Hazard{op, FP16Hazard::Result, r.magnitude(), "result " + describe(r)};
    return scores;
  }
  // A RoPE table built from primitive ops on the device (llm.rope computes
  // its angles exactly and is not this).
  if (isa<CosOp, SinOp>(op)) {
    Interval angle = ranges.get(op->getOperand(0));
    return FP16Hazard{op, FP16Hazard::Angle, angle.magnitude(), "angle " + describe(angle)};
  }
  if (auto linear = dyn_cast<LinearOp>(op)) {
    Interval r = ranges.get(linear.getResult());
    return FP16Hazard{op, FP16Hazard::Accumulation, r.magnitude(),
                      "input " + describe(ranges.get(linear.getInput()))};
  }
  Interval r = ranges.get(op->getResult(0));
  return FP16Hazard{op, FP16Hazard::Result, r.magnitude(), "result " + describe(r)};
}

std::vector<FP16Hazard> llmc::llm::findFP16Hazards(func::FuncOp function,
                                                   const ValueRanges &ranges) {
  auto inputsInRange = [&](Operation *op) {
    return llvm::all_of(op->getOperands(), [&](Value v) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      return !type || !isa<FloatType>(type.getElementType()) ||
             ranges.get(v).magnitude() <= kFP16Max;
    });
  };
  std::vector<FP16Hazard> hazards;
  function.walk([&](Operation *op) {
    std::optional<FP16Hazard> exposure = fp16Exposure(op, ranges);
    if (!exposure || exposure->bound <= FP16Hazard::limit(exposure->kind)) // NaN, inf: a hazard
      return;
    // A norm is made safe for any input, and an unbounded angle is the
    // hazard itself; other ops are listed where their inputs are in range.
    if (exposure->kind == FP16Hazard::SumOfSquares || exposure->kind == FP16Hazard::Angle ||
        inputsInRange(op))
      hazards.push_back(std::move(*exposure));
  });
  return hazards;
}

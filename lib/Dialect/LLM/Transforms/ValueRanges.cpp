//===- ValueRanges.cpp - proven value intervals and FP16 hazards ----------===//
#include "ValueRanges.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

/// Element `i` of a stored float tensor.
double storedValue(const StoredTensor &t, int64_t i) {
  return loadFloat(t.dtype, t.data + i * byteWidth(t.dtype));
}

std::string describe(Interval r) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[" << llvm::format("%.3g", r.lo) << ", " << llvm::format("%.3g", r.hi) << "]";
  return s;
}

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
  stats.values = Interval::empty();
  stats.is2D = t->shape.size() == 2;
  std::optional<OutputL1> l1;
  if (stats.is2D)
    l1.emplace(t->shape[0], t->shape[1]);
  for (int64_t i = 0, n = t->numElements(); i < n; ++i) {
    double v = storedValue(*t, i);
    stats.values = stats.values.hull(Interval::point(v));
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
    // A group's results are its body's (visited first).
    if (auto group = dyn_cast<FusionGroupOp>(op)) {
      for (auto [result, yielded] : llvm::zip(group.getResults(), group.getYield().getValues()))
        ranges[result] = get(yielded);
      return;
    }
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
  return it == ranges.end() ? Interval::unknown() : it->second;
}

std::optional<Interval> ValueRanges::weightValues(StringRef name) const {
  return weights ? weights->values(name) : std::nullopt;
}

Interval ValueRanges::transfer(Operation *op) {
  if (auto rule = dyn_cast<RangeTransferOpInterface>(op))
    return rule.transferRange(*this);
  // Every llm op states its rule (LLMInterfaces.cpp checks it when the
  // dialect is compiled); an op of another dialect (func.call) proves nothing.
  assert(op->getName().getDialectNamespace() != LLMDialect::getDialectNamespace() &&
         "an llm op without a range rule");
  return Interval::unknown();
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
    double width = lastDimBound(op->getOperand(0));
    // The naive statistic: the sum of x^2 (LayerNorm: of (x - mean)^2,
    // at most (2 max|x|)^2 per element).
    double term = isa<LayerNormOp>(op) ? 2 * x.magnitude() : x.magnitude();
    return FP16Hazard{op, FP16Hazard::SumOfSquares, width * term * term, "input " + describe(x)};
  }
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    Interval q = ranges.get(attention.getQuery()), k = ranges.get(attention.getKey());
    return FP16Hazard{op, FP16Hazard::Scores,
                      lastDimBound(attention.getQuery()) * q.magnitude() * k.magnitude(),
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
                      lastDimBound(mla.getQueryNope()) * qn.magnitude() * keyNope +
                          lastDimBound(mla.getQueryRope()) * qr.magnitude() * kr.magnitude(),
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

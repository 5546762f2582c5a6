//===- ValueRanges.h - proven value intervals and FP16 hazards --*- C++ -*-===//
//
// Interval propagation through a model function: for each value, an
// interval [lo, hi] that holds for every input, derived in op order from
// the weights' values (read from the weights file: their range and, for a
// linear layer, the largest L1 norm of one output's weights) and from what
// each op can do (a norm's output is at most sqrt(D) max|w|, attention
// stays within its values' hull, softmax in [0, 1], ...). Each op states
// that rule itself (RangeTransferOpInterface, lib/Dialect/LLM/IR/
// LLMOpRanges.cpp); ValueRanges is the context the rules ask for operand
// ranges and weight statistics. A KV cache holds what its appends wrote,
// so a cache argument is bounded by the updates appended to it. An op
// without a bound (a rule returning unknown, an op of another dialect)
// gives an unbounded interval; a hazard is then reported conservatively.
//
// From the ranges, findFP16Hazards lists what a naive FP16 evaluation of
// each op can overflow: a norm's sum of squares, a linear layer's or
// attention's accumulation, or the result itself.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_VALUERANGES_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_VALUERANGES_H

#include "llmc/Dialect/LLM/IR/Interval.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace llmc::llm {

/// FP16's largest finite value.
constexpr double kFP16Max = 65504.0;

/// Statistics of the weights a module reads, computed on first use, in one
/// scan of each weight.
class WeightStatistics {
public:
  explicit WeightStatistics(const WeightStore *store) : store(store) {}

  /// The interval of the weight's values (none: not in the file).
  std::optional<Interval> values(llvm::StringRef name);
  /// The largest sum of |W| over the inputs of one output of a linear
  /// layer's 2-D weight stored in `layout`.
  std::optional<double> maxOutputL1(llvm::StringRef name, WeightLayout layout);

private:
  struct Stats {
    Interval values;
    double maxRowL1 = 0, maxColumnL1 = 0; ///< 2-D weights only
    bool is2D = false;
  };
  /// The statistics of a float weight in the file, or null.
  const Stats *lookup(llvm::StringRef name);

  const WeightStore *store;
  llvm::StringMap<std::optional<Stats>> cache;
};

/// The proven (or observed) interval of each value of a function; the
/// context the ops' range rules run in.
class ValueRanges : public RangeTransferContext {
public:
  /// Proven ranges: propagates through `function`; `weights` may be null
  /// (every weight unbounded).
  ValueRanges(mlir::func::FuncOp function, WeightStatistics *weights);

  /// Observed ranges: the `llm.observed` ranges llm-calibrate-ranges
  /// recorded on the ops of `function`, and for an op without one (an op
  /// a later pass built, such as the static programs' cache updates) what
  /// the proven rules give from its operands' observed ranges. None when
  /// `function` was not calibrated.
  static std::optional<ValueRanges> observed(mlir::func::FuncOp function,
                                             WeightStatistics *weights);

  Interval get(mlir::Value value) const override;

  /// The largest sum of |W| over one output of the 2-D weight `weight`
  /// (an llm.weight or a dense llm.constant stored in `layout`); unbounded
  /// when unknown.
  double maxOutputL1(mlir::Value weight, WeightLayout layout) const override;

  /// The values' interval of the weights file's tensor `name`; none
  /// without a weights file.
  std::optional<Interval> weightValues(llvm::StringRef name) const override;

private:
  ValueRanges(mlir::func::FuncOp function, WeightStatistics *weights, bool useObservations);
  /// `op`'s range rule; unknown for an op of another dialect.
  Interval transfer(mlir::Operation *op);

  WeightStatistics *weights;
  llvm::DenseMap<mlir::Value, Interval> ranges;
};

/// What a naive FP16 evaluation of an op can overflow.
struct FP16Hazard {
  enum Kind {
    SumOfSquares, ///< a norm's statistic
    Scores,       ///< attention's raw q.k
    Accumulation, ///< a linear layer's sums
    Result,       ///< the op's result itself
    Values,       ///< a constant's or weight's values (stored as FP16)
    Angle,        ///< cos/sin of an angle an FP16 value cannot hold precisely
  };
  /// Where `kind`'s quantity becomes a hazard: 65504, except for an angle:
  /// past 4 rad, rounding it to FP16 (2^-11 relative) errs by more than
  /// the FP16 cosine itself (about 2e-3).
  static double limit(Kind kind);
  /// How the report names `kind`.
  static llvm::StringRef describe(Kind kind);

  mlir::Operation *op;
  Kind kind;
  double bound;       ///< the proven bound on that quantity
  std::string inputs; ///< the proven ranges that give it, for the report
};

/// The quantity a naive FP16 evaluation of `op` could overflow and its
/// bound under `ranges`, whether or not it passes kFP16Max; none for an op
/// without a float result.
std::optional<FP16Hazard> fp16Exposure(mlir::Operation *op, const ValueRanges &ranges);

/// Every hazard of `function` under `ranges` (bounds above their kind's
/// limit). Ops downstream of a value that can already leave FP16's range
/// are not listed again, except norms, which the pass can make safe for any
/// input, and angles, whose bound is the hazard itself.
std::vector<FP16Hazard> findFP16Hazards(mlir::func::FuncOp function, const ValueRanges &ranges);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_VALUERANGES_H

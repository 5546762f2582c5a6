//===- LLMInterfaces.h - what passes know of each op ------------*- C++ -*-===//
//
// The op interfaces every llm op implements (LLMInterfaces.td):
// FlopCountOpInterface (countFlops) and RangeTransferOpInterface
// (transferRange), and what a range rule may ask of the analysis that
// runs it (RangeTransferContext).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_LLMINTERFACES_H
#define LLMC_DIALECT_LLM_IR_LLMINTERFACES_H

#include "llmc/Dialect/LLM/IR/Interval.h"

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace llmc::llm {

enum class WeightLayout : uint32_t; // LLMEnums.h.inc

/// What an op's range rule may ask of the range analysis running it
/// (ValueRanges implements it).
class RangeTransferContext {
public:
  virtual ~RangeTransferContext() = default;

  /// The interval proven so far for `value` (an operand of the op being
  /// transferred); unknown when nothing is proven.
  virtual Interval get(mlir::Value value) const = 0;

  /// The interval of the values of the weights file's tensor `name`; none
  /// when the analysis has no weights file or it lacks a float tensor of
  /// that name.
  virtual std::optional<Interval> weightValues(llvm::StringRef name) const = 0;

  /// The largest sum of |W| over the inputs of one output of the 2-D
  /// weight `weight` (an llm.weight or llm.constant) stored in `layout`:
  /// |y[n]| <= that times max|x| for y = W x. Infinite when unknown.
  virtual double maxOutputL1(mlir::Value weight, WeightLayout layout) const = 0;
};

/// A dimension's size as a bound on a count: a dynamic one is unbounded.
double sizeBound(int64_t size);

/// The size of the last dimension of `value` (a ranked tensor) as a bound.
double lastDimBound(mlir::Value value);

} // namespace llmc::llm

#include "llmc/Dialect/LLM/IR/LLMInterfaces.h.inc"

#endif // LLMC_DIALECT_LLM_IR_LLMINTERFACES_H

//===- RaisePatterns.h - recognising transformer ops ------------*- C++ -*-===//
//
// Private to the llm transforms: the pattern sets of the llm-raise pass,
// one file per family, and the matching helpers they share.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace llmc::llm::raise {

/// The value of a constant holding one value (any shape, all equal).
std::optional<double> splatValue(mlir::Value value);

/// True when `value` is a constant equal to `expected` within 1e-5
/// relative (exported constants are f32 roundings of the exact values).
bool isConstant(mlir::Value value, double expected);

/// If `op` is a commutative binary op of type OpT with one operand
/// satisfying `matches`, returns the other operand.
template <typename OpT, typename Pred>
mlir::Value otherOperand(mlir::Operation *op, Pred matches) {
  auto bin = mlir::dyn_cast_or_null<OpT>(op);
  if (!bin)
    return nullptr;
  if (matches(bin.getLhs()))
    return bin.getRhs();
  if (matches(bin.getRhs()))
    return bin.getLhs();
  return nullptr;
}

void populateActivationPatterns(mlir::RewritePatternSet &patterns);
void populateNormPatterns(mlir::RewritePatternSet &patterns);
void populateLinearPatterns(mlir::RewritePatternSet &patterns);
void populateAttentionPatterns(mlir::RewritePatternSet &patterns);
void populateRopePatterns(mlir::RewritePatternSet &patterns);

} // namespace llmc::llm::raise

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H

//===- RaisePatterns.h - recognising transformer ops ------------*- C++ -*-===//
//
// Private to the llm transforms: the pattern sets of the llm-raise pass,
// one file per family, and the matching helpers they share.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H

#include "MaskAlgebra.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace llmc::llm::raise {

/// The elements of an `llm.constant`, or of an `llm.weight` when
/// `weightValues` has them; otherwise null.
mlir::DenseElementsAttr valuesOf(mlir::Value value, const WeightValues &weightValues);

/// True when `value` is a constant equal to `expected` within 1e-5
/// relative (exported constants are f32 roundings of the exact values).
bool isConstant(mlir::Value value, double expected);

/// True when `a` and `b` are the same value, or computed by identical pure
/// ops from the same values (an import before CSE repeats shape arithmetic).
bool sameValue(mlir::Value a, mlir::Value b, int depth = 8);

/// Why a pattern did not match, as `rewriter.notifyMatchFailure` reports it
/// (`llm-raise{report-failures}` prints it): of the reasons the alternatives
/// gave (operand orders, spellings), the one of the alternative that matched
/// the most structure. Matchers of sub-structure, which have no rewriter,
/// note their reason here and return null; the pattern reports.
class MissReason {
public:
  explicit MissReason(llvm::StringRef initial) : text(initial) {}
  /// Records `reason`, found after `depth` levels of the expected structure
  /// matched; a reason from as deep or deeper replaces the one kept.
  void note(unsigned depth, llvm::StringRef reason) {
    if (depth >= deepest) {
      deepest = depth;
      text = reason;
    }
  }
  llvm::StringRef str() const { return text; }

private:
  llvm::StringRef text;
  unsigned deepest = 0;
};

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

/// An axis of a value (whose size is a count of queries or keys).
struct AxisOf {
  mlir::Value value;
  int64_t axis;
};

/// Succeeds when `mask` (see MaskMeaning) is `rule` for scores of `queries`
/// x `keys`: for the causal rule also a causal constant or HF GPT-2's sliced
/// lower-triangular buffer; otherwise what MaskAlgebra proves. Else `why`
/// says what was not shown.
mlir::LogicalResult maskIs(mlir::Value mask, MaskMeaning meaning, MaskRule rule, AxisOf queries,
                           AxisOf keys, std::string &why);

void populateActivationPatterns(mlir::RewritePatternSet &patterns);
void populateNormPatterns(mlir::RewritePatternSet &patterns);
void populateLinearPatterns(mlir::RewritePatternSet &patterns);
/// Attention, latent attention, embeddings and cache appends. Attention
/// takes a causal mask only, unless `anyWhereMask` (its final form).
void populateAttentionPatterns(mlir::RewritePatternSet &patterns, bool anyWhereMask = false);
/// Applied once the other patterns have converged: attention with any mask,
/// and latent attention over it.
void populateLateAttentionPatterns(mlir::RewritePatternSet &patterns);
void populateRopePatterns(mlir::RewritePatternSet &patterns, WeightValues weightValues);

} // namespace llmc::llm::raise

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_RAISEPATTERNS_H

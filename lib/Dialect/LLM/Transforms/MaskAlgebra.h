//===- MaskAlgebra.h - what an attention mask computes ----------*- C++ -*-===//
//
// Private to the llm transforms. Exports build the causal mask in many
// spellings (iota comparisons, a concat of zeros for the past with a
// triangle for the new tokens, where/fill/cast arithmetic, broadcasts and
// reshapes around it). Rather than recognising spellings, this reads what
// the mask computes: each element as a function of its indices (integer
// linear expressions, comparisons of them, selections between them), then
// proves, with the sizes' linear facts (SymbolicSizes), that the element at
// query i and key j excludes the key exactly when j > Skv - Sq + i.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_MASKALGEBRA_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_MASKALGEBRA_H

#include "SymbolicSizes.h"

#include "mlir/Support/LogicalResult.h"

#include <string>

namespace llmc::llm {

/// How a mask's elements act on the scores.
enum class MaskMeaning {
  Additive, ///< added to the scores: 0 keeps a key, <= kExclusionFill drops it
  Allowed,  ///< i1, true keeps a key
  Excluded, ///< i1, true drops a key
};

/// A fill at or below this excludes a key: -inf, finfo.min, -1e9, -1e4. A
/// finite one leaves the key a softmax weight of exp(fill - max score), 0 in
/// f32 for any score above -1e4 + 104: exclusion is what such a fill means.
constexpr double kExclusionFill = -1e4;

/// What a mask is shown to be.
enum class MaskRule {
  Causal,   ///< key j of query i excluded exactly when j > keys - queries + i
  KeepsAll, ///< no key excluded (e.g. a padding mask of all ones)
};

/// Succeeds when `mask`, broadcast to scores of `queries` x `keys` (its last
/// two axes; leading axes must not change it), is `rule`. Otherwise fails
/// with `why` saying what was not shown.
mlir::LogicalResult proveMask(mlir::Value mask, MaskMeaning meaning, MaskRule rule,
                              const Linear &queries, const Linear &keys, SymbolicSizes &sizes,
                              std::string &why);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_MASKALGEBRA_H

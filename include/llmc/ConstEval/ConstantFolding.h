//===- ConstantFolding.h - llm ops folded by the reference executor -*- C++ -*-===//
//
// An llm op whose operands are all constants folds to the constant the
// reference executor computes for it, so compile-time evaluation follows the
// op's one definition of semantics (the executor's) instead of a second
// implementation in fold methods. This is what turns an imported graph's
// shape arithmetic (llm.dim, concat, gather, ...) into constants once the
// static-shape pass has fixed the input sizes.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_CONSTEVAL_CONSTANTFOLDING_H
#define LLMC_CONSTEVAL_CONSTANTFOLDING_H

#include "mlir/IR/DialectRegistry.h"

#include <cstdint>

namespace llmc::consteval {

/// Folds no result larger than this many elements: a compile-time constant
/// is stored in the module, and large ones (a weight transformed by a
/// constant) belong to run time or to a dedicated pass.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// Registers the executor as the llm dialect's constant folder
/// (a DialectFoldInterface: `Operation::fold` falls back on it for an op
/// without a folder of its own, or whose folder declines).
void registerConstantFolding(mlir::DialectRegistry &registry);

} // namespace llmc::consteval

#endif // LLMC_CONSTEVAL_CONSTANTFOLDING_H

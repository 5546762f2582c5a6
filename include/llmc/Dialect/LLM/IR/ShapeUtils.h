//===- ShapeUtils.h - shape rules shared by llm ops -------------*- C++ -*-===//
//
// Shape arithmetic with dynamic dimensions, written once so that the op
// verifiers, type inference and (later) the executor apply the same rules.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_SHAPEUTILS_H
#define LLMC_DIALECT_LLM_IR_SHAPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace llmc::llm {

/// True when two dimension sizes can be equal at run time (equal, or either
/// one dynamic).
bool dimsMayMatch(int64_t a, int64_t b);

/// The broadcast of two shapes under the NumPy rule (aligned at the last
/// dimension, size 1 stretches, dynamic matches anything). Returns nothing
/// when two static sizes other than 1 differ.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Product of the static dimensions of `shape`.
int64_t staticElementCount(llvm::ArrayRef<int64_t> shape);

/// Number of dynamic dimensions in `shape`.
int64_t countDynamicDims(llvm::ArrayRef<int64_t> shape);

/// `[1, ?, 64]`, for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// True when `perm` is a permutation of [0, size).
bool isPermutation(llvm::ArrayRef<int64_t> perm, int64_t size);

/// Size of a slice of a dimension of static size `n` (see llm.slice).
int64_t sliceSize(int64_t n, int64_t start, int64_t limit, int64_t step);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_SHAPEUTILS_H

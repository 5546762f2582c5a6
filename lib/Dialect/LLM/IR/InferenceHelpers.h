//===- InferenceHelpers.h - helpers for llm type inference ------*- C++ -*-===//
//
// Private to the llm IR library: the checks that several ops' type inference
// repeat, each emitting a located, precise diagnostic on failure.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_IR_INFERENCEHELPERS_H
#define LLMC_LIB_DIALECT_LLM_IR_INFERENCEHELPERS_H

#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeRange.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace llmc::llm::detail {

using Loc = std::optional<mlir::Location>;

/// Fails unless every operand is a ranked tensor. Inference runs inside the
/// custom parser, before the ODS type constraints are checked, so it must
/// not assume them.
inline mlir::LogicalResult expectRankedTensors(Loc loc,
                                               mlir::ValueRange operands) {
  for (auto [i, operand] : llvm::enumerate(operands))
    if (!mlir::isa<mlir::RankedTensorType>(operand.getType()))
      return mlir::emitOptionalError(loc, "operand #", i,
                                     " must be a ranked tensor, got ",
                                     operand.getType());
  return mlir::success();
}

inline mlir::RankedTensorType tensorOf(mlir::Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType());
}

/// Fails unless `value` has rank `rank`; `what` names the operand and its
/// expected layout, e.g. "query [B, H, S, D]".
inline mlir::LogicalResult expectRank(Loc loc, mlir::Value value,
                                      int64_t rank, llvm::StringRef what) {
  int64_t actual = tensorOf(value).getRank();
  if (actual == rank)
    return mlir::success();
  return mlir::emitOptionalError(loc, what, " must have rank ", rank,
                                 ", got rank ", actual);
}

/// Fails unless every value has the element type of the first.
inline mlir::LogicalResult expectSameElementType(Loc loc,
                                                 mlir::ValueRange values) {
  mlir::Type first = tensorOf(values.front()).getElementType();
  for (mlir::Value v : values.drop_front())
    if (tensorOf(v).getElementType() != first)
      return mlir::emitOptionalError(
          loc, "operands must share one element type, got ", first, " and ",
          tensorOf(v).getElementType());
  return mlir::success();
}

/// Fails unless the stored operands (an attention's keys and values, as a
/// KV cache keeps them) share one element type that is the computed one
/// (`computed`'s) or, for f32 computation, f16 or bf16: a narrower storage
/// whose elements read exactly as f32.
inline mlir::LogicalResult expectStoredElementType(Loc loc, mlir::Value computed,
                                                   mlir::ValueRange stored) {
  if (mlir::failed(expectSameElementType(loc, stored)))
    return mlir::failure();
  mlir::Type compute = tensorOf(computed).getElementType();
  mlir::Type storage = tensorOf(stored.front()).getElementType();
  if (storage == compute || (compute.isF32() && (storage.isF16() || storage.isBF16())))
    return mlir::success();
  return mlir::emitOptionalError(loc, "keys and values stored as ", storage,
                                 " cannot be read as ", compute,
                                 " (the same type, or f16/bf16 for f32)");
}

/// Fails unless dimension sizes `a` and `b` may be equal.
inline mlir::LogicalResult expectDimsMatch(Loc loc, int64_t a, int64_t b,
                                           llvm::StringRef what) {
  if (dimsMayMatch(a, b))
    return mlir::success();
  return mlir::emitOptionalError(loc, what, " differ: ", a, " vs ", b);
}

/// The more static of two sizes that may match.
inline int64_t refineDim(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) ? b : a;
}

/// An inherent attribute as inference sees it. While the custom parser runs,
/// attributes written in the `{...}` dictionary are still in the adaptor's
/// attribute dictionary, not yet in the op's properties; afterwards they are
/// in the properties. `fromProperties` is the adaptor's getter result.
template <typename AttrT, typename AdaptorT>
AttrT lookupInherentAttr(AdaptorT &adaptor, AttrT fromProperties,
                      llvm::StringRef name) {
  if (fromProperties)
    return fromProperties;
  if (mlir::DictionaryAttr attrs = adaptor.getAttributes())
    return attrs.getAs<AttrT>(name);
  return {};
}

} // namespace llmc::llm::detail

#endif // LLMC_LIB_DIALECT_LLM_IR_INFERENCEHELPERS_H

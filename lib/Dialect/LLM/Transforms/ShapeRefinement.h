//===- ShapeRefinement.h - result types from static operand types -*- C++ -*-===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H

#include "SequencePadding.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace llmc::llm {

/// Recomputes every result type of `function` (a single block) from its
/// operands, in order, folding what becomes constant (shape arithmetic),
/// then erases dead ops and sets the function type from its return. Fails,
/// with an error at the op, when a result stays dynamic. With `padding`,
/// what is sized by the position is padded to the capacity
/// (SequencePadding.h) instead.
mlir::LogicalResult refineShapes(mlir::func::FuncOp function,
                                 const SequencePaddingOptions *padding = nullptr);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H

//===- ShapeRefinement.h - result types from static operand types -*- C++ -*-===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace llmc::llm {

/// Recomputes every result type of `function` (a single block) from its
/// operands, in order, folding what becomes constant (shape arithmetic),
/// then erases dead ops and sets the function type from its return. Fails,
/// with an error at the op, when a result stays dynamic.
mlir::LogicalResult refineShapes(mlir::func::FuncOp function);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SHAPEREFINEMENT_H

//===- ElementType.h - MLIR element types as llmc DTypes --------*- C++ -*-===//
#ifndef LLMC_DIALECT_LLM_IR_ELEMENTTYPE_H
#define LLMC_DIALECT_LLM_IR_ELEMENTTYPE_H

#include "llmc/Support/DType.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"

#include <optional>

namespace llmc {

/// The DType of an MLIR element type, if llmc has one for it.
std::optional<DType> dtypeOf(mlir::Type elementType);

/// The MLIR element type of `type`.
mlir::Type elementTypeOf(DType type, mlir::MLIRContext *context);

} // namespace llmc

#endif // LLMC_DIALECT_LLM_IR_ELEMENTTYPE_H

//===- LLMOps.h - llm dialect ops, attributes and enums ---------*- C++ -*-===//
#ifndef LLMC_DIALECT_LLM_IR_LLMOPS_H
#define LLMC_DIALECT_LLM_IR_LLMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h"

#include "llmc/Dialect/LLM/IR/LLMEnums.h.inc"
#include "llmc/Dialect/LLM/IR/LLMInterfaces.h"

namespace llmc::llm {
/// Parses a float literal (`32.0`, `1.0e-06`) as an f64 attribute
/// parameter.
inline mlir::FailureOr<llvm::APFloat> parseF64Parameter(mlir::AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return mlir::failure();
  return llvm::APFloat(value);
}
} // namespace llmc::llm

#define GET_ATTRDEF_CLASSES
#include "llmc/Dialect/LLM/IR/LLMAttrs.h.inc"

#define GET_OP_CLASSES
#include "llmc/Dialect/LLM/IR/LLMOps.h.inc"

namespace llmc::llm {
/// Elementwise with numpy broadcasting: the result's dimension k reads each
/// operand's dimension k - (result rank - operand rank).
bool isBroadcastingElementwise(mlir::Operation *op);

/// The value of `value` when an `llm.constant` splat defines it (a bool as
/// 0 or 1), else none.
std::optional<double> splatValueOf(mlir::Value value);
} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_LLMOPS_H

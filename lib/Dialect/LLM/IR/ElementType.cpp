//===- ElementType.cpp - MLIR element types as llmc DTypes ----------------===//
#include "llmc/Dialect/LLM/IR/ElementType.h"

std::optional<llmc::DType> llmc::dtypeOf(mlir::Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (type.isInteger(1))
    return DType::I1;
  if (type.isInteger(8))
    return DType::I8;
  if (type.isInteger(32))
    return DType::I32;
  if (type.isInteger(64))
    return DType::I64;
  return std::nullopt;
}

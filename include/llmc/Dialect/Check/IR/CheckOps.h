//===- CheckOps.h - assertions for op specifications ------------*- C++ -*-===//
#ifndef LLMC_DIALECT_CHECK_IR_CHECKOPS_H
#define LLMC_DIALECT_CHECK_IR_CHECKOPS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"

#include "llmc/Dialect/Check/IR/CheckDialect.h.inc"

#define GET_OP_CLASSES
#include "llmc/Dialect/Check/IR/CheckOps.h.inc"

#endif // LLMC_DIALECT_CHECK_IR_CHECKOPS_H

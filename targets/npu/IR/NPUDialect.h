//===- NPUDialect.h - the reference NPU's commands as IR --------*- C++ -*-===//
#ifndef LLMC_TARGETS_NPU_IR_NPUDIALECT_H
#define LLMC_TARGETS_NPU_IR_NPUDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"

#include "NPUDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "NPUTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "NPUAttrs.h.inc"

#define GET_OP_CLASSES
#include "NPUOps.h.inc"

#endif // LLMC_TARGETS_NPU_IR_NPUDIALECT_H

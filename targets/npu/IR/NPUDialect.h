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

#include "targets/npu/Runtime/Schema.h"

#include <optional>

#include "NPUDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "NPUTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "NPUAttrs.h.inc"

#define GET_OP_CLASSES
#include "NPUOps.h.inc"

namespace llmc::npu {
/// The artifact's element type of an MLIR element type (f16, f32, i8, i32,
/// i64, i1), if it has one.
std::optional<npub::ElementType> artifactElementType(mlir::Type type);
} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_IR_NPUDIALECT_H

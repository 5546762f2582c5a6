//===- FlopCount.h - arithmetic of a static program -------------*- C++ -*-===//
//
// The FLOPs an op or a function of static shapes executes, for reports that
// compare programs (llm-static-shapes' stats). Each op states its own count
// (FlopCountOpInterface, whose description gives the rule: a multiply-add
// counts 2, other computing ops 1 per result element, data movement and
// constants 0); this sums them.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace llmc::llm {

/// The FLOPs of one op whose operands and results have static shapes: its
/// FlopCountOpInterface count, 0 for func.return. Any other op is a fatal
/// error (every llm op implements the interface; a program holds no other).
double countFlops(mlir::Operation *op);

/// The FLOPs of one call of `function` (all shapes static).
double countFlops(mlir::func::FuncOp function);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H

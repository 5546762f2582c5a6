//===- FlopCount.h - arithmetic of a static program -------------*- C++ -*-===//
//
// The FLOPs an op or a function of static shapes executes, for reports that
// compare programs (llm-static-shapes' stats). A multiply-add counts 2;
// every other computing op counts 1 per result element (activations, norms,
// RoPE and softmax are a few flops per element, small beside the products);
// data movement (reshape, slice, gather, embedding, cache writes...) and
// constants count 0.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace llmc::llm {

/// The FLOPs of one op whose operands and results have static shapes.
double countFlops(mlir::Operation *op);

/// The FLOPs of one call of `function` (all shapes static).
double countFlops(mlir::func::FuncOp function);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_FLOPCOUNT_H

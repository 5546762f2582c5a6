//===- Passes.h - llm dialect passes ----------------------------*- C++ -*-===//
#ifndef LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H
#define LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <functional>
#include <memory>

namespace llmc::llm {

#define GEN_PASS_DECL
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"

class WeightOp;

/// The values of an `llm.weight`, or null when they are not at hand. Some
/// raising patterns must read a parameter to recognise it (a RoPE cos/sin
/// table); an importer that still holds its initializers passes them in.
using WeightValues = std::function<mlir::DenseElementsAttr(WeightOp)>;

/// llm-raise with access to weight values (the registered pass has none:
/// its patterns then only read `llm.constant`s).
std::unique_ptr<mlir::Pass> createRaise(WeightValues weightValues);

/// The fusion passes, in order, as llmc runs them and llm-fusion-stats
/// measures them: llm-fold-norm-weights when `foldNormWeights` (it changes
/// rounding; its FP16 proof reads the weights under `modelDir`), then
/// llm-fuse-horizontal (which changes no number).
void addFusionPasses(mlir::OpPassManager &pm, bool foldNormWeights, llvm::StringRef modelDir);

#define GEN_PASS_REGISTRATION
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_H

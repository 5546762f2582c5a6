//===- InitAll.cpp - everything llmc's tools register ---------------------===//
#include "llmc/InitAll.h"

#include "llmc/ConstEval/ConstantFolding.h"
#include "llmc/ConstEval/Passes.h"
#include "llmc/Dialect/Check/IR/CheckOps.h"
#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Target/Target.h"
#include "targets/npu/IR/NPUDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/Passes.h"

void llmc::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<llmc::llm::LLMDialect, llmc::check::CheckDialect, llmc::npu::NPUDialect,
                  mlir::func::FuncDialect>();
  // Constant llm ops fold by the reference executor's semantics.
  llmc::consteval::registerConstantFolding(registry);
}

void llmc::registerAllPasses() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  mlir::registerTransformsPasses();
  llmc::llm::registerLLMPasses();
  llmc::consteval::registerConstEvalPasses();
  registerAllTargets();
  registerTargetPipelines();
}

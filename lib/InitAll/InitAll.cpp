//===- InitAll.cpp - everything llmc's tools register ---------------------===//
#include "llmc/InitAll.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Executor/ConstantFolding.h"
#include "llmc/Executor/Passes.h"
#include "llmc/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/Passes.h"

void llmc::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<llmc::llm::LLMDialect, mlir::func::FuncDialect>();
  // Constant llm ops fold by the reference executor's semantics.
  llmc::exec::registerConstantFolding(registry);
}

void llmc::registerAllPasses() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  mlir::registerTransformsPasses();
  llmc::llm::registerLLMPasses();
  llmc::exec::registerExecutorPasses();
  registerAllTargets();
  registerTargetPipelines();
}

//===- InterpretedProgram.h - an llm module as a runtime Program -*- C++ -*-===//
//
// The interpreter's implementation of the runtime's `Program`: entry points
// are the module's functions, run op by op by the Executor; the generation
// ABI is read from the module (the dynamic @forward / @main of
// GenerationEntry.h, or the static programs of llm-static-shapes and a
// baked @prefix_cache). The runtime's sessions (llmc/Runtime/Generate.h)
// then generate from it as they will from the NPU simulator and the CPU
// runtime.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_EXECUTOR_INTERPRETEDPROGRAM_H
#define LLMC_EXECUTOR_INTERPRETEDPROGRAM_H

#include "llmc/Executor/Executor.h"
#include "llmc/Runtime/Program.h"

namespace llmc::exec {

/// How `module` generates, as the runtime describes it; none when it has
/// neither a generation entry point nor static programs.
std::optional<runtime::GenerationABI> describeGeneration(mlir::ModuleOp module);

class InterpretedProgram : public runtime::Program {
public:
  InterpretedProgram(mlir::ModuleOp module, ExecutorOptions options);

  const std::optional<runtime::GenerationABI> &generationABI() const override { return abi; }

  std::optional<std::vector<Tensor>> call(llvm::StringRef name, llvm::ArrayRef<Tensor> inputs,
                                          RunError &error) override;

  Executor &getExecutor() { return executor; }

private:
  mlir::ModuleOp module;
  Executor executor;
  std::optional<runtime::GenerationABI> abi;
};

} // namespace llmc::exec

#endif // LLMC_EXECUTOR_INTERPRETEDPROGRAM_H

//===- NPUProgram.h - an NPU artifact as a runtime program ------*- C++ -*-===//
//
// `llmc-run model.npub`: the artifact's programs run on the simulator
// behind the runtime's Program interface, so generation and `--inputs`
// drive them as they drive the interpreter. Each call writes the inputs at
// the addresses the artifact gives (converted to the stored element type),
// runs the program and reads the outputs; the machine's memories (the KV
// cache region) persist between calls. No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_NPUPROGRAM_H
#define LLMC_TARGETS_NPU_RUNTIME_NPUPROGRAM_H

#include "Artifact.h"
#include "Simulator.h"

#include "llmc/Runtime/Program.h"

#include <map>
#include <memory>

namespace llmc::npu {

class NPUProgram : public runtime::Program {
public:
  /// The artifact at `path` and its weights (the side file it names,
  /// relative to the artifact's folder).
  static llvm::Expected<std::unique_ptr<NPUProgram>> load(llvm::StringRef path);

  const std::optional<runtime::GenerationABI> &generationABI() const override { return abi; }
  std::optional<std::vector<runtime::Tensor>> call(llvm::StringRef name,
                                                   llvm::ArrayRef<runtime::Tensor> inputs,
                                                   runtime::RunError &error) override;

  const Artifact &artifact() const { return *loaded; }
  /// What the calls so far cost, and per program.
  const RunStats &stats() const { return total; }
  const std::map<std::string, RunStats> &statsPerProgram() const { return perProgram; }
  /// Keep each command's cost (Report.h's CSV) from now on.
  void recordCommands() { record = true; }

private:
  NPUProgram() = default;
  std::unique_ptr<Artifact> loaded;
  std::optional<Machine> machine;
  std::optional<runtime::GenerationABI> abi;
  RunStats total;
  std::map<std::string, RunStats> perProgram;
  bool record = false;
};

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_NPUPROGRAM_H

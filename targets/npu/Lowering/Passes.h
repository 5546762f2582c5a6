//===- Passes.h - the npu target's passes -----------------------*- C++ -*-===//
#ifndef LLMC_TARGETS_NPU_LOWERING_PASSES_H
#define LLMC_TARGETS_NPU_LOWERING_PASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>
#include <string>

namespace llmc::npu {

/// `npu-lower-programs{config=...}`: the planned static llm programs as npu
/// programs for the device `config` names (LowerToNPU.cpp).
std::unique_ptr<mlir::Pass> createLowerToNPUPass(std::string config);

/// Registers the npu target's passes (for llmc-opt).
void registerNPUPasses();

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_LOWERING_PASSES_H

//===- NPUTarget.h - the `npu` target ---------------------------*- C++ -*-===//
#ifndef LLMC_TARGETS_NPU_NPUTARGET_H
#define LLMC_TARGETS_NPU_NPUTARGET_H

#include "llmc/Target/Target.h"

namespace llmc {

/// `-target=npu`: a FlatBuffers artifact for the reference NPU simulator
/// (docs/npu.md), for the device `-target-options=config=<name|file>`
/// describes (default `phone`). The device description drives the
/// deployment passes (SRAM for the memory plan, FP32 accumulation, f16 KV
/// caches, the fusion groups it runs). The lowering of `llm` programs to the
/// `npu` dialect is being built: today the target writes modules of `npu`
/// programs and names any op it has no command for.
std::unique_ptr<Target> createNPUTarget();

} // namespace llmc

#endif // LLMC_TARGETS_NPU_NPUTARGET_H

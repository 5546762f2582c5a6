//===- ArtifactWriter.h - the npu dialect as an artifact --------*- C++ -*-===//
//
// Writes a module of `npu` programs as the `.npub` artifact (docs/npu.md):
//
//   module attributes {npu.regions = {io = 64 : i64, sram = 1024 : i64, ...},
//                      npu.max_seq_len = 64 : i64, npu.weights = "m.weights"} {
//     func.func @decode() attributes {npu.phase = "decode", npu.tokens = 1 : i64,
//         npu.inputs = [{name = "ids", view = #npu.view<...>}, ...],
//         npu.outputs = [...]} {
//       %t = npu.copy ... ; ... ; return
//     }
//   }
//
// Each npu op is one command; the tokens it waits on name earlier commands
// of its program. The bytes are deterministic.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_ARTIFACTWRITER_H
#define LLMC_TARGETS_NPU_ARTIFACTWRITER_H

#include "targets/npu/Runtime/Description.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace llmc::npu {

/// Writes `module` for `device`; an op that is no command, or a program
/// without the attributes above, is an error at that op.
/// `written`, when given, receives the bytes too.
mlir::LogicalResult writeArtifact(mlir::ModuleOp module, const Description &device,
                                  llvm::raw_ostream &os,
                                  std::vector<uint8_t> *written = nullptr);

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_ARTIFACTWRITER_H

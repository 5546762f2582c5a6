//===- StaticShapeStats.h - what static programs cost a prompt -*- C++ -*-===//
//
// The report of llm-static-shapes' `stats-prompt-lengths`: for each prompt
// length, the prefill FLOPs the dynamic model needs against the FLOPs that
// static programs execute under three schemes (one program padded to
// max-seq-len; the buckets alone; the chunk program alone) and under the
// configured buckets + chunk, following the runner's schedule
// (PrefillSchedule.h).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_STATICSHAPESTATS_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_STATICSHAPESTATS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace llmc::llm {

struct StaticShapeConfig {
  int64_t maxSeqLen = 0;
  llvm::ArrayRef<int64_t> buckets;
  std::optional<int64_t> chunk;
  int64_t prefixLength = 0; ///< tokens baked into the caches
};

/// FLOPs of one call of the static prefill program of `tokens` tokens (1 is
/// @decode), or nothing when it cannot be built.
using ProgramFlops = llvm::function_ref<std::optional<double>(int64_t tokens)>;
/// FLOPs the dynamic model needs for `tokens` prompt tokens after the prefix.
using NeededFlops = llvm::function_ref<std::optional<double>(int64_t tokens)>;

/// Prints the report; fails when a program or the dynamic model cannot be
/// costed.
mlir::LogicalResult printStaticShapeStats(llvm::raw_ostream &os, const StaticShapeConfig &config,
                                          llvm::ArrayRef<int64_t> promptLengths,
                                          ProgramFlops programFlops, NeededFlops neededFlops);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_STATICSHAPESTATS_H

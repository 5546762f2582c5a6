//===- PrefillSchedule.h - which static program runs which tokens -*- C++ -*-===//
//
// The calling convention of llm-static-shapes' programs, in one place: the
// runtime's generation sessions follow it, and the compiler's FLOPs report
// prices it. No MLIR: devices' runtimes link it.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_RUNTIME_PREFILLSCHEDULE_H
#define LLMC_RUNTIME_PREFILLSCHEDULE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace llmc::runtime {

/// One call of a prefill program: its static size and the real tokens in it.
struct PrefillCall {
  int64_t programTokens;
  int64_t tokens;
};

/// The calls that prefill `tokens` prompt tokens with programs of the given
/// sizes (any order): while tokens remain, the smallest program that holds
/// them all; when none does, the chunk program (`chunk`, which must be one
/// of the sizes), else the largest. With no prefill program, one decode
/// call (size 1) per token.
llvm::SmallVector<PrefillCall> schedulePrefill(int64_t tokens,
                                               llvm::ArrayRef<int64_t> programSizes,
                                               std::optional<int64_t> chunk);

} // namespace llmc::runtime

#endif // LLMC_RUNTIME_PREFILLSCHEDULE_H

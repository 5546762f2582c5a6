//===- Generate.h - greedy generation on the reference executor -*- C++ -*-===//
//
// Runs a model module token by token: the dynamic @forward, or the static
// programs of llm-static-shapes (prefill schedule, then @decode). The KV
// caches start empty, from a baked prefix (@prefix_cache) or from a cache
// file, and can be saved after the prompt.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_EXECUTOR_GENERATE_H
#define LLMC_EXECUTOR_GENERATE_H

#include "llmc/Executor/Executor.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llmc::exec {

struct GenerateOptions {
  unsigned count = 0;                ///< tokens to generate
  std::vector<int64_t> prompt;       ///< token ids after the cached prefix
  std::string promptLogitsFile;      ///< .npy of the prompt's last-token logits
  std::string loadCacheFile;         ///< initial caches (instead of @prefix_cache)
  std::string saveCacheFile;         ///< the caches after the prompt
};

/// What went wrong; `unsupported` maps to the executor's own exit status.
struct GenerateError {
  bool unsupported = false;
  std::string message;
};

/// The generated token ids, or why there are none.
std::optional<std::vector<int64_t>> generate(Executor &executor, mlir::ModuleOp module,
                                             const GenerateOptions &options,
                                             GenerateError &error);

} // namespace llmc::exec

#endif // LLMC_EXECUTOR_GENERATE_H

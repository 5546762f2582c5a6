//===- Generate.h - greedy generation over a Program ------------*- C++ -*-===//
//
// Runs a model token by token through the runtime's `Program` interface:
// the dynamic entry point, or the static programs (the prefill schedule of
// PrefillSchedule.h, then decode). The KV caches start empty, from a baked
// prefix or from a cache file (CacheFile.h), and can be saved after the
// prompt. Every implementation of Program generates through this one
// session logic.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_RUNTIME_GENERATE_H
#define LLMC_RUNTIME_GENERATE_H

#include "llmc/Runtime/Program.h"

#include <optional>
#include <string>
#include <vector>

namespace llmc::runtime {

struct GenerateOptions {
  unsigned count = 0;           ///< tokens to generate
  std::vector<int64_t> prompt;  ///< token ids after the cached prefix
  std::string promptLogitsFile; ///< .npy of the prompt's last-token logits
  std::string loadCacheFile;    ///< initial caches (instead of the baked prefix)
  std::string saveCacheFile;    ///< the caches after the prompt
};

/// The generated token ids (greedy; ties go to the lowest id), or why there
/// are none.
std::optional<std::vector<int64_t>> generate(Program &program, const GenerateOptions &options,
                                             RunError &error);

} // namespace llmc::runtime

#endif // LLMC_RUNTIME_GENERATE_H

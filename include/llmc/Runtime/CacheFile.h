//===- CacheFile.h - KV caches saved between runs ---------------*- C++ -*-===//
//
// A cache file is a safetensors file of float tensors `cache.0` ..
// `cache.<n-1>`, each in its program's layout ([B, H, P, D], [B, P, H, D], a
// latent [B, P, C], ...) and element type (f16 for programs that store
// their caches in f16: llm-cache-type) holding the P positions of a prompt
// along its sequence axis, in the order of the program's cache arguments
// (`llmc-run --save-cache`, `--load-cache`). The session checks them against
// the program it starts and converts them to its caches' type.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_RUNTIME_CACHEFILE_H
#define LLMC_RUNTIME_CACHEFILE_H

#include "llmc/Runtime/Program.h"

#include <optional>
#include <vector>

namespace llmc::runtime {

/// The caches of a file written by `saveCaches`, in their stored type.
std::optional<std::vector<Tensor>> loadCaches(llvm::StringRef path, RunError &error);

/// Writes `caches` (each in its own type) to `path`.
bool saveCaches(llvm::StringRef path, llvm::ArrayRef<Tensor> caches, RunError &error);

} // namespace llmc::runtime

#endif // LLMC_RUNTIME_CACHEFILE_H

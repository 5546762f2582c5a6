//===- PrefillSchedule.cpp - which static program runs which tokens -------===//
#include "llmc/Runtime/PrefillSchedule.h"

#include <algorithm>

using namespace llmc::runtime;

llvm::SmallVector<PrefillCall> llmc::runtime::schedulePrefill(int64_t tokens,
                                                          llvm::ArrayRef<int64_t> programSizes,
                                                          std::optional<int64_t> chunk) {
  llvm::SmallVector<int64_t> sizes(programSizes);
  std::sort(sizes.begin(), sizes.end());
  llvm::SmallVector<PrefillCall> calls;
  for (int64_t left = tokens; left > 0;) {
    int64_t size = 1; // @decode
    auto fits = std::lower_bound(sizes.begin(), sizes.end(), left);
    if (fits != sizes.end())
      size = *fits;
    else if (chunk && std::binary_search(sizes.begin(), sizes.end(), *chunk))
      size = *chunk;
    else if (!sizes.empty())
      size = sizes.back();
    int64_t take = std::min(size, left);
    calls.push_back({size, take});
    left -= take;
  }
  return calls;
}

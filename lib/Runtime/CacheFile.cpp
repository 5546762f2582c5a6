//===- CacheFile.cpp - KV caches saved between runs -----------------------===//
#include "llmc/Runtime/CacheFile.h"

#include "llmc/Support/SafeTensors.h"

#include <map>

using namespace llmc;
using namespace llmc::runtime;

std::optional<std::vector<Tensor>> runtime::loadCaches(llvm::StringRef path, RunError &error) {
  llvm::Expected<std::unique_ptr<SafeTensorsFile>> file = SafeTensorsFile::open(path);
  if (!file) {
    error = {RunError::BadInput, llvm::toString(file.takeError())};
    return std::nullopt;
  }
  std::map<int64_t, Tensor> byIndex;
  for (const StoredTensor &stored : (*file)->tensors()) {
    int64_t index;
    llvm::StringRef name(stored.name);
    // Any layout ([B, H, P, D], [B, P, H, D], a latent [B, P, C]): the
    // program says where the sequence axis is, and the session checks the
    // caches against it (their lengths included).
    if (!name.consume_front("cache.") || name.getAsInteger(10, index) || index < 0 ||
        stored.shape.empty() || !isFloat(stored.dtype)) {
      error = {RunError::BadInput, path.str() + ": '" + stored.name +
                                       "' is not a cache (cache.<i>, a float tensor)"};
      return std::nullopt;
    }
    byIndex[index] = Tensor::fromBytes(stored.dtype, stored.dtype, stored.shape, stored.data);
  }
  std::vector<Tensor> caches;
  for (auto &[index, cache] : byIndex) {
    if (index != int64_t(caches.size())) {
      error = {RunError::BadInput, path.str() + ": the caches must be cache.0 .. cache.<n-1>"};
      return std::nullopt;
    }
    caches.push_back(cache);
  }
  return caches;
}

bool runtime::saveCaches(llvm::StringRef path, llvm::ArrayRef<Tensor> caches, RunError &error) {
  std::vector<std::vector<char>> bytes;
  std::vector<TensorToWrite> tensors;
  for (const Tensor &cache : caches)
    bytes.push_back(cache.toBytes(cache.dtype()));
  for (auto [i, cache] : llvm::enumerate(caches))
    tensors.push_back({"cache." + std::to_string(i), cache.dtype(),
                       llvm::SmallVector<int64_t>(cache.shape()), bytes[i]});
  if (llvm::Error e = writeSafeTensors(path, tensors)) {
    error = {RunError::BadInput, llvm::toString(std::move(e))};
    return false;
  }
  return true;
}

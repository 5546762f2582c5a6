//===- WeightsPath.cpp - paths relative to another directory --------------===//
#include "llmc/Support/WeightsPath.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

/// `dir` made absolute and without `.`/`..` components.
static SmallString<256> canonicalDir(StringRef dir) {
  SmallString<256> result(dir.empty() ? "." : dir);
  sys::fs::make_absolute(result);
  sys::path::remove_dots(result, /*remove_dot_dot=*/true);
  return result;
}

std::string llmc::rebasePath(StringRef path, StringRef fromDir,
                             StringRef toDir) {
  if (sys::path::is_absolute(path))
    return path.str();
  SmallString<256> target = canonicalDir(fromDir);
  sys::path::append(target, path);
  sys::path::remove_dots(target, /*remove_dot_dot=*/true);
  SmallString<256> base = canonicalDir(toDir);

  SmallVector<StringRef> targetParts(sys::path::begin(target),
                                     sys::path::end(target));
  SmallVector<StringRef> baseParts(sys::path::begin(base),
                                   sys::path::end(base));
  size_t common = 0;
  while (common < targetParts.size() && common < baseParts.size() &&
         targetParts[common] == baseParts[common])
    ++common;
  SmallString<256> result;
  for (size_t i = common; i < baseParts.size(); ++i)
    sys::path::append(result, "..");
  for (size_t i = common; i < targetParts.size(); ++i)
    sys::path::append(result, targetParts[i]);
  return result.empty() ? std::string(".") : std::string(result);
}

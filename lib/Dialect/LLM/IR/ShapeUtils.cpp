//===- ShapeUtils.cpp - shape rules shared by llm ops ---------------------===//
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llmc::llm;
using mlir::ShapedType;

bool llmc::llm::dimsMayMatch(int64_t a, int64_t b) {
  return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
}

std::optional<llvm::SmallVector<int64_t>>
llmc::llm::broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                           llvm::ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  llvm::SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Walk from the last dimension; a missing leading dimension counts as 1.
    int64_t a = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t b = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    int64_t &out = result[rank - 1 - i];
    if (a == b || b == 1)
      out = a;
    else if (a == 1)
      out = b;
    else if (ShapedType::isDynamic(a))
      out = b; // b is static and not 1: a must be b (or 1) at run time.
    else if (ShapedType::isDynamic(b))
      out = a;
    else
      return std::nullopt;
  }
  return result;
}

int64_t llmc::llm::staticElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    if (!ShapedType::isDynamic(d))
      count *= d;
  return count;
}

int64_t llmc::llm::countDynamicDims(llvm::ArrayRef<int64_t> shape) {
  return llvm::count_if(shape, ShapedType::isDynamic);
}

std::string llmc::llm::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return text;
}

bool llmc::llm::isPermutation(llvm::ArrayRef<int64_t> perm, int64_t size) {
  if (static_cast<int64_t>(perm.size()) != size)
    return false;
  llvm::SmallVector<bool> seen(size, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= size || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

int64_t llmc::llm::sliceSize(int64_t n, int64_t start, int64_t limit,
                             int64_t step) {
  auto normalize = [n](int64_t v) {
    if (v < 0)
      v += n;
    return std::clamp<int64_t>(v, 0, n);
  };
  int64_t lo = normalize(start), hi = normalize(limit);
  if (hi <= lo)
    return 0;
  return (hi - lo + step - 1) / step;
}

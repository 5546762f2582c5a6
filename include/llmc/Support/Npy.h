//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reading and writing the `.npy` format (versions 1.0-3.0, little-endian,
// C order) for the executor's inputs and outputs. Headers are validated: a
// bad file is an error naming the file, never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_SUPPORT_NPY_H
#define LLMC_SUPPORT_NPY_H

#include "llmc/Support/DType.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llmc {

struct NpyArray {
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> bytes; // little-endian elements of `dtype`, C order

  int64_t numElements() const;
};

/// Parses `.npy` content; `name` is used in messages.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef contents,
                                  llvm::StringRef name);
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// The `.npy` encoding of `array` (version 1.0).
std::string encodeNpy(const NpyArray &array);
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

} // namespace llmc

#endif // LLMC_SUPPORT_NPY_H

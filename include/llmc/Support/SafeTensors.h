//===- SafeTensors.h - validated, memory-mapped safetensors -----*- C++ -*-===//
//
// Reads checkpoints in the safetensors format (one file, or shards listed by
// a `model.safetensors.index.json`). Files are memory-mapped; tensor data is
// never copied. Everything in a header is validated before use, and a bad
// file is an error that names the file and the tensor, never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_SUPPORT_SAFETENSORS_H
#define LLMC_SUPPORT_SAFETENSORS_H

#include "llmc/Support/DType.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace llmc {

/// One stored tensor: where its bytes are in a mapped file.
struct StoredTensor {
  std::string name;
  std::string file;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  const char *data = nullptr; // dtype's little-endian storage
  size_t bytes = 0;

  int64_t numElements() const;
};

/// One memory-mapped safetensors file.
class SafeTensorsFile {
public:
  static llvm::Expected<std::unique_ptr<SafeTensorsFile>>
  open(llvm::StringRef path);

  /// Validates `contents` as a safetensors file called `path` (for messages).
  static llvm::Expected<std::unique_ptr<SafeTensorsFile>>
  fromBuffer(std::unique_ptr<llvm::MemoryBuffer> contents,
             llvm::StringRef path);

  const std::vector<StoredTensor> &tensors() const { return tensorList; }
  /// Lets the system drop the file's pages read so far (they are read again
  /// when touched): a pass that reads every tensor once keeps its memory
  /// near one tensor, not the file.
  void releasePages() const;

private:
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::vector<StoredTensor> tensorList;
};

/// All tensors of a checkpoint: a `.safetensors` file, a
/// `model.safetensors.index.json` naming shards, or a directory holding one
/// of those.
class WeightStore {
public:
  static llvm::Expected<std::unique_ptr<WeightStore>> open(llvm::StringRef path);
  /// The tensors of several checkpoints at once (a model's own weights and
  /// the ones a compiler derived from them); a name in two of them is an
  /// error.
  static llvm::Expected<std::unique_ptr<WeightStore>> openAll(llvm::ArrayRef<std::string> paths);

  /// The tensor called `name`, or null.
  const StoredTensor *lookup(llvm::StringRef name) const;

  /// Every tensor name, sorted.
  std::vector<std::string> names() const;

  /// SafeTensorsFile::releasePages for every file.
  void releasePages() const {
    for (const std::unique_ptr<SafeTensorsFile> &file : files)
      file->releasePages();
  }
  /// The path the store was opened from.
  llvm::StringRef getPath() const { return path; }

private:
  llvm::Error add(std::unique_ptr<SafeTensorsFile> file);

  std::string path;
  std::vector<std::unique_ptr<SafeTensorsFile>> files;
  llvm::StringMap<const StoredTensor *> byName;
};

/// A tensor to write: its bytes are little-endian elements of `dtype`.
struct TensorToWrite {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  llvm::ArrayRef<char> bytes;
};

/// Writes a safetensors file (8-byte aligned data). Nothing is left at
/// `path` on failure.
llvm::Error writeSafeTensors(llvm::StringRef path,
                             llvm::ArrayRef<TensorToWrite> tensors);

/// What a tensor will be, before its bytes exist.
struct TensorHeader {
  std::string name;
  DType dtype;
  llvm::SmallVector<int64_t> shape;
  size_t byteSize() const;
};

/// Writes a safetensors file whose tensors are produced one at a time, so
/// that only one needs to be in memory: the header (which needs every shape
/// first) is written up front, then each tensor's bytes in header order.
/// The file is written under a temporary name and renamed to `path` by
/// commit(): a reader that maps the old file keeps its bytes, and nothing is
/// left at `path` on failure.
class SafeTensorsWriter {
public:
  static llvm::Expected<std::unique_ptr<SafeTensorsWriter>>
  create(llvm::StringRef path, std::vector<TensorHeader> tensors);
  ~SafeTensorsWriter();
  /// The next tensor's bytes (exactly its byteSize()).
  llvm::Error write(llvm::ArrayRef<char> bytes);
  /// Renames the finished file to `path` (every tensor written).
  llvm::Error commit();

private:
  SafeTensorsWriter() = default;
  std::string path, temporary;
  std::vector<TensorHeader> tensors;
  size_t next = 0;
  std::unique_ptr<llvm::raw_fd_ostream> out;
};

} // namespace llmc

#endif // LLMC_SUPPORT_SAFETENSORS_H

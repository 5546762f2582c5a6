//===- SafeTensors.cpp - validated, memory-mapped safetensors -------------===//
//
// Layout: an 8-byte little-endian header size N, N bytes of JSON
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
// "__metadata__": {...}}, then the data; offsets are relative to the data.
//
//===----------------------------------------------------------------------===//
#include "llmc/Support/SafeTensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

#if defined(__unix__)
#include <sys/mman.h>
#include <unistd.h>
#endif

using namespace llmc;
using llvm::createStringError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

/// Headers of real checkpoints are well below this; a larger claim is a
/// corrupt or hostile file.
static constexpr uint64_t kMaxHeaderBytes = 100 << 20;

int64_t StoredTensor::numElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

static Error fail(StringRef file, const llvm::Twine &message) {
  return createStringError(llvm::inconvertibleErrorCode(),
                           file + ": " + message);
}

static std::optional<DType> parseStoredDType(StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("F32", DType::F32)
      .Case("F16", DType::F16)
      .Case("BF16", DType::BF16)
      .Case("BOOL", DType::I1)
      .Case("I8", DType::I8)
      .Case("I32", DType::I32)
      .Case("I64", DType::I64)
      .Default(std::nullopt);
}

/// Reads one header entry into `tensor`, checking it against the data size.
static Error parseEntry(StringRef file, StringRef name,
                        const llvm::json::Value &value, uint64_t dataBytes,
                        StoredTensor &tensor) {
  auto where = [&](const llvm::Twine &what) {
    return fail(file, "tensor '" + name + "': " + what);
  };
  const llvm::json::Object *entry = value.getAsObject();
  if (!entry)
    return where("header entry is not an object");
  std::optional<StringRef> dtypeName = entry->getString("dtype");
  if (!dtypeName)
    return where("missing dtype");
  std::optional<DType> dtype = parseStoredDType(*dtypeName);
  if (!dtype)
    return where("unsupported dtype '" + *dtypeName + "'");
  const llvm::json::Array *shape = entry->getArray("shape");
  if (!shape)
    return where("missing shape");
  const llvm::json::Array *offsets = entry->getArray("data_offsets");
  if (!offsets || offsets->size() != 2)
    return where("data_offsets must be [begin, end]");

  tensor.name = name.str();
  tensor.file = file.str();
  tensor.dtype = *dtype;
  uint64_t elements = 1;
  for (const llvm::json::Value &dim : *shape) {
    std::optional<int64_t> size = dim.getAsInteger();
    if (!size || *size < 0)
      return where("shape entries must be non-negative integers");
    // Guard the product against overflow before it is compared below.
    if (*size != 0 && elements > (UINT64_MAX / 16) / uint64_t(*size))
      return where("shape is too large");
    elements *= uint64_t(*size);
    tensor.shape.push_back(*size);
  }
  std::optional<int64_t> begin = (*offsets)[0].getAsInteger();
  std::optional<int64_t> end = (*offsets)[1].getAsInteger();
  if (!begin || !end || *begin < 0 || *end < *begin)
    return where("data_offsets must be integers with 0 <= begin <= end");
  if (uint64_t(*end) > dataBytes)
    return where("data_offsets [" + llvm::Twine(*begin) + ", " +
                 llvm::Twine(*end) + "] run past the end of the data (" +
                 llvm::Twine(dataBytes) + " bytes)");
  uint64_t expected = elements * byteWidth(*dtype);
  if (uint64_t(*end - *begin) != expected)
    return where("shape and dtype need " + llvm::Twine(expected) +
                 " bytes but data_offsets span " +
                 llvm::Twine(*end - *begin));
  tensor.bytes = expected;
  tensor.data = reinterpret_cast<const char *>(uintptr_t(*begin));
  return Error::success();
}

Expected<std::unique_ptr<SafeTensorsFile>>
SafeTensorsFile::fromBuffer(std::unique_ptr<llvm::MemoryBuffer> contents,
                            StringRef path) {
  StringRef bytes = contents->getBuffer();
  if (bytes.size() < 8)
    return fail(path, "too short for a safetensors header (" +
                          llvm::Twine(bytes.size()) + " bytes)");
  uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i)
    headerBytes = (headerBytes << 8) | uint8_t(bytes[i]);
  if (headerBytes > kMaxHeaderBytes || headerBytes > bytes.size() - 8)
    return fail(path, "header length " + llvm::Twine(headerBytes) +
                          " exceeds the file (" + llvm::Twine(bytes.size()) +
                          " bytes)");
  StringRef headerText = bytes.substr(8, headerBytes);
  Expected<llvm::json::Value> header = llvm::json::parse(headerText);
  if (!header)
    return fail(path, "header is not valid JSON: " +
                          llvm::toString(header.takeError()));
  const llvm::json::Object *entries = header->getAsObject();
  if (!entries)
    return fail(path, "header is not a JSON object");

  auto file = std::make_unique<SafeTensorsFile>();
  const char *data = bytes.data() + 8 + headerBytes;
  uint64_t dataBytes = bytes.size() - 8 - headerBytes;
  for (const auto &[key, value] : *entries) {
    if (key == "__metadata__")
      continue;
    StoredTensor tensor;
    if (Error error = parseEntry(path, key, value, dataBytes, tensor))
      return std::move(error);
    tensor.data = data + uintptr_t(tensor.data);
    file->tensorList.push_back(std::move(tensor));
  }
  // Spans may not overlap: two tensors would share bytes.
  std::vector<const StoredTensor *> byOffset;
  for (const StoredTensor &t : file->tensorList)
    byOffset.push_back(&t);
  llvm::sort(byOffset, [](const StoredTensor *a, const StoredTensor *b) {
    return a->data < b->data || (a->data == b->data && a->bytes < b->bytes);
  });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i - 1]->data + byOffset[i - 1]->bytes > byOffset[i]->data)
      return fail(path, "tensors '" + byOffset[i - 1]->name + "' and '" +
                            byOffset[i]->name + "' overlap");
  llvm::sort(file->tensorList, [](const StoredTensor &a, const StoredTensor &b) {
    return a.name < b.name;
  });
  file->buffer = std::move(contents);
  return file;
}

Expected<std::unique_ptr<SafeTensorsFile>>
SafeTensorsFile::open(StringRef path) {
  // Large files are memory-mapped by MemoryBuffer, not read.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot open: " + buffer.getError().message());
  return fromBuffer(std::move(*buffer), path);
}

void SafeTensorsFile::releasePages() const {
  // Only a mapping of the file reads its pages again: a small file read into
  // memory would lose its bytes.
  if (buffer->getBufferKind() != llvm::MemoryBuffer::MemoryBuffer_MMap)
    return;
#if defined(__unix__)
  // The pages wholly inside the buffer (a memory-mapped file's are
  // page-aligned); MADV_DONTNEED on a read-only file mapping drops them and
  // reads them again when touched, so no value changes.
  uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
  uintptr_t begin = (uintptr_t(buffer->getBufferStart()) + page - 1) / page * page;
  uintptr_t end = uintptr_t(buffer->getBufferEnd()) / page * page;
  if (end > begin)
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
#endif
}

Error WeightStore::add(std::unique_ptr<SafeTensorsFile> file) {
  for (const StoredTensor &tensor : file->tensors())
    if (!byName.try_emplace(tensor.name, &tensor).second)
      return fail(tensor.file, "tensor '" + tensor.name +
                                   "' is also stored in " +
                                   byName[tensor.name]->file);
  files.push_back(std::move(file));
  return Error::success();
}

/// Opens the shards listed by a `model.safetensors.index.json`.
static Error openIndex(StringRef indexPath,
                       llvm::SmallVectorImpl<std::string> &shards,
                       llvm::StringMap<std::string> &weightMap) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(indexPath, /*IsText=*/true);
  if (!text)
    return fail(indexPath, "cannot open: " + text.getError().message());
  Expected<llvm::json::Value> index = llvm::json::parse((*text)->getBuffer());
  if (!index)
    return fail(indexPath,
                "not valid JSON: " + llvm::toString(index.takeError()));
  const llvm::json::Object *root = index->getAsObject();
  const llvm::json::Object *map = root ? root->getObject("weight_map") : nullptr;
  if (!map)
    return fail(indexPath, "has no \"weight_map\" object");
  StringRef dir = llvm::sys::path::parent_path(indexPath);
  for (const auto &[name, file] : *map) {
    std::optional<StringRef> shard = file.getAsString();
    if (!shard || shard->contains('/') || shard->contains('\\'))
      return fail(indexPath, "weight_map entry for '" + name.str() +
                                 "' is not a file name in the same folder");
    llvm::SmallString<256> shardPath(dir);
    llvm::sys::path::append(shardPath, *shard);
    weightMap[name.str()] = std::string(shardPath);
    if (!llvm::is_contained(shards, std::string(shardPath)))
      shards.push_back(std::string(shardPath));
  }
  return Error::success();
}

Expected<std::unique_ptr<WeightStore>> WeightStore::openAll(llvm::ArrayRef<std::string> paths) {
  if (paths.size() == 1)
    return open(StringRef(paths.front()));
  auto combined = std::make_unique<WeightStore>();
  for (const std::string &path : paths) {
    Expected<std::unique_ptr<WeightStore>> store = open(StringRef(path));
    if (!store)
      return store.takeError();
    combined->path += (combined->path.empty() ? "" : ", ") + (*store)->path;
    for (std::unique_ptr<SafeTensorsFile> &file : (*store)->files)
      if (Error error = combined->add(std::move(file)))
        return std::move(error);
  }
  return combined;
}

Expected<std::unique_ptr<WeightStore>> WeightStore::open(StringRef path) {
  llvm::SmallString<256> resolved(path);
  if (llvm::sys::fs::is_directory(path)) {
    llvm::SmallString<256> single(path), index(path);
    llvm::sys::path::append(single, "model.safetensors");
    llvm::sys::path::append(index, "model.safetensors.index.json");
    if (llvm::sys::fs::exists(single))
      resolved = single;
    else if (llvm::sys::fs::exists(index))
      resolved = index;
    else
      return fail(path, "holds neither model.safetensors nor "
                        "model.safetensors.index.json");
  }
  auto store = std::make_unique<WeightStore>();
  store->path = std::string(resolved);
  if (!StringRef(resolved).ends_with(".json")) {
    Expected<std::unique_ptr<SafeTensorsFile>> file =
        SafeTensorsFile::open(resolved);
    if (!file)
      return file.takeError();
    if (Error error = store->add(std::move(*file)))
      return std::move(error);
    return store;
  }
  llvm::SmallVector<std::string> shards;
  llvm::StringMap<std::string> weightMap;
  if (Error error = openIndex(resolved, shards, weightMap))
    return std::move(error);
  for (const std::string &shard : shards) {
    Expected<std::unique_ptr<SafeTensorsFile>> file =
        SafeTensorsFile::open(shard);
    if (!file)
      return file.takeError();
    if (Error error = store->add(std::move(*file)))
      return std::move(error);
  }
  // The index and the shards must agree.
  for (const auto &entry : weightMap) {
    const StoredTensor *tensor = store->lookup(entry.getKey());
    if (!tensor)
      return fail(entry.getValue(), "tensor '" + entry.getKey() +
                                        "' listed in the index is missing");
    if (tensor->file != entry.getValue())
      return fail(resolved, "tensor '" + entry.getKey() + "' is in " +
                                tensor->file + ", the index says " +
                                entry.getValue());
  }
  return store;
}

const StoredTensor *WeightStore::lookup(StringRef name) const {
  auto it = byName.find(name);
  return it == byName.end() ? nullptr : it->second;
}

std::vector<std::string> WeightStore::names() const {
  std::vector<std::string> result;
  for (const auto &entry : byName)
    result.push_back(entry.getKey().str());
  llvm::sort(result);
  return result;
}

static StringRef storedName(DType type) {
  switch (type) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  case DType::I1:
    return "BOOL";
  case DType::I8:
    return "I8";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  }
  return "";
}

/// The 8-byte length and the JSON header of a file holding `tensors` in
/// order (keys print sorted: the bytes depend only on the tensors).
static std::string headerBytes(llvm::ArrayRef<TensorHeader> tensors) {
  llvm::json::Object header;
  uint64_t offset = 0;
  for (const TensorHeader &t : tensors) {
    llvm::json::Array shape;
    for (int64_t d : t.shape)
      shape.push_back(d);
    header[t.name] = llvm::json::Object{
        {"dtype", storedName(t.dtype)},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{offset, offset + t.byteSize()}}};
    offset += t.byteSize();
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(header));
  os.flush();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string bytes;
  uint64_t n = text.size();
  for (int i = 0; i < 8; ++i)
    bytes += char((n >> (8 * i)) & 0xff);
  return bytes + text;
}

size_t TensorHeader::byteSize() const {
  size_t n = byteWidth(dtype);
  for (int64_t d : shape)
    n *= size_t(d);
  return n;
}

Error llmc::writeSafeTensors(StringRef path, llvm::ArrayRef<TensorToWrite> tensors) {
  std::vector<TensorHeader> headers;
  for (const TensorToWrite &t : tensors) {
    headers.push_back({t.name, t.dtype, t.shape});
    if (headers.back().byteSize() != t.bytes.size())
      return fail(path, "tensor '" + t.name + "' has " + llvm::Twine(t.bytes.size()) +
                            " bytes, its shape and dtype " + llvm::Twine(headers.back().byteSize()));
  }
  Expected<std::unique_ptr<SafeTensorsWriter>> writer =
      SafeTensorsWriter::create(path, std::move(headers));
  if (!writer)
    return writer.takeError();
  for (const TensorToWrite &t : tensors)
    if (Error e = (*writer)->write(t.bytes))
      return e;
  return (*writer)->commit();
}

Expected<std::unique_ptr<SafeTensorsWriter>>
SafeTensorsWriter::create(StringRef path, std::vector<TensorHeader> tensors) {
  std::unique_ptr<SafeTensorsWriter> writer(new SafeTensorsWriter());
  writer->path = path.str();
  llvm::SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  int fd;
  llvm::SmallString<256> temporary;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temporary))
    return fail(path, "cannot write: " + ec.message());
  writer->temporary = std::string(temporary);
  writer->out = std::make_unique<llvm::raw_fd_ostream>(fd, /*shouldClose=*/true);
  *writer->out << headerBytes(tensors);
  writer->tensors = std::move(tensors);
  return writer;
}

SafeTensorsWriter::~SafeTensorsWriter() {
  if (out) {
    out->close();
    out->clear_error();
  }
  if (!temporary.empty())
    llvm::sys::fs::remove(temporary);
}

Error SafeTensorsWriter::write(llvm::ArrayRef<char> bytes) {
  if (next >= tensors.size() || bytes.size() != tensors[next].byteSize())
    return fail(path, next >= tensors.size()
                          ? "more tensors written than the header lists"
                          : "tensor '" + tensors[next].name + "' has " + llvm::Twine(bytes.size()) +
                                " bytes, its header " + llvm::Twine(tensors[next].byteSize()));
  out->write(bytes.data(), bytes.size());
  ++next;
  return Error::success();
}

Error SafeTensorsWriter::commit() {
  if (next != tensors.size())
    return fail(path, "only " + llvm::Twine(next) + " of " + llvm::Twine(tensors.size()) +
                          " tensors were written");
  out->close();
  bool failed = out->has_error();
  out->clear_error();
  out.reset();
  if (failed)
    return fail(path, "write failed");
  if (std::error_code ec = llvm::sys::fs::rename(temporary, path))
    return fail(path, "cannot write: " + ec.message());
  temporary.clear();
  return Error::success();
}

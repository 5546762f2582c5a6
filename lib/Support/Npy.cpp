//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// Format: "\x93NUMPY", major, minor, a header length (2 bytes in 1.0, 4 in
// 2.0/3.0), then a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 7), } and the data.
//
//===----------------------------------------------------------------------===//
#include "llmc/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llmc;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

static Error fail(StringRef name, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + message);
}

int64_t NpyArray::numElements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

static std::optional<DType> parseDescr(StringRef descr) {
  return llvm::StringSwitch<std::optional<DType>>(descr)
      .Cases("<f4", "f4", DType::F32)
      .Cases("<f2", "f2", DType::F16)
      .Cases("|b1", "b1", "?", DType::I1)
      .Cases("|i1", "i1", DType::I8)
      .Cases("<i4", "i4", DType::I32)
      .Cases("<i8", "i8", DType::I64)
      .Default(std::nullopt);
}

static StringRef descrOf(DType type) {
  switch (type) {
  case DType::F32:
  case DType::BF16: // NumPy has no bfloat16: written as float32
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::I1:
    return "|b1";
  case DType::I8:
    return "|i1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  return "";
}

/// The quoted value after `'key':` in the header dict.
static std::optional<StringRef> valueOf(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

Expected<NpyArray> llmc::parseNpy(StringRef contents, StringRef name) {
  if (!contents.starts_with("\x93NUMPY") || contents.size() < 10)
    return fail(name, "not a .npy file (bad magic)");
  uint8_t major = contents[6];
  size_t lengthBytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (!lengthBytes)
    return fail(name, "unsupported .npy version " + llvm::Twine(int(major)));
  if (contents.size() < 8 + lengthBytes)
    return fail(name, "truncated header");
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= size_t(uint8_t(contents[8 + i])) << (8 * i);
  size_t dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > contents.size())
    return fail(name, "header length " + llvm::Twine(headerLength) +
                          " runs past the end of the file");
  StringRef header = contents.slice(8 + lengthBytes, dataStart);

  NpyArray array;
  std::optional<StringRef> descr = valueOf(header, "descr");
  if (!descr || descr->size() < 2 || (*descr)[0] != '\'')
    return fail(name, "header has no 'descr'");
  StringRef descrText = descr->drop_front().take_until([](char c) { return c == '\''; });
  std::optional<DType> dtype = parseDescr(descrText);
  if (!dtype)
    return fail(name, "unsupported dtype '" + descrText +
                          "' (expected <f4, <f2, <i8, <i4, |i1 or |b1)");
  array.dtype = *dtype;
  std::optional<StringRef> fortran = valueOf(header, "fortran_order");
  if (!fortran || !fortran->starts_with("False"))
    return fail(name, "only C-order arrays are supported");
  std::optional<StringRef> shape = valueOf(header, "shape");
  if (!shape || !shape->starts_with("("))
    return fail(name, "header has no 'shape' tuple");
  StringRef dims = shape->drop_front().take_until([](char c) { return c == ')'; });
  uint64_t count = 1;
  for (StringRef dim : llvm::split(dims, ',')) {
    dim = dim.trim();
    if (dim.empty())
      continue;
    uint64_t size;
    if (dim.getAsInteger(10, size) || size > (uint64_t(1) << 40))
      return fail(name, "bad shape entry '" + dim + "'");
    count *= size;
    if (count > (uint64_t(1) << 40))
      return fail(name, "shape is too large");
    array.shape.push_back(int64_t(size));
  }
  uint64_t bytes = count * byteWidth(array.dtype);
  if (contents.size() - dataStart != bytes)
    return fail(name, "holds " + llvm::Twine(contents.size() - dataStart) +
                          " data bytes, its shape and dtype need " +
                          llvm::Twine(bytes));
  array.bytes.assign(contents.begin() + dataStart, contents.end());
  return array;
}

Expected<NpyArray> llmc::readNpy(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot open: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

std::string llmc::encodeNpy(const NpyArray &array) {
  // Python tuple syntax: (), (7,), (1, 7).
  std::string shape;
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  if (array.shape.size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + descrOf(array.dtype).str() +
                       "', 'fortran_order': False, 'shape': (" + shape + ")";
  header += ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  out += header;
  out.append(array.bytes.begin(), array.bytes.end());
  return out;
}

Error llmc::writeNpy(StringRef path, const NpyArray &array) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << encodeNpy(array);
  os.close();
  if (os.has_error())
    return fail(path, "write failed");
  return Error::success();
}

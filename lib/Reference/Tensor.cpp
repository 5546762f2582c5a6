//===- Tensor.cpp - values of the reference kernels -----------------------===//
#include "llmc/Reference/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llmc;
using namespace llmc::ref;

int64_t ref::numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

Shape ref::stridesOf(llvm::ArrayRef<int64_t> shape) {
  Shape strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

Tensor Tensor::fromFloats(DType dtype, llvm::ArrayRef<int64_t> shape,
                          std::vector<float> values) {
  if (dtype != DType::F32)
    for (float &v : values)
      v = roundTo(dtype, v);
  Tensor t;
  t.type = dtype;
  t.dims.assign(shape.begin(), shape.end());
  t.floatValues = std::make_shared<const std::vector<float>>(std::move(values));
  return t;
}

Tensor Tensor::fromInts(DType dtype, llvm::ArrayRef<int64_t> shape,
                        std::vector<int64_t> values) {
  Tensor t;
  t.type = dtype;
  t.dims.assign(shape.begin(), shape.end());
  t.intValues = std::make_shared<const std::vector<int64_t>>(std::move(values));
  return t;
}

Tensor Tensor::fromBytes(DType stored, DType dtype, llvm::ArrayRef<int64_t> shape,
                         const char *bytes) {
  int64_t count = numElements(shape);
  size_t width = byteWidth(stored);
  if (llmc::isFloat(stored)) {
    std::vector<float> values(count);
    for (int64_t i = 0; i < count; ++i)
      values[i] = loadFloat(stored, bytes + i * width);
    return fromFloats(dtype, shape, std::move(values));
  }
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i) {
    const char *at = bytes + i * width;
    if (stored == DType::I64) {
      std::memcpy(&values[i], at, 8);
    } else if (stored == DType::I32) {
      int32_t v;
      std::memcpy(&v, at, 4);
      values[i] = v;
    } else {
      values[i] = stored == DType::I8 ? int64_t(int8_t(*at)) : int64_t(uint8_t(*at) != 0);
    }
  }
  return fromInts(stored, shape, std::move(values));
}

std::vector<char> Tensor::toBytes(DType stored) const {
  size_t width = byteWidth(stored);
  std::vector<char> bytes(size() * width);
  for (int64_t i = 0; i < size(); ++i) {
    char *at = bytes.data() + i * width;
    if (stored == DType::F32) {
      float v = floats()[i];
      std::memcpy(at, &v, 4);
    } else if (stored == DType::F16 || stored == DType::BF16) {
      uint16_t bits = stored == DType::F16 ? floatToHalfBits(floats()[i])
                                           : floatToBF16Bits(floats()[i]);
      std::memcpy(at, &bits, 2);
    } else if (stored == DType::I64) {
      std::memcpy(at, ints() + i, 8);
    } else if (stored == DType::I32) {
      int32_t v = int32_t(ints()[i]);
      std::memcpy(at, &v, 4);
    } else {
      *at = char(ints()[i]);
    }
  }
  return bytes;
}

Tensor Tensor::viewFloats(llvm::ArrayRef<int64_t> shape, const float *data,
                          std::shared_ptr<const void> owner) {
  Tensor t;
  t.type = DType::F32;
  t.dims.assign(shape.begin(), shape.end());
  t.view = data;
  t.viewOwner = std::move(owner);
  return t;
}

Tensor Tensor::reshaped(llvm::ArrayRef<int64_t> shape) const {
  Tensor t = *this;
  t.dims.assign(shape.begin(), shape.end());
  return t;
}

std::string Tensor::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << toString(type) << '[';
  llvm::interleaveComma(dims, os);
  os << ']';
  return text;
}

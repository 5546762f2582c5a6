//===- Tensor.cpp - values of the reference executor ----------------------===//
#include "llmc/Executor/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llmc;
using namespace llmc::exec;

int64_t exec::numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

Shape exec::stridesOf(llvm::ArrayRef<int64_t> shape) {
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

//===- Tensor.h - values of the reference kernels ---------------*- C++ -*-===//
//
// A tensor as the reference kernels, the interpreter and the runtime hold
// it: a shape, an element type and its values. Floating-point values are kept as float, already rounded to
// their element type (so an f16 tensor holds only values representable in
// f16); integers and booleans as int64. A tensor may also be a zero-copy
// view of f32 weights in a memory-mapped checkpoint.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_REFERENCE_TENSOR_H
#define LLMC_REFERENCE_TENSOR_H

#include "llmc/Support/DType.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>
#include <vector>

namespace llmc::ref {

using Shape = llvm::SmallVector<int64_t, 4>;

int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Row-major strides of `shape`.
Shape stridesOf(llvm::ArrayRef<int64_t> shape);

class Tensor {
public:
  Tensor() = default;

  /// A float tensor of element type `dtype`; `values` are rounded to it.
  static Tensor fromFloats(DType dtype, llvm::ArrayRef<int64_t> shape,
                           std::vector<float> values);
  /// An integer or boolean tensor.
  static Tensor fromInts(DType dtype, llvm::ArrayRef<int64_t> shape,
                         std::vector<int64_t> values);
  /// A tensor of element type `dtype` from little-endian elements of type
  /// `stored` (a file's bytes); floats are converted and rounded to `dtype`,
  /// integers keep their type (`dtype` must equal `stored`).
  static Tensor fromBytes(DType stored, DType dtype, llvm::ArrayRef<int64_t> shape,
                          const char *bytes);
  /// The values as little-endian elements of `stored` (floats rounded to it).
  std::vector<char> toBytes(DType stored) const;

  /// A view of f32 values owned by `owner` (e.g. a memory-mapped file).
  static Tensor viewFloats(llvm::ArrayRef<int64_t> shape, const float *data,
                           std::shared_ptr<const void> owner);

  DType dtype() const { return type; }
  bool isFloat() const { return llmc::isFloat(type); }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  int64_t rank() const { return dims.size(); }
  int64_t dim(int64_t i) const { return dims[i]; }
  int64_t size() const { return numElements(dims); }

  /// The values of a float tensor.
  const float *floats() const { return view ? view : floatValues->data(); }
  /// The values of an integer or boolean tensor.
  const int64_t *ints() const { return intValues->data(); }

  /// The same values with another shape of as many elements.
  Tensor reshaped(llvm::ArrayRef<int64_t> shape) const;

  /// "f32[1, 7, 64]", for messages.
  std::string describe() const;

private:
  DType type = DType::F32;
  Shape dims;
  std::shared_ptr<const std::vector<float>> floatValues;
  std::shared_ptr<const std::vector<int64_t>> intValues;
  const float *view = nullptr;
  std::shared_ptr<const void> viewOwner;
};

} // namespace llmc::ref

#endif // LLMC_REFERENCE_TENSOR_H

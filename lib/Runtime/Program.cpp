//===- Program.cpp - a compiled model as the runtime sees it --------------===//
#include "llmc/Runtime/Program.h"

using namespace llmc;
using namespace llmc::runtime;

Program::~Program() = default;

Tensor runtime::emptyCache(const TensorSpec &spec) {
  Shape shape;
  for (auto [d, size] : llvm::enumerate(spec.shape))
    shape.push_back(size != kDynamicSize ? size : int64_t(d) == spec.sequenceAxis ? 0 : 1);
  if (isFloat(spec.dtype))
    return Tensor::fromFloats(spec.dtype, shape, std::vector<float>(ref::numElements(shape)));
  return Tensor::fromInts(spec.dtype, shape, std::vector<int64_t>(ref::numElements(shape)));
}

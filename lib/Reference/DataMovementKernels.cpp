//===- DataMovementKernels.cpp - ops that move values without arithmetic --===//
#include "llmc/Reference/Kernels.h"

using namespace llmc;
using namespace llmc::ref;

namespace {

/// A tensor of shape `shape` whose element at each index is the element of
/// `in` at `offsetOf(index)`.
template <typename OffsetFn>
Tensor gatherAt(const Tensor &in, llvm::ArrayRef<int64_t> shape, OffsetFn offsetOf) {
  int64_t total = numElements(shape);
  Shape index(shape.size(), 0);
  std::vector<int64_t> offsets(total);
  for (int64_t flat = 0; flat < total; ++flat) {
    offsets[flat] = offsetOf(llvm::ArrayRef<int64_t>(index));
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  if (in.isFloat()) {
    std::vector<float> values(total);
    for (int64_t i = 0; i < total; ++i)
      values[i] = in.floats()[offsets[i]];
    return Tensor::fromFloats(in.dtype(), shape, std::move(values));
  }
  std::vector<int64_t> values(total);
  for (int64_t i = 0; i < total; ++i)
    values[i] = in.ints()[offsets[i]];
  return Tensor::fromInts(in.dtype(), shape, std::move(values));
}

/// Row-major offset of `index` in `shape`.
int64_t offsetIn(llvm::ArrayRef<int64_t> index, llvm::ArrayRef<int64_t> shape) {
  int64_t offset = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    offset = offset * shape[d] + index[d];
  return offset;
}

} // namespace

KernelResult ref::embedding(const Numerics &num, const Tensor &table, const Tensor &ids,
                            DType result) {
  int64_t V = table.dim(0), D = table.dim(1);
  Shape shape(ids.shape());
  shape.push_back(D);
  std::vector<float> out(ids.size() * D);
  for (int64_t i = 0; i < ids.size(); ++i) {
    int64_t id = ids.ints()[i];
    if (id < 0 || id >= V)
      return kernelError("id " + llvm::Twine(id) + " is outside the table [0, " +
                         llvm::Twine(V) + ")");
    std::copy_n(table.floats() + id * D, D, out.begin() + i * D);
  }
  return num.make(result, shape, std::move(out));
}

KernelResult ref::reshape(const Tensor &in, llvm::ArrayRef<int64_t> shape) {
  if (numElements(shape) != in.size())
    return kernelError("cannot reshape " + in.describe() + " to " +
                       llvm::Twine(numElements(shape)) + " elements");
  return in.reshaped(shape);
}

KernelResult ref::transpose(const Tensor &in, llvm::ArrayRef<int64_t> permutation) {
  Shape shape, inStrides = stridesOf(in.shape());
  for (int64_t p : permutation)
    shape.push_back(in.dim(p));
  return gatherAt(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t k = 0; k < index.size(); ++k)
      offset += index[k] * inStrides[permutation[k]];
    return offset;
  });
}

KernelResult ref::concat(llvm::ArrayRef<Tensor> inputs, int64_t dim) {
  const Tensor &first = inputs[0];
  Shape shape(first.shape());
  shape[dim] = 0;
  llvm::SmallVector<int64_t> starts;
  for (const Tensor &t : inputs) {
    for (int64_t d = 0; d < first.rank(); ++d)
      if (d != dim && t.dim(d) != first.dim(d))
        return kernelError("cannot concatenate " + first.describe() + " and " + t.describe() +
                           " along dimension " + llvm::Twine(dim));
    starts.push_back(shape[dim]);
    shape[dim] += t.dim(dim);
  }
  // Copy block by block: each input contributes a contiguous run per
  // outer index.
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  int64_t inner = numElements(llvm::ArrayRef<int64_t>(shape).drop_front(dim + 1));
  int64_t rowLength = shape[dim] * inner;
  auto join = [&](auto valuesOf, auto &out) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Tensor &t = inputs[k];
      int64_t run = t.dim(dim) * inner;
      for (int64_t o = 0; o < outer; ++o)
        std::copy_n(valuesOf(t) + o * run, run,
                    out.begin() + o * rowLength + starts[k] * inner);
    }
  };
  if (first.isFloat()) {
    std::vector<float> out(numElements(shape));
    join([](const Tensor &t) { return t.floats(); }, out);
    return Tensor::fromFloats(first.dtype(), shape, std::move(out));
  }
  std::vector<int64_t> out(numElements(shape));
  join([](const Tensor &t) { return t.ints(); }, out);
  return Tensor::fromInts(first.dtype(), shape, std::move(out));
}

KernelResult ref::kvAppend(const Tensor &cache, const Tensor &update) {
  if (cache.dim(0) != update.dim(0) || cache.dim(1) != update.dim(1) ||
      cache.dim(3) != update.dim(3))
    return kernelError("cannot append " + update.describe() + " to the cache " +
                       cache.describe());
  return concat({cache, update}, 2);
}

KernelResult ref::cacheUpdate(const Numerics &num, const Tensor &cache, const Tensor &update,
                              int64_t position, int64_t length, DType result) {
  int64_t slots = cache.dim(2), entries = update.dim(2);
  if (cache.dim(0) != update.dim(0) || cache.dim(1) != update.dim(1) ||
      cache.dim(3) != update.dim(3))
    return kernelError("cannot write " + update.describe() + " into the cache " +
                       cache.describe());
  if (length < 0 || length > entries || position < 0 || position + length > slots)
    return kernelError("writing " + std::to_string(length) + " of " + std::to_string(entries) +
                    " entries at slot " + std::to_string(position) + " overflows a cache of " +
                    std::to_string(slots) + " slots");
  std::vector<float> out(cache.floats(), cache.floats() + cache.size());
  int64_t rows = cache.dim(0) * cache.dim(1), width = cache.dim(3);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(update.floats() + (r * entries) * width, length * width,
                out.begin() + (r * slots + position) * width);
  return num.make(result, cache.shape(), std::move(out));
}

KernelResult ref::slice(const Tensor &in, llvm::ArrayRef<int64_t> dims,
                        llvm::ArrayRef<int64_t> starts, llvm::ArrayRef<int64_t> limits,
                        std::optional<llvm::ArrayRef<int64_t>> steps) {
  Shape shape(in.shape()), start(in.rank(), 0), step(in.rank(), 1);
  for (size_t k = 0; k < dims.size(); ++k) {
    int64_t d = dims[k], n = in.dim(d);
    auto clampIndex = [n](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + n : v, 0, n); };
    int64_t lo = clampIndex(starts[k]), hi = clampIndex(limits[k]);
    step[d] = steps ? (*steps)[k] : 1;
    start[d] = lo;
    shape[d] = hi <= lo ? 0 : (hi - lo + step[d] - 1) / step[d];
  }
  Shape strides = stridesOf(in.shape());
  return gatherAt(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += (start[d] + index[d] * step[d]) * strides[d];
    return offset;
  });
}

KernelResult ref::gather(const Tensor &in, const Tensor &indices, int64_t dim) {
  int64_t n = in.dim(dim);
  for (int64_t i = 0; i < indices.size(); ++i)
    if (indices.ints()[i] < -n || indices.ints()[i] >= n)
      return kernelError("index " + llvm::Twine(indices.ints()[i]) + " is outside [-" +
                         llvm::Twine(n) + ", " + llvm::Twine(n) + ")");
  Shape shape(in.shape().take_front(dim));
  llvm::append_range(shape, indices.shape());
  llvm::append_range(shape, in.shape().drop_front(dim + 1));
  int64_t ir = indices.rank();
  return gatherAt(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    Shape source(index.take_front(dim));
    int64_t at = indices.ints()[offsetIn(index.slice(dim, ir), indices.shape())];
    source.push_back(at < 0 ? at + n : at);
    llvm::append_range(source, index.drop_front(dim + ir));
    return offsetIn(source, in.shape());
  });
}

KernelResult ref::broadcastTo(const Tensor &in, llvm::ArrayRef<int64_t> shape) {
  if (shape.size() < size_t(in.rank()))
    return kernelError("cannot broadcast " + in.describe() + " to a lower rank");
  size_t lead = shape.size() - in.rank();
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t from = d < lead ? 1 : in.dim(d - lead);
    if (from != 1 && from != shape[d])
      return kernelError("cannot broadcast " + in.describe() + " to size " +
                         llvm::Twine(shape[d]) + " in dimension " + llvm::Twine(d));
  }
  return gatherAt(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    return broadcastOffset(index, in.shape());
  });
}

KernelResult ref::iota(int64_t n) {
  if (n < 0)
    return kernelError("iota of a negative count " + llvm::Twine(n));
  std::vector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = i;
  return Tensor::fromInts(DType::I64, {n}, std::move(values));
}

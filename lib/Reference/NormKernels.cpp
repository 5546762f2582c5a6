//===- NormKernels.cpp - normalisation, softmax and reductions ------------===//
#include "llmc/Reference/Kernels.h"

#include "llvm/ADT/SmallSet.h"

#include <cmath>
#include <limits>

using namespace llmc;
using namespace llmc::ref;

KernelResult ref::rmsNorm(const Numerics &num, const Tensor &x, const Tensor &w, double epsilon,
                          DType result) {
  int64_t D = x.shape().back(), rows = x.size() / std::max<int64_t>(D, 1);
  std::vector<float> out(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x.floats() + r * D;
    Accumulator squares(num);
    for (int64_t d = 0; d < D; ++d)
      squares.add(double(row[d]) * row[d]);
    // Each statistic is held by the device (rounded in FP16 mode).
    double mean = num.hold(squares.value() / D);
    double inverse = num.hold(1.0 / num.hold(std::sqrt(num.hold(mean + epsilon))));
    for (int64_t d = 0; d < D; ++d)
      out[r * D + d] = float(num.hold(row[d] * inverse) * w.floats()[d]);
  }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::layerNorm(const Numerics &num, const Tensor &x, const Tensor &w,
                            const Tensor *biasTensor, double epsilon, DType result) {
  const float *bias = biasTensor ? biasTensor->floats() : nullptr;
  int64_t D = x.shape().back(), rows = x.size() / std::max<int64_t>(D, 1);
  std::vector<float> out(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x.floats() + r * D;
    Accumulator sum(num);
    for (int64_t d = 0; d < D; ++d)
      sum.add(row[d]);
    double mean = num.hold(sum.value() / D);
    Accumulator squares(num);
    for (int64_t d = 0; d < D; ++d) {
      double centred = num.hold(row[d] - mean);
      squares.add(centred * centred);
    }
    double variance = num.hold(squares.value() / D);
    double inverse = num.hold(1.0 / num.hold(std::sqrt(num.hold(variance + epsilon))));
    for (int64_t d = 0; d < D; ++d) {
      double v = num.hold(num.hold(num.hold(row[d] - mean) * inverse) * w.floats()[d]);
      out[r * D + d] = float(bias ? v + bias[d] : v);
    }
  }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::softmax(const Numerics &num, const Tensor &x, int64_t dim, DType result) {
  Shape strides = stridesOf(x.shape());
  int64_t length = x.dim(dim), stride = strides[dim];
  int64_t outer = x.size() / std::max<int64_t>(length * stride, 1);
  std::vector<float> out(x.size(), 0.0f);
  std::vector<double> e(length);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < stride; ++in) {
      int64_t base = o * length * stride + in;
      double max = -std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < length; ++j)
        max = std::max<double>(max, x.floats()[base + j * stride]);
      if (std::isinf(max) && max < 0)
        continue; // an all -inf slice is zeros
      Accumulator sum(num);
      for (int64_t j = 0; j < length; ++j) {
        e[j] = num.hold(std::exp(x.floats()[base + j * stride] - max));
        sum.add(e[j]);
      }
      for (int64_t j = 0; j < length; ++j)
        out[base + j * stride] = float(e[j] / sum.value());
    }
  }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::reduce(const Numerics &num, ReduceFn fn, const Tensor &x,
                         llvm::ArrayRef<int64_t> dims, bool keepDims, DType result) {
  llvm::SmallSet<int64_t, 4> reduced;
  reduced.insert(dims.begin(), dims.end());
  Shape kept, outShape;
  int64_t count = 1;
  for (int64_t d = 0; d < x.rank(); ++d) {
    bool r = reduced.contains(d);
    kept.push_back(r ? 1 : x.dim(d));
    if (r)
      count *= x.dim(d);
    if (!r || keepDims)
      outShape.push_back(r ? 1 : x.dim(d));
  }
  int64_t outSize = numElements(kept);
  bool isSum = fn == ReduceFn::Sum || fn == ReduceFn::Mean;
  // Calls visit(flat, o) for each element and the output it reduces into.
  auto forEach = [&](auto visit) {
    Shape index(x.rank(), 0);
    for (int64_t flat = 0; flat < x.size(); ++flat) {
      visit(flat, broadcastOffset(index, kept));
      for (int64_t d = x.rank() - 1; d >= 0; --d) {
        if (++index[d] < x.dim(d))
          break;
        index[d] = 0;
      }
    }
  };
  if (!x.isFloat()) {
    // Integers reduce exactly, in int64, on every device.
    int64_t init = isSum ? 0
                   : fn == ReduceFn::Max ? std::numeric_limits<int64_t>::min()
                                         : std::numeric_limits<int64_t>::max();
    std::vector<int64_t> values(outSize, init);
    forEach([&](int64_t flat, int64_t o) {
      int64_t v = x.ints()[flat];
      values[o] = isSum ? values[o] + v
                  : fn == ReduceFn::Max ? std::max(values[o], v)
                                        : std::min(values[o], v);
    });
    if (fn == ReduceFn::Mean)
      for (int64_t &v : values)
        v /= std::max<int64_t>(count, 1);
    return Tensor::fromInts(x.dtype(), outShape, std::move(values));
  }
  double init = isSum ? 0.0
                : fn == ReduceFn::Max ? -std::numeric_limits<double>::infinity()
                                      : std::numeric_limits<double>::infinity();
  std::vector<Accumulator> sums(outSize, Accumulator(num));
  std::vector<double> extreme(outSize, init);
  forEach([&](int64_t flat, int64_t o) {
    double v = x.floats()[flat];
    if (isSum)
      sums[o].add(v);
    else if (std::isnan(v) || std::isnan(extreme[o]))
      extreme[o] = NAN;
    else
      extreme[o] = fn == ReduceFn::Max ? std::max(extreme[o], v) : std::min(extreme[o], v);
  });
  std::vector<float> values(outSize);
  for (int64_t o = 0; o < outSize; ++o)
    values[o] = float(!isSum                 ? extreme[o]
                      : fn == ReduceFn::Mean ? sums[o].value() / std::max<int64_t>(count, 1)
                                             : sums[o].value());
  return num.make(result, outShape, std::move(values));
}

KernelResult ref::argmax(const Tensor &x, int64_t dim, bool keepDims) {
  Shape strides = stridesOf(x.shape());
  int64_t length = x.dim(dim), stride = strides[dim];
  if (length == 0)
    return kernelError("argmax over an empty dimension");
  int64_t outer = x.size() / (length * stride);
  Shape shape;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d != dim || keepDims)
      shape.push_back(d == dim ? 1 : x.dim(d));
  std::vector<int64_t> out;
  out.reserve(outer * stride);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < stride; ++in) {
      int64_t base = o * length * stride + in, best = 0;
      // Integers compare as integers (a double cannot tell 2^53 from
      // 2^53 + 1); ties keep the lowest index.
      auto greater = [&](int64_t j, int64_t k) {
        return x.isFloat() ? x.floats()[base + j * stride] > x.floats()[base + k * stride]
                           : x.ints()[base + j * stride] > x.ints()[base + k * stride];
      };
      for (int64_t j = 1; j < length; ++j)
        if (greater(j, best))
          best = j;
      out.push_back(best);
    }
  return Tensor::fromInts(DType::I64, shape, std::move(out));
}

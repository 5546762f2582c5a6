//===- LinearKernels.cpp - linear layers and matrix products --------------===//
//
// The two hot loops of the reference kernels. Both use both cores (llvm::parallelFor
// over output columns or rows) and walk weights in storage order.
//
//===----------------------------------------------------------------------===//
#include "llmc/Reference/Kernels.h"

#include "llvm/Support/Parallel.h"

using namespace llmc;
using namespace llmc::ref;

double Numerics::dot(const float *a, const float *b, int64_t length, int64_t strideB) const {
  if (fp16) {
    Accumulator acc(*this);
    for (int64_t k = 0; k < length; ++k)
      acc.add(double(a[k]) * b[k * strideB]);
    return acc.value();
  }
  // Four partial sums in double: exact enough, and the loop vectorises.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t k = 0;
  if (strideB == 1) {
    for (; k + 4 <= length; k += 4) {
      s0 += double(a[k]) * b[k];
      s1 += double(a[k + 1]) * b[k + 1];
      s2 += double(a[k + 2]) * b[k + 2];
      s3 += double(a[k + 3]) * b[k + 3];
    }
  }
  for (; k < length; ++k)
    s0 += double(a[k]) * b[k * strideB];
  return (s0 + s1) + (s2 + s3);
}

/// out[m, n] = sum_k x[m, k] * w[k, n] (+ bias[n]) for a [K, N] weight,
/// accumulating rows of w in order so that w is read contiguously.
static void productKN(const Numerics &numerics, const float *x, const float *w,
                      const float *bias, int64_t M, int64_t K, int64_t N,
                      float *out) {
  constexpr int64_t kBlock = 256; // columns a task owns
  int64_t blocks = (N + kBlock - 1) / kBlock;
  llvm::parallelFor(0, blocks * M, [&](size_t task) {
    int64_t m = task / blocks, n0 = (task % blocks) * kBlock;
    int64_t n1 = std::min(N, n0 + kBlock);
    std::vector<Accumulator> acc(n1 - n0, Accumulator(numerics));
    std::vector<double> exact(n1 - n0, 0.0);
    for (int64_t k = 0; k < K; ++k) {
      double xk = x[m * K + k];
      const float *row = w + k * N;
      if (numerics.isFP16())
        for (int64_t n = n0; n < n1; ++n)
          acc[n - n0].add(xk * row[n]);
      else
        for (int64_t n = n0; n < n1; ++n)
          exact[n - n0] += xk * row[n];
    }
    for (int64_t n = n0; n < n1; ++n) {
      double v = numerics.isFP16() ? acc[n - n0].value() : exact[n - n0];
      if (bias)
        v = numerics.hold(v) + bias[n];
      out[m * N + n] = float(v);
    }
  });
}

KernelResult ref::linear(const Numerics &num, const Tensor &x, const Tensor &w,
                         const Tensor *bias, WeightLayout layout, DType result) {
  bool weightInOut = layout == WeightLayout::InOut;
  int64_t K = x.shape().back();
  int64_t N = weightInOut ? w.dim(1) : w.dim(0);
  int64_t wK = weightInOut ? w.dim(0) : w.dim(1);
  if (wK != K)
    return kernelError("input " + x.describe() + " does not match weight " + w.describe());
  int64_t M = x.size() / std::max<int64_t>(K, 1);
  Shape shape(x.shape());
  shape.back() = N;
  std::vector<float> out(M * N);
  const float *b = bias ? bias->floats() : nullptr;
  if (weightInOut) {
    productKN(num, x.floats(), w.floats(), b, M, K, N, out.data());
  } else {
    const float *xs = x.floats(), *ws = w.floats();
    llvm::parallelFor(0, N, [&](size_t n) {
      for (int64_t m = 0; m < M; ++m) {
        double v = num.dot(xs + m * K, ws + n * K, K);
        if (b)
          v = num.hold(v) + b[n];
        out[m * N + n] = float(v);
      }
    });
  }
  return num.make(result, shape, std::move(out));
}

KernelResult ref::matmul(const Numerics &num, const Tensor &a, const Tensor &b, DType result) {
  int64_t M = a.dim(a.rank() - 2), K = a.dim(a.rank() - 1);
  int64_t N = b.dim(b.rank() - 1);
  if (b.dim(b.rank() - 2) != K)
    return kernelError("cannot multiply " + a.describe() + " by " + b.describe());
  std::optional<Shape> batch =
      broadcastShapes(a.shape().drop_back(2), b.shape().drop_back(2));
  if (!batch)
    return kernelError("batch dimensions of " + a.describe() + " and " + b.describe() +
                       " do not broadcast");
  int64_t batches = numElements(*batch);
  Shape shape(*batch);
  shape.push_back(M);
  shape.push_back(N);
  std::vector<float> out(batches * M * N);
  Shape index(batch->size(), 0);
  for (int64_t i = 0; i < batches; ++i) {
    int64_t ai = broadcastOffset(index, a.shape().drop_back(2));
    int64_t bi = broadcastOffset(index, b.shape().drop_back(2));
    productKN(num, a.floats() + ai * M * K, b.floats() + bi * K * N,
              nullptr, M, K, N, out.data() + i * M * N);
    for (int64_t d = int64_t(index.size()) - 1; d >= 0; --d) {
      if (++index[d] < (*batch)[d])
        break;
      index[d] = 0;
    }
  }
  return num.make(result, shape, std::move(out));
}

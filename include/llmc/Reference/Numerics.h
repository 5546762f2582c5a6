//===- Numerics.h - how the reference kernels round -------------*- C++ -*-===//
//
// The one numerics policy of llmc's op semantics (the dialect's "Numerics"
// section), shared by the reference kernels and by every consumer that
// models a device: the interpreter, the NPU simulator and the CPU runtime
// to come.
//
// - `Numerics::exact()`: each op is the exact real function of its operands
//   (accumulations carried in double precision), rounded once to the
//   result's element type.
// - `Numerics::fp16Device()`: a device that computes only in IEEE binary16.
//   Every float result is stored as f16, and so is every product feeding an
//   accumulation, every partial sum and every statistic an op holds.
//
// Kernels never test the mode themselves where a policy method says what to
// do: `hold` for an intermediate, `accumulator` for a running sum, `make`
// for a result.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_REFERENCE_NUMERICS_H
#define LLMC_REFERENCE_NUMERICS_H

#include "llmc/Reference/Tensor.h"

namespace llmc::ref {

class Accumulator;

class Numerics {
public:
  /// Exact accumulation, one rounding to the result type.
  static Numerics exact() { return Numerics(false); }
  /// An FP16-only device.
  static Numerics fp16Device() { return Numerics(true); }
  /// `fp16Device()` when `fp16`, else `exact()`.
  static Numerics forDevice(bool fp16) { return Numerics(fp16); }

  bool isFP16() const { return fp16; }

  /// The element type a float result declared `declared` is stored in.
  DType storage(DType declared) const {
    return fp16 && llmc::isFloat(declared) ? DType::F16 : declared;
  }
  /// An intermediate value as the device holds it.
  double hold(double x) const { return fp16 ? roundTo(DType::F16, static_cast<float>(x)) : x; }
  /// A float result of element type `declared`.
  Tensor make(DType declared, llvm::ArrayRef<int64_t> shape, std::vector<float> values) const {
    return Tensor::fromFloats(storage(declared), shape, std::move(values));
  }
  /// A running sum under this policy.
  Accumulator accumulator() const;

  /// `sum_k a[k] * b[k * strideB]` under this policy.
  double dot(const float *a, const float *b, int64_t length, int64_t strideB = 1) const;

private:
  explicit Numerics(bool fp16) : fp16(fp16) {}
  bool fp16;
};

/// A running sum: exact (double) by default; on an FP16 device each term
/// and each partial sum is rounded to f16, in order, as a naive FP16 device
/// does.
class Accumulator {
public:
  explicit Accumulator(const Numerics &numerics) : fp16(numerics.isFP16()) {}
  void add(double term) {
    if (fp16)
      sum = roundTo(DType::F16, float(sum + roundTo(DType::F16, float(term))));
    else
      sum += term;
  }
  double value() const { return sum; }

private:
  bool fp16;
  double sum = 0.0;
};

inline Accumulator Numerics::accumulator() const { return Accumulator(*this); }

} // namespace llmc::ref

#endif // LLMC_REFERENCE_NUMERICS_H

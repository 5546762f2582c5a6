//===- Interval.h - a proven range of values --------------------*- C++ -*-===//
//
// The interval [lo, hi] the FP16 range analysis proves for a value, and the
// interval arithmetic the ops' range rules (RangeTransferOpInterface) use.
// Infinite bounds are allowed; the default interval is unknown (unbounded).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_INTERVAL_H
#define LLMC_DIALECT_LLM_IR_INTERVAL_H

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmc::llm {

struct Interval {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  /// Nothing is known: (-inf, inf).
  static Interval unknown() { return {}; }
  /// The empty interval (+inf, -inf), the start of a hull.
  static Interval empty() {
    return {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  }
  static Interval point(double v) { return {v, v}; }
  static Interval symmetric(double magnitude) { return {-magnitude, magnitude}; }

  double magnitude() const { return std::max(std::abs(lo), std::abs(hi)); }
  Interval hull(const Interval &other) const {
    return {std::min(lo, other.lo), std::max(hi, other.hi)};
  }
};

inline Interval operator+(Interval a, Interval b) { return {a.lo + b.lo, a.hi + b.hi}; }
inline Interval operator-(Interval a, Interval b) { return {a.lo - b.hi, a.hi - b.lo}; }
/// The product's interval; unknown when a bound is 0 * inf.
inline Interval operator*(Interval a, Interval b) {
  double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  Interval r = Interval::point(p[0]);
  for (double v : p) {
    if (std::isnan(v)) // 0 * inf: unbounded
      return Interval::unknown();
    r = r.hull(Interval::point(v));
  }
  return r;
}
inline Interval operator*(Interval a, double s) { return a * Interval::point(s); }

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_INTERVAL_H

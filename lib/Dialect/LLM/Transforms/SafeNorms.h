//===- SafeNorms.h - FP16 range-safe forms of the norms ---------*- C++ -*-===//
//
// RMSNorm and LayerNorm are invariant under scaling their input: with
// m = max_k |x[k]| (floored, below),
//
//   rms_norm(x, w, eps)   = y / sqrt(mean(y^2) + eps / m^2) * w,  y = x / m
//   layer_norm(x, w, eps) = d / sqrt(mean(d^2) + eps / m^2) * w,  d = y - mean(y)
//
// The safe forms compute exactly that in llm ops an FP16-only device runs:
// |y| <= 1, so no square or sum can overflow for any finite input; the sums
// are pairwise trees (log2(D) roundings, not D - 1 as a running FP16 sum
// has); epsilon only appears as sqrt(D * eps) / m, squared, which is at most
// 2^14 thanks to the floor on m, and never as eps itself (often below FP16's
// smallest normal, 6.1e-5).
//
// The static form multiplies by a power of two 2^e chosen at compile time
// instead (m = 2^-e: exact, no reduction); it cannot overflow for |x| up to
// a limit set by calibration, and small rows lose precision once their
// scaled squares fall below FP16's normal range.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFENORMS_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFENORMS_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include <optional>

namespace llmc::llm {

/// The floor on the row maximum m for a norm over `width` elements with
/// epsilon `eps`: eps / m^2 summed over the row, D * eps / m^2, stays at
/// most 2^14 (so it and the sum of squares, at most D, add up within FP16's
/// range for D <= 49120), and m stays a normal FP16 number.
double maxScaleFloor(int64_t width, double eps);

/// `sum_k x[..., k]` over the last dimension, kept as a dimension of size
/// 1, by a pairwise tree: each level adds the two halves of the row (or
/// sums a small odd factor of its width).
mlir::Value buildPairwiseSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// How a safe norm brings its row into range before squaring it.
struct NormPrescale {
  /// Multiply by 2^exponent, chosen at compile time from the range the
  /// input took on calibration prompts (the `static` strategy: no extra
  /// reduction, but safe only up to staticPrescaleLimit). None: divide each
  /// row by its floored max |x| (`dynamic`: safe for every finite input).
  std::optional<int> exponent;
};

/// The static pre-scale exponent e for a norm over `width` elements whose
/// input reached `magnitude`: the largest with 2^e * magnitude * sqrt(width)
/// <= sqrt(65504) / 2, so the scaled squares of a row twice that large
/// still sum within FP16's range, and with width * eps * 4^e <= 2^14. The
/// largest e makes small rows' squares as large, and as precise, as they
/// can be.
int staticPrescaleExponent(int64_t width, double eps, double magnitude);

/// The largest |x| for which the form pre-scaled by 2^exponent cannot
/// overflow.
double staticPrescaleLimit(int64_t width, double eps, int exponent);

/// Replaces `op` by its range-safe form (see above); fails, with an error,
/// when the width is not static or beyond 49120.
mlir::LogicalResult rewriteToSafeForm(RMSNormOp op, NormPrescale prescale);
mlir::LogicalResult rewriteToSafeForm(LayerNormOp op, NormPrescale prescale);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SAFENORMS_H

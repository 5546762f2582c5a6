//===- AttentionKernels.cpp - RoPE, attention, latent attention -----------===//
#include "llmc/Reference/Kernels.h"

#include "llvm/Support/Parallel.h"

#include <cmath>
#include <limits>

using namespace llmc;
using namespace llmc::ref;

namespace {

/// Shapes of one attention problem, per batch and query head.
struct AttentionProblem {
  int64_t batch, queryHeads, kvHeads, queryLength, keyLength, keyDim, valueDim;
  double scale;
  bool causal;
  std::function<int64_t(int64_t)> kvHeadOf;
  const Tensor *mask = nullptr;
};

/// The attention of llm.attention on dense row-major q [B,Hq,Sq,Dk],
/// k [B,Hkv,Skv,Dk], v [B,Hkv,Skv,Dv]; writes [B,Hq,Sq,Dv].
void attend(const AttentionProblem &p, const Numerics &num, const float *q,
            const float *k, const float *v, float *out) {
  int64_t rows = p.batch * p.queryHeads * p.queryLength;
  llvm::parallelFor(0, rows, [&](size_t row) {
    int64_t i = row % p.queryLength;
    int64_t h = (row / p.queryLength) % p.queryHeads;
    int64_t b = row / (p.queryLength * p.queryHeads);
    int64_t g = p.kvHeadOf(h);
    const float *qi = q + row * p.keyDim;
    const float *kb = k + (b * p.kvHeads + g) * p.keyLength * p.keyDim;
    const float *vb = v + (b * p.kvHeads + g) * p.keyLength * p.valueDim;
    std::vector<double> scores(p.keyLength);
    std::vector<bool> allowed(p.keyLength, true);
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < p.keyLength; ++j) {
      if (p.causal && j > p.keyLength - p.queryLength + i)
        allowed[j] = false;
      double s = num.hold(p.scale * num.hold(num.dot(qi, kb + j * p.keyDim, p.keyDim)));
      if (p.mask) {
        int64_t index[] = {b, h, i, j};
        int64_t at = broadcastOffset(index, p.mask->shape());
        if (p.mask->isFloat())
          s = num.hold(s + p.mask->floats()[at]);
        else if (!p.mask->ints()[at])
          allowed[j] = false;
      }
      if (std::isinf(s) && s < 0)
        allowed[j] = false;
      scores[j] = s;
      if (allowed[j])
        max = std::max(max, s);
    }
    float *o = out + row * p.valueDim;
    if (std::isinf(max)) { // no key allowed: zeros, never NaN
      std::fill(o, o + p.valueDim, 0.0f);
      return;
    }
    Accumulator sum(num);
    for (int64_t j = 0; j < p.keyLength; ++j) {
      scores[j] = allowed[j] ? num.hold(std::exp(scores[j] - max)) : 0.0;
      sum.add(scores[j]);
    }
    std::vector<Accumulator> acc(p.valueDim, Accumulator(num));
    for (int64_t j = 0; j < p.keyLength; ++j) {
      if (!allowed[j])
        continue;
      double pj = num.hold(scores[j] / sum.value());
      for (int64_t e = 0; e < p.valueDim; ++e)
        acc[e].add(pj * vb[j * p.valueDim + e]);
    }
    for (int64_t e = 0; e < p.valueDim; ++e)
      o[e] = float(acc[e].value());
  });
}

} // namespace

KernelResult ref::rope(const Numerics &num, const Tensor &x, const Tensor &positions,
                       const RopeParams &params, DType result) {
  int64_t B = x.dim(0), H = x.dim(1), S = x.dim(2), D = x.dim(3);
  if (positions.dim(0) != B || positions.dim(1) != S)
    return kernelError("positions " + positions.describe() + " do not match " + x.describe());
  const std::vector<double> &inverse = params.inverseFrequencies;
  double magnitude = params.magnitude;
  int64_t half = int64_t(inverse.size());
  bool interleaved = params.interleaved;
  std::vector<float> out(x.floats(), x.floats() + x.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      double pos = double(positions.ints()[b * S + s]);
      for (int64_t i = 0; i < half; ++i) {
        double angle = pos * inverse[i];
        double c = num.hold(std::cos(angle) * magnitude);
        double t = num.hold(std::sin(angle) * magnitude);
        int64_t first = interleaved ? 2 * i : i;
        int64_t second = interleaved ? 2 * i + 1 : i + half;
        for (int64_t h = 0; h < H; ++h) {
          int64_t base = ((b * H + h) * S + s) * D;
          double x1 = x.floats()[base + first], x2 = x.floats()[base + second];
          out[base + first] = float(num.hold(x1 * c) - num.hold(x2 * t));
          out[base + second] = float(num.hold(x2 * c) + num.hold(x1 * t));
        }
      }
    }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::attention(const Numerics &num, const Tensor &q, const Tensor &k,
                            const Tensor &v, const Tensor *mask, const AttentionParams &params,
                            DType result) {
  if (k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || k.dim(1) != v.dim(1) ||
      k.dim(2) != v.dim(2) || k.dim(3) != q.dim(3))
    return kernelError("query " + q.describe() + ", key " + k.describe() + " and value " +
                       v.describe() + " do not fit together");
  AttentionProblem p{q.dim(0), q.dim(1), k.dim(1), q.dim(2), k.dim(2),
                     q.dim(3), v.dim(3), params.scale, params.causal, nullptr};
  const std::vector<int64_t> &map = params.kvHeadMap;
  if (p.kvHeads == 0 || (map.empty() && p.queryHeads % p.kvHeads) ||
      (!map.empty() && int64_t(map.size()) != p.queryHeads))
    return kernelError("query heads do not map onto " + llvm::Twine(p.kvHeads) + " KV heads");
  int64_t groups = p.queryHeads / p.kvHeads;
  p.kvHeadOf = [&](int64_t h) { return map.empty() ? h / groups : map[h]; };
  if (mask) {
    p.mask = mask;
    Shape scores{p.batch, p.queryHeads, p.queryLength, p.keyLength};
    std::optional<Shape> joined = broadcastShapes(p.mask->shape(), scores);
    if (!joined || llvm::ArrayRef<int64_t>(*joined) != llvm::ArrayRef<int64_t>(scores))
      return kernelError("mask " + p.mask->describe() + " does not broadcast to the scores");
  }
  Shape shape{p.batch, p.queryHeads, p.queryLength, p.valueDim};
  std::vector<float> out(numElements(shape));
  attend(p, num, q.floats(), k.floats(), v.floats(), out.data());
  return num.make(result, shape, std::move(out));
}

KernelResult ref::mlaAttention(const Numerics &num, const Tensor &qn, const Tensor &qr,
                               const Tensor &latent, const Tensor &kr, const Tensor &w,
                               const Tensor *mask, const AttentionParams &params,
                               DType result) {
  int64_t B = qn.dim(0), H = qn.dim(1), Sq = qn.dim(2), Dn = qn.dim(3);
  int64_t Dr = qr.dim(3), Skv = latent.dim(2), R = latent.dim(3);
  int64_t Dv = w.dim(0) / H - Dn;
  if (qr.dim(2) != Sq || kr.dim(2) != Skv || latent.dim(0) != B ||
      kr.dim(0) != B || w.dim(1) != R)
    return kernelError("operands of multi-head latent attention do not fit together at run "
                       "time");
  // The decompressing ("naive") form of the op's definition: per head,
  // keys [k_nope, k_rope] and values from the latent.
  int64_t Dk = Dn + Dr;
  std::vector<float> q(B * H * Sq * Dk), k(B * H * Skv * Dk), v(B * H * Skv * Dv);
  for (int64_t bh = 0; bh < B * H; ++bh)
    for (int64_t i = 0; i < Sq; ++i) {
      float *dst = q.data() + (bh * Sq + i) * Dk;
      std::copy_n(qn.floats() + (bh * Sq + i) * Dn, Dn, dst);
      std::copy_n(qr.floats() + (bh * Sq + i) * Dr, Dr, dst + Dn);
    }
  llvm::parallelFor(0, B * H * Skv, [&](size_t task) {
    int64_t j = task % Skv, h = (task / Skv) % H, b = task / (Skv * H);
    const float *c = latent.floats() + (b * Skv + j) * R;
    const float *wk = w.floats() + h * (Dn + Dv) * R;
    float *kd = k.data() + ((b * H + h) * Skv + j) * Dk;
    for (int64_t d = 0; d < Dn; ++d)
      kd[d] = float(num.hold(num.dot(c, wk + d * R, R)));
    std::copy_n(kr.floats() + (b * Skv + j) * Dr, Dr, kd + Dn);
    float *vd = v.data() + ((b * H + h) * Skv + j) * Dv;
    for (int64_t e = 0; e < Dv; ++e)
      vd[e] = float(num.hold(num.dot(c, wk + (Dn + e) * R, R)));
  });
  AttentionProblem p{B, H, H, Sq, Skv, Dk, Dv, params.scale, params.causal, nullptr, mask};
  p.kvHeadOf = [](int64_t h) { return h; };
  Shape shape{B, H, Sq, Dv};
  std::vector<float> out(numElements(shape));
  attend(p, num, q.data(), k.data(), v.data(), out.data());
  return num.make(result, shape, std::move(out));
}

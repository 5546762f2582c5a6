//===- AttentionKernels.cpp - RoPE, attention, latent attention -----------===//
#include "Kernels.h"

#include "llvm/Support/Parallel.h"

#include <cmath>
#include <limits>

using namespace llmc;
using namespace llmc::exec;

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
      double s = num.hold(p.scale * num.hold(dot(num, qi, kb + j * p.keyDim, p.keyDim)));
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

KernelResult exec::runRope(llm::RopeOp op, KernelContext &ctx) {
  const Tensor &x = ctx.operands[0], &positions = ctx.operands[1];
  const Numerics &num = ctx.numerics;
  int64_t B = x.dim(0), H = x.dim(1), S = x.dim(2), D = x.dim(3);
  if (positions.dim(0) != B || positions.dim(1) != S)
    return ctx.fail("positions " + positions.describe() + " do not match " +
                    x.describe());
  llvm::SmallVector<double> inverse = op.computeInverseFrequencies();
  double magnitude = op.computeMagnitude();
  int64_t half = int64_t(inverse.size());
  bool interleaved = op.getLayout() == llm::RopeLayout::interleaved;
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
  return num.make(ctx.resultType(), x.shape(), std::move(out));
}

KernelResult exec::runAttention(llm::AttentionOp op, KernelContext &ctx) {
  const Tensor &q = ctx.operands[0], &k = ctx.operands[1], &v = ctx.operands[2];
  if (k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || k.dim(1) != v.dim(1) ||
      k.dim(2) != v.dim(2) || k.dim(3) != q.dim(3))
    return ctx.fail("query " + q.describe() + ", key " + k.describe() +
                    " and value " + v.describe() + " do not fit together");
  AttentionProblem p{q.dim(0), q.dim(1), k.dim(1), q.dim(2), k.dim(2),
                     q.dim(3), v.dim(3), op.getScale().convertToDouble(),
                     op.getCausal(), nullptr};
  if (p.kvHeads == 0 || (!op.getKvHeadMap() && p.queryHeads % p.kvHeads))
    return ctx.fail("query heads do not map onto " + llvm::Twine(p.kvHeads) +
                    " KV heads");
  p.kvHeadOf = [&](int64_t h) { return op.getKvHeadOf(h); };
  if (ctx.operands.size() > 3) {
    p.mask = &ctx.operands[3];
    Shape scores{p.batch, p.queryHeads, p.queryLength, p.keyLength};
    std::optional<Shape> joined = broadcastRuntime(p.mask->shape(), scores);
    if (!joined || llvm::ArrayRef<int64_t>(*joined) != llvm::ArrayRef<int64_t>(scores))
      return ctx.fail("mask " + p.mask->describe() +
                      " does not broadcast to the scores");
  }
  Shape shape{p.batch, p.queryHeads, p.queryLength, p.valueDim};
  std::vector<float> out(numElements(shape));
  attend(p, ctx.numerics, q.floats(), k.floats(), v.floats(), out.data());
  return ctx.numerics.make(ctx.resultType(), shape, std::move(out));
}

KernelResult exec::runMLAAttention(llm::MLAAttentionOp op, KernelContext &ctx) {
  const Tensor &qn = ctx.operands[0], &qr = ctx.operands[1];
  const Tensor &latent = ctx.operands[2], &kr = ctx.operands[3];
  const Tensor &w = ctx.operands[4];
  const Numerics &num = ctx.numerics;
  int64_t B = qn.dim(0), H = qn.dim(1), Sq = qn.dim(2), Dn = qn.dim(3);
  int64_t Dr = qr.dim(3), Skv = latent.dim(2), R = latent.dim(3);
  int64_t Dv = w.dim(0) / H - Dn;
  if (qr.dim(2) != Sq || kr.dim(2) != Skv || latent.dim(0) != B ||
      kr.dim(0) != B || w.dim(1) != R)
    return ctx.fail("operands of multi-head latent attention do not fit "
                    "together at run time");
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
      kd[d] = float(num.hold(dot(num, c, wk + d * R, R)));
    std::copy_n(kr.floats() + (b * Skv + j) * Dr, Dr, kd + Dn);
    float *vd = v.data() + ((b * H + h) * Skv + j) * Dv;
    for (int64_t e = 0; e < Dv; ++e)
      vd[e] = float(num.hold(dot(num, c, wk + (Dn + e) * R, R)));
  });
  AttentionProblem p{B, H, H, Sq, Skv, Dk, Dv, op.getScale().convertToDouble(),
                     op.getCausal(), nullptr};
  if (op.getMask())
    p.mask = &ctx.operands[5];
  p.kvHeadOf = [](int64_t h) { return h; };
  Shape shape{B, H, Sq, Dv};
  std::vector<float> out(numElements(shape));
  attend(p, num, q.data(), k.data(), v.data(), out.data());
  return num.make(ctx.resultType(), shape, std::move(out));
}

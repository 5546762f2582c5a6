//===- Matrix.cpp - matrix-unit kernels -----------------------------------===//
//
// Linear layers and matmuls as tiled matmul commands (weight tiles streamed
// from DRAM through two workspace slots, k accumulated in ascending order,
// so the sums are the reference's), and attention as scores by matmul over
// key tiles, the mask by select, the softmax on the vector unit, and values
// by matmul over value tiles (docs/npu.md, "The lowering").
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Lowering/Kernels.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;
using namespace llmc::llm;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The type the matrix unit accumulates in.
Type accumulatorType(Lowering &l) {
  Builder b(l.em.context());
  return l.em.device().accumulation == Accumulation::F32 ? Type(b.getF32Type())
                                                          : Type(b.getF16Type());
}

/// `v` in SRAM: itself, or copied into `slot` (a workspace view at least as
/// large) as a dense tile.
View staged(Emitter &em, const View &v, const View &slot) {
  if (v.memory == npub::Memory::SRAM)
    return v;
  View tile = View::dense(npub::Memory::SRAM, slot.offset, v.type, v.shape);
  em.copy(v, tile);
  return tile;
}

/// `c = a x b (+ bias)` for `a [M, K]`, `b [K, N]` (or `[N, K]` with
/// `transposeB`), `c [M, N]` f16, any memories: tiles of rows, outputs and
/// inputs chosen to fit the workspace, operands outside the SRAM streamed
/// through two slots each.
bool gemm(Lowering &l, const View &a, const View &b, bool transposeB, const View &c,
          std::optional<View> bias) {
  Emitter &em = l.em;
  const Description &dev = em.device();
  int64_t M = a.shape[0], K = a.shape[1], N = c.shape[1];
  Type acc = accumulatorType(l);
  bool f32 = dev.accumulation == Accumulation::F32;
  int64_t accBytes = f32 ? 4 : 2;
  int64_t mark = em.workspaceMark();
  int64_t budget = em.workspaceFree() - 64 * 12;
  if (budget <= 0)
    return false;
  bool aIn = a.memory == npub::Memory::SRAM, bIn = b.memory == npub::Memory::SRAM;
  bool cIn = c.memory == npub::Memory::SRAM;
  // Tiles: outputs in multiples of the array's columns, inputs whole while
  // they fit, rows whole while they fit.
  int64_t nT = N, kT = K, mT = M;
  auto bytes = [&]() {
    int64_t total = 0;
    if (!aIn)
      total += 2 * mT * kT * 2;
    if (!bIn)
      total += 2 * nT * kT * 2;
    bool cTemp = f32 || !cIn;
    if (cTemp)
      total += 2 * mT * nT * accBytes + 2 * mT * nT * 2;
    if (bias)
      total += 2 * nT * 2;
    return total;
  };
  while (bytes() > budget) {
    if (nT > dev.matrixCols && nT * kT >= mT * kT)
      nT = std::max<int64_t>(dev.matrixCols, nT / 2 / dev.matrixCols * dev.matrixCols);
    else if (mT > dev.matrixRows)
      mT = std::max<int64_t>(dev.matrixRows, mT / 2 / dev.matrixRows * dev.matrixRows);
    else if (kT > 16)
      kT = ceilDiv(kT, 2);
    else if (nT > 1)
      nT = ceilDiv(nT, 2);
    else if (mT > 1)
      mT = ceilDiv(mT, 2);
    else
      return false;
  }
  auto slots = [&](Type type, ArrayRef<int64_t> shape) {
    std::array<View, 2> s{em.allocate(type, shape), em.allocate(type, shape)};
    return s;
  };
  Builder builder(em.context());
  Type f16 = builder.getF16Type();
  std::array<View, 2> aSlots, bSlots, cSlots, oSlots, biasSlots;
  if (!aIn)
    aSlots = slots(f16, {mT, kT});
  if (!bIn)
    bSlots = slots(f16, {nT, kT});
  if (f32 || !cIn) {
    cSlots = slots(acc, {mT, nT});
    oSlots = slots(f16, {mT, nT});
  }
  if (bias)
    biasSlots = slots(f16, {nT});
  int turnA = 0, turnB = 0, turnC = 0;
  for (int64_t m0 = 0; m0 < M; m0 += mT) {
    int64_t mt = std::min(mT, M - m0);
    // A block read once per row block when it holds every input.
    std::optional<View> aWhole;
    if (kT == K)
      aWhole = staged(em, a.slice(0, m0, mt), aSlots[turnA ^= 1]);
    for (int64_t n0 = 0; n0 < N; n0 += nT) {
      int64_t nt = std::min(nT, N - n0);
      View out = c.slice(0, m0, mt).slice(1, n0, nt);
      int slot = turnC ^= 1;
      View accTile = out;
      if (f32 || !cIn)
        accTile = View::dense(npub::Memory::SRAM, cSlots[slot].offset, acc, {mt, nt});
      for (int64_t k0 = 0; k0 < K; k0 += kT) {
        int64_t kt = std::min(kT, K - k0);
        View aTile = aWhole ? *aWhole : staged(em, a.slice(0, m0, mt).slice(1, k0, kt),
                                               aSlots[turnA ^= 1]);
        View bView = transposeB ? b.slice(0, n0, nt).slice(1, k0, kt)
                                : b.slice(0, k0, kt).slice(1, n0, nt);
        View bTile = staged(em, bView, bSlots[turnB ^= 1]);
        em.matmul(aTile, bTile, accTile, transposeB, k0 > 0);
      }
      // The f16 result: converted from an f32 accumulator, plus the bias.
      View result = accTile;
      if (f32) {
        result = cIn ? out : View::dense(npub::Memory::SRAM, oSlots[slot].offset, f16, {mt, nt});
        em.vector("convert", result, {accTile});
      }
      if (bias) {
        View biasTile = staged(em, bias->slice(0, n0, nt), biasSlots[slot]);
        View into = cIn ? out : result;
        em.vector("add", into, {result, biasTile.broadcastTo({mt, nt})});
        result = into;
      }
      if (!cIn)
        em.copy(result, out);
    }
  }
  em.resetWorkspace(mark);
  return true;
}

LogicalResult lowerLinear(Lowering &l, LinearOp op) {
  View x = l.viewOf(op.getInput()), w = l.viewOf(op.getWeight());
  View y = l.viewOf(op.getResult());
  int64_t K = x.shape.back(), N = y.shape.back();
  int64_t M = x.count() / std::max<int64_t>(K, 1);
  std::optional<View> a = x.reshape({M, K}), c = y.reshape({M, N});
  std::optional<View> bias;
  if (op.getBias())
    bias = l.viewOf(op.getBias());
  bool outIn = op.getWeightLayout() == WeightLayout::out_in;
  if (!a || !c || !gemm(l, *a, w, outIn, *c, bias))
    return op.emitError() << "this linear layer does not fit the NPU's SRAM workspace";
  return success();
}

LogicalResult lowerMatmul(Lowering &l, MatmulOp op) {
  View lhs = l.viewOf(op.getLhs()), rhs = l.viewOf(op.getRhs()), out = l.viewOf(op.getResult());
  int64_t rank = out.rank();
  SmallVector<int64_t> batch(out.shape.begin(), out.shape.end() - 2);
  auto withBatch = [&](const View &v) {
    SmallVector<int64_t> shape = batch;
    shape.append(v.shape.end() - 2, v.shape.end());
    return v.broadcastTo(shape);
  };
  View a = withBatch(lhs), b = withBatch(rhs);
  int64_t batches = 1;
  for (int64_t d : batch)
    batches *= d;
  for (int64_t i = 0; i < batches; ++i) {
    View ai = a, bi = b, ci = out;
    int64_t rest = i;
    for (int64_t d = rank - 3; d >= 0; --d) {
      int64_t index = rest % batch[d];
      rest /= batch[d];
      ai = ai.slice(d, index, 1);
      bi = bi.slice(d, index, 1);
      ci = ci.slice(d, index, 1);
    }
    auto matrix = [&](View v) {
      v.shape.erase(v.shape.begin(), v.shape.end() - 2);
      v.strides.erase(v.strides.begin(), v.strides.end() - 2);
      return v;
    };
    if (!gemm(l, matrix(ai), matrix(bi), false, matrix(ci), std::nullopt))
      return op.emitError() << "this matmul does not fit the NPU's SRAM workspace";
  }
  return success();
}

/// Attention for one batch and one KV head: the query heads reading it
/// (`heads`, consecutive), tiled by heads (and query rows within one head)
/// so that the scores of a tile fit the workspace; keys and values streamed
/// in tiles of `keyTile` slots.
struct AttentionTile {
  View q;    // [heads, T, Dk]
  View k;    // [S, Dk]
  View v;    // [S, Dv]
  View out;  // [heads, T, Dv]
  std::optional<View> mask; // [heads, T, S], bool or float
  /// Keys and values are a static program's caches under a mask that
  /// excludes their slots at and past position + length: only the slots
  /// below are read.
  bool bounded = false;
};

/// A register holding how many of `size` slots from `first` lie below
/// position + length (0 to size).
int slotsBelowLimit(Lowering &l, int64_t first, int64_t size) {
  Emitter &em = l.em;
  int r = em.load(*l.position);
  int n = em.load(*l.length);
  em.scalar("add", r, r, n, 0);
  em.scalar("add", r, r, -1, -first);
  em.scalar("max", r, r, -1, 0);
  em.scalar("min", r, r, -1, size);
  return r;
}

/// `src` rows (its first dimension) into `slot`, only the first `count`
/// (a register) when given.
View stagedRows(Emitter &em, const View &src, const View &slot, std::optional<int> count) {
  if (!count || src.memory == npub::Memory::SRAM)
    return staged(em, src, slot);
  View tile = View::dense(npub::Memory::SRAM, slot.offset, src.type, src.shape);
  em.copy(src, tile, *count);
  return tile;
}

bool attendGroup(Lowering &l, const AttentionTile &g, double scale) {
  Emitter &em = l.em;
  Builder builder(em.context());
  Type f16 = builder.getF16Type(), i1 = builder.getI1Type();
  Type acc = accumulatorType(l);
  bool f32 = acc.isF32();
  int64_t H = g.q.shape[0], T = g.q.shape[1], Dk = g.q.shape[2];
  int64_t S = g.k.shape[0], Dv = g.v.shape[1];
  int64_t mark = em.workspaceMark();
  int64_t budget = em.workspaceFree() - 64 * 16;
  // Key tiles: two slots each for keys and values.
  int64_t sT = S;
  while (sT > 16 && 2 * sT * (Dk + Dv) * 2 > budget / 4)
    sT = ceilDiv(sT, 2);
  // Rows of a tile: whole heads while they fit, else query rows of one.
  // Per row, what the tile allocates: the query when it is not in SRAM, the
  // scores (and their f32 sums), the mask when it is not in SRAM and its
  // inverse, the statistic, the output accumulator.
  bool qInSRAM = g.q.memory == npub::Memory::SRAM;
  bool maskInSRAM = !g.mask || g.mask->memory == npub::Memory::SRAM;
  int64_t maskBytes = g.mask ? View::dense(npub::Memory::SRAM, 0, g.mask->type, {1}).elementBytes()
                             : 0;
  bool boolMask = g.mask && g.mask->type.isInteger(1);
  int64_t perRow = (qInSRAM ? 0 : Dk * 2) + S * (2 + (f32 ? 4 : 0)) +
                   (maskInSRAM ? 0 : S * maskBytes) + (boolMask ? S : 0) + 2 +
                   Dv * (f32 ? 4 + 2 : 2);
  int64_t rowsBudget = (budget - 2 * sT * (Dk + Dv) * 2) / perRow;
  if (rowsBudget < 1)
    return false;
  int64_t hT = std::max<int64_t>(1, std::min(H, rowsBudget / T));
  int64_t tT = hT > 1 || rowsBudget >= T ? T : rowsBudget;
  std::array<View, 2> kSlots{em.allocate(f16, {sT, Dk}), em.allocate(f16, {sT, Dk})};
  std::array<View, 2> vSlots{em.allocate(f16, {sT, Dv}), em.allocate(f16, {sT, Dv})};
  if (g.bounded) {
    // Value rows past the limit stay as they were: zeros first (their
    // probability is 0, and 0 x inf of stale workspace bytes would be NaN),
    // by a select under an all-true mask (one byte, read with stride 0).
    View yes = em.allocate(i1, {1});
    em.copy(View::dense(npub::Memory::Const, l.constants.add({1}), i1, {1}), yes);
    for (const View &slot : vSlots)
      em.vector("select", slot, {yes.broadcastTo(slot.shape), slot}, 0.0);
  }
  // Slots [s0, s0 + st) of keys or values in SRAM (only those below the
  // limit read, when bounded).
  auto slotTile = [&](const View &all, int64_t s0, int64_t st, const View &slot) {
    std::optional<int> rows;
    if (g.bounded)
      rows = slotsBelowLimit(l, s0, st);
    return stagedRows(em, all.slice(0, s0, st), slot, rows);
  };
  int64_t tileMark = em.workspaceMark();
  int turn = 0;
  for (int64_t h0 = 0; h0 < H; h0 += hT) {
    int64_t ht = std::min(hT, H - h0);
    for (int64_t t0 = 0; t0 < T; t0 += tT) {
      int64_t tt = std::min(tT, T - t0);
      int64_t rows = ht * tt;
      em.resetWorkspace(tileMark);
      View q3 = g.q.slice(0, h0, ht).slice(1, t0, tt);
      std::optional<View> q = q3.reshape({rows, Dk});
      if (!q || q->memory != npub::Memory::SRAM) {
        View qTile = em.allocate(f16, {rows, Dk});
        em.copy(q3, *qTile.reshape(q3.shape));
        q = qTile;
      }
      View scores = em.allocate(f16, {rows, S});
      View scoresAcc = f32 ? em.allocate(acc, {rows, S}) : scores;
      for (int64_t s0 = 0; s0 < S; s0 += sT) {
        int64_t st = std::min(sT, S - s0);
        View kTile = slotTile(g.k, s0, st, kSlots[turn ^= 1]);
        em.matmul(*q, kTile, scoresAcc.slice(1, s0, st), /*transposeB=*/true, false);
      }
      if (f32)
        em.vector("convert", scores, {scoresAcc});
      if (scale != 1.0)
        em.vector("mul", scores, {scores}, scale);
      View scores3 = *scores.reshape({ht, tt, S});
      if (g.mask) {
        View m = g.mask->slice(0, h0, ht).slice(1, t0, tt);
        if (m.memory != npub::Memory::SRAM) {
          View mTile = em.allocate(m.type, {ht, tt, S});
          em.copy(m, mTile);
          m = mTile;
        }
        if (m.type.isInteger(1)) {
          // Masked-out scores are -inf: their probability is 0.
          View masked = em.allocate(i1, {ht, tt, S});
          em.vector("compare", masked, {m}, 0.0, -1, "eq");
          em.vector("select", scores3, {masked, scores3}, -INFINITY);
        } else {
          em.vector("add", scores3, {scores3, m});
        }
      }
      // The softmax of each row.
      View stat = em.allocate(f16, {rows, 1});
      em.reduce("max", scores, stat);
      em.vector("sub", scores, {scores, stat.broadcastTo({rows, S})});
      em.vector("exp", scores, {scores});
      em.reduce("sum", scores, stat);
      em.vector("div", scores, {scores, stat.broadcastTo({rows, S})});
      // Values.
      View out3 = g.out.slice(0, h0, ht).slice(1, t0, tt);
      std::optional<View> out = out3.reshape({rows, Dv});
      bool direct = out && out->memory == npub::Memory::SRAM && !f32;
      View accTile = direct ? *out : em.allocate(acc, {rows, Dv});
      for (int64_t s0 = 0; s0 < S; s0 += sT) {
        int64_t st = std::min(sT, S - s0);
        View vTile = slotTile(g.v, s0, st, vSlots[turn ^= 1]);
        em.matmul(scores.slice(1, s0, st), vTile, accTile, false, s0 > 0);
      }
      if (!direct) {
        View result = accTile;
        if (f32) {
          bool intoOut = out && out->memory == npub::Memory::SRAM;
          result = intoOut ? *out : em.allocate(f16, {rows, Dv});
          em.vector("convert", result, {accTile});
          if (intoOut)
            continue;
        }
        em.copy(*result.reshape(out3.shape), out3);
      }
    }
  }
  em.resetWorkspace(mark);
  return true;
}

LogicalResult lowerAttention(Lowering &l, AttentionOp op) {
  if (op.getCausal())
    return op.emitError() << "the NPU lowers attention with an explicit mask; a causal one "
                             "is made explicit by the static-shape pass";
  View q = l.viewOf(op.getQuery()), k = l.viewOf(op.getKey()), v = l.viewOf(op.getValue());
  View out = l.viewOf(op.getResult());
  int64_t B = q.shape[0], Hq = q.shape[1], T = q.shape[2], S = k.shape[2];
  int64_t Hkv = k.shape[1];
  std::optional<View> mask;
  if (op.getMask())
    mask = l.viewOf(op.getMask()).broadcastTo({B, Hq, T, S});
  // Query heads grouped by the KV head they read (consecutive heads, or
  // one at a time under an explicit map).
  std::optional<ArrayRef<int64_t>> map = op.getKvHeadMap();
  int64_t group = map ? 1 : Hq / Hkv;
  auto drop = [](View x, int64_t dims) {
    x.shape.erase(x.shape.begin(), x.shape.begin() + dims);
    x.strides.erase(x.strides.begin(), x.strides.begin() + dims);
    return x;
  };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h0 = 0; h0 < Hq; h0 += group) {
      int64_t kv = map ? (*map)[h0] : h0 / group;
      AttentionTile t{drop(q.slice(0, b, 1).slice(1, h0, group), 1),
                      drop(k.slice(0, b, 1).slice(1, kv, 1), 2),
                      drop(v.slice(0, b, 1).slice(1, kv, 1), 2),
                      drop(out.slice(0, b, 1).slice(1, h0, group), 1), std::nullopt};
      if (mask)
        t.mask = drop(mask->slice(0, b, 1).slice(1, h0, group), 1);
      t.bounded = mask && l.position && l.length && op.getKey().getDefiningOp<CacheUpdateOp>() &&
                  op.getValue().getDefiningOp<CacheUpdateOp>();
      if (!attendGroup(l, t, op.getScale().convertToDouble()))
        return op.emitError() << "attention over " << S
                              << " slots does not fit the NPU's SRAM workspace";
    }
  return success();
}

/// Multi-head latent attention in its defining form (the reference's):
/// per head, keys [latent x W_k^T, key_rope] and values latent x W_v^T
/// decompressed into the workspace, then attention as above.
LogicalResult lowerMLA(Lowering &l, MLAAttentionOp op) {
  if (op.getCausal())
    return op.emitError() << "the NPU lowers latent attention with an explicit mask";
  Emitter &em = l.em;
  View qn = l.viewOf(op.getQueryNope()), qr = l.viewOf(op.getQueryRope());
  View latent = l.viewOf(op.getLatent()), kr = l.viewOf(op.getKeyRope());
  View w = l.viewOf(op.getKvUpWeight()), out = l.viewOf(op.getResult());
  int64_t B = qn.shape[0], H = qn.shape[1], T = qn.shape[2], Dn = qn.shape[3];
  int64_t Dr = qr.shape[3], S = latent.shape[2], R = latent.shape[3];
  int64_t Dv = out.shape[3], Dk = Dn + Dr;
  std::optional<View> mask;
  if (op.getMask())
    mask = l.viewOf(op.getMask()).broadcastTo({B, H, T, S});
  Type f16 = qn.type;
  auto fail = [&]() {
    return op.emitError() << "latent attention over " << S
                          << " slots does not fit the NPU's SRAM workspace";
  };
  auto matrix = [](View v, int64_t dims) {
    v.shape.erase(v.shape.begin(), v.shape.begin() + dims);
    v.strides.erase(v.strides.begin(), v.strides.begin() + dims);
    return v;
  };
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      int64_t mark = em.workspaceMark();
      std::optional<View> keys = em.allocate(f16, {S, Dk});
      std::optional<View> values = em.allocate(f16, {S, Dv});
      std::optional<View> query = em.allocate(f16, {1, T, Dk});
      if (em.exhausted())
        return fail();
      View c = matrix(latent.slice(0, b, 1).slice(1, 0, 1), 2); // [S, R]
      View wk = w.slice(0, h * (Dn + Dv), Dn), wv = w.slice(0, h * (Dn + Dv) + Dn, Dv);
      if (!gemm(l, c, wk, /*transposeB=*/true, keys->slice(1, 0, Dn), std::nullopt) ||
          !gemm(l, c, wv, /*transposeB=*/true, *values, std::nullopt))
        return fail();
      em.copy(matrix(kr.slice(0, b, 1).slice(1, 0, 1), 2), keys->slice(1, Dn, Dr));
      em.copy(matrix(qn.slice(0, b, 1).slice(1, h, 1), 1), query->slice(2, 0, Dn));
      em.copy(matrix(qr.slice(0, b, 1).slice(1, h, 1), 1), query->slice(2, Dn, Dr));
      AttentionTile t{*query, *keys, *values, matrix(out.slice(0, b, 1).slice(1, h, 1), 1),
                      std::nullopt};
      if (mask)
        t.mask = matrix(mask->slice(0, b, 1).slice(1, h, 1), 1);
      if (!attendGroup(l, t, op.getScale().convertToDouble()))
        return fail();
      em.resetWorkspace(mark);
    }
  return success();
}

} // namespace

std::optional<LogicalResult> lowering::lowerMatrix(Lowering &l, Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<LogicalResult>>(op)
      .Case([&](LinearOp o) { return lowerLinear(l, o); })
      .Case([&](MatmulOp o) { return lowerMatmul(l, o); })
      .Case([&](AttentionOp o) { return lowerAttention(l, o); })
      .Case([&](MLAAttentionOp o) { return lowerMLA(l, o); })
      .Default([](Operation *) { return std::nullopt; });
}

//===- RaiseAttention.cpp - scaled dot-product attention and embeddings ---===//
#include "RaisePatterns.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The [B, Hkv, S, D] tensor that repeat_kv expanded into [B, Hkv*g, S, D]
/// (reshape to [B, Hkv, 1, S, D], broadcast to g, reshape back), or `v`.
Value unrepeatKV(Value v) {
  auto merge = v.getDefiningOp<ReshapeOp>();
  auto broadcast = merge ? merge.getInput().getDefiningOp<BroadcastToOp>() : nullptr;
  auto split = broadcast ? broadcast.getInput().getDefiningOp<ReshapeOp>() : nullptr;
  if (!split)
    return v;
  Value original = split.getInput();
  ArrayRef<int64_t> o = typeOf(original).getShape();
  ArrayRef<int64_t> s = split.getType().getShape();
  ArrayRef<int64_t> b = broadcast.getType().getShape();
  if (o.size() != 4 || s.size() != 5 || s[0] != o[0] || s[1] != o[1] || s[2] != 1 ||
      s[3] != o[2] || s[4] != o[3] || b[2] < 1 || b[0] != s[0] || b[1] != s[1] || b[3] != s[3] ||
      b[4] != s[4])
    return v;
  return original;
}

/// The key [B, H, S, D] whose last two dims `kT` swaps.
Value keyOf(Value kT, PatternRewriter &rewriter, Location loc) {
  auto t = kT.getDefiningOp<TransposeOp>();
  if (!t || t.getPermutation().size() != 4)
    return nullptr;
  ArrayRef<int64_t> p = t.getPermutation();
  SmallVector<int64_t> perm{p[0], p[1], p[3], p[2]};
  if (perm == SmallVector<int64_t>{0, 1, 2, 3})
    return t.getInput();
  return rewriter.create<TransposeOp>(loc, t.getInput(), rewriter.getDenseI64ArrayAttr(perm));
}

/// True when `mask` (constant, true = masked out) is exactly the causal
/// exclusion of `Sq` queries over `Skv` keys: j > Skv - Sq + i.
bool isCausalExclusion(Value mask, int64_t queries, int64_t keys) {
  auto constant = mask.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || !dense.getElementType().isInteger(1))
    return false;
  ArrayRef<int64_t> shape = dense.getType().getShape();
  if (shape.size() < 2 || shape[shape.size() - 2] != queries || shape.back() != keys ||
      dense.getType().getNumElements() != queries * keys)
    return false;
  auto values = dense.getValues<bool>();
  for (int64_t i = 0; i < queries; ++i)
    for (int64_t j = 0; j < keys; ++j)
      if (values[i * keys + j] != (j > keys - queries + i))
        return false;
  return true;
}

/// `n` for max(n, 0) (how an exported Range clamps its count), else `v`.
Value stripClampAtZero(Value v) {
  if (Value n = otherOperand<MaximumOp>(v.getDefiningOp(), [](Value o) { return isConstant(o, 0.0); }))
    return n;
  return v;
}

/// The count of `reshape(iota(count))`, or null.
Value iotaCount(Value v, int64_t rank, int64_t unitDim) {
  auto reshape = v.getDefiningOp<ReshapeOp>();
  auto iota = reshape ? reshape.getInput().getDefiningOp<IotaOp>() : nullptr;
  if (!iota || reshape.getType().getRank() != rank || reshape.getType().getDimSize(unitDim) != 1)
    return nullptr;
  return stripClampAtZero(iota.getCount());
}

/// True for the causal mask an export computes at run time:
/// iota(Skv)[None, :] > iota(Sq)[:, None] + (Skv - Sq).
bool isRunTimeCausalExclusion(Value mask) {
  auto gt = mask.getDefiningOp<CompareOp>();
  if (!gt || gt.getDirection() != CompareDirection::gt)
    return false;
  Value keys = iotaCount(gt.getLhs(), 2, 0);
  auto shifted = gt.getRhs().getDefiningOp<AddOp>();
  if (!keys || !shifted)
    return false;
  for (auto [rows, offset] : {std::pair(shifted.getLhs(), shifted.getRhs()),
                              std::pair(shifted.getRhs(), shifted.getLhs())}) {
    Value queries = iotaCount(rows, 2, 1);
    auto difference = offset.getDefiningOp<SubOp>();
    if (queries && difference && difference.getLhs() == keys && difference.getRhs() == queries)
      return true;
  }
  return false;
}

/// softmax(scale * q k^T [masked]) v -> llm.attention
struct RaiseAttention : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || softmax.getDim() != 3 || typeOf(op.getLhs()).getRank() != 4)
      return failure();
    Value scores = softmax.getInput();
    Value mask;
    bool causal = false;
    int64_t queries = typeOf(scores).getDimSize(2), keys = typeOf(scores).getDimSize(3);
    if (auto where = scores.getDefiningOp<WhereOp>()) {
      std::optional<double> fill = splatValue(where.getOnTrue());
      if (!fill || !(*fill <= -1e30) ||
          !(isCausalExclusion(where.getCondition(), queries, keys) ||
            isRunTimeCausalExclusion(where.getCondition())))
        return failure();
      causal = true;
      scores = where.getOnFalse();
    } else if (auto add = scores.getDefiningOp<AddOp>()) {
      // An additive float mask.
      for (auto [s, m] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())})
        if (s.getDefiningOp<MulOp>() || s.getDefiningOp<DivOp>() || s.getDefiningOp<MatmulOp>()) {
          scores = s;
          mask = m;
          break;
        }
      if (!mask)
        return failure();
    }
    double scale = 1.0;
    Value raw = scores;
    if (auto mul = scores.getDefiningOp<MulOp>()) {
      for (auto [r, c] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
        if (std::optional<double> s = splatValue(c)) {
          scale = *s;
          raw = r;
          break;
        }
    } else if (auto div = scores.getDefiningOp<DivOp>()) {
      if (std::optional<double> d = splatValue(div.getRhs())) {
        scale = 1.0 / *d;
        raw = div.getLhs();
      }
    }
    auto qk = raw.getDefiningOp<MatmulOp>();
    if (!qk || !(scale > 0.0))
      return failure();
    Value q = qk.getLhs();
    Value k = keyOf(qk.getRhs(), rewriter, op.getLoc());
    if (!k)
      return failure();
    k = unrepeatKV(k);
    Value v = unrepeatKV(op.getRhs());
    if (typeOf(q).getRank() != 4 || typeOf(k).getRank() != 4 || typeOf(v).getRank() != 4 ||
        typeOf(k).getDimSize(1) != typeOf(v).getDimSize(1) ||
        typeOf(q).getDimSize(1) % std::max<int64_t>(typeOf(k).getDimSize(1), 1) != 0)
      return failure();
    auto attention = rewriter.create<AttentionOp>(
        op.getLoc(), q, k, v, mask, rewriter.getF64FloatAttr(scale),
        causal ? rewriter.getUnitAttr() : nullptr, nullptr);
    if (attention.getType() != op.getType()) {
      rewriter.eraseOp(attention);
      return failure();
    }
    rewriter.replaceOp(op, attention.getResult());
    return success();
  }
};

/// The two parts of concat(a, b) along the head dim of a 4-D tensor.
std::optional<std::pair<Value, Value>> headDimParts(Value v) {
  auto concat = v.getDefiningOp<ConcatOp>();
  if (!concat || concat.getDim() != 3 || concat.getInputs().size() != 2)
    return std::nullopt;
  return std::pair(concat.getInputs()[0], concat.getInputs()[1]);
}

/// The [B, 1, S, R] latent of `latent[:, 0]` (a gather of index 0 along
/// axis 1, or a reshape dropping the unit head axis).
Value latentOf(Value v) {
  if (auto gather = v.getDefiningOp<GatherOp>()) {
    if (gather.getDim() == 1 && isConstant(gather.getIndices(), 0.0) &&
        cast<RankedTensorType>(gather.getIndices().getType()).getRank() == 0)
      return gather.getInput();
    return nullptr;
  }
  if (auto reshape = v.getDefiningOp<ReshapeOp>()) {
    auto in = typeOf(reshape.getInput());
    if (in.getRank() == 4 && in.getDimSize(1) == 1)
      return reshape.getInput();
  }
  return nullptr;
}

/// attention(concat(q_nope, q_rope), concat(k_nope, broadcast(k_rope)), v)
/// where k_nope and v are the two halves of the per-head decompression of
/// a latent, kv_b_proj(latent) -> llm.mla_attention over the latent.
struct RaiseLatentAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op, PatternRewriter &rewriter) const override {
    if (op.getMask() || op.getKvHeadMap())
      return failure();
    auto qParts = headDimParts(op.getQuery());
    auto kParts = headDimParts(op.getKey());
    if (!qParts || !kParts)
      return failure();
    auto [queryNope, queryRope] = *qParts;
    auto keyNope = kParts->first.getDefiningOp<SliceOp>();
    auto broadcast = kParts->second.getDefiningOp<BroadcastToOp>();
    auto valueSlice = op.getValue().getDefiningOp<SliceOp>();
    if (!keyNope || !broadcast || !valueSlice || keyNope.getInput() != valueSlice.getInput())
      return failure();
    Value keyRope = broadcast.getInput();
    int64_t nope = typeOf(queryNope).getDimSize(3), valueDim = typeOf(op.getValue()).getDimSize(3);
    auto isHeadSlice = [](SliceOp s, int64_t start, int64_t limit) {
      return s.getDims().size() == 1 && s.getDims()[0] == 3 && !s.getSteps() &&
             s.getStarts()[0] == start && s.getLimits()[0] == limit;
    };
    if (!isHeadSlice(keyNope, 0, nope) || !isHeadSlice(valueSlice, nope, nope + valueDim) ||
        typeOf(keyRope).getRank() != 4 || typeOf(keyRope).getDimSize(1) != 1)
      return failure();
    // The per-head keys and values: transpose(reshape(linear(latent[:, 0], W))).
    auto transpose = keyNope.getInput().getDefiningOp<TransposeOp>();
    if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{0, 2, 1, 3})
      return failure();
    auto split = transpose.getInput().getDefiningOp<ReshapeOp>();
    auto linear = split ? split.getInput().getDefiningOp<LinearOp>() : nullptr;
    if (!linear || linear.getBias())
      return failure();
    Value latent = latentOf(linear.getInput());
    if (!latent)
      return failure();
    // llm.mla_attention takes kv_b_proj.weight as [H * (Dn + Dv), R].
    Value weight = linear.getWeight();
    if (linear.getWeightLayout() == WeightLayout::in_out)
      weight = rewriter.create<TransposeOp>(op.getLoc(), weight, rewriter.getDenseI64ArrayAttr({1, 0}));
    auto mla = rewriter.create<MLAAttentionOp>(op.getLoc(), queryNope, queryRope, latent, keyRope,
                                               weight, op.getScaleAttr(), op.getCausalAttr());
    if (mla.getType() != op.getType()) {
      rewriter.eraseOp(mla);
      return failure();
    }
    rewriter.replaceOp(op, mla.getResult());
    return success();
  }
};

/// gather(table [V, D], ids) dim 0 with a parameter table -> embedding
struct RaiseEmbedding : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op, PatternRewriter &rewriter) const override {
    Value table = op.getInput();
    if (op.getDim() != 0 || typeOf(table).getRank() != 2 ||
        !isa<FloatType>(typeOf(table).getElementType()) ||
        !(table.getDefiningOp<WeightOp>() || table.getDefiningOp<ConstantOp>()))
      return failure();
    // llm.embedding takes ids in [0, V); a negative id would count from the
    // end in Gather, so only non-negative constant or run-time ids qualify:
    // the executor reports an out-of-range id either way.
    rewriter.replaceOpWithNewOp<EmbeddingOp>(op, table, op.getIndices());
    return success();
  }
};

/// concat(past, new) along axis 2 of [B, H, S, D] tensors, where `past` is
/// an argument of the function (a cache the caller passes in) ->
/// kv_append(past, new): the dataflow the static-shape pass turns into an
/// in-place cache write.
struct RaiseKVAppend : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    if (op.getInputs().size() != 2 || op.getDim() != 2 || op.getType().getRank() != 4 ||
        !isa<FloatType>(op.getType().getElementType()) ||
        !isa<BlockArgument>(op.getInputs()[0]))
      return failure();
    auto append = rewriter.create<KVAppendOp>(op.getLoc(), op.getInputs()[0], op.getInputs()[1]);
    if (append.getType() != op.getType()) {
      rewriter.eraseOp(append);
      return failure();
    }
    rewriter.replaceOp(op, append.getResult());
    return success();
  }
};

} // namespace

void raise::populateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention, RaiseEmbedding, RaiseKVAppend, RaiseLatentAttention>(
      patterns.getContext());
}

//===- RaiseAttention.cpp - scaled dot-product attention and embeddings ---===//
#include "MaskAlgebra.h"
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

/// The transpose whose swapping of the last two dims makes `kT` from the
/// key [B, H, S, D] (the key is its input, permuted by `keyPermutation`).
TransposeOp keyTransposeOf(Value kT) {
  auto t = kT.getDefiningOp<TransposeOp>();
  return t && t.getPermutation().size() == 4 ? t : nullptr;
}

SmallVector<int64_t> keyPermutation(TransposeOp t) {
  ArrayRef<int64_t> p = t.getPermutation();
  return {p[0], p[1], p[3], p[2]};
}

/// True when `mask` is a constant [.., Sq, Skv] (Sq * Skv elements) whose
/// element (i, j) satisfies `matches(excluded, element index)`, where
/// `excluded` is the causal rule of Sq queries over Skv keys,
/// j > Skv - Sq + i.
template <typename Matches>
bool isCausalConstantOf(Value mask, int64_t queries, int64_t keys, Matches matches) {
  auto constant = mask.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense)
    return false;
  ArrayRef<int64_t> shape = dense.getType().getShape();
  if (shape.size() < 2 || shape[shape.size() - 2] != queries || shape.back() != keys ||
      dense.getType().getNumElements() != queries * keys)
    return false;
  for (int64_t i = 0; i < queries; ++i)
    for (int64_t j = 0; j < keys; ++j)
      if (!matches(dense, j > keys - queries + i, i * keys + j))
        return false;
  return true;
}

/// An i1 constant: true where excluded (`excludes`) or where allowed.
bool isCausalConstant(Value mask, int64_t queries, int64_t keys, bool excludes) {
  auto type = mask.getType();
  if (!cast<RankedTensorType>(type).getElementType().isInteger(1))
    return false;
  return isCausalConstantOf(mask, queries, keys,
                            [&](DenseElementsAttr d, bool excluded, int64_t at) {
                              return d.getValues<bool>()[at] == (excluded == excludes);
                            });
}

/// A float constant added to the scores: an exclusion fill where excluded
/// and 0 elsewhere. (A static export computes its Trilu/Range mask to this.)
bool isCausalAdditiveConstant(Value mask, int64_t queries, int64_t keys) {
  if (!isa<FloatType>(cast<RankedTensorType>(mask.getType()).getElementType()))
    return false;
  return isCausalConstantOf(mask, queries, keys,
                            [](DenseElementsAttr d, bool excluded, int64_t at) {
                              double v = d.getValues<APFloat>()[at].convertToDouble();
                              return excluded ? v <= kExclusionFill : v == 0.0;
                            });
}

/// True when `mask` (true = allowed) is `buffer[.., L - Q : L, 0 : L]` of
/// a constant lower-triangular buffer (j <= i): HF GPT-2's `bias` sliced by
/// the query length Q and key length L. Row i then allows j <= L - Q + i,
/// the causal rule of Q queries over L keys (Q is taken to be the query
/// length: a mask of another row count would not broadcast to the scores).
bool isSlicedCausalBuffer(Value mask) {
  auto columns = mask.getDefiningOp<DynamicSliceOp>();
  if (!columns || columns.getSteps() || columns.getDims().size() != 1)
    return false;
  auto rows = columns.getInput().getDefiningOp<DynamicSliceOp>();
  if (!rows || rows.getSteps() || rows.getDims().size() != 1)
    return false;
  int64_t rank = typeOf(mask).getRank();
  if (rank < 2 || columns.getDims()[0] != rank - 1 || rows.getDims()[0] != rank - 2 ||
      !isConstant(columns.getStarts(), 0.0) || !sameValue(columns.getLimits(), rows.getLimits()))
    return false;
  // starts = reshape(L - Q), limits = reshape(L): compare through the
  // one-element reshapes an export puts around scalars.
  Value limit = rows.getLimits();
  if (auto r = limit.getDefiningOp<ReshapeOp>())
    limit = r.getInput();
  Value start = rows.getStarts();
  if (auto r = start.getDefiningOp<ReshapeOp>())
    start = r.getInput();
  auto difference = start.getDefiningOp<SubOp>();
  if (!difference || !sameValue(difference.getLhs(), limit))
    return false;
  auto constant = rows.getInput().getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || !dense.getElementType().isInteger(1))
    return false;
  ArrayRef<int64_t> shape = dense.getType().getShape();
  int64_t n = shape[rank - 2], m = shape[rank - 1];
  if (dense.getType().getNumElements() != n * m)
    return false;
  auto values = dense.getValues<bool>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      if (values[i * m + j] != (j <= i))
        return false;
  return true;
}

} // namespace

LogicalResult raise::maskIs(Value mask, MaskMeaning meaning, MaskRule rule, AxisOf queries,
                            AxisOf keys, std::string &why) {
  int64_t q = typeOf(queries.value).getDimSize(queries.axis);
  int64_t k = typeOf(keys.value).getDimSize(keys.axis);
  // Constants (a static export computes its mask to one) and HF GPT-2's
  // sliced `bias` buffer, whose slice bounds are not provably in range.
  if (rule == MaskRule::Causal) {
    if (!ShapedType::isDynamic(q) && !ShapedType::isDynamic(k) &&
        (meaning == MaskMeaning::Additive
             ? isCausalAdditiveConstant(mask, q, k)
             : isCausalConstant(mask, q, k, meaning == MaskMeaning::Excluded)))
      return success();
    if (meaning == MaskMeaning::Allowed && isSlicedCausalBuffer(mask))
      return success();
  }
  SymbolicSizes sizes;
  return llmc::llm::proveMask(mask, meaning, rule, sizes.dim(queries.value, queries.axis),
                              sizes.dim(keys.value, keys.axis), sizes, why);
}

namespace {

/// What a mask on attention scores amounts to.
enum class MaskKind {
  Causal,   ///< the causal rule: the op's `causal`
  None,     ///< keeps every key (a padding mask of all ones): dropped
  Explicit, ///< anything else: the op's `mask`
};

MaskKind classify(Value mask, MaskMeaning meaning, AxisOf queries, AxisOf keys,
                  std::string *why = nullptr) {
  std::string notCausal, notNone;
  if (succeeded(raise::maskIs(mask, meaning, MaskRule::Causal, queries, keys, notCausal)))
    return MaskKind::Causal;
  if (succeeded(raise::maskIs(mask, meaning, MaskRule::KeepsAll, queries, keys, notNone)))
    return MaskKind::None;
  if (why)
    *why = notCausal;
  return MaskKind::Explicit;
}

/// An attention whose mask is the causal rule is causal attention (the
/// cheaper form: no mask to compute, a kernel that skips the excluded keys);
/// one whose mask keeps every key has none.
struct CausalAttentionMask : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op, PatternRewriter &rewriter) const override {
    Value mask = op.getMask();
    if (!mask)
      return failure(); // nothing to explain
    MaskMeaning meaning =
        typeOf(mask).getElementType().isInteger(1) ? MaskMeaning::Allowed : MaskMeaning::Additive;
    std::string why;
    MaskKind kind = classify(mask, meaning, {op.getQuery(), 2}, {op.getKey(), 2}, &why);
    if (kind == MaskKind::Explicit)
      return rewriter.notifyMatchFailure(
          op, "llm.attention: the mask is kept explicit (static programs compute it), as it is not "
              "shown to be the causal rule: " + why);
    bool causal = op.getCausal() || kind == MaskKind::Causal;
    rewriter.replaceOpWithNewOp<AttentionOp>(op, op.getQuery(), op.getKey(), op.getValue(),
                                             /*mask=*/Value(), op.getScaleAttr(),
                                             causal ? rewriter.getUnitAttr() : nullptr,
                                             op.getKvHeadMapAttr());
    return success();
  }
};

/// True for a `where` fill that excludes a key (see kExclusionFill).
bool isExclusionFill(Value v) {
  std::optional<double> fill = splatValueOf(v);
  return fill && *fill <= kExclusionFill;
}

/// How a `where` masks attention scores.
struct WhereMask {
  Value scores;
  Value condition;
  bool conditionExcludes; ///< true = excluded (else true = allowed)
  MaskMeaning meaning() const {
    return conditionExcludes ? MaskMeaning::Excluded : MaskMeaning::Allowed;
  }
};

/// scores masked by where(excluded, fill, scores) or where(allowed, scores,
/// fill).
std::optional<WhereMask> whereMask(WhereOp where) {
  WhereMask result;
  result.condition = where.getCondition();
  if (isExclusionFill(where.getOnTrue())) {
    result.conditionExcludes = true;
    result.scores = where.getOnFalse();
  } else if (isExclusionFill(where.getOnFalse())) {
    result.conditionExcludes = false;
    result.scores = where.getOnTrue();
  } else {
    return std::nullopt;
  }
  return result;
}

/// Scores, possibly under further masks: a scaled or raw q.k^T, or a
/// `where` with an exclusion fill.
bool isScoresLike(Value v) {
  if (v.getDefiningOp<MulOp>() || v.getDefiningOp<DivOp>() || v.getDefiningOp<MatmulOp>())
    return true;
  auto where = v.getDefiningOp<WhereOp>();
  return where && whereMask(where).has_value();
}

/// The i1 mask (true = allowed) of a non-causal `where` mask.
Value allowedMask(const WhereMask &m, PatternRewriter &rewriter, Location loc) {
  if (!m.conditionExcludes)
    return m.condition;
  auto boolType = RankedTensorType::get({}, rewriter.getI1Type());
  Value no = rewriter.create<ConstantOp>(loc, DenseElementsAttr::get(boolType, false));
  Value yes = rewriter.create<ConstantOp>(loc, DenseElementsAttr::get(boolType, true));
  return rewriter.create<WhereOp>(loc, m.condition, no, yes);
}

/// softmax(scale * q k^T [masked]) v -> llm.attention. With
/// `anyWhereMask`, a `where` mask that is not the causal rule becomes an i1
/// mask; that variant runs after everything else has converged, so that a
/// causal mask still being simplified is not taken for an arbitrary one.
struct RaiseAttention : OpRewritePattern<MatmulOp> {
  RaiseAttention(MLIRContext *context, bool anyWhereMask)
      : OpRewritePattern(context), anyWhereMask(anyWhereMask) {}

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax)
      return rewriter.notifyMatchFailure(op, "llm.attention: the left operand is not an llm.softmax");
    if (softmax.getDim() != 3 || typeOf(op.getLhs()).getRank() != 4)
      return rewriter.notifyMatchFailure(
          op, "llm.attention: the softmax is not over the last dim of 4-D scores [B, H, Sq, Skv]");
    // The masks on the scores, peeled outermost first: where(excluded,
    // fill, s), where(allowed, s, fill) and s + additive, in any nesting
    // (HF GPT-2 adds the caller's padding mask after its causal where).
    Value scores = softmax.getInput();
    AxisOf queries{scores, 2}, keys{scores, 3};
    bool causal = false;
    Value additiveMask;                    // an explicit additive mask
    std::optional<WhereMask> explicitWhere; // an explicit where mask
    // Records a peeled mask of `kind`; false when it would be a second
    // explicit one (llm.attention takes one).
    auto take = [&](MaskKind kind, auto keepExplicit) {
      if (kind == MaskKind::Explicit && (explicitWhere || additiveMask))
        return false;
      causal |= kind == MaskKind::Causal;
      if (kind == MaskKind::Explicit)
        keepExplicit();
      return true;
    };
    auto twoMasks = [&] {
      return rewriter.notifyMatchFailure(
          op, "llm.attention: the scores have two masks that are neither causal nor keep every "
              "key (llm.attention takes one)");
    };
    for (bool outermost = true;; outermost = false) {
      if (auto whereOp = scores.getDefiningOp<WhereOp>()) {
        std::optional<WhereMask> where = whereMask(whereOp);
        if (!where && outermost)
          return rewriter.notifyMatchFailure(
              op, "llm.attention: the scores are masked by an llm.where whose fill is not an "
                  "exclusion (a constant at or below -1e4, such as -inf)");
        if (!where)
          break;
        MaskKind kind = classify(where->condition, where->meaning(), queries, keys);
        if (kind == MaskKind::Explicit && !anyWhereMask)
          return rewriter.notifyMatchFailure(
              op, "llm.attention: the llm.where mask is not the causal rule (other masks are "
                  "raised once the other patterns have converged)");
        if (!take(kind, [&] { explicitWhere = where; }))
          return twoMasks();
        scores = where->scores;
        continue;
      }
      if (auto add = scores.getDefiningOp<AddOp>()) {
        Value s, m;
        for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()), std::pair(add.getRhs(), add.getLhs())})
          if (isScoresLike(a)) {
            s = a;
            m = b;
            break;
          }
        if (!s && outermost)
          return rewriter.notifyMatchFailure(
              op, "llm.attention: the softmax input is a sum, but neither operand is scores (an "
                  "llm.mul, llm.div or llm.matmul, or a masking llm.where) beside an additive mask");
        if (!s)
          break;
        MaskKind kind = classify(m, MaskMeaning::Additive, queries, keys);
        if (!take(kind, [&] { additiveMask = m; }))
          return twoMasks();
        scores = s;
        continue;
      }
      break;
    }
    double scale = 1.0;
    Value raw = scores;
    if (auto mul = scores.getDefiningOp<MulOp>()) {
      for (auto [r, c] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
        if (std::optional<double> s = splatValueOf(c)) {
          scale = *s;
          raw = r;
          break;
        }
    } else if (auto div = scores.getDefiningOp<DivOp>()) {
      if (std::optional<double> d = splatValueOf(div.getRhs())) {
        scale = 1.0 / *d;
        raw = div.getLhs();
      }
    }
    auto qk = raw.getDefiningOp<MatmulOp>();
    if (!qk)
      return rewriter.notifyMatchFailure(
          op, "llm.attention: the softmax input is not a scaled q.k^T matmul (an llm.matmul, times or "
              "divided by a constant, under an optional mask)");
    if (!(scale > 0.0))
      return rewriter.notifyMatchFailure(op, "llm.attention: the scale of q.k^T is not positive");
    Value q = qk.getLhs();
    TransposeOp keyTranspose = keyTransposeOf(qk.getRhs());
    if (!keyTranspose)
      return rewriter.notifyMatchFailure(
          op, "llm.attention: the right operand of q.k^T is not an llm.transpose of a 4-D key");
    SmallVector<int64_t> permutation = keyPermutation(keyTranspose);
    bool keyAsIs = permutation == SmallVector<int64_t>{0, 1, 2, 3};
    Value v = unrepeatKV(op.getRhs());
    // The key's type, before anything is built: the matmul's right operand
    // with its last two dims swapped back.
    auto kT = typeOf(qk.getRhs());
    SmallVector<int64_t> keyShape(kT.getShape());
    if (keyShape.size() != 4)
      return rewriter.notifyMatchFailure(op, "llm.attention: k^T is not 4-D");
    std::swap(keyShape[2], keyShape[3]);
    Value unrepeatedKey = keyAsIs ? unrepeatKV(keyTranspose.getInput()) : nullptr;
    if (unrepeatedKey)
      keyShape.assign(typeOf(unrepeatedKey).getShape().begin(), typeOf(unrepeatedKey).getShape().end());
    if (!resultMatches(typeOf(q), keyShape, typeOf(v), op.getType()))
      return rewriter.notifyMatchFailure(
          op, "llm.attention: q [B, Hq, Sq, D], k [B, Hkv, Skv, D] and v [B, Hkv, Skv, Dv] do not "
              "have attention's shapes (Hq a static multiple of Hkv), or the result is not [B, Hq, Sq, Dv]");

    Location loc = op.getLoc();
    Value k = unrepeatedKey
                  ? unrepeatedKey
                  : rewriter.create<TransposeOp>(loc, keyTranspose.getInput(),
                                                 rewriter.getDenseI64ArrayAttr(permutation));
    Value mask = explicitWhere ? allowedMask(*explicitWhere, rewriter, loc) : additiveMask;
    rewriter.replaceOpWithNewOp<AttentionOp>(op, q, k, v, mask, rewriter.getF64FloatAttr(scale),
                                             causal ? rewriter.getUnitAttr() : nullptr, nullptr);
    return success();
  }

  /// True when attention of q, k (of shape `key`) and v is valid and gives
  /// `result`: [B, Hq, Sq, Dk], [B, Hkv, Skv, Dk], [B, Hkv, Skv, Dv] ->
  /// [B, Hq, Sq, Dv], Hq a multiple of Hkv (dynamic sizes compare equal).
  static bool resultMatches(RankedTensorType q, ArrayRef<int64_t> key, RankedTensorType v,
                            Type result) {
    if (q.getRank() != 4 || v.getRank() != 4 || key.size() != 4)
      return false;
    auto same = [](int64_t a, int64_t b) {
      return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
    };
    int64_t kvHeads = key[1];
    if (!same(q.getDimSize(0), key[0]) || !same(key[0], v.getDimSize(0)) ||
        kvHeads != v.getDimSize(1) || ShapedType::isDynamic(kvHeads) || kvHeads < 1 ||
        ShapedType::isDynamic(q.getDimSize(1)) || q.getDimSize(1) % kvHeads != 0 ||
        q.getDimSize(3) != key[3] || !same(key[2], v.getDimSize(2)))
      return false;
    auto expected = RankedTensorType::get(
        {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2), v.getDimSize(3)}, q.getElementType());
    return expected == result;
  }

  bool anyWhereMask;
};

/// The two parts of concat(a, b) along the head dim of a 4-D tensor.
std::optional<std::pair<Value, Value>> headDimParts(Value v) {
  auto concat = v.getDefiningOp<ConcatOp>();
  if (!concat || concat.getDim() != 3 || concat.getInputs().size() != 2)
    return std::nullopt;
  return std::pair(concat.getInputs()[0], concat.getInputs()[1]);
}

/// Where kv_b_proj reads the latent from: `latent[:, 0]` of a [B, 1, S, R]
/// latent (a gather of index 0 along axis 1, or a reshape dropping the unit
/// head axis), or a [B, S, R] latent itself (an export whose cache has no
/// head axis), which llm.mla_attention reads through a unit head axis.
struct LatentSource {
  Value latent;
  bool addHeadAxis = false;
};

std::optional<LatentSource> latentOf(Value v) {
  if (auto gather = v.getDefiningOp<GatherOp>()) {
    if (gather.getDim() == 1 && isConstant(gather.getIndices(), 0.0) &&
        cast<RankedTensorType>(gather.getIndices().getType()).getRank() == 0)
      return LatentSource{gather.getInput()};
    return std::nullopt;
  }
  if (auto reshape = v.getDefiningOp<ReshapeOp>()) {
    auto in = typeOf(reshape.getInput());
    if (in.getRank() == 4 && in.getDimSize(1) == 1)
      return LatentSource{reshape.getInput()};
  }
  if (typeOf(v).getRank() == 3)
    return LatentSource{v, /*addHeadAxis=*/true};
  return std::nullopt;
}

/// attention(concat(q_nope, q_rope), concat(k_nope, broadcast(k_rope)), v)
/// where k_nope and v are the two halves of the per-head decompression of
/// a latent, kv_b_proj(latent) -> llm.mla_attention over the latent.
struct RaiseLatentAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op, PatternRewriter &rewriter) const override {
    if (op.getMask() || op.getKvHeadMap())
      return rewriter.notifyMatchFailure(op, "llm.mla_attention: the attention has a mask or a kv head map");
    auto qParts = headDimParts(op.getQuery());
    auto kParts = headDimParts(op.getKey());
    if (!qParts)
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: the query is not concat(q_nope, q_rope) along the head dim");
    if (!kParts)
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: the key is not concat(k_nope, k_rope) along the head dim");
    auto [queryNope, queryRope] = *qParts;
    auto keyNope = kParts->first.getDefiningOp<SliceOp>();
    auto broadcast = kParts->second.getDefiningOp<BroadcastToOp>();
    auto valueSlice = op.getValue().getDefiningOp<SliceOp>();
    if (!keyNope || !valueSlice || keyNope.getInput() != valueSlice.getInput())
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: k_nope and the value are not llm.slices of one decompressed tensor");
    if (!broadcast)
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: k_rope is not an llm.broadcast_to of a shared RoPE key");
    Value keyRope = broadcast.getInput();
    int64_t nope = typeOf(queryNope).getDimSize(3), valueDim = typeOf(op.getValue()).getDimSize(3);
    auto isHeadSlice = [](SliceOp s, int64_t start, int64_t limit) {
      return s.getDims().size() == 1 && s.getDims()[0] == 3 && !s.getSteps() &&
             s.getStarts()[0] == start && s.getLimits()[0] == limit;
    };
    if (!isHeadSlice(keyNope, 0, nope) || !isHeadSlice(valueSlice, nope, nope + valueDim))
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: k_nope and the value are not [.., 0:Dn] and [.., Dn:Dn+Dv] of the "
              "decompressed head dim");
    if (typeOf(keyRope).getRank() != 4 || typeOf(keyRope).getDimSize(1) != 1)
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: the shared RoPE key is not 4-D with one head");
    // The per-head keys and values: transpose(reshape(linear(latent[:, 0], W))).
    auto transpose = keyNope.getInput().getDefiningOp<TransposeOp>();
    if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{0, 2, 1, 3})
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: the decompressed tensor is not transposed [B, S, H, D] -> [B, H, S, D]");
    auto split = transpose.getInput().getDefiningOp<ReshapeOp>();
    auto linear = split ? split.getInput().getDefiningOp<LinearOp>() : nullptr;
    if (!linear || linear.getBias())
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: the decompressed tensor is not a reshape of an llm.linear without "
              "bias (kv_b_proj)");
    std::optional<LatentSource> source = latentOf(linear.getInput());
    if (!source)
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: kv_b_proj's input is not a [B, S, R] latent or latent[:, 0] of a "
              "[B, 1, S, R] one (a gather of head 0, or a reshape dropping the unit head axis)");
    Value latent = source->latent;
    if (source->addHeadAxis) {
      auto flat = typeOf(latent);
      auto withHead = RankedTensorType::get(
          {flat.getDimSize(0), 1, flat.getDimSize(1), flat.getDimSize(2)}, flat.getElementType());
      latent = rewriter.create<ReshapeOp>(op.getLoc(), withHead, latent, /*shape=*/Value());
    }
    // llm.mla_attention takes kv_b_proj.weight as [H * (Dn + Dv), R].
    Value weight = linear.getWeight();
    if (linear.getWeightLayout() == WeightLayout::in_out)
      weight = rewriter.create<TransposeOp>(op.getLoc(), weight, rewriter.getDenseI64ArrayAttr({1, 0}));
    auto mla = rewriter.create<MLAAttentionOp>(op.getLoc(), queryNope, queryRope, latent, keyRope,
                                               weight, /*mask=*/Value(), op.getScaleAttr(), op.getCausalAttr());
    if (mla.getType() != op.getType()) {
      rewriter.eraseOp(mla);
      if (source->addHeadAxis)
        rewriter.eraseOp(latent.getDefiningOp());
      return rewriter.notifyMatchFailure(
          op, "llm.mla_attention: latent attention of these operands has another type than the attention");
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
    if (op.getDim() != 0)
      return rewriter.notifyMatchFailure(op, "llm.embedding: the gather is not along dim 0");
    if (typeOf(table).getRank() != 2 || !isa<FloatType>(typeOf(table).getElementType()))
      return rewriter.notifyMatchFailure(op, "llm.embedding: the table is not a 2-D float tensor [V, D]");
    if (!(table.getDefiningOp<WeightOp>() || table.getDefiningOp<ConstantOp>()))
      return rewriter.notifyMatchFailure(
          op, "llm.embedding: the table is not a parameter (an llm.weight or llm.constant)");
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
    if (op.getInputs().size() != 2 || op.getDim() != 2)
      return rewriter.notifyMatchFailure(
          op, "llm.kv_append: the concat is not of two tensors along the sequence dim (2)");
    if (op.getType().getRank() != 4 || !isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "llm.kv_append: the result is not a 4-D float tensor [B, H, S, D]");
    if (!isa<BlockArgument>(op.getInputs()[0]))
      return rewriter.notifyMatchFailure(
          op, "llm.kv_append: the first input (the past cache) is not a function argument");
    auto append = rewriter.create<KVAppendOp>(op.getLoc(), op.getInputs()[0], op.getInputs()[1]);
    if (append.getType() != op.getType()) {
      rewriter.eraseOp(append);
      return rewriter.notifyMatchFailure(
          op, "llm.kv_append: appending these inputs has another type than the concat");
    }
    rewriter.replaceOp(op, append.getResult());
    return success();
  }
};

} // namespace

void raise::populateAttentionPatterns(RewritePatternSet &patterns, bool anyWhereMask) {
  patterns.add<RaiseEmbedding, RaiseKVAppend, RaiseLatentAttention, CausalAttentionMask>(
      patterns.getContext());
  patterns.add<RaiseAttention>(patterns.getContext(), anyWhereMask);
}

void raise::populateLateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention>(patterns.getContext(), /*anyWhereMask=*/true);
  patterns.add<RaiseLatentAttention, CausalAttentionMask>(patterns.getContext());
}

//===- LLMTransformerOps.cpp - transformer op verification ----------------===//
//
// Type inference of the transformer-level ops. Inference doubles as the
// verifier: the parser and the verifier both call it, so every shape rule of
// an op's description is checked here, once, with a located message.
//
//===----------------------------------------------------------------------===//
#include "InferenceHelpers.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::detail;

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *, Loc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  RankedTensorType table = tensorOf(adaptor.getTable());
  if (failed(expectRank(loc, adaptor.getTable(), 2, "table [V, D]")))
    return failure();
  SmallVector<int64_t> shape(tensorOf(adaptor.getIds()).getShape());
  shape.push_back(table.getDimSize(1));
  results.push_back(RankedTensorType::get(shape, table.getElementType()));
  return success();
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *, Loc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  RankedTensorType input = tensorOf(adaptor.getInput());
  RankedTensorType weight = tensorOf(adaptor.getWeight());
  if (input.getRank() < 1)
    return emitOptionalError(loc, "input must have rank at least 1");
  if (failed(expectRank(loc, adaptor.getWeight(), 2, "weight")))
    return failure();
  // While parsing, a defaulted attribute that was not written is absent.
  auto layout = lookupInherentAttr(adaptor, adaptor.getWeightLayoutAttr(),
                                "weight_layout");
  bool inOut = layout && layout.getValue() == WeightLayout::in_out;
  int64_t inFeatures = weight.getDimSize(inOut ? 0 : 1);
  int64_t outFeatures = weight.getDimSize(inOut ? 1 : 0);
  if (failed(expectDimsMatch(loc, input.getShape().back(), inFeatures,
                             "input features and weight in-features")))
    return failure();
  SmallVector<Value> operands{adaptor.getInput(), adaptor.getWeight()};
  if (Value bias = adaptor.getBias()) {
    RankedTensorType biasType = tensorOf(bias);
    if (biasType.getRank() != 1 ||
        !dimsMayMatch(biasType.getDimSize(0), outFeatures))
      return emitOptionalError(loc, "bias must be [", outFeatures,
                               "] (the out-features), got ",
                               formatShape(biasType.getShape()));
    operands.push_back(bias);
  }
  if (failed(expectSameElementType(loc, operands)))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  shape.back() = outFeatures;
  results.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

/// Shared by the two norms: `input [..., D]` with per-feature parameters [D].
static LogicalResult inferNormType(Loc loc, Value input,
                                   ArrayRef<Value> params, double epsilon,
                                   SmallVectorImpl<Type> &results) {
  RankedTensorType inputType = tensorOf(input);
  if (inputType.getRank() < 1)
    return emitOptionalError(loc, "input must have rank at least 1");
  int64_t features = inputType.getShape().back();
  for (Value param : params) {
    RankedTensorType type = tensorOf(param);
    if (type.getRank() != 1 || !dimsMayMatch(type.getDimSize(0), features))
      return emitOptionalError(loc, "weight and bias must be [", features,
                               "] (the input's last dimension), got ",
                               formatShape(type.getShape()));
  }
  SmallVector<Value> operands{input};
  operands.append(params.begin(), params.end());
  if (failed(expectSameElementType(loc, operands)))
    return failure();
  if (!(epsilon >= 0.0))
    return emitOptionalError(loc, "epsilon must be non-negative, got ",
                             epsilon);
  results.push_back(inputType);
  return success();
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *, Loc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  return inferNormType(loc, adaptor.getInput(), {adaptor.getWeight()},
                       adaptor.getEpsilon().convertToDouble(), results);
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, Loc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  SmallVector<Value> params{adaptor.getWeight()};
  if (Value bias = adaptor.getBias())
    params.push_back(bias);
  return inferNormType(loc, adaptor.getInput(), params,
                       adaptor.getEpsilon().convertToDouble(), results);
}

LogicalResult RopeOp::inferReturnTypes(MLIRContext *, Loc loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  if (failed(expectRank(loc, adaptor.getInput(), 4, "input [B, H, S, Dh]")) ||
      failed(expectRank(loc, adaptor.getPositions(), 2, "positions [B, S]")))
    return failure();
  RankedTensorType input = tensorOf(adaptor.getInput());
  RankedTensorType positions = tensorOf(adaptor.getPositions());
  if (failed(expectDimsMatch(loc, input.getDimSize(0),
                             positions.getDimSize(0),
                             "input and positions batch sizes")) ||
      failed(expectDimsMatch(loc, input.getDimSize(2),
                             positions.getDimSize(1),
                             "input and positions sequence lengths")))
    return failure();
  int64_t headDim = input.getDimSize(3);
  if (ShapedType::isDynamic(headDim))
    return emitOptionalError(loc, "the head dimension must be static");
  IntegerAttr rotaryAttr =
      lookupInherentAttr(adaptor, adaptor.getRotaryDimAttr(), "rotary_dim");
  int64_t rotary = rotaryAttr ? rotaryAttr.getInt() : headDim;
  if (rotary < 2 || rotary > headDim || rotary % 2 != 0)
    return emitOptionalError(loc, "rotary_dim must be even and in [2, ",
                             headDim, "], got ", rotary);
  FloatAttr theta = lookupInherentAttr(adaptor, adaptor.getThetaAttr(), "theta");
  auto invFreq = lookupInherentAttr(adaptor, adaptor.getInvFreqAttr(), "inv_freq");
  bool hasYarn = lookupInherentAttr(adaptor, adaptor.getYarnAttr(), "yarn") != nullptr;
  bool hasMagnitude =
      lookupInherentAttr(adaptor, adaptor.getMagnitudeAttr(), "magnitude") != nullptr;
  if (bool(theta) == bool(invFreq))
    return emitOptionalError(loc, "exactly one of theta and inv_freq must be given");
  if (theta && !(theta.getValueAsDouble() > 0.0))
    return emitOptionalError(loc, "theta must be positive");
  if (invFreq) {
    if (hasYarn)
      return emitOptionalError(loc, "yarn needs theta, not inv_freq");
    if (int64_t(invFreq.size()) != rotary / 2)
      return emitOptionalError(loc, "inv_freq has ", invFreq.size(),
                               " entries; rotary_dim / 2 = ", rotary / 2);
    for (double f : invFreq.asArrayRef())
      if (!(f > 0.0 && std::isfinite(f)))
        return emitOptionalError(loc, "inv_freq entries must be positive and finite, got ", f);
  }
  if (hasMagnitude) {
    if (!invFreq)
      return emitOptionalError(loc, "magnitude goes with inv_freq (yarn implies its own)");
    double m = lookupInherentAttr(adaptor, adaptor.getMagnitudeAttr(), "magnitude").getValueAsDouble();
    if (!(m > 0.0 && std::isfinite(m)))
      return emitOptionalError(loc, "magnitude must be positive and finite, got ", m);
  }
  results.push_back(input);
  return success();
}

int64_t RopeOp::getEffectiveRotaryDim() {
  return getRotaryDim().value_or(getInput().getType().getDimSize(3));
}

SmallVector<double> RopeOp::computeInverseFrequencies() {
  if (std::optional<ArrayRef<double>> explicitFreqs = getInvFreq())
    return SmallVector<double>(*explicitFreqs);
  int64_t dim = getEffectiveRotaryDim();
  double base = getTheta()->convertToDouble();
  SmallVector<double> inverse;
  for (int64_t i = 0; i < dim / 2; ++i)
    inverse.push_back(std::pow(base, -2.0 * i / dim));
  std::optional<YarnAttr> yarn = getYarn();
  if (!yarn)
    return inverse;
  // #llm.yarn's formulas, in the attribute's description.
  double factor = yarn->getFactor().convertToDouble();
  double original = double(yarn->getOriginalMaxPosition());
  auto correction = [&](double rotations) {
    return dim * std::log(original / (rotations * 2 * M_PI)) / (2 * std::log(base));
  };
  double low = std::max(std::floor(correction(yarn->getBetaFast().convertToDouble())), 0.0);
  double high = std::min(std::ceil(correction(yarn->getBetaSlow().convertToDouble())),
                         double(dim - 1));
  double span = std::max(high - low, 0.001);
  for (int64_t i = 0; i < dim / 2; ++i) {
    double ramp = std::clamp((i - low) / span, 0.0, 1.0);
    inverse[i] = inverse[i] / factor * ramp + inverse[i] * (1.0 - ramp);
  }
  return inverse;
}

double RopeOp::computeMagnitude() {
  if (std::optional<APFloat> m = getMagnitude())
    return m->convertToDouble();
  std::optional<YarnAttr> yarn = getYarn();
  if (!yarn)
    return 1.0;
  double factor = yarn->getFactor().convertToDouble();
  auto m = [&](double s) { return 0.1 * s * std::log(factor) + 1.0; };
  return m(yarn->getMscale().convertToDouble()) / m(yarn->getMscaleAllDim().convertToDouble());
}

/// Rejects a scale that is not a positive finite number.
static LogicalResult checkScale(Loc loc, const APFloat &scale) {
  double value = scale.convertToDouble();
  if (value > 0.0 && std::isfinite(value))
    return success();
  return emitOptionalError(loc, "scale must be positive and finite, got ",
                           value);
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, Loc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  if (failed(expectRank(loc, adaptor.getQuery(), 4, "query [B, Hq, Sq, Dk]")) ||
      failed(expectRank(loc, adaptor.getKey(), 4, "key [B, Hkv, Skv, Dk]")) ||
      failed(expectRank(loc, adaptor.getValue(), 4, "value [B, Hkv, Skv, Dv]")))
    return failure();
  ArrayRef<int64_t> q = tensorOf(adaptor.getQuery()).getShape();
  ArrayRef<int64_t> k = tensorOf(adaptor.getKey()).getShape();
  ArrayRef<int64_t> v = tensorOf(adaptor.getValue()).getShape();
  if (failed(expectDimsMatch(loc, q[0], k[0], "query and key batch sizes")) ||
      failed(expectDimsMatch(loc, k[0], v[0], "key and value batch sizes")) ||
      failed(expectDimsMatch(loc, k[1], v[1], "key and value head counts")) ||
      failed(expectDimsMatch(loc, k[2], v[2], "key and value lengths")) ||
      failed(expectDimsMatch(loc, q[3], k[3], "query and key head dims")))
    return failure();
  if (failed(expectStoredElementType(loc, adaptor.getQuery(),
                                     {adaptor.getKey(), adaptor.getValue()})) ||
      failed(checkScale(loc, adaptor.getScale())))
    return failure();

  int64_t queryHeads = q[1], kvHeads = refineDim(k[1], v[1]);
  if (auto map = lookupInherentAttr(adaptor, adaptor.getKvHeadMapAttr(),
                                 "kv_head_map")) {
    if (ShapedType::isDynamic(queryHeads) ||
        static_cast<int64_t>(map.size()) != queryHeads)
      return emitOptionalError(loc, "kv_head_map needs one entry per query "
                                    "head (",
                               queryHeads, "), got ", map.size());
    for (auto [h, g] : llvm::enumerate(map.asArrayRef()))
      if (g < 0 || (!ShapedType::isDynamic(kvHeads) && g >= kvHeads))
        return emitOptionalError(loc, "kv_head_map maps query head ", h,
                                 " to ", g, ", not a KV head in [0, ",
                                 kvHeads, ")");
  } else if (!ShapedType::isDynamic(queryHeads) &&
             !ShapedType::isDynamic(kvHeads) &&
             (kvHeads == 0 || queryHeads % kvHeads != 0)) {
    return emitOptionalError(loc, "query heads (", queryHeads,
                             ") must be a multiple of KV heads (", kvHeads,
                             ") unless kv_head_map is given");
  }

  SmallVector<int64_t> scores{q[0], q[1], q[2], refineDim(k[2], v[2])};
  if (Value mask = adaptor.getMask()) {
    ArrayRef<int64_t> m = tensorOf(mask).getShape();
    std::optional<SmallVector<int64_t>> joined = broadcastShapes(m, scores);
    if (m.size() > 4 || !joined)
      return emitOptionalError(loc, "mask ", formatShape(m),
                               " does not broadcast to the scores ",
                               formatShape(scores));
  }
  results.push_back(RankedTensorType::get(
      {q[0], q[1], q[2], v[3]}, tensorOf(adaptor.getQuery()).getElementType()));
  return success();
}

int64_t AttentionOp::getKvHeadOf(int64_t h) {
  if (std::optional<ArrayRef<int64_t>> map = getKvHeadMap())
    return (*map)[h];
  int64_t groups = getQuery().getType().getDimSize(1) /
                   getKey().getType().getDimSize(1);
  return h / groups;
}

LogicalResult MLAAttentionOp::inferReturnTypes(MLIRContext *, Loc loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  if (failed(expectRank(loc, adaptor.getQueryNope(), 4,
                        "query_nope [B, H, Sq, Dn]")) ||
      failed(expectRank(loc, adaptor.getQueryRope(), 4,
                        "query_rope [B, H, Sq, Dr]")) ||
      failed(expectRank(loc, adaptor.getLatent(), 4, "latent [B, 1, Skv, R]")) ||
      failed(expectRank(loc, adaptor.getKeyRope(), 4,
                        "key_rope [B, 1, Skv, Dr]")) ||
      failed(expectRank(loc, adaptor.getKvUpWeight(), 2,
                        "kv_up_weight [H * (Dn + Dv), R]")))
    return failure();
  ArrayRef<int64_t> qn = tensorOf(adaptor.getQueryNope()).getShape();
  ArrayRef<int64_t> qr = tensorOf(adaptor.getQueryRope()).getShape();
  ArrayRef<int64_t> c = tensorOf(adaptor.getLatent()).getShape();
  ArrayRef<int64_t> kr = tensorOf(adaptor.getKeyRope()).getShape();
  ArrayRef<int64_t> w = tensorOf(adaptor.getKvUpWeight()).getShape();
  static constexpr llvm::StringLiteral queryDims[] = {
      "query_nope and query_rope batch sizes",
      "query_nope and query_rope head counts",
      "query_nope and query_rope lengths"};
  for (auto [i, what] : llvm::enumerate(queryDims))
    if (failed(expectDimsMatch(loc, qn[i], qr[i], what)))
      return failure();
  if (c[1] != 1 || kr[1] != 1)
    return emitOptionalError(loc, "latent and key_rope are shared by all "
                                  "heads and must have one head (dim 1 == 1)");
  if (failed(expectDimsMatch(loc, qn[0], c[0], "query and latent batch sizes")) ||
      failed(expectDimsMatch(loc, c[0], kr[0], "latent and key_rope batch sizes")) ||
      failed(expectDimsMatch(loc, c[2], kr[2], "latent and key_rope lengths")) ||
      failed(expectDimsMatch(loc, qr[3], kr[3],
                             "query_rope and key_rope head dims")) ||
      failed(expectDimsMatch(loc, w[1], c[3],
                             "kv_up_weight columns and latent width")))
    return failure();
  int64_t heads = qn[1], nopeDim = qn[3];
  if (ShapedType::isDynamic(heads) || ShapedType::isDynamic(nopeDim) ||
      ShapedType::isDynamic(w[0]))
    return emitOptionalError(loc, "heads, Dn and the kv_up_weight rows must "
                                  "be static");
  if (heads == 0)
    return emitOptionalError(loc, "needs at least one head");
  if (w[0] % heads != 0 || w[0] / heads <= nopeDim)
    return emitOptionalError(loc, "kv_up_weight has ", w[0],
                             " rows, not heads * (Dn + Dv) = ", heads,
                             " * (", nopeDim, " + Dv) with Dv > 0");
  if (failed(expectSameElementType(
          loc, {adaptor.getQueryNope(), adaptor.getQueryRope(), adaptor.getKvUpWeight()})) ||
      failed(expectStoredElementType(loc, adaptor.getQueryNope(),
                                     {adaptor.getLatent(), adaptor.getKeyRope()})) ||
      failed(checkScale(loc, adaptor.getScale())))
    return failure();
  if (Value mask = adaptor.getMask()) {
    ArrayRef<int64_t> m = tensorOf(mask).getShape();
    SmallVector<int64_t> scores{qn[0], heads, qn[2], c[2]};
    if (m.size() > 4 || !broadcastShapes(m, scores))
      return emitOptionalError(loc, "mask ", formatShape(m), " does not broadcast to the scores ",
                               formatShape(scores));
  }
  int64_t valueDim = w[0] / heads - nopeDim;
  results.push_back(RankedTensorType::get(
      {qn[0], heads, qn[2], valueDim},
      tensorOf(adaptor.getQueryNope()).getElementType()));
  return success();
}

/// The rules kv_append and cache_update share: a 4-D cache and update of
/// one element type whose batch, heads and head dim agree.
static LogicalResult checkCacheAndUpdate(Loc loc, Value cacheValue, Value updateValue,
                                         StringRef cacheShape, StringRef updateShape) {
  if (failed(expectRank(loc, cacheValue, 4, cacheShape)) ||
      failed(expectRank(loc, updateValue, 4, updateShape)) ||
      failed(expectSameElementType(loc, {cacheValue, updateValue})))
    return failure();
  ArrayRef<int64_t> cache = tensorOf(cacheValue).getShape();
  ArrayRef<int64_t> update = tensorOf(updateValue).getShape();
  if (failed(expectDimsMatch(loc, cache[0], update[0], "batch sizes")) ||
      failed(expectDimsMatch(loc, cache[1], update[1], "head counts")) ||
      failed(expectDimsMatch(loc, cache[3], update[3], "head dims")))
    return failure();
  return success();
}

LogicalResult KVAppendOp::inferReturnTypes(MLIRContext *, Loc loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())) ||
      failed(checkCacheAndUpdate(loc, adaptor.getCache(), adaptor.getUpdate(),
                                 "cache [B, H, S, D]", "update [B, H, S, D]")))
    return failure();
  ArrayRef<int64_t> cache = tensorOf(adaptor.getCache()).getShape();
  ArrayRef<int64_t> update = tensorOf(adaptor.getUpdate()).getShape();
  int64_t length = ShapedType::isDynamic(cache[2]) ||
                           ShapedType::isDynamic(update[2])
                       ? ShapedType::kDynamic
                       : cache[2] + update[2];
  results.push_back(RankedTensorType::get(
      {refineDim(cache[0], update[0]), refineDim(cache[1], update[1]), length,
       refineDim(cache[3], update[3])},
      tensorOf(adaptor.getCache()).getElementType()));
  return success();
}

LogicalResult CacheUpdateOp::inferReturnTypes(MLIRContext *, Loc loc, Adaptor adaptor,
                                              SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())) ||
      failed(checkCacheAndUpdate(loc, adaptor.getCache(), adaptor.getUpdate(),
                                 "cache [B, H, M, D]", "update [B, H, N, D]")))
    return failure();
  ArrayRef<int64_t> cache = tensorOf(adaptor.getCache()).getShape();
  ArrayRef<int64_t> update = tensorOf(adaptor.getUpdate()).getShape();
  if (!ShapedType::isDynamic(cache[2]) && !ShapedType::isDynamic(update[2]) &&
      update[2] > cache[2])
    return emitOptionalError(loc, "an update of ", update[2], " entries cannot fit a cache of ",
                             cache[2], " slots");
  results.push_back(RankedTensorType::get(
      {refineDim(cache[0], update[0]), refineDim(cache[1], update[1]), cache[2],
       refineDim(cache[3], update[3])},
      tensorOf(adaptor.getCache()).getElementType()));
  return success();
}

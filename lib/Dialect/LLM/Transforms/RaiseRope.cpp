//===- RaiseRope.cpp - rotary position embeddings -------------------------===//
//
// The half-split RoPE of Llama/Qwen2/DeepSeek as exports compute it:
//   x * C + rotate_half(x) * S,   rotate_half(x) = concat(-x[.., D/2:], x[.., :D/2])
// where C and S are the cos and sin factors [B, 1, S, D] (up to a reshape),
// in one of two forms:
//   * in-graph: C = cos(E) * m, E = concat(F, F),
//     F = float(positions)[..., None] * inv_freq (a constant), m optional;
//   * table: C = cos_table[positions] (a Gather of a [P, D] constant or
//     weight, possibly of a prefix slice of it), S likewise.
// The frequencies become `theta` when they are theta^(-2i/D) for some
// theta, explicit `inv_freq` otherwise (YaRN and other scalings).
// DeepSeek's de-interleaving permutation of x stays as generic ops in front
// of the raised rope: it is part of what the model computes.
//
//===----------------------------------------------------------------------===//
#include "RaisePatterns.h"

#include <cmath>

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::raise;

namespace {

/// x when `v` is x[..., start:limit) along the last of 4 dims.
Value sliceOfLast(Value v, int64_t start, int64_t limit) {
  auto slice = v.getDefiningOp<SliceOp>();
  if (!slice || slice.getDims().size() != 1 || slice.getDims()[0] != 3 || slice.getSteps() ||
      slice.getStarts()[0] != start)
    return nullptr;
  int64_t width = cast<RankedTensorType>(slice.getInput().getType()).getDimSize(3);
  if (slice.getLimits()[0] != limit && !(limit == width && slice.getLimits()[0] >= width))
    return nullptr;
  return slice.getInput();
}

/// x when `v` is rotate_half(x) for a [B, H, S, D] x.
Value rotateHalfOf(Value v) {
  auto concat = v.getDefiningOp<ConcatOp>();
  if (!concat || concat.getDim() != 3 || concat.getInputs().size() != 2)
    return nullptr;
  auto neg = concat.getInputs()[0].getDefiningOp<NegOp>();
  if (!neg)
    return nullptr;
  int64_t width = concat.getType().getDimSize(3);
  if (ShapedType::isDynamic(width) || width % 2)
    return nullptr;
  Value upper = sliceOfLast(neg.getInput(), width / 2, width);
  Value lower = sliceOfLast(concat.getInputs()[1], 0, width / 2);
  return upper && upper == lower ? upper : nullptr;
}

Value stripReshape(Value v) {
  if (auto reshape = v.getDefiningOp<ReshapeOp>())
    return reshape.getInput();
  return v;
}

/// What the cos and sin factors of a RoPE are computed from.
struct RotaryFactors {
  Value positions; ///< [B, S] integers; null: positions 0..S-1 (`rows`)
  SmallVector<double> inverse;
  double magnitude = 1.0;
  int64_t rows = 0; ///< the table's row count
};

/// (v, m) for `v * m` with a constant m, else (v, none).
std::pair<Value, std::optional<double>> splitMagnitude(Value v) {
  if (auto mul = v.getDefiningOp<MulOp>())
    for (auto [inner, k] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
      if (std::optional<double> m = splatValueOf(k))
        return {inner, m};
  return {v, std::nullopt};
}

/// Positions [B, S] of p = float(reshape(positions)).
Value positionsOf(Value p) {
  auto toFloat = p.getDefiningOp<CastOp>();
  auto reshape = toFloat ? toFloat.getInput().getDefiningOp<ReshapeOp>() : nullptr;
  if (!reshape || reshape.getShape())
    return nullptr;
  Value positions = reshape.getInput();
  auto type = cast<RankedTensorType>(positions.getType());
  return type.getRank() == 2 && type.getElementType().isInteger(64) ? positions : nullptr;
}

// The factor matchers return nothing when they do not match and note why in
// `why`, at the depth of the structure matched so far (from the sum
// `x * C + rotate_half(x) * S`: 3 = x and rotate_half(x) found).

/// The factors of C = reshape(cos(E) [* m]), S = reshape(sin(E) [* m]),
/// E = concat(F, F), F = float(positions) * inv_freq.
std::optional<RotaryFactors> inGraphFactors(Value c, Value s, int64_t width, MissReason &why) {
  auto [cosOfE, cosMagnitude] = splitMagnitude(stripReshape(c));
  auto [sinOfE, sinMagnitude] = splitMagnitude(stripReshape(s));
  c = cosOfE;
  s = sinOfE;
  auto cosOp = c.getDefiningOp<CosOp>();
  auto sinOp = s.getDefiningOp<SinOp>();
  if (cosMagnitude != sinMagnitude) {
    why.note(cosOp && sinOp ? 5 : 4, "C and S are scaled by different constants");
    return std::nullopt;
  }
  double magnitude = cosMagnitude.value_or(1.0);
  if (!cosOp || !sinOp) {
    why.note(4, "C and S are not llm.cos and llm.sin of in-graph angles");
    return std::nullopt;
  }
  if (cosOp.getInput() != sinOp.getInput()) {
    why.note(5, "the cos and sin are of different angles");
    return std::nullopt;
  }
  if (!(magnitude > 0.0)) {
    why.note(5, "the constant scaling cos and sin is not positive");
    return std::nullopt;
  }
  auto concat = cosOp.getInput().getDefiningOp<ConcatOp>();
  if (!concat || concat.getInputs().size() != 2 || concat.getInputs()[0] != concat.getInputs()[1]) {
    why.note(6, "the angles are not concat(F, F) of one half F");
    return std::nullopt;
  }
  auto product = concat.getInputs()[0].getDefiningOp<MulOp>();
  if (!product) {
    why.note(7, "the half angles are not positions * inv_freq (an llm.mul)");
    return std::nullopt;
  }
  for (auto [p, f] : {std::pair(product.getLhs(), product.getRhs()),
                      std::pair(product.getRhs(), product.getLhs())}) {
    DenseElementsAttr freqs = valuesOf(f, nullptr);
    Value positions = positionsOf(p);
    if (!freqs || !positions || freqs.getNumElements() != width / 2 ||
        !isa<FloatType>(freqs.getElementType()))
      continue;
    RotaryFactors factors{positions, {}, magnitude};
    for (const APFloat &v : freqs.getValues<APFloat>())
      factors.inverse.push_back(v.convertToDouble());
    return factors;
  }
  why.note(8, "the half angles are not float(reshape(positions [B, S] i64)) * inv_freq (a constant "
              "of D/2 floats)");
  return std::nullopt;
}

/// The table [P, D] and positions of `table[positions]` (gather along 0 or
/// embedding), seeing through a prefix slice `table[:n]`: for the indices
/// the original accepts, both read the same rows.
std::optional<std::pair<Value, Value>> tableLookup(Value v) {
  v = stripReshape(v);
  Value table, positions;
  if (auto gather = v.getDefiningOp<GatherOp>()) {
    if (gather.getDim() != 0)
      return std::nullopt;
    table = gather.getInput();
    positions = gather.getIndices();
  } else if (auto embedding = v.getDefiningOp<EmbeddingOp>()) {
    table = embedding.getTable();
    positions = embedding.getIds();
  } else {
    return std::nullopt;
  }
  if (auto slice = table.getDefiningOp<SliceOp>())
    if (slice.getDims().size() == 1 && slice.getDims()[0] == 0 && slice.getStarts()[0] == 0 &&
        !slice.getSteps())
      table = slice.getInput();
  if (auto slice = table.getDefiningOp<DynamicSliceOp>())
    if (slice.getDims().size() == 1 && slice.getDims()[0] == 0 && isConstant(slice.getStarts(), 0.0) &&
        !slice.getSteps())
      table = slice.getInput();
  auto type = cast<RankedTensorType>(positions.getType());
  if (type.getRank() != 2 || !type.getElementType().isInteger(64))
    return std::nullopt;
  return std::pair(table, positions);
}

/// The factors of cos/sin tables: row p holds m*cos(p f_i), m*sin(p f_i),
/// with columns i and i + D/2 equal. The frequencies are read off row 1 and
/// refined on rows 2, 4, 8, ... (unwrapping the angle by the prediction);
/// then every row is checked, allowing for the f32 rounding of the angles
/// the tables were computed with.
std::optional<RotaryFactors> tableFactors(Value c, Value s, int64_t width,
                                          const WeightValues &weightValues, MissReason &why) {
  DenseElementsAttr cosTable, sinTable;
  Value positions;
  if (auto cosLookup = tableLookup(c)) {
    auto sinLookup = tableLookup(s);
    if (!sinLookup || !sameValue(cosLookup->second, sinLookup->second)) {
      why.note(5, "C is a table lookup, but S is not a lookup by the same positions");
      return std::nullopt;
    }
    cosTable = valuesOf(cosLookup->first, weightValues);
    sinTable = valuesOf(sinLookup->first, weightValues);
    positions = cosLookup->second;
    if (!cosTable || !sinTable) {
      why.note(6, "the cos/sin tables are not llm.constants (or weights whose values the caller "
                  "supplied, as the ONNX importer does)");
      return std::nullopt;
    }
  } else {
    // A static export folds the lookup: constant factors [1, .., 1, S, D]
    // are the table rows of positions 0..S-1.
    cosTable = valuesOf(c, nullptr);
    sinTable = valuesOf(s, nullptr);
    if (!cosTable || !sinTable) {
      why.note(4, "C and S are neither cos and sin of in-graph angles, nor rows of cos/sin tables "
                  "gathered by position, nor constant tables");
      return std::nullopt;
    }
    ArrayRef<int64_t> shape = cosTable.getType().getShape();
    if (shape.size() < 2 || llvm::any_of(shape.drop_back(2), [](int64_t d) { return d != 1; })) {
      why.note(5, "the constant C is not [1, .., 1, S, D]");
      return std::nullopt;
    }
    auto rowsType = RankedTensorType::get(shape.take_back(2), cosTable.getElementType());
    cosTable = cosTable.reshape(rowsType);
    if (sinTable.getType().getShape() != shape) {
      why.note(5, "the constants C and S have different shapes");
      return std::nullopt;
    }
    sinTable = sinTable.reshape(rowsType);
  }
  if (!cosTable || !sinTable || !isa<FloatType>(cosTable.getElementType()) ||
      !isa<FloatType>(sinTable.getElementType()) || cosTable.getType().getRank() != 2 ||
      cosTable.getType() != sinTable.getType() || cosTable.getType().getDimSize(1) != width) {
    why.note(6, "the cos/sin tables are not float [P, D] of one type, D the head dim");
    return std::nullopt;
  }
  int64_t rows = cosTable.getType().getDimSize(0), half = width / 2;
  if (rows < 2) {
    why.note(6, "the cos/sin tables have fewer than 2 rows");
    return std::nullopt;
  }
  std::vector<double> cv, sv;
  for (const APFloat &v : cosTable.getValues<APFloat>())
    cv.push_back(v.convertToDouble());
  for (const APFloat &v : sinTable.getValues<APFloat>())
    sv.push_back(v.convertToDouble());
  auto at = [&](const std::vector<double> &t, int64_t p, int64_t i) { return t[p * width + i]; };
  RotaryFactors factors{positions, {}, at(cv, 0, 0), rows};
  double m = factors.magnitude;
  if (!(m > 0.0)) {
    why.note(7, "row 0 of the cos table (the magnitude) is not positive");
    return std::nullopt;
  }
  for (int64_t i = 0; i < half; ++i) {
    double f = std::atan2(at(sv, 1, i), at(cv, 1, i));
    for (int64_t p = 2; p < rows; p *= 2) {
      double measured = std::atan2(at(sv, p, i), at(cv, p, i));
      double turns = std::round((p * f - measured) / (2 * M_PI));
      f = (measured + 2 * M_PI * turns) / p;
    }
    if (!(f > 0.0)) {
      why.note(7, "a frequency read off the tables is not positive");
      return std::nullopt;
    }
    factors.inverse.push_back(f);
  }
  for (int64_t p = 0; p < rows; ++p)
    for (int64_t i = 0; i < width; ++i) {
      double angle = p * factors.inverse[i % half];
      double tolerance = m * (2e-6 + angle * 0x1p-22);
      if (std::fabs(at(cv, p, i) - m * std::cos(angle)) > tolerance ||
          std::fabs(at(sv, p, i) - m * std::sin(angle)) > tolerance) {
        why.note(8, "the tables are not m cos(p f_i), m sin(p f_i) with columns i and i + D/2 equal "
                    "(checked on every row)");
        return std::nullopt;
      }
    }
  return factors;
}

/// theta when inv_freq_i = theta^(-2i/D) (within 1e-5 relative), the
/// frequencies being f32 roundings: theta is rounded to 6 significant
/// digits (10000.0005 -> 10000), which the check still holds against.
std::optional<double> thetaOf(ArrayRef<double> inverse, int64_t width) {
  if (inverse.size() < 2 || std::fabs(inverse[0] - 1.0) > 1e-6)
    return std::nullopt;
  double theta = std::pow(inverse[1], -double(width) / 2.0);
  if (!(theta > 1.0) || !std::isfinite(theta))
    return std::nullopt;
  double scale = std::pow(10.0, 5 - std::floor(std::log10(theta)));
  theta = std::round(theta * scale) / scale;
  for (size_t i = 0; i < inverse.size(); ++i) {
    double expected = std::pow(theta, -2.0 * double(i) / double(width));
    if (std::fabs(inverse[i] - expected) > 1e-5 * expected)
      return std::nullopt;
  }
  return theta;
}

struct RaiseRope : OpRewritePattern<AddOp> {
  RaiseRope(MLIRContext *context, WeightValues weightValues)
      : OpRewritePattern(context), weightValues(std::move(weightValues)) {}

  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (type.getRank() != 4 || ShapedType::isDynamic(type.getDimSize(3)))
      return rewriter.notifyMatchFailure(op, "llm.rope: the sum is not 4-D [B, H, S, D] with a static head dim D");
    int64_t width = type.getDimSize(3);
    MissReason why("the sum is not x * C + rotate_half(x) * S: its operands are not two llm.mul");
    for (auto [a, b] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      auto cosTerm = a.getDefiningOp<MulOp>();
      auto sinTerm = b.getDefiningOp<MulOp>();
      if (!cosTerm || !sinTerm)
        continue;
      why.note(1, "no factor of one product is rotate_half(x) = concat(-x[.., D/2:], x[.., :D/2]) of "
                  "a factor x of the other");
      for (auto [x, c] : {std::pair(cosTerm.getLhs(), cosTerm.getRhs()), std::pair(cosTerm.getRhs(), cosTerm.getLhs())}) {
        for (auto [r, s] : {std::pair(sinTerm.getLhs(), sinTerm.getRhs()), std::pair(sinTerm.getRhs(), sinTerm.getLhs())}) {
          if (rotateHalfOf(r) != x)
            continue;
          if (x.getType() != op.getType()) {
            why.note(2, "x has another type than the sum (C or S broadcasts it)");
            continue;
          }
          std::optional<RotaryFactors> factors = inGraphFactors(c, s, width, why);
          if (!factors)
            factors = tableFactors(c, s, width, weightValues, why);
          if (!factors)
            continue;
          if (succeeded(replaceByRope(op, x, *factors, rewriter, why)))
            return success();
        }
      }
    }
    return rewriter.notifyMatchFailure(op, "llm.rope: " + why.str());
  }

  /// Fails, noting why, when the positions do not fit x.
  LogicalResult replaceByRope(AddOp op, Value x, const RotaryFactors &factors,
                              PatternRewriter &rewriter, MissReason &why) const {
    int64_t width = cast<RankedTensorType>(x.getType()).getDimSize(3);
    auto layout = RopeLayoutAttr::get(op.getContext(), RopeLayout::half_split);
    FloatAttr theta, magnitude;
    DenseF64ArrayAttr inverse;
    if (std::optional<double> t = thetaOf(factors.inverse, width);
        t && std::fabs(factors.magnitude - 1.0) <= 1e-6) {
      theta = rewriter.getF64FloatAttr(*t);
    } else {
      inverse = rewriter.getDenseF64ArrayAttr(factors.inverse);
      if (factors.magnitude != 1.0)
        magnitude = rewriter.getF64FloatAttr(factors.magnitude);
    }
    // llm.rope's result has x's type (checked equal to op's by the caller);
    // the positions must be [B, S] of x.
    Value positions = factors.positions;
    auto xType = cast<RankedTensorType>(x.getType());
    auto compatible = [](int64_t a, int64_t b) {
      return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
    };
    if (positions) {
      auto p = cast<RankedTensorType>(positions.getType());
      if (!compatible(p.getDimSize(0), xType.getDimSize(0)) ||
          !compatible(p.getDimSize(1), xType.getDimSize(2))) {
        why.note(9, "the positions are not [B, S] of x [B, H, S, D]");
        return failure();
      }
    } else {
      // Positions 0..S-1 for every batch row; the table must cover S.
      auto type = cast<RankedTensorType>(x.getType());
      int64_t batch = type.getDimSize(0), length = type.getDimSize(2);
      if (ShapedType::isDynamic(batch) || length != factors.rows) {
        why.note(9, "constant tables of positions 0..S-1 need a static batch and as many rows as x's "
                    "sequence length");
        return failure();
      }
      std::vector<int64_t> values;
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t p = 0; p < length; ++p)
          values.push_back(p);
      auto positionsType = RankedTensorType::get({batch, length}, rewriter.getI64Type());
      positions = rewriter.create<ConstantOp>(
          op.getLoc(), DenseElementsAttr::get(positionsType, ArrayRef<int64_t>(values)));
    }
    rewriter.replaceOpWithNewOp<RopeOp>(op, x, positions, layout, theta, nullptr, nullptr,
                                        inverse, magnitude);
    return success();
  }

  WeightValues weightValues;
};

} // namespace

void raise::populateRopePatterns(RewritePatternSet &patterns, WeightValues weightValues) {
  patterns.add<RaiseRope>(patterns.getContext(), std::move(weightValues));
}

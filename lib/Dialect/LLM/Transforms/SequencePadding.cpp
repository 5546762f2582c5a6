//===- SequencePadding.cpp - lengths of the cache, padded to its capacity -===//
//
// See SequencePadding.h. The rules, per kind of op:
// - values: integer scalars and short vectors are followed as
//   `scale * P + offset` through shape arithmetic; comparisons, minima and
//   maxima of them are decided over P in [0, M - 1];
// - sizes: an iota, reshape or broadcast sized by such a value (scale != 0)
//   gets size M, padded; a run-time slice becomes a gather of clamped
//   indices (static size, or M when its length depends on P); a concat
//   along a padded dimension selects each input by its real offset;
// - padded entries are masked before what reads across them: softmax
//   (-inf), sums and means (0, divided by the real count), maxima and
//   minima (the lowest / highest value), contractions (0 in both operands);
// - everything else carries the padded dimensions through (elementwise
//   with broadcasting, transpose, gather, row-wise ops), or is an error
//   saying which op reads a padded dimension in a way with no padded form.
//
//===----------------------------------------------------------------------===//
#include "SequencePadding.h"
#include "SymbolicSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;
using namespace llmc::llm;

namespace {

constexpr int64_t kMaxTrackedElements = 64;

RankedTensorType i64Type(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

/// Small static integer (or i1) tensors: what shape arithmetic is made of.
bool isTrackedInteger(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && isa<IntegerType>(tensor.getElementType()) &&
         tensor.getNumElements() <= kMaxTrackedElements;
}

/// Ops that work along the last dimension of their first operand and keep
/// the others (row-wise): padded rows stay padded rows.
bool isRowWise(Operation *op) {
  return isa<LinearOp, RMSNormOp, LayerNormOp, GeluOp, SiluOp, SwiGLUOp>(op);
}

/// Element `i` of a vector of `n` broadcast from one of `size` 1 or `n`.
PositionAffine broadcastAt(ArrayRef<PositionAffine> v, size_t i) {
  return v.size() == 1 ? v[0] : v[i];
}

/// The fills that drop a padded entry from a maximum or softmax, and from
/// a minimum (for an integer tensor, maskPadding takes its lowest or
/// highest value).
constexpr double kBelowEverything = -std::numeric_limits<double>::infinity();
constexpr double kAboveEverything = std::numeric_limits<double>::infinity();

} // namespace

//===----------------------------------------------------------------------===//
// Bookkeeping
//===----------------------------------------------------------------------===//

SequencePadder::SequencePadder(SequencePaddingOptions options) : options(options) {
  for (Value cache : this->options.caches)
    padded[cache] = PaddedDims{std::nullopt, std::nullopt, PositionAffine{1, 0}, std::nullopt};
}

std::optional<SmallVector<PositionAffine>> SequencePadder::affineValues(Value value) const {
  if (value == options.position)
    return SmallVector<PositionAffine>{{1, 0}};
  DenseIntElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)) && attr.getNumElements() <= kMaxTrackedElements) {
    SmallVector<PositionAffine> values;
    bool isBool = attr.getElementType().isInteger(1);
    for (const APInt &v : attr.getValues<APInt>())
      values.push_back({0, isBool ? int64_t(v.getBoolValue()) : v.getSExtValue()});
    return values;
  }
  auto it = affine.find(value);
  if (it == affine.end())
    return std::nullopt;
  return it->second;
}

const SequencePadder::PaddedDims *SequencePadder::paddedDims(Value value) const {
  auto it = padded.find(value);
  return it == padded.end() ? nullptr : &it->second;
}

bool SequencePadder::isPaddedAt(Value value, int64_t dim) const {
  const PaddedDims *dims = paddedDims(value);
  return dims && dim < int64_t(dims->size()) && (*dims)[dim].has_value();
}

bool SequencePadder::isPadded(Value value) const {
  const PaddedDims *dims = paddedDims(value);
  return dims && llvm::any_of(*dims, [](const auto &d) { return d.has_value(); });
}

void SequencePadder::setPadded(Value value, PaddedDims dims) {
  if (llvm::any_of(dims, [](const auto &d) { return d.has_value(); }))
    padded[value] = std::move(dims);
}

PositionAffine SequencePadder::realSize(Value value, int64_t dim) const {
  if (isPaddedAt(value, dim))
    return *(*paddedDims(value))[dim];
  return {0, cast<RankedTensorType>(value.getType()).getDimSize(dim)};
}

std::optional<bool> SequencePadder::alwaysLess(PositionAffine a, PositionAffine b,
                                               bool orEqual) const {
  // d = a - b over P in [0, M - 1].
  int64_t scale = a.scale - b.scale, offset = a.offset - b.offset;
  int64_t atZero = offset, atMax = offset + scale * (options.capacity - 1);
  int64_t lo = std::min(atZero, atMax), hi = std::max(atZero, atMax);
  int64_t bound = orEqual ? 0 : -1; // d <= bound
  if (hi <= bound)
    return true;
  if (lo > bound)
    return false;
  return std::nullopt;
}

void SequencePadder::clampIndices(OpBuilder &b, Location loc, OpOperand &indices,
                                  int64_t rows) {
  // Only indices computed from the position (a padding row's P + i), and
  // only where not proven within the table.
  Value v = indices.get();
  if (ShapedType::isDynamic(rows) || !positionDerived.contains(v))
    return;
  if (std::optional<SmallVector<PositionAffine>> values = affineValues(v))
    if (llvm::all_of(*values, [&](PositionAffine e) {
          return alwaysLess(e, {0, rows}, /*orEqual=*/false).value_or(false);
        }))
      return;
  auto type = cast<RankedTensorType>(v.getType());
  auto element = cast<IntegerType>(type.getElementType());
  auto scalar = RankedTensorType::get({}, element);
  Value last = b.create<ConstantOp>(
      loc, DenseElementsAttr::get(scalar, APInt(element.getWidth(), rows - 1, /*isSigned=*/true)));
  Value clamped = b.create<MinimumOp>(loc, v, last);
  positionDerived.insert(clamped);
  indices.set(clamped);
}

LogicalResult SequencePadder::checkLength(Operation *op, PositionAffine size) const {
  // P + k fits the capacity for every position a call may have (P + tokens
  // <= M) only for 0 <= k <= tokens.
  if (size.scale == 1 && size.offset >= 0 && (!options.tokens || size.offset <= options.tokens))
    return success();
  if (size.scale == 1)
    return op->emitError() << "a size of position + " << size.offset
                           << " can pass max-seq-len or be negative (the program has "
                           << options.tokens << " tokens); its static form is not known";
  return op->emitError() << "a size of " << size.scale << " * position + " << size.offset
                         << " has no static bound here (only the cache length, position + k, "
                            "is padded to max-seq-len)";
}

Value SequencePadder::constantI64(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> values) const {
  auto type = i64Type(b.getContext(), shape);
  return b.create<ConstantOp>(loc, DenseElementsAttr::get(type, values));
}

Value SequencePadder::materialize(OpBuilder &b, Location loc, PositionAffine value) {
  if (value.isConstant())
    return constantI64(b, loc, {}, {value.offset});
  Value v = options.position;
  if (value.scale != 1)
    v = b.create<MulOp>(loc, v, constantI64(b, loc, {}, {value.scale}));
  if (value.offset != 0)
    v = b.create<AddOp>(loc, v, constantI64(b, loc, {}, {value.offset}));
  affine[v] = {value};
  positionDerived.insert(v);
  return v;
}

Value SequencePadder::iotaAlong(OpBuilder &b, Location loc, int64_t size, int64_t dim,
                                int64_t rank) const {
  SmallVector<int64_t> values(size);
  for (int64_t i = 0; i < size; ++i)
    values[i] = i;
  SmallVector<int64_t> shape(rank, 1);
  shape[dim] = size;
  return constantI64(b, loc, shape, values);
}

Value SequencePadder::realEntries(OpBuilder &b, Location loc, PositionAffine real) {
  // P + k entries in the graph's view; of the last k, those past `length`
  // are the padding tokens'.
  if (!options.length || real.scale != 1 || real.offset <= 0)
    return materialize(b, loc, real);
  Value k = constantI64(b, loc, {}, {real.offset});
  return b.create<AddOp>(loc, options.position, b.create<MinimumOp>(loc, k, options.length));
}

Value SequencePadder::maskPadding(OpBuilder &b, Location loc, Value x, int64_t dim,
                                  double fill) {
  auto type = cast<RankedTensorType>(x.getType());
  PositionAffine real = realSize(x, dim);
  Value slots = iotaAlong(b, loc, type.getDimSize(dim), dim, type.getRank());
  Value inside = b.create<CompareOp>(loc, CompareDirection::lt, slots, realEntries(b, loc, real));
  Type element = type.getElementType();
  auto scalar = RankedTensorType::get({}, element);
  Attribute fillAttr;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    fillAttr = b.getFloatAttr(floatType, fill);
  } else {
    auto intType = cast<IntegerType>(element);
    APInt v = fill < 0 ? APInt::getSignedMinValue(intType.getWidth())
              : fill > 0 ? APInt::getSignedMaxValue(intType.getWidth())
                         : APInt::getZero(intType.getWidth());
    fillAttr = b.getIntegerAttr(intType, v);
  }
  Value fillValue = b.create<ConstantOp>(loc, DenseElementsAttr::get(scalar, fillAttr));
  Value masked = b.create<WhereOp>(loc, inside, x, fillValue);
  padded[masked] = padded.lookup(x);
  return masked;
}

//===----------------------------------------------------------------------===//
// Rewrites before refinement
//===----------------------------------------------------------------------===//

LogicalResult SequencePadder::rewrite(Operation *op, Value &replacement) {
  replacement = nullptr;
  OpBuilder b(op);
  Location loc = op->getLoc();
  int64_t capacity = options.capacity;

  if (auto iota = dyn_cast<IotaOp>(op)) {
    std::optional<SmallVector<PositionAffine>> count = affineValues(iota.getCount());
    if (!count || count->size() != 1 || (*count)[0].isConstant())
      return success();
    if (failed(checkLength(op, (*count)[0])))
      return failure();
    iota.getCountMutable().assign(constantI64(b, loc, {}, {capacity}));
    padded[iota.getResult()] = PaddedDims{(*count)[0]};
    return success();
  }

  // A reshape or broadcast whose shape holds P: those entries are M.
  auto padShapeOperand = [&](OpOperand *shapeOperand) -> LogicalResult {
    if (!shapeOperand)
      return success();
    std::optional<SmallVector<PositionAffine>> shape = affineValues(shapeOperand->get());
    if (!shape || llvm::all_of(*shape, [](PositionAffine v) { return v.isConstant(); }))
      return success();
    for (PositionAffine v : *shape)
      if (!v.isConstant() && failed(checkLength(op, v)))
        return failure();
    SmallVector<int64_t> sizes;
    PaddedDims dims;
    for (PositionAffine v : *shape) {
      sizes.push_back(v.isConstant() ? v.offset : capacity);
      dims.push_back(v.isConstant() ? std::nullopt : std::optional<PositionAffine>(v));
    }
    shapeOperand->set(constantI64(b, loc, {int64_t(sizes.size())}, sizes));
    padded[op->getResult(0)] = dims;
    return success();
  };
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    return padShapeOperand(reshape.getShape() ? &reshape.getShapeMutable()[0] : nullptr);
  if (auto broadcast = dyn_cast<BroadcastToOp>(op))
    return padShapeOperand(broadcast.getShape() ? &broadcast.getShapeMutable()[0] : nullptr);

  if (auto dim = dyn_cast<DimOp>(op)) {
    if (!isPaddedAt(dim.getInput(), dim.getDim()))
      return success();
    replacement = materialize(b, loc, realSize(dim.getInput(), dim.getDim()));
    dim.getResult().replaceAllUsesWith(replacement);
    op->erase();
    return success();
  }

  if (auto gather = dyn_cast<GatherOp>(op)) {
    // Padding rows may compute indices past a table (a position table read
    // at P + i for a padding row i): they are clamped to its last row,
    // which no real index passes.
    auto inType = cast<RankedTensorType>(gather.getInput().getType());
    int64_t n = inType.getDimSize(gather.getDim());
    // Along a padded axis, an index counting from the end would count from
    // the padded one.
    if (isPaddedAt(gather.getInput(), gather.getDim())) {
      std::optional<SmallVector<PositionAffine>> values = affineValues(gather.getIndices());
      bool nonNegative = values && llvm::all_of(*values, [&](PositionAffine v) {
        return alwaysLess({0, -1}, v, /*orEqual=*/false).value_or(false);
      });
      if (!nonNegative)
        return gather.emitError() << "this gather along dimension " << gather.getDim()
                                  << ", which is padded to max-seq-len, has indices that may "
                                     "count from its end; its static form is not known";
    }
    clampIndices(b, loc, gather.getIndicesMutable(), n);
    return success();
  }
  if (auto embedding = dyn_cast<EmbeddingOp>(op)) {
    int64_t rows = cast<RankedTensorType>(embedding.getTable().getType()).getDimSize(0);
    clampIndices(b, loc, embedding.getIdsMutable(), rows);
    return success();
  }
  // A run-time slice of static size (the program's own, of the last real
  // row) keeps its form; one sized by the graph's bounds is rewritten.
  if (auto slice = dyn_cast<DynamicSliceOp>(op)) {
    auto type = cast<RankedTensorType>(slice.getType());
    if (llvm::any_of(slice.getDims(), [&](int64_t d) { return type.isDynamicDim(d); }))
      return rewriteDynamicSlice(op, replacement);
    return success();
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t d = concat.getDim();
    if (llvm::any_of(concat.getInputs(), [&](Value v) { return isPaddedAt(v, d); }))
      return rewriteConcat(op, replacement);
    return success();
  }
  return maskReducedOperands(op, replacement);
}

LogicalResult SequencePadder::rewriteDynamicSlice(Operation *op, Value &replacement) {
  auto slice = cast<DynamicSliceOp>(op);
  std::optional<SmallVector<PositionAffine>> starts = affineValues(slice.getStarts());
  std::optional<SmallVector<PositionAffine>> limits = affineValues(slice.getLimits());
  if (!starts || !limits)
    return slice.emitError("the bounds of this slice are not known in terms of the position "
                           "once the program's inputs are static");
  OpBuilder b(op);
  Location loc = op->getLoc();
  int64_t capacity = options.capacity;
  Value x = slice.getInput();
  ArrayRef<int64_t> dims = slice.getDims();
  for (auto [k, d] : llvm::enumerate(dims)) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t n = type.getDimSize(d);
    int64_t step = slice.getSteps() ? (*slice.getSteps())[k] : 1;
    if (ShapedType::isDynamic(n))
      return slice.emitError() << "dimension " << d
                               << " of this slice's input stays dynamic in a static program";
    PositionAffine start = broadcastAt(*starts, k), limit = broadcastAt(*limits, k);
    // Negative bounds count from the end (only constants can be negative).
    auto normalize = [&](PositionAffine v) -> std::optional<PositionAffine> {
      if (v.isConstant())
        return PositionAffine{0, std::clamp<int64_t>(v.offset < 0 ? v.offset + n : v.offset, 0, n)};
      if (alwaysLess(v, {0, 0}, /*orEqual=*/false).value_or(true))
        return std::nullopt; // may be negative: not a length-derived bound
      return v;
    };
    std::optional<PositionAffine> s = normalize(start), l = normalize(limit);
    if (!s || !l)
      return slice.emitError() << "a bound of this slice along dimension " << d
                               << " may be negative for some position; its static form is "
                                  "not known";
    PositionAffine length{l->scale - s->scale, l->offset - s->offset};
    int64_t size;
    std::optional<PositionAffine> real;
    if (length.isConstant()) {
      size = std::max<int64_t>(0, (length.offset + step - 1) / step);
      if (s->isConstant() && l->isConstant())
        size = sliceSize(n, s->offset, l->offset, step);
    } else {
      if (step != 1)
        return slice.emitError() << "a slice whose length depends on the position must have "
                                    "step 1 along dimension "
                                 << d;
      if (failed(checkLength(op, length)))
        return failure();
      size = capacity;
      real = length;
    }
    // indices = min(start + i * step, n - 1): in bounds for padding rows.
    SmallVector<int64_t> offsets(size);
    for (int64_t i = 0; i < size; ++i)
      offsets[i] = i * step;
    Value indices = b.create<AddOp>(loc, constantI64(b, loc, {size}, offsets),
                                    materialize(b, loc, *s));
    indices = b.create<MinimumOp>(loc, indices, constantI64(b, loc, {}, {n - 1}));
    if (isPaddedAt(x, d))
      return slice.emitError() << "this slice cuts dimension " << d
                               << ", which is padded to max-seq-len; its static form is not known";
    Value next = b.create<GatherOp>(loc, x, indices, uint64_t(d));
    PaddedDims dimsOut = padded.lookup(x);
    dimsOut.resize(type.getRank());
    dimsOut[d] = real;
    setPadded(next, dimsOut);
    x = next;
  }
  auto resultType = cast<RankedTensorType>(slice.getType());
  if (cast<RankedTensorType>(x.getType()).getRank() != resultType.getRank())
    return slice.emitError("internal: the padded slice changed the rank");
  slice.getResult().replaceAllUsesWith(x);
  op->erase();
  replacement = x;
  return success();
}

LogicalResult SequencePadder::rewriteConcat(Operation *op, Value &replacement) {
  auto concat = cast<ConcatOp>(op);
  OpBuilder b(op);
  Location loc = op->getLoc();
  int64_t d = concat.getDim(), capacity = options.capacity;
  PositionAffine offset{0, 0};
  Value result;
  int64_t rank = cast<RankedTensorType>(concat.getType()).getRank();
  Value slots = iotaAlong(b, loc, capacity, d, rank);
  SmallVector<int64_t> slotValues(capacity);
  for (int64_t i = 0; i < capacity; ++i)
    slotValues[i] = i;
  Value slotVector = constantI64(b, loc, {capacity}, slotValues);
  PaddedDims dims(rank);
  for (Value input : concat.getInputs()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (!type.hasStaticShape())
      return concat.emitError("an input of this concat stays dynamic in a static program");
    int64_t n = type.getDimSize(d);
    if (const PaddedDims *inputDims = paddedDims(input))
      for (int64_t k = 0; k < rank; ++k)
        if (k != d && (*inputDims)[k])
          dims[k] = (*inputDims)[k];
    // This input's entries land at [offset, offset + real): read entry
    // clamp(slot - offset, 0, n - 1) of it.
    Value local = b.create<SubOp>(loc, slotVector, materialize(b, loc, offset));
    local = b.create<MaximumOp>(loc, local, constantI64(b, loc, {}, {0}));
    local = b.create<MinimumOp>(loc, local, constantI64(b, loc, {}, {n - 1}));
    Value spread = b.create<GatherOp>(loc, input, local, uint64_t(d));
    if (!result) {
      result = spread;
    } else {
      Value before = b.create<CompareOp>(loc, CompareDirection::lt, slots,
                                         materialize(b, loc, offset));
      result = b.create<WhereOp>(loc, before, result, spread);
    }
    PositionAffine real = realSize(input, d);
    offset = {offset.scale + real.scale, offset.offset + real.offset};
  }
  if (failed(checkLength(op, offset)))
    return failure();
  dims[d] = offset;
  setPadded(result, dims);
  concat.getResult().replaceAllUsesWith(result);
  op->erase();
  replacement = result;
  return success();
}

LogicalResult SequencePadder::maskReducedOperands(Operation *op, Value &replacement) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    int64_t d = softmax.getDim();
    if (isPaddedAt(softmax.getInput(), d))
      softmax.getInputMutable().assign(
          maskPadding(b, loc, softmax.getInput(), d, kBelowEverything));
    return success();
  }
  if (auto argmax = dyn_cast<ArgMaxOp>(op)) {
    int64_t d = argmax.getDim();
    if (isPaddedAt(argmax.getInput(), d))
      argmax.getInputMutable().assign(maskPadding(b, loc, argmax.getInput(), d, kBelowEverything));
    return success();
  }
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
    auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
    if (lhs.getRank() < 2 || rhs.getRank() < 2)
      return success();
    int64_t dl = lhs.getRank() - 1, dr = rhs.getRank() - 2;
    if (isPaddedAt(matmul.getLhs(), dl))
      matmul.getLhsMutable().assign(maskPadding(b, loc, matmul.getLhs(), dl, 0.0));
    if (isPaddedAt(matmul.getRhs(), dr))
      matmul.getRhsMutable().assign(maskPadding(b, loc, matmul.getRhs(), dr, 0.0));
    return success();
  }
  // `input` with the padded entries of the reduced dimensions set to `fill`.
  auto masked = [&](Value input, ArrayRef<int64_t> reduced, double fill) {
    Value x = input;
    for (int64_t d : reduced)
      if (isPaddedAt(x, d))
        x = maskPadding(b, loc, x, d, fill);
    return x;
  };
  if (isa<ReduceSumOp, ReduceMaxOp, ReduceMinOp>(op)) {
    double fill = isa<ReduceSumOp>(op) ? 0.0 : isa<ReduceMaxOp>(op) ? kBelowEverything
                                                                    : kAboveEverything;
    auto reduced = op->getAttrOfType<DenseI64ArrayAttr>("dims").asArrayRef();
    op->getOpOperand(0).set(masked(op->getOperand(0), reduced, fill));
    return success();
  }
  if (auto mean = dyn_cast<ReduceMeanOp>(op)) {
    Value input = mean.getInput();
    int64_t paddedDimsReduced =
        llvm::count_if(mean.getDims(), [&](int64_t d) { return isPaddedAt(input, d); });
    if (paddedDimsReduced == 0)
      return success();
    if (paddedDimsReduced > 1)
      return mean.emitError("a mean over two padded dimensions has no static form here");
    // sum(masked) / (real entries * the other reduced sizes).
    auto type = cast<RankedTensorType>(input.getType());
    int64_t others = 1;
    Value entries;
    for (int64_t d : mean.getDims()) {
      if (isPaddedAt(input, d))
        entries = realEntries(b, loc, realSize(input, d));
      else
        others *= type.getDimSize(d);
    }
    Value count = b.create<MulOp>(loc, entries, constantI64(b, loc, {}, {others}));
    Value sum = b.create<ReduceSumOp>(loc, masked(input, mean.getDims(), 0.0), mean.getDims(),
                                      mean.getKeepDims());
    auto scalar = RankedTensorType::get({}, type.getElementType());
    Value denominator = b.create<CastOp>(loc, scalar, count);
    Value result = b.create<DivOp>(loc, sum, denominator);
    mean.getResult().replaceAllUsesWith(result);
    op->erase();
    replacement = result;
    if (failed(recordPadded(sum.getDefiningOp())))
      return failure();
    setPadded(result, padded.lookup(sum));
    return success();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Records after refinement
//===----------------------------------------------------------------------===//

LogicalResult SequencePadder::record(Operation *op) {
  if (llvm::any_of(op->getOperands(), [&](Value v) {
        return v == options.position || positionDerived.contains(v);
      }))
    for (Value result : op->getResults())
      positionDerived.insert(result);
  recordAffine(op);
  return recordPadded(op);
}

void SequencePadder::recordAffine(Operation *op) {
  if (op->getNumResults() != 1 || !isTrackedInteger(op->getResult(0).getType()))
    return;
  Value result = op->getResult(0);
  int64_t n = cast<RankedTensorType>(result.getType()).getNumElements();
  auto operandValues = [&](unsigned i) { return affineValues(op->getOperand(i)); };
  auto fits = [&](const SmallVector<PositionAffine> &v) {
    return int64_t(v.size()) == 1 || int64_t(v.size()) == n;
  };
  SmallVector<PositionAffine> out;
  auto binary = [&](auto combine) -> bool {
    auto lhs = operandValues(0), rhs = operandValues(1);
    if (!lhs || !rhs || !fits(*lhs) || !fits(*rhs))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      std::optional<PositionAffine> v = combine(broadcastAt(*lhs, i), broadcastAt(*rhs, i));
      if (!v)
        return false;
      out.push_back(*v);
    }
    return true;
  };
  bool known = false;
  if (isa<AddOp>(op)) {
    known = binary([](PositionAffine a, PositionAffine c) -> std::optional<PositionAffine> {
      return PositionAffine{a.scale + c.scale, a.offset + c.offset};
    });
  } else if (isa<SubOp>(op)) {
    known = binary([](PositionAffine a, PositionAffine c) -> std::optional<PositionAffine> {
      return PositionAffine{a.scale - c.scale, a.offset - c.offset};
    });
  } else if (isa<MulOp>(op)) {
    known = binary([](PositionAffine a, PositionAffine c) -> std::optional<PositionAffine> {
      if (a.isConstant())
        return PositionAffine{c.scale * a.offset, c.offset * a.offset};
      if (c.isConstant())
        return PositionAffine{a.scale * c.offset, a.offset * c.offset};
      return std::nullopt;
    });
  } else if (isa<MinimumOp, MaximumOp>(op)) {
    bool isMin = isa<MinimumOp>(op);
    known = binary([&](PositionAffine a, PositionAffine c) -> std::optional<PositionAffine> {
      std::optional<bool> aFirst = alwaysLess(a, c, /*orEqual=*/true);
      if (!aFirst)
        return std::nullopt;
      return (*aFirst == isMin) ? a : c;
    });
  } else if (auto compare = dyn_cast<CompareOp>(op)) {
    CompareDirection direction = compare.getDirection();
    known = binary([&](PositionAffine a, PositionAffine c) -> std::optional<PositionAffine> {
      std::optional<bool> v;
      switch (direction) {
      case CompareDirection::lt: v = alwaysLess(a, c, false); break;
      case CompareDirection::le: v = alwaysLess(a, c, true); break;
      case CompareDirection::gt: v = alwaysLess(c, a, false); break;
      case CompareDirection::ge: v = alwaysLess(c, a, true); break;
      case CompareDirection::eq:
      case CompareDirection::ne: {
        std::optional<bool> less = alwaysLess(a, c, false), greater = alwaysLess(c, a, false);
        if (a == c)
          v = true;
        else if (less.value_or(false) || greater.value_or(false))
          v = false;
        if (v && direction == CompareDirection::ne)
          v = !*v;
        break;
      }
      }
      if (!v)
        return std::nullopt;
      return PositionAffine{0, *v ? 1 : 0};
    });
  } else if (auto where = dyn_cast<WhereOp>(op)) {
    auto cond = operandValues(0), a = operandValues(1), c = operandValues(2);
    if (cond && a && c && fits(*cond) && fits(*a) && fits(*c) &&
        llvm::all_of(*cond, [](PositionAffine v) { return v.isConstant(); })) {
      for (int64_t i = 0; i < n; ++i)
        out.push_back(broadcastAt(*cond, i).offset ? broadcastAt(*a, i) : broadcastAt(*c, i));
      known = true;
    }
  } else if (isa<CastOp, ReshapeOp>(op)) {
    if (auto in = operandValues(0); in && int64_t(in->size()) == n) {
      out = *in;
      known = true;
    }
  } else if (auto broadcast = dyn_cast<BroadcastToOp>(op)) {
    if (auto in = operandValues(0); in && in->size() == 1) {
      out.assign(n, (*in)[0]);
      known = true;
    }
  } else if (auto concat = dyn_cast<ConcatOp>(op)) {
    known = true;
    for (Value input : concat.getInputs()) {
      auto in = affineValues(input);
      if (!in) {
        known = false;
        break;
      }
      out.append(*in);
    }
    known = known && int64_t(out.size()) == n;
  } else if (auto gather = dyn_cast<GatherOp>(op)) {
    auto in = operandValues(0), indices = operandValues(1);
    auto inType = cast<RankedTensorType>(gather.getInput().getType());
    if (in && indices && inType.getRank() == 1 && int64_t(indices->size()) == n) {
      known = true;
      for (PositionAffine index : *indices) {
        int64_t i = index.offset < 0 ? index.offset + int64_t(in->size()) : index.offset;
        if (!index.isConstant() || i < 0 || i >= int64_t(in->size())) {
          known = false;
          break;
        }
        out.push_back((*in)[i]);
      }
    }
  } else if (auto slice = dyn_cast<SliceOp>(op)) {
    auto in = operandValues(0);
    auto inType = cast<RankedTensorType>(slice.getInput().getType());
    if (in && inType.getRank() == 1 && slice.getDims().size() == 1) {
      int64_t size = inType.getDimSize(0);
      int64_t step = slice.getSteps() ? (*slice.getSteps())[0] : 1;
      int64_t start = slice.getStarts()[0];
      start = std::clamp<int64_t>(start < 0 ? start + size : start, 0, size);
      for (int64_t i = 0; i < n; ++i)
        out.push_back((*in)[start + i * step]);
      known = true;
    }
  } else if (auto dim = dyn_cast<DimOp>(op)) {
    const PaddedDims *dims = paddedDims(dim.getInput());
    if (dims && (*dims)[dim.getDim()]) {
      out.push_back(*(*dims)[dim.getDim()]);
      known = true;
    }
  }
  if (known && int64_t(out.size()) == n)
    affine[result] = out;
}

LogicalResult SequencePadder::recordPadded(Operation *op) {
  if (op->getNumResults() != 1)
    return success();
  Value result = op->getResult(0);
  auto resultType = dyn_cast<RankedTensorType>(result.getType());
  if (!resultType)
    return success();
  int64_t rank = resultType.getRank();
  bool anyPaddedOperand =
      llvm::any_of(op->getOperands(), [&](Value v) { return isPadded(v); });
  if (!anyPaddedOperand)
    return success(); // results padded by a rewrite were recorded there

  PaddedDims dims = padded.lookup(result);
  if (dims.empty())
    dims.resize(rank);
  auto fromOperandAligned = [&](Value operand) {
    const PaddedDims *in = paddedDims(operand);
    if (!in)
      return;
    int64_t shift = rank - int64_t(in->size());
    for (int64_t k = 0; k < int64_t(in->size()); ++k)
      if ((*in)[k] && k + shift >= 0)
        dims[k + shift] = (*in)[k];
  };
  auto reject = [&](Value operand, int64_t d) {
    unsigned index = 0;
    while (index < op->getNumOperands() && op->getOperand(index) != operand)
      ++index;
    return op->emitError() << "operand #" << index << "'s dimension " << d
                           << " is padded to max-seq-len (it is sized by the cache length) "
                              "and this op reads across it; its static form is not known";
  };

  if (isBroadcastingElementwise(op) || isa<SoftmaxOp>(op)) {
    for (Value operand : op->getOperands())
      fromOperandAligned(operand);
  } else if (auto transpose = dyn_cast<TransposeOp>(op)) {
    const PaddedDims *in = paddedDims(transpose.getInput());
    for (auto [k, p] : llvm::enumerate(transpose.getPermutation()))
      dims[k] = (*in)[p];
  } else if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    // A padded dimension passes through when the elements before and after
    // it are the same in both shapes.
    auto in = cast<RankedTensorType>(reshape.getInput().getType());
    const PaddedDims *inDims = paddedDims(reshape.getInput());
    for (int64_t d = 0; d < in.getRank(); ++d) {
      if (!(*inDims)[d])
        continue;
      int64_t before = staticElementCount(in.getShape().take_front(d));
      int64_t e = 0, acc = 1;
      while (e < rank && acc < before)
        acc *= resultType.getDimSize(e++);
      while (e < rank && acc == before && resultType.getDimSize(e) == 1 &&
             in.getDimSize(d) != 1)
        ++e;
      if (e >= rank || acc != before || resultType.getDimSize(e) != in.getDimSize(d) ||
          staticElementCount(in.getShape().drop_front(d + 1)) !=
              staticElementCount(resultType.getShape().drop_front(e + 1)))
        return op->emitError() << "this reshape merges or splits dimension " << d
                               << ", which is padded to max-seq-len; its static form is not "
                                  "known";
      dims[e] = (*inDims)[d];
    }
  } else if (auto broadcast = dyn_cast<BroadcastToOp>(op)) {
    fromOperandAligned(broadcast.getInput());
  } else if (auto gather = dyn_cast<GatherOp>(op)) {
    int64_t axis = gather.getDim();
    auto inType = cast<RankedTensorType>(gather.getInput().getType());
    auto indicesType = cast<RankedTensorType>(gather.getIndices().getType());
    const PaddedDims *in = paddedDims(gather.getInput());
    const PaddedDims *indices = paddedDims(gather.getIndices());
    for (int64_t k = 0; k < inType.getRank(); ++k) {
      if (!in || !(*in)[k] || k == axis)
        continue;
      dims[k < axis ? k : k - 1 + indicesType.getRank()] = (*in)[k];
    }
    if (indices)
      for (int64_t k = 0; k < indicesType.getRank(); ++k)
        if ((*indices)[k])
          dims[axis + k] = (*indices)[k];
  } else if (auto slice = dyn_cast<SliceOp>(op)) {
    for (int64_t d : slice.getDims())
      if (isPaddedAt(slice.getInput(), d))
        return reject(slice.getInput(), d);
    fromOperandAligned(slice.getInput());
  } else if (auto concat = dyn_cast<ConcatOp>(op)) {
    for (Value input : concat.getInputs())
      fromOperandAligned(input);
  } else if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ArgMaxOp>(op)) {
    Value input = op->getOperand(0);
    SmallVector<int64_t> reduced;
    bool keep = op->hasAttr("keep_dims");
    if (auto argmax = dyn_cast<ArgMaxOp>(op))
      reduced.push_back(argmax.getDim());
    else
      reduced.assign(op->getAttrOfType<DenseI64ArrayAttr>("dims").asArrayRef().begin(),
                     op->getAttrOfType<DenseI64ArrayAttr>("dims").asArrayRef().end());
    const PaddedDims *in = paddedDims(input);
    int64_t e = 0;
    for (int64_t k = 0; k < int64_t(in->size()); ++k) {
      bool isReduced = llvm::is_contained(reduced, k);
      if (isReduced && !keep)
        continue;
      if (!isReduced)
        dims[e] = (*in)[k];
      ++e;
    }
  } else if (auto matmul = dyn_cast<MatmulOp>(op)) {
    auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
    auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
    const PaddedDims *l = paddedDims(matmul.getLhs());
    const PaddedDims *r = paddedDims(matmul.getRhs());
    // Batch dimensions broadcast; then lhs rows and rhs columns.
    for (auto [operand, type, in] : {std::tuple{matmul.getLhs(), lhs, l},
                                     std::tuple{matmul.getRhs(), rhs, r}}) {
      if (!in)
        continue;
      int64_t shift = rank - type.getRank();
      for (int64_t k = 0; k + 2 < type.getRank(); ++k)
        if ((*in)[k])
          dims[k + shift] = (*in)[k];
    }
    if (l && lhs.getRank() >= 2 && (*l)[lhs.getRank() - 2])
      dims[rank - 2] = (*l)[lhs.getRank() - 2];
    if (r && (*r)[rhs.getRank() - 1])
      dims[rank - 1] = (*r)[rhs.getRank() - 1];
  } else if (isRowWise(op)) {
    Value input = op->getOperand(0);
    auto inType = cast<RankedTensorType>(input.getType());
    if (isPaddedAt(input, inType.getRank() - 1))
      return reject(input, inType.getRank() - 1);
    for (Value operand : op->getOperands().drop_front())
      if (isPadded(operand))
        return reject(operand, 0);
    fromOperandAligned(input);
  } else if (auto rope = dyn_cast<RopeOp>(op)) {
    fromOperandAligned(rope.getInput());
  } else if (auto embedding = dyn_cast<EmbeddingOp>(op)) {
    if (isPadded(embedding.getTable()))
      return reject(embedding.getTable(), 0);
    const PaddedDims *ids = paddedDims(embedding.getIds());
    for (int64_t k = 0; ids && k < int64_t(ids->size()); ++k)
      dims[k] = (*ids)[k];
  } else if (isa<DimOp>(op)) {
    // A size (its value is followed by recordAffine).
  } else if (auto update = dyn_cast<CacheUpdateOp>(op)) {
    // The cache with the program's tokens after the past: the graph's view
    // of it is P + tokens long.
    if (isPadded(update.getUpdate()))
      return reject(update.getUpdate(), 0);
    fromOperandAligned(update.getCache());
    auto updateType = cast<RankedTensorType>(update.getUpdate().getType());
    for (int64_t k = 0; k < rank; ++k)
      if (dims[k] && updateType.getDimSize(k) != resultType.getDimSize(k))
        dims[k] = PositionAffine{dims[k]->scale, dims[k]->offset + updateType.getDimSize(k)};
  } else if (auto attention = dyn_cast<AttentionOp>(op)) {
    // The keys' axis is the cache's, as is the mask's last: slots past the
    // real tokens are excluded by the static program's own mask.
    if (isPadded(attention.getQuery()))
      return reject(attention.getQuery(), 0);
    for (Value operand : {attention.getKey(), attention.getValue()})
      for (int64_t k : {0, 1, 3})
        if (isPaddedAt(operand, k))
          return reject(operand, k);
    if (Value mask = attention.getMask()) {
      auto maskType = cast<RankedTensorType>(mask.getType());
      for (int64_t k = 0; k + 1 < maskType.getRank(); ++k)
        if (isPaddedAt(mask, k))
          return reject(mask, k);
    }
  } else if (auto latent = dyn_cast<MLAAttentionOp>(op)) {
    if (Value mask = latent.getMask()) {
      auto maskType = cast<RankedTensorType>(mask.getType());
      for (int64_t k = 0; k + 1 < maskType.getRank(); ++k)
        if (isPaddedAt(mask, k))
          return reject(mask, k);
    }
    for (Value operand : {latent.getQueryNope(), latent.getQueryRope(), latent.getKvUpWeight()})
      if (isPadded(operand))
        return reject(operand, 0);
  } else {
    for (Value operand : op->getOperands())
      if (const PaddedDims *in = paddedDims(operand))
        for (int64_t k = 0; k < int64_t(in->size()); ++k)
          if ((*in)[k])
            return op->emitError() << "this op reads a dimension (" << k
                                   << " of an operand) padded to max-seq-len (sized by the cache "
                                      "length); its static form is not known";
  }
  setPadded(result, dims);
  return success();
}

//===- LLMTensorOps.cpp - generic tensor op verification and folds -------===//
#include "InferenceHelpers.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace llmc::llm;
using namespace llmc::llm::detail;

//===----------------------------------------------------------------------===//
// Elementwise with broadcasting
//===----------------------------------------------------------------------===//

/// The broadcast shape of `values`, or a diagnostic naming the shapes.
static FailureOr<SmallVector<int64_t>> broadcastAll(Loc loc,
                                                    ValueRange values) {
  SmallVector<int64_t> shape(tensorOf(values.front()).getShape());
  for (Value v : values.drop_front()) {
    ArrayRef<int64_t> next = tensorOf(v).getShape();
    std::optional<SmallVector<int64_t>> joined = broadcastShapes(shape, next);
    if (!joined)
      return emitOptionalError(loc, "shapes ", formatShape(shape), " and ",
                               formatShape(next), " do not broadcast");
    shape = std::move(*joined);
  }
  return shape;
}

/// Result type of a broadcasting op whose operands share an element type.
static LogicalResult inferBroadcast(Loc loc, ValueRange operands,
                                    Type resultElementType,
                                    SmallVectorImpl<Type> &results) {
  if (failed(expectSameElementType(loc, operands)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastAll(loc, operands);
  if (failed(shape))
    return failure();
  if (!resultElementType)
    resultElementType = tensorOf(operands.front()).getElementType();
  results.push_back(RankedTensorType::get(*shape, resultElementType));
  return success();
}

#define LLM_BROADCAST_BINARY_INFERENCE(OP)                                     \
  LogicalResult OP::inferReturnTypes(MLIRContext *, Loc loc, Adaptor adaptor,  \
                                     SmallVectorImpl<Type> &results) {         \
    if (failed(expectRankedTensors(loc, adaptor.getOperands())))               \
      return failure();                                                        \
    return inferBroadcast(loc, {adaptor.getLhs(), adaptor.getRhs()}, Type(),   \
                          results);                                            \
  }
LLM_BROADCAST_BINARY_INFERENCE(AddOp)
LLM_BROADCAST_BINARY_INFERENCE(SubOp)
LLM_BROADCAST_BINARY_INFERENCE(MulOp)
LLM_BROADCAST_BINARY_INFERENCE(DivOp)
LLM_BROADCAST_BINARY_INFERENCE(MaximumOp)
LLM_BROADCAST_BINARY_INFERENCE(MinimumOp)
LLM_BROADCAST_BINARY_INFERENCE(PowOp)
#undef LLM_BROADCAST_BINARY_INFERENCE

/// `value` when `other` is the splat constant `identity` and the result has
/// `value`'s type: x + 0, x * 1, ...
static OpFoldResult foldIdentity(Value value, Attribute other, double identity, Type result) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(other);
  if (!dense || !dense.isSplat() || value.getType() != result)
    return {};
  double v = isa<FloatType>(dense.getElementType())
                 ? dense.getSplatValue<APFloat>().convertToDouble()
                 : double(dense.getSplatValue<APInt>().getSExtValue());
  return v == identity ? OpFoldResult(value) : OpFoldResult();
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 0.0, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 0.0, getType());
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 0.0, getType());
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentity(getLhs(), adaptor.getRhs(), 1.0, getType()))
    return r;
  return foldIdentity(getRhs(), adaptor.getLhs(), 1.0, getType());
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(getLhs(), adaptor.getRhs(), 1.0, getType());
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context, Loc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  return inferBroadcast(loc, {adaptor.getLhs(), adaptor.getRhs()},
                        IntegerType::get(context, 1), results);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, Loc loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  if (failed(expectSameElementType(
          loc, {adaptor.getOnTrue(), adaptor.getOnFalse()})))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastAll(
      loc, {adaptor.getCondition(), adaptor.getOnTrue(), adaptor.getOnFalse()});
  if (failed(shape))
    return failure();
  results.push_back(RankedTensorType::get(
      *shape, tensorOf(adaptor.getOnTrue()).getElementType()));
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Contractions and reductions
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *, Loc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  ArrayRef<int64_t> lhs = tensorOf(adaptor.getLhs()).getShape();
  ArrayRef<int64_t> rhs = tensorOf(adaptor.getRhs()).getShape();
  if (lhs.size() < 2 || rhs.size() < 2)
    return emitOptionalError(loc, "operands must have rank at least 2, got ",
                             lhs.size(), " and ", rhs.size());
  if (failed(expectSameElementType(loc, {adaptor.getLhs(), adaptor.getRhs()})) ||
      failed(expectDimsMatch(loc, lhs.back(), rhs[rhs.size() - 2],
                             "contraction sizes (lhs columns, rhs rows)")))
    return failure();
  std::optional<SmallVector<int64_t>> batch =
      broadcastShapes(lhs.drop_back(2), rhs.drop_back(2));
  if (!batch)
    return emitOptionalError(loc, "batch dimensions ",
                             formatShape(lhs.drop_back(2)), " and ",
                             formatShape(rhs.drop_back(2)),
                             " do not broadcast");
  batch->push_back(lhs[lhs.size() - 2]);
  batch->push_back(rhs.back());
  results.push_back(RankedTensorType::get(
      *batch, tensorOf(adaptor.getLhs()).getElementType()));
  return success();
}

/// Fails unless `dim` names a dimension of a rank-`rank` tensor.
static LogicalResult checkDim(Loc loc, int64_t dim, int64_t rank) {
  if (dim >= 0 && dim < rank)
    return success();
  return emitOptionalError(loc, "dim ", dim, " is out of range for rank ",
                           rank);
}

LogicalResult SoftmaxOp::verify() {
  return checkDim(getLoc(), getDim(), getType().getRank());
}

/// Result type of a reduction of `input` over `dims`.
static LogicalResult inferReduction(Loc loc, Value input, ArrayRef<int64_t> dims,
                                    bool keepDims, Type elementType,
                                    SmallVectorImpl<Type> &results) {
  RankedTensorType type = tensorOf(input);
  if (dims.empty())
    return emitOptionalError(loc, "needs at least one dim to reduce");
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t d : dims) {
    if (failed(checkDim(loc, d, type.getRank())))
      return failure();
    if (!seen.insert(d).second)
      return emitOptionalError(loc, "dim ", d, " is listed twice");
  }
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    if (!seen.contains(i))
      shape.push_back(size);
    else if (keepDims)
      shape.push_back(1);
  }
  results.push_back(RankedTensorType::get(
      shape, elementType ? elementType : type.getElementType()));
  return success();
}

#define LLM_REDUCTION_INFERENCE(OP)                                            \
  LogicalResult OP::inferReturnTypes(MLIRContext *, Loc loc, Adaptor adaptor,  \
                                     SmallVectorImpl<Type> &results) {         \
    if (failed(expectRankedTensors(loc, adaptor.getOperands())))               \
      return failure();                                                        \
    return inferReduction(loc, adaptor.getInput(), adaptor.getDims(),          \
                          adaptor.getKeepDims(), Type(), results);             \
  }
LLM_REDUCTION_INFERENCE(ReduceSumOp)
LLM_REDUCTION_INFERENCE(ReduceMeanOp)
LLM_REDUCTION_INFERENCE(ReduceMaxOp)
LLM_REDUCTION_INFERENCE(ReduceMinOp)
#undef LLM_REDUCTION_INFERENCE

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *context, Loc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  int64_t dim = adaptor.getDim();
  return inferReduction(loc, adaptor.getInput(), {dim},
                        adaptor.getKeepDims(), IntegerType::get(context, 64),
                        results);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Fails unless input and result have the same element type.
static LogicalResult checkKeepsElementType(Operation *op) {
  Type in = cast<RankedTensorType>(op->getOperand(0).getType()).getElementType();
  Type out = cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  if (in == out)
    return success();
  return op->emitOpError("cannot change the element type (")
         << in << " to " << out << "); use llm.cast";
}

/// Fails unless a run-time `shape` operand has one entry per result dim.
static LogicalResult checkShapeOperand(Operation *op, Value shape, RankedTensorType result) {
  auto type = cast<RankedTensorType>(shape.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != result.getRank())
    return op->emitOpError("needs a shape operand of ")
           << result.getRank() << " entries (the result rank), got " << type;
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (failed(checkKeepsElementType(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getType().getShape();
  if (Value shape = getShape()) {
    if (failed(checkShapeOperand(*this, shape, getType())))
      return failure();
    if (getInput().getType().hasStaticShape() && getType().hasStaticShape() &&
        getInput().getType().getNumElements() != getType().getNumElements())
      return emitOpError("changes the number of elements: ")
             << formatShape(in) << " to " << formatShape(out);
    return success();
  }
  if (countDynamicDims(in) != countDynamicDims(out))
    return emitOpError("must keep the dynamic dimensions: the input has ")
           << countDynamicDims(in) << ", the result "
           << countDynamicDims(out);
  if (staticElementCount(in) != staticElementCount(out))
    return emitOpError("changes the number of elements: ")
           << formatShape(in) << " holds " << staticElementCount(in)
           << " per dynamic index, " << formatShape(out) << " holds "
           << staticElementCount(out);
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() && (!getShape() || getType().hasStaticShape()))
    return getInput();
  if (getShape())
    return {};
  // reshape(reshape(x)) back to the type of x is x.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>())
    if (inner.getInput().getType() == getType())
      return inner.getInput();
  return {};
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, Loc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  RankedTensorType type = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (!isPermutation(perm, type.getRank()))
    return emitOptionalError(loc, "permutation ", formatShape(perm),
                             " is not a permutation of the ", type.getRank(),
                             " dimensions");
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  results.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPermutation()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, Loc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "needs at least one input");
  if (failed(expectSameElementType(loc, inputs)))
    return failure();
  RankedTensorType first = tensorOf(inputs.front());
  int64_t rank = first.getRank(), dim = adaptor.getDim();
  if (failed(checkDim(loc, dim, rank)))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : inputs.drop_front()) {
    ArrayRef<int64_t> next = tensorOf(input).getShape();
    if (static_cast<int64_t>(next.size()) != rank)
      return emitOptionalError(loc, "inputs must have one rank, got ", rank,
                               " and ", next.size());
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dim) {
        shape[d] = ShapedType::isDynamic(shape[d]) ||
                           ShapedType::isDynamic(next[d])
                       ? ShapedType::kDynamic
                       : shape[d] + next[d];
      } else if (!dimsMayMatch(shape[d], next[d])) {
        return emitOptionalError(loc, "inputs differ in dimension ", d,
                                 " (", shape[d], " vs ", next[d],
                                 "), which is not the concatenated one");
      } else {
        shape[d] = refineDim(shape[d], next[d]);
      }
    }
  }
  results.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // slice(concat(a, b, ...)) along the concat's dimension, step 1, that
  // covers exactly one input with static extent: that input.
  auto concat = getInput().getDefiningOp<ConcatOp>();
  if (!concat || getDims().size() != 1 || getDims()[0] != int64_t(concat.getDim()) ||
      (getSteps() && (*getSteps())[0] != 1))
    return {};
  int64_t d = getDims()[0];
  int64_t total = getInput().getType().getDimSize(d);
  if (ShapedType::isDynamic(total))
    return {};
  auto normalize = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + total : v, 0, total); };
  int64_t start = normalize(getStarts()[0]), limit = normalize(getLimits()[0]);
  int64_t offset = 0;
  for (Value input : concat.getInputs()) {
    int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(d);
    if (ShapedType::isDynamic(size))
      return {};
    if (offset == start && offset + size == limit && input.getType() == getType())
      return input;
    offset += size;
  }
  return {};
}

LogicalResult SliceOp::verify() {
  if (failed(checkKeepsElementType(*this)))
    return failure();
  RankedTensorType in = getInput().getType(), out = getType();
  ArrayRef<int64_t> dims = getDims();
  size_t count = dims.size();
  SmallVector<int64_t> steps(getSteps().value_or(SmallVector<int64_t>(count, 1)));
  if (getStarts().size() != count || getLimits().size() != count ||
      steps.size() != count)
    return emitOpError("needs one start, limit and step per sliced dim (")
           << count << ")";
  if (out.getRank() != in.getRank())
    return emitOpError("result rank ")
           << out.getRank() << " differs from the input rank " << in.getRank();
  // The expected size of every dimension: whole unless sliced.
  SmallVector<int64_t> expected(in.getShape());
  SmallVector<bool> sliced(in.getRank(), false);
  for (size_t k = 0; k < count; ++k) {
    int64_t d = dims[k];
    if (d < 0 || d >= in.getRank() || sliced[d])
      return emitOpError("dims must be distinct dimensions in [0, ")
             << in.getRank() << "), got " << formatShape(dims);
    sliced[d] = true;
    if (steps[k] <= 0)
      return emitOpError("step for dim ")
             << d << " must be positive, got " << steps[k];
    if (!ShapedType::isDynamic(in.getDimSize(d)))
      expected[d] =
          sliceSize(in.getDimSize(d), getStarts()[k], getLimits()[k], steps[k]);
  }
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (ShapedType::isDynamic(in.getDimSize(d)) && sliced[d])
      continue; // Any result size; the executor checks a static one.
    if (out.getDimSize(d) != expected[d])
      return emitOpError("result dimension ")
             << d << " must be "
             << (ShapedType::isDynamic(expected[d]) ? std::string("?")
                                                    : std::to_string(expected[d]))
             << ", got "
             << (ShapedType::isDynamic(out.getDimSize(d))
                     ? std::string("?")
                     : std::to_string(out.getDimSize(d)));
  }
  return success();
}

LogicalResult DynamicSliceOp::verify() {
  if (failed(checkKeepsElementType(*this)))
    return failure();
  RankedTensorType in = getInput().getType(), out = getType();
  ArrayRef<int64_t> dims = getDims();
  int64_t count = dims.size();
  for (Value bounds : {getStarts(), getLimits()}) {
    auto type = cast<RankedTensorType>(bounds.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != count)
      return emitOpError("needs starts and limits of one entry per sliced dim (")
             << count << "), got " << type;
  }
  if (getSteps() && int64_t(getSteps()->size()) != count)
    return emitOpError("needs one step per sliced dim (") << count << ")";
  if (getSteps() && llvm::any_of(*getSteps(), [](int64_t s) { return s <= 0; }))
    return emitOpError("steps must be positive");
  if (out.getRank() != in.getRank())
    return emitOpError("result rank ")
           << out.getRank() << " differs from the input rank " << in.getRank();
  llvm::SmallVector<bool> sliced(in.getRank(), false);
  for (int64_t d : dims) {
    if (d < 0 || d >= in.getRank() || sliced[d])
      return emitOpError("dims must be distinct dimensions in [0, ")
             << in.getRank() << "), got " << formatShape(dims);
    sliced[d] = true;
  }
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!sliced[d] && out.getDimSize(d) != in.getDimSize(d))
      return emitOpError("result dimension ") << d << " is not sliced and must stay "
                                              << formatShape(in.getDimSize(d));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, Loc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  RankedTensorType input = tensorOf(adaptor.getInput());
  int64_t dim = adaptor.getDim();
  if (failed(checkDim(loc, dim, input.getRank())))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(dim));
  llvm::append_range(shape, tensorOf(adaptor.getIndices()).getShape());
  llvm::append_range(shape, input.getShape().drop_front(dim + 1));
  results.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult BroadcastToOp::verify() {
  if (failed(checkKeepsElementType(*this)))
    return failure();
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getType().getShape();
  if (in.size() > out.size())
    return emitOpError("cannot broadcast rank ")
           << in.size() << " to the lower rank " << out.size();
  bool runTimeShape = bool(getShape());
  if (runTimeShape && failed(checkShapeOperand(*this, getShape(), getType())))
    return failure();
  size_t lead = out.size() - in.size();
  for (size_t d = 0; d < out.size(); ++d) {
    int64_t from = d < lead ? 1 : in[d - lead];
    int64_t to = out[d];
    if (ShapedType::isDynamic(to)) {
      if (!ShapedType::isDynamic(from) && !runTimeShape)
        return emitOpError("result dimension ")
               << d << " is dynamic but its input dimension is not";
      continue;
    }
    if (from != 1 && !dimsMayMatch(from, to))
      return emitOpError("input dimension of size ")
             << from << " cannot broadcast to " << to << " (result dimension "
             << d << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Run-time sizes
//===----------------------------------------------------------------------===//

// Broadcasting to the input's own static shape is the input.
OpFoldResult BroadcastToOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  return {};
}

LogicalResult DimOp::inferReturnTypes(MLIRContext *context, Loc loc, Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())) ||
      failed(checkDim(loc, adaptor.getDim(), tensorOf(adaptor.getInput()).getRank())))
    return failure();
  results.push_back(RankedTensorType::get({}, IntegerType::get(context, 64)));
  return success();
}

OpFoldResult DimOp::fold(FoldAdaptor) {
  int64_t size = getInput().getType().getDimSize(getDim());
  if (ShapedType::isDynamic(size))
    return {};
  return DenseElementsAttr::get(getType(), llvm::APInt(64, uint64_t(size), true));
}

LogicalResult IotaOp::inferReturnTypes(MLIRContext *context, Loc loc, Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  if (failed(expectRankedTensors(loc, adaptor.getOperands())))
    return failure();
  if (tensorOf(adaptor.getCount()).getRank() != 0)
    return emitOptionalError(loc, "count must be a 0-D tensor, got ",
                             tensorOf(adaptor.getCount()));
  results.push_back(RankedTensorType::get({ShapedType::kDynamic}, IntegerType::get(context, 64)));
  return success();
}

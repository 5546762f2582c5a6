//===- ShapeRefinement.cpp - result types from static operand types -------===//
//
// After a pass makes a function's arguments static, every result type is
// recomputed from its operands, in order: by the op's own type inference
// (the same code that verifies it), or for the few ops whose result type is
// written out (reshape, broadcast_to, cast, iota) by filling in the dynamic
// sizes the operands now fix, including the values of a constant shape or
// count operand. Each op is then folded if it can be: llm.dim of a static
// dimension, and the shape arithmetic of an imported graph over those
// constants (concat, gather, ...), which the llm dialect folds with the
// reference executor. So the run-time shape computations of an ONNX export
// become constants, and the reshapes and iotas they feed become static.
//
//===----------------------------------------------------------------------===//
#include "ShapeRefinement.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace llmc::llm;

namespace {

RankedTensorType withShape(Type type, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, cast<RankedTensorType>(type).getElementType());
}

/// The values of `value` if it is a constant 1-D (or 0-D) i64 tensor with no
/// negative entry: a shape or a count.
std::optional<SmallVector<int64_t>> constantSizes(Value value) {
  DenseIntElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> sizes;
  for (const APInt &v : attr.getValues<APInt>()) {
    if (v.isNegative())
      return std::nullopt;
    sizes.push_back(v.getSExtValue());
  }
  return sizes;
}

/// The types the function's op results had before refinement.
using OriginalTypes = llvm::DenseMap<Value, Type>;

/// A reshape without a shape operand passes its dynamic dimensions through:
/// the k-th dynamic result dimension is the k-th dynamic dimension of the
/// input as it was written (llm.reshape's rule), which now has a size.
std::optional<SmallVector<int64_t>> passedThroughShape(ReshapeOp reshape,
                                                       const OriginalTypes &original) {
  auto in = cast<RankedTensorType>(reshape.getInput().getType());
  auto written = dyn_cast_or_null<RankedTensorType>(original.lookup(reshape.getInput()));
  if (!written || !in.hasStaticShape())
    return std::nullopt;
  SmallVector<int64_t> sizes;
  for (int64_t d = 0; d < written.getRank(); ++d)
    if (written.isDynamicDim(d))
      sizes.push_back(in.getDimSize(d));
  SmallVector<int64_t> shape(reshape.getType().getShape());
  if (llvm::count_if(shape, ShapedType::isDynamic) != int64_t(sizes.size()))
    return std::nullopt;
  auto next = sizes.begin();
  for (int64_t &d : shape)
    if (ShapedType::isDynamic(d))
      d = *next++;
  if (RankedTensorType::get(shape, in.getElementType()).getNumElements() != in.getNumElements())
    return std::nullopt;
  return shape;
}

/// The refined result type of `op`, or null to keep it.
Type refinedType(Operation *op, const OriginalTypes &original) {
  if (auto iota = dyn_cast<IotaOp>(op)) {
    if (std::optional<SmallVector<int64_t>> count = constantSizes(iota.getCount()))
      return withShape(iota.getType(), *count);
    return nullptr;
  }
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    if (std::optional<SmallVector<int64_t>> shape = constantSizes(reshape.getShape()))
      return withShape(reshape.getType(), *shape);
    if (std::optional<SmallVector<int64_t>> shape = passedThroughShape(reshape, original))
      return withShape(reshape.getType(), *shape);
    // A function argument's written type is gone: one unknown dimension is
    // still fixed by the element count.
    auto in = cast<RankedTensorType>(reshape.getInput().getType());
    SmallVector<int64_t> shape(reshape.getType().getShape());
    int64_t unknown = llvm::count_if(shape, ShapedType::isDynamic);
    if (unknown != 1 || !in.hasStaticShape())
      return nullptr;
    int64_t known = 1;
    for (int64_t d : shape)
      known *= ShapedType::isDynamic(d) ? 1 : d;
    if (known == 0 || in.getNumElements() % known)
      return nullptr;
    for (int64_t &d : shape)
      if (ShapedType::isDynamic(d))
        d = in.getNumElements() / known;
    return withShape(reshape.getType(), shape);
  }
  if (auto broadcast = dyn_cast<BroadcastToOp>(op)) {
    if (std::optional<SmallVector<int64_t>> shape = constantSizes(broadcast.getShape()))
      return withShape(broadcast.getType(), *shape);
    auto in = cast<RankedTensorType>(broadcast.getInput().getType());
    SmallVector<int64_t> shape(broadcast.getType().getShape());
    int64_t offset = int64_t(shape.size()) - in.getRank();
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (ShapedType::isDynamic(shape[offset + d]) && in.getDimSize(d) != 1)
        shape[offset + d] = in.getDimSize(d);
    return withShape(broadcast.getType(), shape);
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    // Dimensions not sliced are the input's; sliced ones follow llm.slice's
    // rule (sliceSize, as its verifier computes them).
    auto in = cast<RankedTensorType>(slice.getInput().getType());
    SmallVector<int64_t> shape(in.getShape());
    for (auto [k, d] : llvm::enumerate(slice.getDims())) {
      int64_t n = in.getDimSize(d);
      shape[d] = ShapedType::isDynamic(n)
                     ? slice.getType().getDimSize(d)
                     : sliceSize(n, slice.getStarts()[k], slice.getLimits()[k],
                                 slice.getSteps() ? (*slice.getSteps())[k] : 1);
    }
    return withShape(slice.getType(), shape);
  }
  if (auto slice = dyn_cast<DynamicSliceOp>(op)) {
    // Dimensions not sliced are the input's; sliced ones keep their size.
    auto in = cast<RankedTensorType>(slice.getInput().getType());
    SmallVector<int64_t> shape(in.getShape());
    for (int64_t d : slice.getDims())
      shape[d] = slice.getType().getDimSize(d);
    return withShape(slice.getType(), shape);
  }
  if (auto castOp = dyn_cast<CastOp>(op))
    return withShape(castOp.getType(), cast<RankedTensorType>(castOp.getInput().getType()).getShape());
  if (op->hasTrait<OpTrait::SameOperandsAndResultType>())
    return op->getOperand(0).getType();
  if (auto infer = dyn_cast<InferTypeOpInterface>(op)) {
    SmallVector<Type> types;
    if (failed(infer.inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                      op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                                      op->getRegions(), types)) ||
        types.size() != 1)
      return nullptr;
    return types[0];
  }
  return nullptr;
}

/// A reshape or broadcast whose result is now static needs no run-time
/// shape: the operand is dropped (targets take the static form only).
void dropStaticShapeOperand(Operation *op) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape())
    return;
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    reshape.getShapeMutable().clear();
  else if (auto broadcast = dyn_cast<BroadcastToOp>(op))
    broadcast.getShapeMutable().clear();
}

/// Replaces `op` by what it folds to (a constant, or one of its operands of
/// the same type), given the constant operands; returns that value, or
/// null. The op's result leaves `original` (a new value may take its
/// address).
Value foldAway(Operation &op, OriginalTypes &original) {
  if (op.getNumOperands() == 0 || op.getNumResults() != 1 || isa<ConstantOp>(op))
    return nullptr;
  SmallVector<Attribute> constants;
  for (Value operand : op.getOperands()) {
    Attribute attr;
    constants.push_back(matchPattern(operand, m_Constant(&attr)) ? attr : Attribute());
  }
  SmallVector<OpFoldResult> folded;
  if (failed(op.fold(constants, folded)) || folded.size() != 1)
    return nullptr;
  Value result = op.getResult(0), replacement;
  if (auto attr = dyn_cast<Attribute>(folded[0])) {
    OpBuilder b(&op);
    Operation *constant =
        op.getDialect()->materializeConstant(b, attr, result.getType(), op.getLoc());
    if (!constant)
      return nullptr;
    replacement = constant->getResult(0);
  } else {
    replacement = cast<Value>(folded[0]);
    if (replacement == result || replacement.getType() != result.getType())
      return nullptr; // folded in place, or not to a drop-in value
  }
  result.replaceAllUsesWith(replacement);
  original.erase(result);
  op.erase();
  return replacement;
}

/// Replaces `op` by a constant when the padder knows its integer value for
/// every position (a comparison or minimum of shape arithmetic that plain
/// folding cannot decide); true if it did.
bool replaceByKnownConstant(Operation &op, SequencePadder &padder, OriginalTypes &original) {
  if (op.getNumResults() != 1 || isa<ConstantOp>(op))
    return false;
  Value result = op.getResult(0);
  auto type = dyn_cast<RankedTensorType>(result.getType());
  std::optional<SmallVector<PositionAffine>> values = padder.affineValues(result);
  if (!type || !values ||
      !llvm::all_of(*values, [](PositionAffine v) { return v.isConstant(); }))
    return false;
  auto element = cast<IntegerType>(type.getElementType());
  SmallVector<APInt> ints;
  for (PositionAffine v : *values)
    ints.push_back(APInt(element.getWidth(), v.offset, /*isSigned=*/true));
  OpBuilder b(&op);
  Value constant = b.create<ConstantOp>(op.getLoc(), DenseElementsAttr::get(type, ints));
  result.replaceAllUsesWith(constant);
  original.erase(result);
  padder.forget(result);
  op.erase();
  return true;
}

} // namespace

LogicalResult llmc::llm::refineShapes(func::FuncOp function,
                                     const SequencePaddingOptions *padding) {
  Block &body = function.getBody().front();
  OriginalTypes original;
  for (Operation &op : body)
    for (Value result : op.getResults())
      original[result] = result.getType();
  std::optional<SequencePadder> padder;
  if (padding) {
    padder.emplace(*padding);
    for (auto [value, type] : padding->writtenTypes)
      original[value] = type;
  }
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (isa<func::ReturnOp>(op))
      continue;
    if (padder) {
      // A replaced op's value keeps the type it was written with (a
      // reshape without a shape reads it).
      Value result = op.getNumResults() == 1 ? op.getResult(0) : Value();
      Type written = result ? original.lookup(result) : Type();
      Value replacement;
      if (failed(padder->rewrite(&op, replacement)))
        return failure();
      if (replacement) {
        original.erase(result);
        original[replacement] = written;
        continue;
      }
    }
    if (op.getNumResults() == 1)
      if (Type refined = refinedType(&op, original)) {
        op.getResult(0).setType(refined);
        dropStaticShapeOperand(&op);
      }
    // What the padder knows of the result holds for what it folds to (an
    // iota over the cache length folded to 0..M-1 is still padded).
    if (padder && failed(padder->record(&op)))
      return failure();
    Value result = op.getNumResults() == 1 ? op.getResult(0) : Value();
    if (Value folded = foldAway(op, original)) {
      if (padder)
        padder->replace(result, folded);
      continue;
    }
    if (padder && replaceByKnownConstant(op, *padder, original))
      continue;
    for (Value result : op.getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()); type && !type.hasStaticShape())
        return op.emitError() << "the result stays dynamic (" << type
                              << ") once the program's inputs are static";
  }
  // The shape arithmetic folded into constants is dead.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  function.setType(FunctionType::get(function.getContext(), function.getArgumentTypes(),
                                     ret.getOperandTypes()));
  return success();
}

//===- ShapeRefinement.cpp - result types from static operand types -------===//
//
// After a pass makes a function's arguments static, every result type is
// recomputed from its operands, in order: by the op's own type inference
// (the same code that verifies it), or for the few ops whose result type is
// written out (reshape, broadcast_to, cast) by filling in the dynamic sizes
// the operands now fix.
//
//===----------------------------------------------------------------------===//
#include "ShapeRefinement.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;
using namespace llmc::llm;

namespace {

RankedTensorType withShape(Type type, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, cast<RankedTensorType>(type).getElementType());
}

/// The refined result type of `op`, or null to keep it.
Type refinedType(Operation *op) {
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
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

} // namespace

LogicalResult llmc::llm::refineShapes(func::FuncOp function) {
  for (Operation &op : function.getBody().getOps()) {
    if (isa<func::ReturnOp>(op))
      continue;
    if (op.getNumResults() == 1)
      if (Type refined = refinedType(&op))
        op.getResult(0).setType(refined);
    for (Value result : op.getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()); type && !type.hasStaticShape())
        return op.emitError() << "the result stays dynamic (" << type
                              << ") once the program's inputs are static";
  }
  auto ret = cast<func::ReturnOp>(function.getBody().back().getTerminator());
  function.setType(FunctionType::get(function.getContext(), function.getArgumentTypes(),
                                     ret.getOperandTypes()));
  return success();
}

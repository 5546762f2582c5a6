//===- LLMOps.cpp - op definitions, custom syntax, model ops --------------===//
//
// The generated op classes, the custom assembly directives they use, and the
// ops that bring numbers into a model (llm.weight, llm.constant). The
// transformer ops and the generic tensor ops are verified in their own files.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace llmc::llm;

//===----------------------------------------------------------------------===//
// custom<OperandTypes>: `: T` when both operands have type T, else `: T1, T2`.
//===----------------------------------------------------------------------===//

static ParseResult parseOperandTypes(OpAsmParser &parser, Type &lhs,
                                     Type &rhs) {
  if (parser.parseType(lhs))
    return failure();
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(rhs);
  rhs = lhs;
  return success();
}

static void printOperandTypes(OpAsmPrinter &printer, Operation *, Type lhs,
                              Type rhs) {
  printer << lhs;
  if (rhs != lhs)
    printer << ", " << rhs;
}

#define GET_OP_CLASSES
#include "llmc/Dialect/LLM/IR/LLMOps.cpp.inc"

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty tensor name");
  if (!getType().hasStaticShape())
    return emitOpError("must have a static shape, got ") << getType();
  for (Operation *parent = (*this)->getParentOp(); parent;
       parent = parent->getParentOp())
    if (isa<ModuleOp>(parent) &&
        parent->hasAttr(LLMDialect::getWeightsAttrName()))
      return success();
  return emitOpError("reads tensor '")
         << getName() << "' but no enclosing module names a weights file "
         << "(attribute '" << LLMDialect::getWeightsAttrName() << "')";
}

void WeightOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  // The printer turns characters an SSA name cannot hold into '_'.
  setNameFn(getResult(), getName());
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

std::optional<double> llmc::llm::splatValueOf(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || !dense.isSplat())
    return std::nullopt;
  Type type = dense.getElementType();
  if (isa<FloatType>(type))
    return dense.getSplatValue<APFloat>().convertToDouble();
  if (type.isInteger(1))
    return dense.getSplatValue<bool>() ? 1.0 : 0.0;
  return double(dense.getSplatValue<APInt>().getSExtValue());
}

bool llmc::llm::isBroadcastingElementwise(Operation *op) {
  return op->hasTrait<OpTrait::Elementwise>() ||
         isa<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp, PowOp, CompareOp, WhereOp, CastOp>(
             op);
}

//===----------------------------------------------------------------------===//
// FusionGroupOp
//===----------------------------------------------------------------------===//

YieldOp FusionGroupOp::getYield() {
  return cast<YieldOp>(getBody().front().getTerminator());
}

LogicalResult FusionGroupOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 0)
    return emitOpError("body takes no arguments (it reads the values above it)");
  auto yield = body.empty() ? nullptr : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError("body must end with llm.yield");
  if (getNumResults() == 0)
    return emitOpError("must return at least one value");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ") << yield.getValues().getTypes() << ", its results are "
                                  << getResultTypes();
  for (Operation &op : body.without_terminator())
    if (isa<FusionGroupOp>(op) || !isa_and_nonnull<LLMDialect>(op.getDialect()))
      return op.emitOpError("cannot be in a fusion group (only llm ops, no nested group)");
  return success();
}

//===- ONNXOps.cpp - one translation per ONNX operator --------------------===//
//
// Each function translates the current node of a GraphImporter into llm ops,
// following the operator's ONNX definition for opsets 13-17. Inputs that
// ONNX allows at run time but a static program needs at compile time
// (shapes, axes, slice bounds) must be constants.
//
//===----------------------------------------------------------------------===//
#include "GraphImporter.h"

#include "llmc/Dialect/LLM/IR/ShapeUtils.h"
#include "llmc/Executor/Executor.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;
using namespace llmc::ref;
using namespace llmc::onnximport;
using llvm::Error;

/// `auto name = expr;` for an Expected, returning its error on failure.
#define LLMC_REQUIRE(name, expr)                                               \
  auto name = (expr);                                                          \
  if (!name)                                                                   \
  return name.takeError()

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// `axis` normalised into [0, rank), or an error.
llvm::Expected<int64_t> normaliseAxis(GraphImporter &g, int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    return g.error("axis " + llvm::Twine(axis) + " is out of range for rank " +
                   llvm::Twine(rank));
  return a;
}

/// Reshape `x` to `shape` (which keeps the number of dynamic dimensions).
Value reshapeTo(GraphImporter &g, Value x, llvm::ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, typeOf(x).getElementType());
  if (type == x.getType())
    return x;
  return g.builder().create<llm::ReshapeOp>(g.loc(), type, x);
}

Error unary(GraphImporter &g, llvm::StringRef opType) {
  LLMC_REQUIRE(x, g.input(0));
  OpBuilder &b = g.builder();
  Location loc = g.loc();
  if (!isa<FloatType>(typeOf(*x).getElementType())) {
    if (opType == "Neg") // integer negation: 0 - x
      return g.setOutput(0, b.create<llm::SubOp>(loc, g.scalarLike(*x, 0), *x));
    return g.error(opType + " of an integer tensor is not supported");
  }
  Value r = llvm::StringSwitch<std::function<Value()>>(opType)
                .Case("Sqrt", [&] { return b.create<llm::SqrtOp>(loc, *x).getResult(); })
                .Case("Reciprocal", [&] { return b.create<llm::ReciprocalOp>(loc, *x).getResult(); })
                .Case("Neg", [&] { return b.create<llm::NegOp>(loc, *x).getResult(); })
                .Case("Exp", [&] { return b.create<llm::ExpOp>(loc, *x).getResult(); })
                .Case("Log", [&] { return b.create<llm::LogOp>(loc, *x).getResult(); })
                .Case("Tanh", [&] { return b.create<llm::TanhOp>(loc, *x).getResult(); })
                .Case("Erf", [&] { return b.create<llm::ErfOp>(loc, *x).getResult(); })
                .Case("Sigmoid", [&] { return b.create<llm::SigmoidOp>(loc, *x).getResult(); })
                .Case("Cos", [&] { return b.create<llm::CosOp>(loc, *x).getResult(); })
                .Case("Sin", [&] { return b.create<llm::SinOp>(loc, *x).getResult(); })
                .Case("Abs", [&] { return b.create<llm::AbsOp>(loc, *x).getResult(); })
                .Case("Floor", [&] { return b.create<llm::FloorOp>(loc, *x).getResult(); })
                .Case("Ceil", [&] { return b.create<llm::CeilOp>(loc, *x).getResult(); })
                .Case("Round", [&] { return b.create<llm::RoundOp>(loc, *x).getResult(); })
                .Default([&] { return b.create<llm::SigmoidOp>(loc, *x).getResult(); })();
  return g.setOutput(0, r);
}

#define UNARY(NAME)                                                            \
  Error translate##NAME(GraphImporter &g) { return unary(g, #NAME); }
UNARY(Sqrt)
UNARY(Reciprocal)
UNARY(Neg)
UNARY(Exp)
UNARY(Log)
UNARY(Tanh)
UNARY(Erf)
UNARY(Sigmoid)
UNARY(Cos)
UNARY(Sin)
UNARY(Abs)
UNARY(Floor)
UNARY(Ceil)
UNARY(Round)
#undef UNARY

/// Fails unless `v` holds a type llm arithmetic takes (floats, i32, i64).
Error expectArithmetic(GraphImporter &g, Value v) {
  Type t = typeOf(v).getElementType();
  if (isa<FloatType>(t) || t.isInteger(32) || t.isInteger(64))
    return Error::success();
  return g.error("arithmetic on " + llvm::Twine(t.isInteger(1) ? "BOOL" : "INT8") +
                 " tensors is not supported");
}

template <typename OpT>
Error binary(GraphImporter &g) {
  LLMC_REQUIRE(a, g.input(0));
  LLMC_REQUIRE(c, g.input(1));
  if (typeOf(*a).getElementType() != typeOf(*c).getElementType())
    return g.error("operand element types differ");
  if (Error e = expectArithmetic(g, *a))
    return e;
  if (!llm::broadcastShapes(typeOf(*a).getShape(), typeOf(*c).getShape()))
    return g.error("shapes " + llm::formatShape(typeOf(*a).getShape()) + " and " +
                   llm::formatShape(typeOf(*c).getShape()) + " do not broadcast");
  return g.setOutput(0, g.builder().create<OpT>(g.loc(), *a, *c));
}

Error translateAdd(GraphImporter &g) { return binary<llm::AddOp>(g); }
Error translateSub(GraphImporter &g) { return binary<llm::SubOp>(g); }
Error translateMul(GraphImporter &g) { return binary<llm::MulOp>(g); }
Error translateDiv(GraphImporter &g) { return binary<llm::DivOp>(g); }

/// `v` converted to element type `element` (unchanged if it has it).
Value castTo(GraphImporter &g, Value v, Type element) {
  if (typeOf(v).getElementType() == element)
    return v;
  return g.builder().create<llm::CastOp>(g.loc(), RankedTensorType::get(typeOf(v).getShape(), element), v);
}

/// Pow: the result has the base's type. An integer exponent of another
/// type is converted to the base's; a float exponent of an integer base
/// computes in the exponent's float type and truncates the power back to
/// the base's type (as ONNX Runtime does, in double).
Error translatePow(GraphImporter &g) {
  LLMC_REQUIRE(base, g.input(0));
  LLMC_REQUIRE(exponent, g.input(1));
  for (Value v : {*base, *exponent})
    if (Error e = expectArithmetic(g, v))
      return e;
  Type baseType = typeOf(*base).getElementType(), exponentType = typeOf(*exponent).getElementType();
  if (isa<FloatType>(baseType) || !isa<FloatType>(exponentType))
    return g.setOutput(0, g.builder().create<llm::PowOp>(g.loc(), *base,
                                                         castTo(g, *exponent, baseType)));
  Value power = g.builder().create<llm::PowOp>(g.loc(), castTo(g, *base, exponentType), *exponent);
  return g.setOutput(0, castTo(g, power, baseType));
}

template <typename OpT>
Error variadic(GraphImporter &g) {
  LLMC_REQUIRE(acc, g.input(0));
  if (Error e = expectArithmetic(g, *acc))
    return e;
  Value result = *acc;
  for (int i = 1; i < g.node().input_size(); ++i) {
    LLMC_REQUIRE(next, g.input(i));
    result = g.builder().create<OpT>(g.loc(), result, *next);
  }
  return g.setOutput(0, result);
}
Error translateMax(GraphImporter &g) { return variadic<llm::MaximumOp>(g); }
Error translateMin(GraphImporter &g) { return variadic<llm::MinimumOp>(g); }

Error translateRelu(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (Error e = expectArithmetic(g, *x))
    return e;
  return g.setOutput(0, g.builder().create<llm::MaximumOp>(g.loc(), *x, g.scalarLike(*x, 0)));
}

/// Clip: min(max(x, lo), hi) (hi where lo > hi, as ONNX says); the bounds
/// are inputs 1 and 2 (opset 11+) or the attributes min and max.
Error translateClip(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (Error e = expectArithmetic(g, *x))
    return e;
  OpBuilder &b = g.builder();
  Value r = *x;
  for (auto [slot, name] : {std::pair<int, llvm::StringRef>{1, "min"}, {2, "max"}}) {
    Value bound;
    if (g.getOpset() < 11) {
      if (g.attribute(name))
        bound = g.scalarLike(*x, g.floatAttr(name, 0));
    } else if (g.hasInput(slot)) {
      LLMC_REQUIRE(v, g.input(slot));
      if (typeOf(*v).getElementType() != typeOf(*x).getElementType())
        return g.error("the " + name + " bound's element type differs from the input's");
      bound = *v;
    }
    if (bound && name == "min")
      r = b.create<llm::MaximumOp>(g.loc(), r, bound);
    else if (bound)
      r = b.create<llm::MinimumOp>(g.loc(), r, bound);
  }
  return g.setOutput(0, r);
}

Error compare(GraphImporter &g, llm::CompareDirection direction) {
  LLMC_REQUIRE(a, g.input(0));
  LLMC_REQUIRE(c, g.input(1));
  if (isa<IntegerType>(typeOf(*a).getElementType()) &&
      typeOf(*a).getElementType().getIntOrFloatBitWidth() < 32)
    return g.error("comparison of 1- or 8-bit integers is not supported");
  return g.setOutput(0, g.builder().create<llm::CompareOp>(
                            g.loc(), llm::CompareDirectionAttr::get(g.builder().getContext(), direction),
                            *a, *c));
}
Error translateEqual(GraphImporter &g) { return compare(g, llm::CompareDirection::eq); }
Error translateGreater(GraphImporter &g) { return compare(g, llm::CompareDirection::gt); }
Error translateLess(GraphImporter &g) { return compare(g, llm::CompareDirection::lt); }
Error translateGreaterOrEqual(GraphImporter &g) { return compare(g, llm::CompareDirection::ge); }
Error translateLessOrEqual(GraphImporter &g) { return compare(g, llm::CompareDirection::le); }

//===----------------------------------------------------------------------===//
// Boolean logic: llm.where on i1 operands (broadcasting like ONNX)
//===----------------------------------------------------------------------===//

Value boolConstant(GraphImporter &g, bool value) {
  return g.constant(Tensor::fromInts(DType::I1, {}, {value}), g.builder().getI1Type());
}

/// Input `i`, which must be a BOOL tensor.
llvm::Expected<Value> boolInput(GraphImporter &g, int i) {
  LLMC_REQUIRE(v, g.input(i));
  if (!typeOf(*v).getElementType().isInteger(1))
    return g.error(g.node().op_type() + " takes BOOL tensors");
  return *v;
}

Value logicalNot(GraphImporter &g, Value x) {
  return g.builder().create<llm::WhereOp>(g.loc(), x, boolConstant(g, false), boolConstant(g, true));
}

Error translateNot(GraphImporter &g) {
  LLMC_REQUIRE(x, boolInput(g, 0));
  return g.setOutput(0, logicalNot(g, *x));
}

/// And: a ? b : false; Or: a ? true : b; Xor: a ? !b : b.
Error logical(GraphImporter &g) {
  LLMC_REQUIRE(a, boolInput(g, 0));
  LLMC_REQUIRE(c, boolInput(g, 1));
  if (!llm::broadcastShapes(typeOf(*a).getShape(), typeOf(*c).getShape()))
    return g.error("shapes " + llm::formatShape(typeOf(*a).getShape()) + " and " +
                   llm::formatShape(typeOf(*c).getShape()) + " do not broadcast");
  llvm::StringRef op = g.node().op_type();
  Value onTrue = op == "And" ? *c : op == "Or" ? boolConstant(g, true) : logicalNot(g, *c);
  Value onFalse = op == "And" ? boolConstant(g, false) : *c;
  return g.setOutput(0, g.builder().create<llm::WhereOp>(g.loc(), *a, onTrue, onFalse));
}
Error translateAnd(GraphImporter &g) { return logical(g); }
Error translateOr(GraphImporter &g) { return logical(g); }
Error translateXor(GraphImporter &g) { return logical(g); }

/// Sign: 1, -1 or 0 (NaN stays NaN).
Error translateSign(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (Error e = expectArithmetic(g, *x))
    return e;
  OpBuilder &b = g.builder();
  Location loc = g.loc();
  auto test = [&](llm::CompareDirection d, Value lhs, Value rhs) -> Value {
    return b.create<llm::CompareOp>(loc, llm::CompareDirectionAttr::get(b.getContext(), d), lhs, rhs);
  };
  Value zero = g.scalarLike(*x, 0);
  Value r = b.create<llm::WhereOp>(
      loc, test(llm::CompareDirection::gt, *x, zero), g.scalarLike(*x, 1),
      b.create<llm::WhereOp>(loc, test(llm::CompareDirection::lt, *x, zero), g.scalarLike(*x, -1),
                             zero));
  if (isa<FloatType>(typeOf(*x).getElementType())) // x != x only for NaN
    r = b.create<llm::WhereOp>(loc, test(llm::CompareDirection::ne, *x, *x), *x, r);
  return g.setOutput(0, r);
}

Error translateIdentity(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  return g.setOutput(0, *x);
}

Error translateConstant(GraphImporter &g) {
  OpBuilder &b = g.builder();
  if (const onnx::AttributeProto *a = g.attribute("value")) {
    LLMC_REQUIRE(values, g.tensorValues(a->t()));
    LLMC_REQUIRE(element, g.elementType(a->t().data_type()));
    return g.setOutput(0, g.constant(*values, *element));
  }
  if (const onnx::AttributeProto *a = g.attribute("value_float"))
    return g.setOutput(0, g.constant(Tensor::fromFloats(DType::F32, {}, {a->f()}), b.getF32Type()));
  if (const onnx::AttributeProto *a = g.attribute("value_int"))
    return g.setOutput(0, g.constant(Tensor::fromInts(DType::I64, {}, {a->i()}), b.getI64Type()));
  if (const onnx::AttributeProto *a = g.attribute("value_floats")) {
    std::vector<float> v(a->floats().begin(), a->floats().end());
    int64_t n = v.size();
    return g.setOutput(0, g.constant(Tensor::fromFloats(DType::F32, {n}, v), b.getF32Type()));
  }
  if (const onnx::AttributeProto *a = g.attribute("value_ints")) {
    std::vector<int64_t> v(a->ints().begin(), a->ints().end());
    int64_t n = v.size();
    return g.setOutput(0, g.constant(Tensor::fromInts(DType::I64, {n}, v), b.getI64Type()));
  }
  return g.error("Constant without a supported value attribute");
}

Error translateCast(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(element, g.elementType(int32_t(g.intAttr("to", 1))));
  auto type = RankedTensorType::get(typeOf(*x).getShape(), *element);
  if (type == x->getType())
    return g.setOutput(0, *x);
  return g.setOutput(0, g.builder().create<llm::CastOp>(g.loc(), type, *x));
}

Error translateSoftmax(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (g.getOpset() < 13)
    return g.error("Softmax before opset 13 (flattening to 2-D) is not supported");
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", -1), typeOf(*x).getRank()));
  return g.setOutput(0, g.builder().create<llm::SoftmaxOp>(g.loc(), *x, *axis));
}

Error translateLayerNormalization(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(scale, g.input(1));
  int64_t rank = typeOf(*x).getRank();
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", -1), rank));
  float epsilon = g.floatAttr("epsilon", 1e-5f);
  Value bias;
  if (g.hasInput(2)) {
    LLMC_REQUIRE(b, g.input(2));
    bias = *b;
  }
  bool wantsStatistics = (g.numOutputs() > 1 && !g.node().output(1).empty()) ||
                         (g.numOutputs() > 2 && !g.node().output(2).empty());
  OpBuilder &b = g.builder();
  Location loc = g.loc();
  if (*axis == rank - 1 && !wantsStatistics) {
    int64_t width = typeOf(*x).getShape().back();
    Value w = reshapeTo(g, *scale, {width});
    Value bb = bias ? reshapeTo(g, bias, {width}) : Value();
    return g.setOutput(0, b.create<llm::LayerNormOp>(loc, *x, w, bb,
                                                     b.getF64FloatAttr(epsilon)));
  }
  // Normalisation over the trailing dimensions from `axis`, or with the
  // Mean and InvStdDev outputs: the same arithmetic in generic ops.
  llvm::SmallVector<int64_t> dims;
  for (int64_t d = *axis; d < rank; ++d)
    dims.push_back(d);
  auto dimsAttr = b.getDenseI64ArrayAttr(dims);
  Value mean = b.create<llm::ReduceMeanOp>(loc, *x, dimsAttr, b.getUnitAttr());
  Value centred = b.create<llm::SubOp>(loc, *x, mean);
  Value variance = b.create<llm::ReduceMeanOp>(
      loc, b.create<llm::MulOp>(loc, centred, centred), dimsAttr, b.getUnitAttr());
  Value inverse = b.create<llm::RsqrtOp>(
      loc, b.create<llm::AddOp>(loc, variance, g.scalarLike(variance, epsilon)));
  Value y = b.create<llm::MulOp>(loc, b.create<llm::MulOp>(loc, centred, inverse), *scale);
  if (bias)
    y = b.create<llm::AddOp>(loc, y, bias);
  if (Error e = g.setOutput(0, y))
    return e;
  if (Error e = g.setOutput(1, mean))
    return e;
  return g.setOutput(2, inverse);
}

/// Reductions: axes from the attribute (before opset 18, except ReduceSum
/// from 13) or from input 1.
template <typename OpT>
Error reduce(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t rank = typeOf(*x).getRank();
  std::vector<int64_t> axes;
  if (std::optional<std::vector<int64_t>> attr = g.intsAttr("axes")) {
    axes = *attr;
  } else if (g.hasInput(1)) {
    LLMC_REQUIRE(values, g.intsInput(1, "axes"));
    axes = *values;
  }
  if (axes.empty()) {
    if (g.intAttr("noop_with_empty_axes", 0))
      return g.setOutput(0, *x);
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  llvm::SmallVector<int64_t> dims;
  for (int64_t a : axes) {
    LLMC_REQUIRE(d, normaliseAxis(g, a, rank));
    dims.push_back(*d);
  }
  llvm::sort(dims);
  OpBuilder &b = g.builder();
  bool keep = g.intAttr("keepdims", 1);
  return g.setOutput(0, b.create<OpT>(g.loc(), *x, b.getDenseI64ArrayAttr(dims),
                                      keep ? b.getUnitAttr() : nullptr));
}
Error translateReduceMean(GraphImporter &g) { return reduce<llm::ReduceMeanOp>(g); }
Error translateReduceSum(GraphImporter &g) { return reduce<llm::ReduceSumOp>(g); }
Error translateReduceMax(GraphImporter &g) { return reduce<llm::ReduceMaxOp>(g); }
Error translateReduceMin(GraphImporter &g) { return reduce<llm::ReduceMinOp>(g); }

Error translateArgMax(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (g.intAttr("select_last_index", 0))
    return g.error("select_last_index = 1 is not supported");
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), typeOf(*x).getRank()));
  OpBuilder &b = g.builder();
  return g.setOutput(0, b.create<llm::ArgMaxOp>(g.loc(), *x, b.getI64IntegerAttr(*axis),
                                                g.intAttr("keepdims", 1) ? b.getUnitAttr() : nullptr));
}

Error translateMatMul(GraphImporter &g) {
  LLMC_REQUIRE(a, g.input(0));
  LLMC_REQUIRE(c, g.input(1));
  // 1-D operands are promoted to matrices and the added dimension removed.
  Value lhs = *a, rhs = *c;
  bool vectorLhs = typeOf(lhs).getRank() == 1, vectorRhs = typeOf(rhs).getRank() == 1;
  if (vectorLhs)
    lhs = reshapeTo(g, lhs, {1, typeOf(lhs).getDimSize(0)});
  if (vectorRhs)
    rhs = reshapeTo(g, rhs, {typeOf(rhs).getDimSize(0), 1});
  Value r = g.builder().create<llm::MatmulOp>(g.loc(), lhs, rhs);
  llvm::SmallVector<int64_t> shape(typeOf(r).getShape());
  if (vectorRhs)
    shape.erase(shape.end() - 1);
  if (vectorLhs)
    shape.erase(shape.end() - (vectorRhs ? 1 : 2));
  return g.setOutput(0, reshapeTo(g, r, shape));
}

Error translateGemm(GraphImporter &g) {
  LLMC_REQUIRE(a, g.input(0));
  LLMC_REQUIRE(c, g.input(1));
  OpBuilder &b = g.builder();
  Value lhs = *a, rhs = *c;
  if (g.intAttr("transA", 0))
    lhs = b.create<llm::TransposeOp>(g.loc(), lhs, b.getDenseI64ArrayAttr({1, 0}));
  if (g.intAttr("transB", 0))
    rhs = b.create<llm::TransposeOp>(g.loc(), rhs, b.getDenseI64ArrayAttr({1, 0}));
  Value y = b.create<llm::MatmulOp>(g.loc(), lhs, rhs);
  float alpha = g.floatAttr("alpha", 1.0f), beta = g.floatAttr("beta", 1.0f);
  if (alpha != 1.0f)
    y = b.create<llm::MulOp>(g.loc(), y, g.scalarLike(y, alpha));
  if (g.hasInput(2)) {
    LLMC_REQUIRE(bias, g.input(2));
    Value cTerm = *bias;
    if (beta != 1.0f)
      cTerm = b.create<llm::MulOp>(g.loc(), cTerm, g.scalarLike(cTerm, beta));
    y = b.create<llm::AddOp>(g.loc(), y, cTerm);
  }
  return g.setOutput(0, y);
}

std::vector<std::optional<int64_t>> knownEntries(GraphImporter &g, Value shape);

Error translateGather(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(indices, g.input(1));
  // Entries of a shape vector that are known fold even when other entries
  // are only known at run time (the static dims of a Shape).
  if (typeOf(*x).getRank() == 1 && typeOf(*x).getElementType().isInteger(64)) {
    std::optional<Tensor> at = g.constantValue(*indices);
    std::vector<std::optional<int64_t>> known = knownEntries(g, *x);
    if (at && !known.empty()) {
      std::vector<int64_t> picked;
      for (int64_t i = 0; i < at->size(); ++i) {
        int64_t k = at->ints()[i] < 0 ? at->ints()[i] + int64_t(known.size()) : at->ints()[i];
        if (k < 0 || k >= int64_t(known.size()) || !known[k])
          break;
        picked.push_back(*known[k]);
      }
      if (int64_t(picked.size()) == at->size())
        return g.setOutput(0, g.constant(Tensor::fromInts(DType::I64, at->shape(), picked),
                                         typeOf(*x).getElementType()));
    }
  }
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), typeOf(*x).getRank()));
  return g.setOutput(0, g.builder().create<llm::GatherOp>(g.loc(), *x, *indices, *axis));
}


//===----------------------------------------------------------------------===//
// Run-time shapes: 1-D i64 values whose entries may be known at import time
//===----------------------------------------------------------------------===//

/// The entries of a 1-D shape value that are known at import time.
std::vector<std::optional<int64_t>> knownEntries(GraphImporter &g, Value shape) {
  RankedTensorType type = typeOf(shape);
  if (std::optional<Tensor> c = g.constantValue(shape)) {
    std::vector<std::optional<int64_t>> all;
    for (int64_t i = 0; i < c->size(); ++i)
      all.push_back(c->ints()[i]);
    return all;
  }
  if (auto concat = shape.getDefiningOp<llm::ConcatOp>()) {
    std::vector<std::optional<int64_t>> all;
    for (Value part : concat.getInputs()) {
      std::vector<std::optional<int64_t>> entries = knownEntries(g, part);
      all.insert(all.end(), entries.begin(), entries.end());
    }
    return all;
  }
  if (auto reshape = shape.getDefiningOp<llm::ReshapeOp>(); reshape && !reshape.getShape())
    return knownEntries(g, reshape.getInput());
  if (auto cast = shape.getDefiningOp<llm::CastOp>())
    return knownEntries(g, cast.getInput());
  // where(x == c, a, x), as exporters write "replace -1 by 1": entry by
  // entry where x is known (c and a splat or one entry per entry of x).
  if (auto where = shape.getDefiningOp<llm::WhereOp>()) {
    auto compare = where.getCondition().getDefiningOp<llm::CompareOp>();
    std::optional<Tensor> c = compare ? g.constantValue(compare.getRhs()) : std::nullopt;
    std::optional<Tensor> a = g.constantValue(where.getOnTrue());
    if (compare && compare.getDirection() == llm::CompareDirection::eq &&
        compare.getLhs() == where.getOnFalse() && c && a && !c->isFloat() && !a->isFloat()) {
      std::vector<std::optional<int64_t>> x = knownEntries(g, where.getOnFalse());
      auto at = [&](const Tensor &t, size_t i) { return t.ints()[t.size() == 1 ? 0 : i]; };
      if ((c->size() == 1 || size_t(c->size()) == x.size()) &&
          (a->size() == 1 || size_t(a->size()) == x.size())) {
        for (size_t i = 0; i < x.size(); ++i)
          if (x[i] && *x[i] == at(*c, i))
            x[i] = at(*a, i);
        return x;
      }
    }
  }
  int64_t n = type.getRank() == 0 ? 1 : type.hasStaticShape() ? type.getNumElements() : 0;
  return std::vector<std::optional<int64_t>>(n);
}

/// A [1] i64 tensor holding `value`.
Value entryConstant(GraphImporter &g, int64_t value) {
  return g.constant(Tensor::fromInts(DType::I64, {1}, {value}), g.builder().getI64Type());
}

/// A [1] i64 tensor holding the size of dimension `d` of `x`.
Value dimEntry(GraphImporter &g, Value x, int64_t d) {
  int64_t size = typeOf(x).getDimSize(d);
  if (!ShapedType::isDynamic(size))
    return entryConstant(g, size);
  OpBuilder &b = g.builder();
  Value dim = b.create<llm::DimOp>(g.loc(), x, b.getI64IntegerAttr(d));
  return reshapeTo(g, dim, {1});
}

/// The product of dimensions [from, to) of `x` as a [1] i64 tensor: a
/// constant when they are static, llm.dim products otherwise.
Value productOfDims(GraphImporter &g, Value x, int64_t from, int64_t to) {
  int64_t known = 1;
  Value dynamic;
  for (int64_t d = from; d < to; ++d) {
    if (!typeOf(x).isDynamicDim(d)) {
      known *= typeOf(x).getDimSize(d);
      continue;
    }
    Value size = dimEntry(g, x, d);
    dynamic = dynamic ? g.builder().create<llm::MulOp>(g.loc(), dynamic, size) : size;
  }
  if (!dynamic)
    return entryConstant(g, known);
  if (known == 1)
    return dynamic;
  return g.builder().create<llm::MulOp>(g.loc(), dynamic, entryConstant(g, known));
}

/// Entry `i` of a 1-D shape value, as a [1] tensor.
Value shapeEntry(GraphImporter &g, Value shape, int64_t i,
                 const std::vector<std::optional<int64_t>> &known) {
  if (known[i])
    return entryConstant(g, *known[i]);
  Value s = castTo(g, shape, g.builder().getI64Type());
  auto type = RankedTensorType::get({1}, g.builder().getI64Type());
  OpBuilder &b = g.builder();
  return b.create<llm::SliceOp>(g.loc(), type, s, b.getDenseI64ArrayAttr({0}),
                                b.getDenseI64ArrayAttr({i}), b.getDenseI64ArrayAttr({i + 1}), nullptr);
}

/// The 1-D shape made of [1] pieces.
Value joinEntries(GraphImporter &g, llvm::ArrayRef<Value> pieces) {
  if (pieces.size() == 1)
    return pieces[0];
  return g.builder().create<llm::ConcatOp>(g.loc(), pieces, 0);
}

/// The size (static, or dynamic) a [1] piece stands for.
int64_t staticSizeOf(GraphImporter &g, Value piece) {
  std::optional<Tensor> c = g.constantValue(piece);
  return c ? c->ints()[0] : ShapedType::kDynamic;
}

/// Reshape to a shape known only at run time: 0 copies the input dimension
/// and -1 is computed from the element count, both at run time.
Error reshapeToRunTimeShape(GraphImporter &g, Value x, Value target) {
  std::vector<std::optional<int64_t>> known = knownEntries(g, target);
  bool allowZero = g.intAttr("allowzero", 0);
  OpBuilder &b = g.builder();
  llvm::SmallVector<Value> pieces;
  int64_t inferred = -1;
  for (int64_t i = 0; i < int64_t(known.size()); ++i) {
    if (known[i] == 0 && !allowZero)
      pieces.push_back(dimEntry(g, x, i));
    else if (known[i] == -1)
      inferred = i, pieces.push_back(Value());
    else
      pieces.push_back(shapeEntry(g, target, i, known));
  }
  if (inferred >= 0) {
    // -1: the element count divided by the product of the other entries.
    Value count = productOfDims(g, x, 0, typeOf(x).getRank());
    Value others = entryConstant(g, 1);
    for (Value p : pieces)
      if (p)
        others = b.create<llm::MulOp>(g.loc(), others, p);
    pieces[inferred] = b.create<llm::DivOp>(g.loc(), count, others);
  }
  llvm::SmallVector<int64_t> shape;
  for (Value p : pieces)
    shape.push_back(staticSizeOf(g, p));
  auto type = RankedTensorType::get(shape, typeOf(x).getElementType());
  return g.setOutput(0, b.create<llm::ReshapeOp>(g.loc(), type, x, joinEntries(g, pieces)));
}

Error translateReshape(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(targetValue, g.input(1));
  if (!g.constantValue(*targetValue))
    return reshapeToRunTimeShape(g, *x, *targetValue);
  LLMC_REQUIRE(target, g.intsInput(1));
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  bool allowZero = g.intAttr("allowzero", 0);
  llvm::SmallVector<int64_t> shape;
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return g.error("shape entry 0 at " + llvm::Twine(i) + " has no input dimension to copy");
      shape.push_back(in[i]);
    } else if (d == -1) {
      if (inferred >= 0)
        return g.error("more than one -1 in the shape");
      inferred = shape.size();
      shape.push_back(ShapedType::kDynamic);
    } else {
      shape.push_back(d);
    }
  }
  if (inferred >= 0) {
    int64_t known = llm::staticElementCount(shape);
    if (!typeOf(*x).hasStaticShape()) // -1 is then known only at run time
      return reshapeToRunTimeShape(g, *x, *targetValue);
    if (known == 0 || typeOf(*x).getNumElements() % known)
      return g.error("cannot infer the -1 dimension");
    shape[inferred] = typeOf(*x).getNumElements() / known;
  }
  if (llm::countDynamicDims(shape) != llm::countDynamicDims(in) ||
      llm::staticElementCount(shape) != llm::staticElementCount(in))
    return g.error("cannot reshape " + llm::formatShape(in) + " to " + llm::formatShape(shape));
  return g.setOutput(0, reshapeTo(g, *x, shape));
}

Error translateTranspose(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t rank = typeOf(*x).getRank();
  std::vector<int64_t> perm;
  if (std::optional<std::vector<int64_t>> attr = g.intsAttr("perm"))
    perm = *attr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (!llm::isPermutation(perm, rank))
    return g.error("perm is not a permutation of the dimensions");
  OpBuilder &b = g.builder();
  return g.setOutput(0, b.create<llm::TransposeOp>(g.loc(), *x, b.getDenseI64ArrayAttr(perm)));
}

Error translateConcat(GraphImporter &g) {
  llvm::SmallVector<Value> inputs;
  for (int i = 0; i < g.node().input_size(); ++i) {
    LLMC_REQUIRE(v, g.input(i));
    if (typeOf(*v).getNumElements() != 0 || !typeOf(*v).hasStaticShape())
      inputs.push_back(*v);
  }
  if (inputs.empty())
    return g.error("Concat of empty tensors only");
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), typeOf(inputs[0]).getRank()));
  if (inputs.size() == 1)
    return g.setOutput(0, inputs[0]);
  return g.setOutput(0, g.builder().create<llm::ConcatOp>(g.loc(), inputs, *axis));
}

/// A static slice of `x` along `dims`.
Value sliceOf(GraphImporter &g, Value x, llvm::ArrayRef<int64_t> dims,
              llvm::ArrayRef<int64_t> starts, llvm::ArrayRef<int64_t> limits,
              llvm::ArrayRef<int64_t> steps) {
  RankedTensorType type = typeOf(x);
  llvm::SmallVector<int64_t> shape(type.getShape());
  for (size_t k = 0; k < dims.size(); ++k)
    if (!ShapedType::isDynamic(shape[dims[k]]))
      shape[dims[k]] = llm::sliceSize(shape[dims[k]], starts[k], limits[k], steps[k]);
  OpBuilder &b = g.builder();
  bool unitSteps = llvm::all_of(steps, [](int64_t s) { return s == 1; });
  return b.create<llm::SliceOp>(g.loc(), RankedTensorType::get(shape, type.getElementType()), x,
                                b.getDenseI64ArrayAttr(dims), b.getDenseI64ArrayAttr(starts),
                                b.getDenseI64ArrayAttr(limits),
                                unitSteps ? nullptr : b.getDenseI64ArrayAttr(steps));
}

/// The dimensions and steps of a Slice with `count` bounds: inputs 3
/// (axes; default 0, 1, ...) and 4 (steps; default 1), known at import time.
llvm::Expected<std::pair<llvm::SmallVector<int64_t>, std::vector<int64_t>>>
sliceDimsAndSteps(GraphImporter &g, int64_t count, int64_t rank) {
  std::vector<int64_t> axes, steps(count, 1);
  if (g.hasInput(3)) {
    LLMC_REQUIRE(a, g.intsInput(3, "axes"));
    axes = *a;
  } else {
    for (int64_t i = 0; i < count; ++i)
      axes.push_back(i);
  }
  if (g.hasInput(4)) {
    LLMC_REQUIRE(st, g.intsInput(4, "steps"));
    steps = *st;
  }
  if (int64_t(axes.size()) != count || int64_t(steps.size()) != count)
    return g.error("starts, ends, axes and steps differ in length");
  if (llvm::is_contained(steps, 0))
    return g.error("a Slice step is 0");
  llvm::SmallVector<int64_t> dims;
  for (int64_t a : axes) {
    LLMC_REQUIRE(d, normaliseAxis(g, a, rank));
    dims.push_back(*d);
  }
  return std::make_pair(dims, steps);
}

/// Slice whose starts or ends are known only at run time (axes and steps
/// must be constants, the steps positive).
Error sliceAtRunTime(GraphImporter &g, Value x) {
  LLMC_REQUIRE(startsValue, g.input(1));
  LLMC_REQUIRE(endsValue, g.input(2));
  int64_t count = typeOf(*startsValue).getRank() == 1 ? typeOf(*startsValue).getDimSize(0) : -1;
  if (count < 0 || ShapedType::isDynamic(count))
    return g.error("run-time Slice bounds must be 1-D with a static length");
  LLMC_REQUIRE(spec, sliceDimsAndSteps(g, count, typeOf(x).getRank()));
  auto &[dims, steps] = *spec;
  if (llvm::any_of(steps, [](int64_t s) { return s < 0; }))
    return g.error("a negative Slice step needs starts and ends known at import time");
  llvm::SmallVector<int64_t> shape(typeOf(x).getShape());
  for (int64_t d : dims)
    shape[d] = ShapedType::kDynamic;
  OpBuilder &b = g.builder();
  auto asI64 = [&](Value v) { return castTo(g, v, b.getI64Type()); };
  bool unitSteps = llvm::all_of(steps, [](int64_t s) { return s == 1; });
  return g.setOutput(0, b.create<llm::DynamicSliceOp>(
                            g.loc(), RankedTensorType::get(shape, typeOf(x).getElementType()), x,
                            asI64(*startsValue), asI64(*endsValue), b.getDenseI64ArrayAttr(dims),
                            unitSteps ? nullptr : b.getDenseI64ArrayAttr(steps)));
}

/// The indices a negative step selects from a dimension of size n (ONNX:
/// start clamped to [0, n - 1], end to [-1, n - 1]).
std::vector<int64_t> reverseSliceIndices(int64_t n, int64_t start, int64_t end, int64_t step) {
  start = std::clamp<int64_t>(start < 0 ? start + n : start, 0, n - 1);
  end = std::clamp<int64_t>(end < 0 ? end + n : end, -1, n - 1);
  std::vector<int64_t> indices;
  for (int64_t i = start; i > end; i += step)
    indices.push_back(i);
  return indices;
}

Error translateSlice(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (g.getOpset() < 10)
    return g.error("Slice before opset 10 (bounds as attributes) is not supported");
  LLMC_REQUIRE(startsValue, g.input(1));
  LLMC_REQUIRE(endsValue, g.input(2));
  if (!g.constantValue(*startsValue) || !g.constantValue(*endsValue))
    return sliceAtRunTime(g, *x);
  LLMC_REQUIRE(starts, g.intsInput(1));
  LLMC_REQUIRE(ends, g.intsInput(2));
  if (ends->size() != starts->size())
    return g.error("starts, ends, axes and steps differ in length");
  LLMC_REQUIRE(spec, sliceDimsAndSteps(g, starts->size(), typeOf(*x).getRank()));
  auto &[dims, steps] = *spec;
  // Positive steps: one llm.slice; each negative step: a gather of the
  // indices it selects (reversed order), which needs a static dimension.
  llvm::SmallVector<int64_t> fDims, fStarts, fEnds, fSteps;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (steps[k] < 0)
      continue;
    fDims.push_back(dims[k]), fStarts.push_back((*starts)[k]);
    fEnds.push_back((*ends)[k]), fSteps.push_back(steps[k]);
  }
  Value r = *x;
  if (!fDims.empty())
    r = sliceOf(g, r, fDims, fStarts, fEnds, fSteps);
  for (size_t k = 0; k < dims.size(); ++k) {
    if (steps[k] > 0)
      continue;
    int64_t n = typeOf(r).getDimSize(dims[k]);
    if (ShapedType::isDynamic(n))
      return g.error("a negative Slice step on dimension " + llvm::Twine(dims[k]) +
                     " of dynamic size is not supported");
    std::vector<int64_t> indices = reverseSliceIndices(n, (*starts)[k], (*ends)[k], steps[k]);
    int64_t m = indices.size();
    Value at = g.constant(Tensor::fromInts(DType::I64, {m}, std::move(indices)), g.builder().getI64Type());
    r = g.builder().create<llm::GatherOp>(g.loc(), r, at, dims[k]);
  }
  return g.setOutput(0, r);
}

Error translateSplit(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t rank = typeOf(*x).getRank();
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), rank));
  int64_t size = typeOf(*x).getDimSize(*axis);
  std::vector<int64_t> sizes;
  if (g.hasInput(1)) {
    LLMC_REQUIRE(s, g.intsInput(1, "split sizes"));
    sizes = *s;
  } else if (std::optional<std::vector<int64_t>> attr = g.intsAttr("split")) {
    sizes = *attr;
  } else {
    if (ShapedType::isDynamic(size))
      return g.error("an even Split of a dynamic dimension is not supported");
    int64_t parts = g.intAttr("num_outputs", g.numOutputs());
    int64_t chunk = (size + parts - 1) / parts;
    for (int64_t p = 0, left = size; p < parts; ++p, left -= chunk)
      sizes.push_back(std::min(chunk, left));
  }
  int64_t start = 0;
  for (auto [i, s] : llvm::enumerate(sizes)) {
    if (Error e = g.setOutput(i, sliceOf(g, *x, {*axis}, {start}, {start + s}, {1})))
      return e;
    start += s;
  }
  return Error::success();
}

/// Axes of Unsqueeze/Squeeze: input 1 (opset 13+) or the attribute.
llvm::Expected<std::vector<int64_t>> axesOf(GraphImporter &g) {
  if (g.hasInput(1))
    return g.intsInput(1, "axes");
  return g.intsAttr("axes").value_or(std::vector<int64_t>{});
}

Error translateUnsqueeze(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(axes, axesOf(g));
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size() + axes->size();
  llvm::SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    LLMC_REQUIRE(d, normaliseAxis(g, a, rank));
    inserted[*d] = true;
  }
  llvm::SmallVector<int64_t> shape;
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : in[next++]);
  return g.setOutput(0, reshapeTo(g, *x, shape));
}

Error translateSqueeze(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(axes, axesOf(g));
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  llvm::SmallVector<bool> removed(in.size(), axes->empty());
  if (axes->empty())
    for (size_t d = 0; d < in.size(); ++d)
      removed[d] = in[d] == 1;
  for (int64_t a : *axes) {
    LLMC_REQUIRE(d, normaliseAxis(g, a, in.size()));
    if (in[*d] != 1)
      return g.error("cannot squeeze dimension " + llvm::Twine(*d) + " of size " +
                     llvm::Twine(in[*d]));
    removed[*d] = true;
  }
  llvm::SmallVector<int64_t> shape;
  for (size_t d = 0; d < in.size(); ++d)
    if (!removed[d])
      shape.push_back(in[d]);
  return g.setOutput(0, reshapeTo(g, *x, shape));
}

/// Expand to a shape known only at run time (bidirectional broadcast: an
/// entry of 1 keeps the input dimension).
Error expandToRunTimeShape(GraphImporter &g, Value x, Value target) {
  std::vector<std::optional<int64_t>> known = knownEntries(g, target);
  int64_t inRank = typeOf(x).getRank(), n = known.size();
  int64_t rank = std::max(inRank, n);
  llvm::SmallVector<Value> pieces;
  for (int64_t j = 0; j < rank; ++j) {
    int64_t e = j - (rank - n), d = j - (rank - inRank);
    if (e < 0 || known[e] == 1)
      pieces.push_back(d < 0 ? entryConstant(g, 1) : dimEntry(g, x, d));
    else if (known[e] || d < 0 || typeOf(x).getDimSize(d) == 1)
      pieces.push_back(shapeEntry(g, target, e, known));
    else // one of the two is 1 at run time: the larger is the size
      pieces.push_back(g.builder().create<llm::MaximumOp>(
          g.loc(), shapeEntry(g, target, e, known), dimEntry(g, x, d)));
  }
  llvm::SmallVector<int64_t> shape;
  for (Value p : pieces)
    shape.push_back(staticSizeOf(g, p));
  auto type = RankedTensorType::get(shape, typeOf(x).getElementType());
  return g.setOutput(0, g.builder().create<llm::BroadcastToOp>(g.loc(), type, x,
                                                               joinEntries(g, pieces)));
}

Error translateExpand(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(targetValue, g.input(1));
  if (!g.constantValue(*targetValue))
    return expandToRunTimeShape(g, *x, *targetValue);
  LLMC_REQUIRE(target, g.intsInput(1));
  // Bidirectional broadcast of the input shape and the requested shape.
  std::optional<llvm::SmallVector<int64_t>> shape =
      llm::broadcastShapes(typeOf(*x).getShape(), *target);
  if (!shape)
    return g.error("cannot expand " + llm::formatShape(typeOf(*x).getShape()) + " to " +
                   llm::formatShape(*target));
  auto type = RankedTensorType::get(*shape, typeOf(*x).getElementType());
  if (type == x->getType())
    return g.setOutput(0, *x);
  return g.setOutput(0, g.builder().create<llm::BroadcastToOp>(g.loc(), type, *x));
}

Error translateWhere(GraphImporter &g) {
  LLMC_REQUIRE(c, g.input(0));
  LLMC_REQUIRE(t, g.input(1));
  LLMC_REQUIRE(f, g.input(2));
  return g.setOutput(0, g.builder().create<llm::WhereOp>(g.loc(), *c, *t, *f));
}

Error translateShape(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  int64_t rank = shape.size();
  int64_t start = g.intAttr("start", 0), end = g.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  // Static dimensions are constants; dynamic ones are read at run time.
  llvm::SmallVector<Value> pieces;
  for (int64_t d = start; d < end; ++d)
    pieces.push_back(dimEntry(g, *x, d));
  if (pieces.empty())
    return g.setOutput(0, g.constant(Tensor::fromInts(DType::I64, {0}, {}),
                                     g.builder().getI64Type()));
  return g.setOutput(0, joinEntries(g, pieces));
}

/// Size: the element count as a 0-D i64, from the static shape or the
/// product of the dimensions at run time.
Error translateSize(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  return g.setOutput(0, reshapeTo(g, productOfDims(g, *x, 0, typeOf(*x).getRank()), {}));
}

/// Flatten: [d0 * ... * d(axis-1), d(axis) * ... * d(rank-1)].
Error translateFlatten(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t rank = typeOf(*x).getRank(), axis = g.intAttr("axis", 1);
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a > rank)
    return g.error("axis " + llvm::Twine(axis) + " is out of range for rank " + llvm::Twine(rank));
  Value pieces[] = {productOfDims(g, *x, 0, a), productOfDims(g, *x, a, rank)};
  llvm::SmallVector<int64_t> shape = {staticSizeOf(g, pieces[0]), staticSizeOf(g, pieces[1])};
  if (llm::countDynamicDims(shape) == 0)
    return g.setOutput(0, reshapeTo(g, *x, shape));
  auto type = RankedTensorType::get(shape, typeOf(*x).getElementType());
  return g.setOutput(0, g.builder().create<llm::ReshapeOp>(g.loc(), type, *x,
                                                           joinEntries(g, pieces)));
}

Error translateConstantOfShape(GraphImporter &g) {
  Tensor fill = Tensor::fromFloats(DType::F32, {1}, {0.0f});
  Type element = g.builder().getF32Type();
  if (const onnx::AttributeProto *a = g.attribute("value")) {
    LLMC_REQUIRE(values, g.tensorValues(a->t()));
    LLMC_REQUIRE(type, g.elementType(a->t().data_type()));
    fill = *values;
    element = *type;
  }
  LLMC_REQUIRE(shapeValue, g.input(0));
  if (!g.constantValue(*shapeValue)) {
    // A run-time shape: broadcast the fill value to it.
    std::vector<std::optional<int64_t>> known = knownEntries(g, *shapeValue);
    llvm::SmallVector<Value> pieces;
    llvm::SmallVector<int64_t> dims;
    for (int64_t i = 0; i < int64_t(known.size()); ++i) {
      pieces.push_back(shapeEntry(g, *shapeValue, i, known));
      dims.push_back(staticSizeOf(g, pieces.back()));
    }
    Tensor scalar = fill.isFloat() ? Tensor::fromFloats(fill.dtype(), {}, {fill.floats()[0]})
                                   : Tensor::fromInts(fill.dtype(), {}, {fill.ints()[0]});
    auto type = RankedTensorType::get(dims, element);
    return g.setOutput(0, g.builder().create<llm::BroadcastToOp>(
                              g.loc(), type, g.constant(scalar, element), joinEntries(g, pieces)));
  }
  LLMC_REQUIRE(shape, g.intsInput(0));
  int64_t count = numElements(*shape);
  Tensor t = fill.isFloat()
                 ? Tensor::fromFloats(fill.dtype(), *shape, std::vector<float>(count, fill.floats()[0]))
                 : Tensor::fromInts(fill.dtype(), *shape, std::vector<int64_t>(count, fill.ints()[0]));
  return g.setOutput(0, g.constant(t, element));
}

/// Range with bounds known only at run time (a constant delta):
/// start + iota(n) * delta, n = max(ceil((limit - start) / delta), 0).
Error rangeAtRunTime(GraphImporter &g) {
  LLMC_REQUIRE(start, g.input(0));
  LLMC_REQUIRE(limit, g.input(1));
  LLMC_REQUIRE(delta, g.constantInput(2, "delta"));
  OpBuilder &b = g.builder();
  Location loc = g.loc();
  Type i64 = b.getI64Type(), element = typeOf(*start).getElementType();
  if (delta->isFloat() ? delta->floats()[0] == 0 : delta->ints()[0] == 0)
    return g.error("Range with delta 0");
  if (typeOf(*limit).getElementType() != element)
    return g.error("Range's start and limit have different element types");
  Value s0 = reshapeTo(g, *start, {}), s1 = reshapeTo(g, *limit, {});
  Value count, step;
  if (delta->isFloat()) {
    step = g.scalarLike(s0, delta->floats()[0]);
    Value n = b.create<llm::CeilOp>(loc, b.create<llm::DivOp>(loc, b.create<llm::SubOp>(loc, s1, s0), step));
    count = castTo(g, b.create<llm::MaximumOp>(loc, n, g.scalarLike(n, 0)), i64);
  } else {
    // In i64; integer division truncates: ceil(a / d) = (a + d - sign(d)) / d.
    int64_t d = delta->ints()[0];
    s0 = castTo(g, s0, i64), s1 = castTo(g, s1, i64);
    auto scalar = [&](int64_t v) { return g.constant(Tensor::fromInts(DType::I64, {}, {v}), i64); };
    Value span = b.create<llm::SubOp>(loc, s1, s0);
    count = b.create<llm::DivOp>(loc, b.create<llm::AddOp>(loc, span, scalar(d > 0 ? d - 1 : d + 1)),
                                 scalar(d));
    count = b.create<llm::MaximumOp>(loc, count, scalar(0));
    step = scalar(d);
  }
  Value values = castTo(g, b.create<llm::IotaOp>(loc, count), typeOf(s0).getElementType());
  values = b.create<llm::AddOp>(loc, b.create<llm::MulOp>(loc, values, step), s0);
  return g.setOutput(0, castTo(g, values, element));
}

Error translateRange(GraphImporter &g) {
  LLMC_REQUIRE(startValue, g.input(0));
  LLMC_REQUIRE(limitValue, g.input(1));
  if (!g.constantValue(*startValue) || !g.constantValue(*limitValue))
    return rangeAtRunTime(g);
  LLMC_REQUIRE(start, g.constantInput(0));
  LLMC_REQUIRE(limit, g.constantInput(1));
  LLMC_REQUIRE(delta, g.constantInput(2, "delta"));
  auto value = [](const Tensor &t) { return t.isFloat() ? double(t.floats()[0]) : double(t.ints()[0]); };
  double s = value(*start), l = value(*limit), d = value(*delta);
  if (d == 0)
    return g.error("Range with delta 0");
  int64_t n = std::max<int64_t>(int64_t(std::ceil((l - s) / d)), 0);
  Type element = typeOf(*g.input(0)).getElementType();
  if (start->isFloat()) {
    std::vector<float> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = float(s + i * d);
    return g.setOutput(0, g.constant(Tensor::fromFloats(start->dtype(), {n}, v), element));
  }
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = int64_t(s) + i * int64_t(d);
  return g.setOutput(0, g.constant(Tensor::fromInts(start->dtype(), {n}, v), element));
}

Error translateTrilu(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t k = 0;
  Value runTimeK; // a diagonal computed from run-time sizes (a causal offset)
  if (g.hasInput(1)) {
    if (auto ks = g.intsInput(1)) {
      k = ks->empty() ? 0 : (*ks)[0];
    } else {
      llvm::consumeError(ks.takeError());
      LLMC_REQUIRE(kValue, g.input(1));
      if (typeOf(*kValue).getNumElements() != 1)
        return g.error("Trilu's k must hold one value");
      runTimeK = reshapeTo(g, *kValue, {});
    }
  }
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  if (shape.size() < 2)
    return g.error("Trilu needs a matrix (rank at least 2)");
  bool upper = g.intAttr("upper", 1);
  OpBuilder &b = g.builder();
  if (ShapedType::isDynamic(shape[shape.size() - 2]) || ShapedType::isDynamic(shape.back()) ||
      runTimeK) {
    // Sizes or k known at run time: keep where (j - i) >= k (upper) or
    // <= k, with i and j from llm.iota over the two matrix dimensions.
    Location loc = g.loc();
    int64_t rank = shape.size();
    Value rows = b.create<llm::IotaOp>(loc, b.create<llm::DimOp>(loc, *x, b.getI64IntegerAttr(rank - 2)));
    Value cols = b.create<llm::IotaOp>(loc, b.create<llm::DimOp>(loc, *x, b.getI64IntegerAttr(rank - 1)));
    Value i = reshapeTo(g, rows, {ShapedType::kDynamic, 1});
    Value j = reshapeTo(g, cols, {1, ShapedType::kDynamic});
    Value diagonal = b.create<llm::SubOp>(loc, j, i);
    Value kValue = runTimeK ? runTimeK : g.constant(Tensor::fromInts(DType::I64, {}, {k}), b.getI64Type());
    Value keep = b.create<llm::CompareOp>(
        loc, llm::CompareDirectionAttr::get(b.getContext(), upper ? llm::CompareDirection::ge
                                                                  : llm::CompareDirection::le),
        diagonal, kValue);
    return g.setOutput(0, b.create<llm::WhereOp>(loc, keep, *x, g.scalarLike(*x, 0)));
  }
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  std::vector<int64_t> keep(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep[i * cols + j] = upper ? j - i >= k : j - i <= k;
  Value mask = g.constant(Tensor::fromInts(DType::I1, {rows, cols}, keep), b.getI1Type());
  return g.setOutput(0, b.create<llm::WhereOp>(g.loc(), mask, *x, g.scalarLike(*x, 0)));
}

/// CumSum along `axis`: y[.., i, ..] = sum over j of where(keep(i, j),
/// x[.., j, ..], 0), keep being j <= i (j < i exclusive; j >= i, j > i
/// reversed), as one llm.where over [.., i, j, ..] and an llm.reduce_sum
/// over j. O(n^2) in the axis size: meant for position ids from a mask.
Error translateCumSum(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (Error e = expectArithmetic(g, *x))
    return e;
  LLMC_REQUIRE(axisValues, g.intsInput(1, "axis"));
  if (axisValues->size() != 1)
    return g.error("CumSum's axis must hold one value");
  int64_t rank = typeOf(*x).getRank();
  LLMC_REQUIRE(axis, normaliseAxis(g, (*axisValues)[0], rank));
  bool exclusive = g.intAttr("exclusive", 0), reverse = g.intAttr("reverse", 0);
  llm::CompareDirection keep = reverse ? (exclusive ? llm::CompareDirection::gt : llm::CompareDirection::ge)
                                       : (exclusive ? llm::CompareDirection::lt : llm::CompareDirection::le);
  OpBuilder &b = g.builder();
  Location loc = g.loc();
  int64_t n = typeOf(*x).getDimSize(*axis);
  Value mask; // [n (i), n (j)]
  if (ShapedType::isDynamic(n)) {
    Value positions = b.create<llm::IotaOp>(loc, b.create<llm::DimOp>(loc, *x, b.getI64IntegerAttr(*axis)));
    mask = b.create<llm::CompareOp>(loc, llm::CompareDirectionAttr::get(b.getContext(), keep),
                                     reshapeTo(g, positions, {1, n}), reshapeTo(g, positions, {n, 1}));
  } else {
    std::vector<int64_t> bits(n * n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        bits[i * n + j] = keep == llm::CompareDirection::le ? j <= i
                          : keep == llm::CompareDirection::lt ? j < i
                          : keep == llm::CompareDirection::ge ? j >= i
                                                               : j > i;
    mask = g.constant(Tensor::fromInts(DType::I1, {n, n}, bits), b.getI1Type());
  }
  // The mask broadcasts against x with a unit i dimension inserted before
  // the axis: [.., 1, n, rest] and [n, n, 1...].
  llvm::SmallVector<int64_t> maskShape = {n, n}, spread(typeOf(*x).getShape());
  maskShape.append(rank - *axis - 1, 1);
  spread.insert(spread.begin() + *axis, 1);
  Value terms = b.create<llm::WhereOp>(loc, reshapeTo(g, mask, maskShape), reshapeTo(g, *x, spread),
                                       g.scalarLike(*x, 0));
  return g.setOutput(0, b.create<llm::ReduceSumOp>(loc, terms, b.getDenseI64ArrayAttr({*axis + 1}),
                                                   nullptr));
}

Error translateIf(GraphImporter &g) {
  auto cond = g.constantInput(0);
  if (!cond)
    return llvm::joinErrors(g.error("If needs a condition known at import time"),
                            cond.takeError());
  bool taken = cond->isFloat() ? cond->floats()[0] != 0 : cond->ints()[0] != 0;
  const onnx::AttributeProto *branch = g.attribute(taken ? "then_branch" : "else_branch");
  if (!branch)
    return g.error("If without its branches");
  const onnx::NodeProto &node = g.node();
  if (Error e = g.importNodes(branch->g()))
    return e;
  for (int i = 0; i < branch->g().output_size() && i < node.output_size(); ++i) {
    LLMC_REQUIRE(v, g.lookup(branch->g().output(i).name()));
    g.define(node.output(i), *v);
  }
  return Error::success();
}

const llvm::StringMap<NodeTranslation> &translations() {
  static const llvm::StringMap<NodeTranslation> table = {
      {"Abs", translateAbs},
      {"Add", translateAdd},
      {"And", translateAnd},
      {"ArgMax", translateArgMax},
      {"Cast", translateCast},
      {"Ceil", translateCeil},
      {"Clip", translateClip},
      {"Concat", translateConcat},
      {"Constant", translateConstant},
      {"ConstantOfShape", translateConstantOfShape},
      {"Cos", translateCos},
      {"CumSum", translateCumSum},
      {"Div", translateDiv},
      {"Equal", translateEqual},
      {"Erf", translateErf},
      {"Exp", translateExp},
      {"Expand", translateExpand},
      {"Flatten", translateFlatten},
      {"Floor", translateFloor},
      {"Gather", translateGather},
      {"Gemm", translateGemm},
      {"Greater", translateGreater},
      {"GreaterOrEqual", translateGreaterOrEqual},
      {"Identity", translateIdentity},
      {"If", translateIf},
      {"LayerNormalization", translateLayerNormalization},
      {"Less", translateLess},
      {"LessOrEqual", translateLessOrEqual},
      {"Log", translateLog},
      {"MatMul", translateMatMul},
      {"Max", translateMax},
      {"Min", translateMin},
      {"Mul", translateMul},
      {"Neg", translateNeg},
      {"Not", translateNot},
      {"Or", translateOr},
      {"Pow", translatePow},
      {"Range", translateRange},
      {"Reciprocal", translateReciprocal},
      {"ReduceMax", translateReduceMax},
      {"ReduceMean", translateReduceMean},
      {"ReduceMin", translateReduceMin},
      {"ReduceSum", translateReduceSum},
      {"Relu", translateRelu},
      {"Reshape", translateReshape},
      {"Round", translateRound},
      {"Shape", translateShape},
      {"Sigmoid", translateSigmoid},
      {"Sign", translateSign},
      {"Sin", translateSin},
      {"Size", translateSize},
      {"Slice", translateSlice},
      {"Softmax", translateSoftmax},
      {"Split", translateSplit},
      {"Sqrt", translateSqrt},
      {"Squeeze", translateSqueeze},
      {"Sub", translateSub},
      {"Tanh", translateTanh},
      {"Transpose", translateTranspose},
      {"Trilu", translateTrilu},
      {"Unsqueeze", translateUnsqueeze},
      {"Where", translateWhere},
      {"Xor", translateXor},
  };
  return table;
}

} // namespace

NodeTranslation onnximport::lookupTranslation(llvm::StringRef opType) {
  return translations().lookup(opType);
}

std::vector<std::string> onnximport::supportedOpTypes() {
  std::vector<std::string> names;
  for (const auto &entry : translations())
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}

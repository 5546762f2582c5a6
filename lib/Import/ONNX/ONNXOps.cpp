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

Error translatePow(GraphImporter &g) {
  LLMC_REQUIRE(base, g.input(0));
  LLMC_REQUIRE(exponent, g.input(1));
  if (!isa<FloatType>(typeOf(*base).getElementType()))
    return g.error("Pow of an integer base is not supported");
  Value e = *exponent;
  // ONNX lets the exponent have another type: convert it to the base's.
  if (typeOf(e).getElementType() != typeOf(*base).getElementType())
    e = g.builder().create<llm::CastOp>(
        g.loc(), RankedTensorType::get(typeOf(e).getShape(), typeOf(*base).getElementType()), e);
  return g.setOutput(0, g.builder().create<llm::PowOp>(g.loc(), *base, e));
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
    LLMC_REQUIRE(values, g.intsInput(1));
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

Error translateGather(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  LLMC_REQUIRE(indices, g.input(1));
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), typeOf(*x).getRank()));
  return g.setOutput(0, g.builder().create<llm::GatherOp>(g.loc(), *x, *indices, *axis));
}

Error translateReshape(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
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
    if (!typeOf(*x).hasStaticShape())
      return g.error("Reshape with -1 of a tensor with dynamic dimensions is not supported yet");
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

Error translateSlice(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  if (g.getOpset() < 10)
    return g.error("Slice before opset 10 (bounds as attributes) is not supported");
  LLMC_REQUIRE(starts, g.intsInput(1));
  LLMC_REQUIRE(ends, g.intsInput(2));
  int64_t rank = typeOf(*x).getRank();
  std::vector<int64_t> axes, steps(starts->size(), 1);
  if (g.hasInput(3)) {
    LLMC_REQUIRE(a, g.intsInput(3));
    axes = *a;
  } else {
    for (size_t i = 0; i < starts->size(); ++i)
      axes.push_back(i);
  }
  if (g.hasInput(4)) {
    LLMC_REQUIRE(s, g.intsInput(4));
    steps = *s;
  }
  if (axes.size() != starts->size() || ends->size() != starts->size() || steps.size() != starts->size())
    return g.error("starts, ends, axes and steps differ in length");
  llvm::SmallVector<int64_t> dims;
  for (int64_t a : axes) {
    LLMC_REQUIRE(d, normaliseAxis(g, a, rank));
    dims.push_back(*d);
  }
  for (int64_t s : steps)
    if (s <= 0)
      return g.error("negative or zero slice steps are not supported");
  return g.setOutput(0, sliceOf(g, *x, dims, *starts, *ends, steps));
}

Error translateSplit(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
  int64_t rank = typeOf(*x).getRank();
  LLMC_REQUIRE(axis, normaliseAxis(g, g.intAttr("axis", 0), rank));
  int64_t size = typeOf(*x).getDimSize(*axis);
  std::vector<int64_t> sizes;
  if (g.hasInput(1)) {
    LLMC_REQUIRE(s, g.intsInput(1));
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
    return g.intsInput(1);
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

Error translateExpand(GraphImporter &g) {
  LLMC_REQUIRE(x, g.input(0));
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
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) {
    if (ShapedType::isDynamic(shape[d]))
      return g.error("Shape of a dynamic dimension is not supported yet");
    dims.push_back(shape[d]);
  }
  int64_t n = dims.size();
  return g.setOutput(0, g.constant(Tensor::fromInts(DType::I64, {n}, dims),
                                   g.builder().getI64Type()));
}

Error translateConstantOfShape(GraphImporter &g) {
  LLMC_REQUIRE(shape, g.intsInput(0));
  Tensor fill = Tensor::fromFloats(DType::F32, {1}, {0.0f});
  Type element = g.builder().getF32Type();
  if (const onnx::AttributeProto *a = g.attribute("value")) {
    LLMC_REQUIRE(values, g.tensorValues(a->t()));
    LLMC_REQUIRE(type, g.elementType(a->t().data_type()));
    fill = *values;
    element = *type;
  }
  int64_t count = numElements(*shape);
  Tensor t = fill.isFloat()
                 ? Tensor::fromFloats(fill.dtype(), *shape, std::vector<float>(count, fill.floats()[0]))
                 : Tensor::fromInts(fill.dtype(), *shape, std::vector<int64_t>(count, fill.ints()[0]));
  return g.setOutput(0, g.constant(t, element));
}

Error translateRange(GraphImporter &g) {
  LLMC_REQUIRE(start, g.constantInput(0));
  LLMC_REQUIRE(limit, g.constantInput(1));
  LLMC_REQUIRE(delta, g.constantInput(2));
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
  if (g.hasInput(1)) {
    LLMC_REQUIRE(ks, g.intsInput(1));
    k = ks->empty() ? 0 : (*ks)[0];
  }
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  if (shape.size() < 2 || ShapedType::isDynamic(shape[shape.size() - 2]) ||
      ShapedType::isDynamic(shape.back()))
    return g.error("Trilu needs static matrix dimensions");
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  bool upper = g.intAttr("upper", 1);
  std::vector<int64_t> keep(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep[i * cols + j] = upper ? j - i >= k : j - i <= k;
  OpBuilder &b = g.builder();
  Value mask = g.constant(Tensor::fromInts(DType::I1, {rows, cols}, keep), b.getI1Type());
  return g.setOutput(0, b.create<llm::WhereOp>(g.loc(), mask, *x, g.scalarLike(*x, 0)));
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
      {"ArgMax", translateArgMax},
      {"Cast", translateCast},
      {"Concat", translateConcat},
      {"Constant", translateConstant},
      {"ConstantOfShape", translateConstantOfShape},
      {"Cos", translateCos},
      {"Div", translateDiv},
      {"Equal", translateEqual},
      {"Erf", translateErf},
      {"Exp", translateExp},
      {"Expand", translateExpand},
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
      {"Pow", translatePow},
      {"Range", translateRange},
      {"Reciprocal", translateReciprocal},
      {"ReduceMax", translateReduceMax},
      {"ReduceMean", translateReduceMean},
      {"ReduceMin", translateReduceMin},
      {"ReduceSum", translateReduceSum},
      {"Reshape", translateReshape},
      {"Shape", translateShape},
      {"Sigmoid", translateSigmoid},
      {"Sin", translateSin},
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

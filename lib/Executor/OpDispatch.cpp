//===- OpDispatch.cpp - llm ops onto the reference kernels ----------------===//
//
// The only place that knows both an llm op and its kernel: it reads the
// op's attributes and declared types, resolves what MLIR types leave to run
// time (dynamic result sizes, shape operands) and calls the kernel.
//
//===----------------------------------------------------------------------===//
#include "OpDispatch.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Reference/Kernels.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

std::string exec::locationOf(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto loc = dyn_cast<FileLineColLoc>(op->getLoc()))
    os << loc.getFilename().getValue() << ":" << loc.getLine() << ":" << loc.getColumn() << ": ";
  os << "'" << op->getName() << "': ";
  return text;
}

namespace {

using ref::KernelResult;

ref::CompareFn compareFn(llm::CompareDirection direction) {
  switch (direction) {
  case llm::CompareDirection::eq:
    return ref::CompareFn::EQ;
  case llm::CompareDirection::ne:
    return ref::CompareFn::NE;
  case llm::CompareDirection::lt:
    return ref::CompareFn::LT;
  case llm::CompareDirection::le:
    return ref::CompareFn::LE;
  case llm::CompareDirection::gt:
    return ref::CompareFn::GT;
  case llm::CompareDirection::ge:
    return ref::CompareFn::GE;
  }
  llvm_unreachable("every comparison is handled");
}

/// One op's call: its operands, declared result and policy.
struct OpCall {
  Operation *op;
  llvm::ArrayRef<Tensor> operands;
  const ref::Numerics &num;

  const Tensor &in(unsigned i) const { return operands[i]; }
  const Tensor *optionalIn(unsigned i) const {
    return i < operands.size() ? &operands[i] : nullptr;
  }
  RankedTensorType resultType() const { return cast<RankedTensorType>(op->getResult(0).getType()); }
  DType result() const { return *dtypeOf(resultType().getElementType()); }

  /// The entries of a run-time shape operand, checked against the result
  /// type.
  llvm::Expected<ref::Shape> shapeOperand(const Tensor &shape) const {
    ref::Shape dims(shape.ints(), shape.ints() + shape.size());
    RankedTensorType type = resultType();
    for (int64_t d = 0; d < int64_t(dims.size()); ++d)
      if (dims[d] < 0 || (!type.isDynamicDim(d) && type.getDimSize(d) != dims[d]))
        return ref::kernelError("shape entry " + llvm::Twine(d) + " is " + llvm::Twine(dims[d]) +
                                ", the result type says " +
                                (type.isDynamicDim(d) ? std::string("a size >= 0")
                                                      : std::to_string(type.getDimSize(d))));
    return dims;
  }

  KernelResult reshape(llm::ReshapeOp) const {
    if (operands.size() > 1) {
      llvm::Expected<ref::Shape> shape = shapeOperand(in(1));
      if (!shape)
        return shape.takeError();
      return ref::reshape(in(0), *shape);
    }
    // The k-th dynamic result dimension is the k-th dynamic input
    // dimension.
    auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
    llvm::SmallVector<int64_t> dynamicSizes;
    for (int64_t d = 0; d < in(0).rank(); ++d)
      if (inType.isDynamicDim(d))
        dynamicSizes.push_back(in(0).dim(d));
    ref::Shape shape(resultType().getShape());
    size_t next = 0;
    for (int64_t &d : shape)
      if (ShapedType::isDynamic(d))
        d = dynamicSizes[next++];
    return ref::reshape(in(0), shape);
  }

  KernelResult broadcastTo(llm::BroadcastToOp) const {
    ref::Shape shape(resultType().getShape());
    if (operands.size() > 1) {
      llvm::Expected<ref::Shape> given = shapeOperand(in(1));
      if (!given)
        return given.takeError();
      shape = *given;
    }
    // A dynamic result size is the input's.
    size_t lead = shape.size() - in(0).rank();
    for (size_t d = 0; d < shape.size(); ++d)
      if (ShapedType::isDynamic(shape[d]))
        shape[d] = d < lead ? 1 : in(0).dim(d - lead);
    return ref::broadcastTo(in(0), shape);
  }

  KernelResult constant(llm::ConstantOp c) const {
    std::optional<Tensor> tensor = tensorFromAttr(c.getValue(), resultType());
    if (!tensor)
      return ref::kernelError("only dense constants and f32 dense_resource constants with "
                              "their data are supported");
    if (!tensor->isFloat())
      return *tensor;
    // On an FP16 device a float constant is held as f16 like every value.
    return num.make(tensor->dtype(), tensor->shape(),
                    std::vector<float>(tensor->floats(), tensor->floats() + tensor->size()));
  }

  KernelResult run() const {
    using namespace llm;
    auto unary = [&](ref::UnaryFn fn) { return ref::unary(num, fn, in(0), result()); };
    auto binary = [&](ref::BinaryFn fn) {
      return ref::binary(num, fn, in(0), in(1), result());
    };
    auto reduce = [&](ref::ReduceFn fn, auto op) {
      return ref::reduce(num, fn, in(0), op.getDims(), op.getKeepDims(), result());
    };
    return llvm::TypeSwitch<Operation *, KernelResult>(op)
        .Case([&](NegOp) { return unary(ref::UnaryFn::Neg); })
        .Case([&](AbsOp) { return unary(ref::UnaryFn::Abs); })
        .Case([&](ExpOp) { return unary(ref::UnaryFn::Exp); })
        .Case([&](LogOp) { return unary(ref::UnaryFn::Log); })
        .Case([&](SqrtOp) { return unary(ref::UnaryFn::Sqrt); })
        .Case([&](RsqrtOp) { return unary(ref::UnaryFn::Rsqrt); })
        .Case([&](ReciprocalOp) { return unary(ref::UnaryFn::Reciprocal); })
        .Case([&](TanhOp) { return unary(ref::UnaryFn::Tanh); })
        .Case([&](ErfOp) { return unary(ref::UnaryFn::Erf); })
        .Case([&](SigmoidOp) { return unary(ref::UnaryFn::Sigmoid); })
        .Case([&](CosOp) { return unary(ref::UnaryFn::Cos); })
        .Case([&](SinOp) { return unary(ref::UnaryFn::Sin); })
        .Case([&](FloorOp) { return unary(ref::UnaryFn::Floor); })
        .Case([&](CeilOp) { return unary(ref::UnaryFn::Ceil); })
        .Case([&](RoundOp) { return unary(ref::UnaryFn::Round); })
        .Case([&](AddOp) { return binary(ref::BinaryFn::Add); })
        .Case([&](SubOp) { return binary(ref::BinaryFn::Sub); })
        .Case([&](MulOp) { return binary(ref::BinaryFn::Mul); })
        .Case([&](DivOp) { return binary(ref::BinaryFn::Div); })
        .Case([&](PowOp) { return binary(ref::BinaryFn::Pow); })
        .Case([&](MaximumOp) { return binary(ref::BinaryFn::Maximum); })
        .Case([&](MinimumOp) { return binary(ref::BinaryFn::Minimum); })
        .Case([&](CompareOp c) { return ref::compare(compareFn(c.getDirection()), in(0), in(1)); })
        .Case([&](WhereOp) { return ref::where(num, in(0), in(1), in(2), result()); })
        .Case([&](CastOp) { return ref::cast(num, in(0), result()); })
        .Case([&](GeluOp g) {
          return ref::gelu(num,
                           g.getApproximation() == GeluApproximation::tanh ? ref::GeluForm::Tanh
                                                                           : ref::GeluForm::Erf,
                           in(0), result());
        })
        .Case([&](SiluOp) { return ref::silu(num, in(0), result()); })
        .Case([&](SwiGLUOp) { return ref::swiglu(num, in(0), in(1), result()); })
        .Case([&](LinearOp l) {
          return ref::linear(num, in(0), in(1), optionalIn(2),
                             l.getWeightLayout() == llm::WeightLayout::in_out
                                 ? ref::WeightLayout::InOut
                                 : ref::WeightLayout::OutIn,
                             result());
        })
        .Case([&](MatmulOp) { return ref::matmul(num, in(0), in(1), result()); })
        .Case([&](RMSNormOp n) {
          return ref::rmsNorm(num, in(0), in(1), n.getEpsilon().convertToDouble(), result());
        })
        .Case([&](LayerNormOp n) {
          return ref::layerNorm(num, in(0), in(1), optionalIn(2),
                                n.getEpsilon().convertToDouble(), result());
        })
        .Case([&](SoftmaxOp s) { return ref::softmax(num, in(0), s.getDim(), result()); })
        .Case([&](ReduceSumOp r) { return reduce(ref::ReduceFn::Sum, r); })
        .Case([&](ReduceMeanOp r) { return reduce(ref::ReduceFn::Mean, r); })
        .Case([&](ReduceMaxOp r) { return reduce(ref::ReduceFn::Max, r); })
        .Case([&](ReduceMinOp r) { return reduce(ref::ReduceFn::Min, r); })
        .Case([&](ArgMaxOp a) { return ref::argmax(in(0), a.getDim(), a.getKeepDims()); })
        .Case([&](RopeOp r) {
          llvm::SmallVector<double> inverse = r.computeInverseFrequencies();
          ref::RopeParams params{std::vector<double>(inverse.begin(), inverse.end()),
                                 r.computeMagnitude(),
                                 r.getLayout() == RopeLayout::interleaved};
          return ref::rope(num, in(0), in(1), params, result());
        })
        .Case([&](AttentionOp a) {
          ref::AttentionParams params{a.getScale().convertToDouble(), a.getCausal(), {}};
          if (std::optional<llvm::ArrayRef<int64_t>> map = a.getKvHeadMap())
            params.kvHeadMap.assign(map->begin(), map->end());
          return ref::attention(num, in(0), in(1), in(2), optionalIn(3), params, result());
        })
        .Case([&](MLAAttentionOp a) {
          ref::AttentionParams params{a.getScale().convertToDouble(), a.getCausal(), {}};
          return ref::mlaAttention(num, in(0), in(1), in(2), in(3), in(4),
                                   a.getMask() ? &in(5) : nullptr, params, result());
        })
        .Case([&](EmbeddingOp) { return ref::embedding(num, in(0), in(1), result()); })
        .Case([&](ReshapeOp r) { return reshape(r); })
        .Case([&](TransposeOp t) { return ref::transpose(in(0), t.getPermutation()); })
        .Case([&](ConcatOp c) { return ref::concat(operands, c.getDim()); })
        .Case([&](KVAppendOp) { return ref::kvAppend(in(0), in(1)); })
        .Case([&](CacheUpdateOp) {
          return ref::cacheUpdate(num, in(0), in(1), in(2).ints()[0], in(3).ints()[0], result());
        })
        .Case([&](SliceOp s) {
          std::optional<llvm::ArrayRef<int64_t>> steps;
          if (s.getSteps())
            steps = *s.getSteps();
          return ref::slice(in(0), s.getDims(), s.getStarts(), s.getLimits(), steps);
        })
        .Case([&](DynamicSliceOp s) {
          std::optional<llvm::ArrayRef<int64_t>> steps;
          if (s.getSteps())
            steps = *s.getSteps();
          return ref::slice(in(0), s.getDims(), llvm::ArrayRef(in(1).ints(), in(1).size()),
                            llvm::ArrayRef(in(2).ints(), in(2).size()), steps);
        })
        .Case([&](GatherOp g) { return ref::gather(in(0), in(1), g.getDim()); })
        .Case([&](BroadcastToOp b) { return broadcastTo(b); })
        .Case([&](ConstantOp c) { return constant(c); })
        // A size is a shape query, not a computation: no kernel of its own.
        .Case([&](DimOp d) -> KernelResult {
          return Tensor::fromInts(DType::I64, {}, {in(0).dim(d.getDim())});
        })
        .Case([&](IotaOp) { return ref::iota(in(0).ints()[0]); })
        .Default([&](Operation *) -> KernelResult {
          unsupported = true;
          return ref::kernelError("the reference executor does not implement this op");
        });
  }

  /// Set by run() for an op without a kernel.
  mutable bool unsupported = false;
};

} // namespace

std::optional<Tensor> exec::dispatchOp(Operation *op, llvm::ArrayRef<Tensor> operands,
                                       const ref::Numerics &numerics, RunError &error) {
  OpCall call{op, operands, numerics};
  KernelResult result = call.run();
  if (!result) {
    error = {call.unsupported ? RunError::Unsupported : RunError::BadInput,
             locationOf(op) + llvm::toString(result.takeError())};
    return std::nullopt;
  }
  return std::move(*result);
}

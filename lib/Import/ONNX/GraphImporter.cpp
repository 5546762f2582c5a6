//===- GraphImporter.cpp - ONNX graphs to llm ops -------------------------===//
#include "GraphImporter.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Executor/Executor.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;
using namespace llmc::ref;
using namespace llmc::onnximport;

llvm::Error GraphImporter::error(const llvm::Twine &message) const {
  std::string where = current ? "node '" + current->name() + "' (" + current->op_type() +
                                    ", opset " + std::to_string(opset) + "): "
                              : "";
  return llvm::createStringError(llvm::inconvertibleErrorCode(), where + message);
}

llvm::Expected<Value> GraphImporter::lookup(const std::string &name) const {
  auto it = values.find(name);
  if (it == values.end())
    return error("input '" + name + "' is not defined before its use");
  return it->second;
}

bool GraphImporter::hasInput(int i) const {
  return i < current->input_size() && !current->input(i).empty();
}

llvm::Expected<Value> GraphImporter::input(int i) {
  if (!hasInput(i))
    return error("missing input #" + llvm::Twine(i));
  return lookup(current->input(i));
}

std::optional<Tensor> GraphImporter::constantValue(Value value) const {
  auto op = value.getDefiningOp<llm::ConstantOp>();
  if (!op)
    return std::nullopt;
  return tensorFromAttr(op.getValue(), cast<RankedTensorType>(value.getType()));
}

llvm::Expected<Tensor> GraphImporter::constantInput(int i, llvm::StringRef role) {
  llvm::Expected<Value> value = input(i);
  if (!value)
    return value.takeError();
  std::optional<Tensor> tensor = constantValue(*value);
  if (!tensor)
    return error("input #" + llvm::Twine(i) + " ('" + current->input(i) + "'" +
                 (role.empty() ? "" : ", the " + role) +
                 ") must be known at import time (a constant, an initializer "
                 "or a bound input)");
  return *tensor;
}

llvm::Expected<std::vector<int64_t>> GraphImporter::intsInput(int i, llvm::StringRef role) {
  llvm::Expected<Tensor> tensor = constantInput(i, role);
  if (!tensor)
    return tensor.takeError();
  if (tensor->isFloat())
    return error("input #" + llvm::Twine(i) + " must hold integers");
  return std::vector<int64_t>(tensor->ints(), tensor->ints() + tensor->size());
}

const onnx::AttributeProto *GraphImporter::attribute(llvm::StringRef name) const {
  for (const onnx::AttributeProto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t GraphImporter::intAttr(llvm::StringRef name, int64_t fallback) const {
  const onnx::AttributeProto *a = attribute(name);
  return a ? a->i() : fallback;
}

float GraphImporter::floatAttr(llvm::StringRef name, float fallback) const {
  const onnx::AttributeProto *a = attribute(name);
  return a ? a->f() : fallback;
}

std::optional<std::vector<int64_t>> GraphImporter::intsAttr(llvm::StringRef name) const {
  const onnx::AttributeProto *a = attribute(name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

llvm::Expected<Type> GraphImporter::elementType(int32_t onnxType) const {
  MLIRContext *ctx = b.getContext();
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return Type(Float32Type::get(ctx));
  case onnx::TensorProto::FLOAT16:
    return Type(Float16Type::get(ctx));
  case onnx::TensorProto::BFLOAT16:
    return Type(BFloat16Type::get(ctx));
  case onnx::TensorProto::INT64:
    return Type(IntegerType::get(ctx, 64));
  case onnx::TensorProto::INT32:
    return Type(IntegerType::get(ctx, 32));
  case onnx::TensorProto::INT8:
    return Type(IntegerType::get(ctx, 8));
  case onnx::TensorProto::BOOL:
    return Type(IntegerType::get(ctx, 1));
  default:
    return error("element type " +
                 onnx::TensorProto_DataType_Name(onnx::TensorProto_DataType(onnxType)) +
                 " is not supported (supported: FLOAT, FLOAT16, BFLOAT16, "
                 "INT64, INT32, INT8, BOOL)");
  }
}

llvm::Expected<Tensor> GraphImporter::tensorValues(const onnx::TensorProto &t) {
  llvm::Expected<Type> type = elementType(t.data_type());
  if (!type)
    return type.takeError();
  DType dtype = *dtypeOf(*type);
  Shape shape(t.dims().begin(), t.dims().end());
  int64_t count = numElements(shape);

  // The bytes: inline raw data, external data, or typed fields below.
  std::string external;
  const std::string *raw = t.has_raw_data() ? &t.raw_data() : nullptr;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string file;
    uint64_t offset = 0, length = 0;
    for (const onnx::StringStringEntryProto &kv : t.external_data()) {
      if (kv.key() == "location")
        file = kv.value();
      else if (kv.key() == "offset")
        offset = std::stoull(kv.value());
      else if (kv.key() == "length")
        length = std::stoull(kv.value());
    }
    if (file.empty() || file.find("..") != std::string::npos)
      return error("tensor '" + t.name() + "': bad external data location '" + file + "'");
    llvm::SmallString<256> path(modelDirectory);
    llvm::sys::path::append(path, file);
    uint64_t expected = count * byteWidth(dtype);
    if (length == 0)
      length = expected;
    auto buffer = llvm::MemoryBuffer::getFileSlice(path, length, offset, false);
    if (!buffer)
      return error("tensor '" + t.name() + "': cannot read external data " +
                   path + ": " + buffer.getError().message());
    external = (*buffer)->getBuffer().str();
    raw = &external;
  }
  if (raw) {
    if (raw->size() != size_t(count) * byteWidth(dtype))
      return error("tensor '" + t.name() + "' holds " + llvm::Twine(raw->size()) +
                   " bytes, its shape needs " + llvm::Twine(count * byteWidth(dtype)));
    return Tensor::fromBytes(dtype, dtype, shape, raw->data());
  }
  // Typed fields: float_data, int64_data, or int32_data (which also holds
  // int8, bool and the bits of float16/bfloat16).
  int64_t stored = dtype == DType::F32   ? t.float_data_size()
                   : dtype == DType::I64 ? t.int64_data_size()
                                         : t.int32_data_size();
  if (stored != count)
    return error("tensor '" + t.name() + "' holds " + llvm::Twine(stored) +
                 " values, its shape needs " + llvm::Twine(count));
  if (isFloat(dtype)) {
    std::vector<float> values(count);
    for (int64_t i = 0; i < count; ++i)
      values[i] = dtype == DType::F32  ? t.float_data(i)
                  : dtype == DType::F16 ? halfBitsToFloat(uint16_t(t.int32_data(i)))
                                        : bf16BitsToFloat(uint16_t(t.int32_data(i)));
    return Tensor::fromFloats(dtype, shape, std::move(values));
  }
  std::vector<int64_t> values(count);
  for (int64_t i = 0; i < count; ++i)
    values[i] = dtype == DType::I64 ? t.int64_data(i)
                : dtype == DType::I1 ? int64_t(t.int32_data(i) != 0)
                                     : int64_t(t.int32_data(i));
  return Tensor::fromInts(dtype, shape, std::move(values));
}

Value GraphImporter::constant(const Tensor &tensor, Type element) {
  auto type = RankedTensorType::get(tensor.shape(), element);
  return b.create<llm::ConstantOp>(location, type, attrFromTensor(tensor, type));
}

Value GraphImporter::scalarLike(Value like, double value) {
  Type element = cast<RankedTensorType>(like.getType()).getElementType();
  DType dtype = *dtypeOf(element);
  Tensor t = isFloat(dtype) ? Tensor::fromFloats(dtype, {}, {float(value)})
                            : Tensor::fromInts(dtype, {}, {int64_t(value)});
  return constant(t, element);
}

llvm::Error GraphImporter::importInitializer(const onnx::TensorProto &tensor) {
  llvm::Expected<Tensor> values = tensorValues(tensor);
  if (!values)
    return values.takeError();
  llvm::Expected<Type> element = elementType(tensor.data_type());
  if (!element)
    return element.takeError();
  if (!values->isFloat() || values->size() <= maxInlineElements) {
    define(tensor.name(), constant(*values, *element));
    return llvm::Error::success();
  }
  // A weight: stored in the side file, read by name.
  PendingWeight w{tensor.name(), values->dtype(), {}, {}};
  w.shape.assign(values->shape().begin(), values->shape().end());
  w.bytes = values->toBytes(values->dtype());
  pendingWeights.push_back(std::move(w));
  define(tensor.name(),
         b.create<llm::WeightOp>(location, RankedTensorType::get(values->shape(), *element),
                                 b.getStringAttr(tensor.name())));
  return llvm::Error::success();
}

Value GraphImporter::fold(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op || isa<llm::ConstantOp, llm::WeightOp>(op) || op->getNumResults() != 1)
    return value;
  llvm::SmallVector<Tensor> operands;
  for (Value operand : op->getOperands()) {
    std::optional<Tensor> c = constantValue(operand);
    if (!c)
      return value;
    operands.push_back(*c);
  }
  exec::RunError ignored;
  std::optional<Tensor> result = exec::evaluateOp(op, operands, ignored);
  auto type = cast<RankedTensorType>(value.getType());
  if (!result || !type.hasStaticShape() || result->shape() != type.getShape())
    return value; // leave it to run time, which reports the problem
  Value folded = constant(*result, type.getElementType());
  if (value.use_empty())
    op->erase();
  return folded;
}

llvm::Error GraphImporter::setOutput(int i, Value value) {
  if (i >= current->output_size() || current->output(i).empty())
    return llvm::Error::success(); // an unused optional output
  define(current->output(i), fold(value));
  return llvm::Error::success();
}

llvm::Error GraphImporter::importNode(const onnx::NodeProto &node) {
  current = &node;
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return error("operators of domain '" + node.domain() + "' are not supported");
  NodeTranslation translate = lookupTranslation(node.op_type());
  if (!translate)
    return error("unsupported operator " + node.op_type());
  location = NameLoc::get(b.getStringAttr(node.name().empty() ? node.op_type() : node.name()));
  return translate(*this);
}

llvm::Error GraphImporter::importNodes(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &init : graph.initializer())
    if (llvm::Error e = importInitializer(init))
      return e;
  for (const onnx::NodeProto &node : graph.node()) {
    const onnx::NodeProto *outer = current;
    if (llvm::Error e = importNode(node))
      return e;
    current = outer;
  }
  return llvm::Error::success();
}

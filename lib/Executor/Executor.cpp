//===- Executor.cpp - running llm functions op by op ----------------------===//
#include "llmc/Executor/Executor.h"

#include "PlannedArena.h"

#include "OpDispatch.h"
#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

runtime::TensorSpec exec::specOf(RankedTensorType type) {
  runtime::TensorSpec spec;
  spec.dtype = dtypeOf(type.getElementType()).value_or(DType::F32);
  for (int64_t size : type.getShape())
    spec.shape.push_back(ShapedType::isDynamic(size) ? runtime::kDynamicSize : size);
  return spec;
}

Tensor exec::emptyCacheFor(RankedTensorType type, int64_t sequenceAxis) {
  runtime::TensorSpec spec = specOf(type);
  spec.sequenceAxis = sequenceAxis;
  return runtime::emptyCache(spec);
}

Executor::Executor(ModuleOp module, ExecutorOptions options)
    : module(module), options(std::move(options)) {}

Executor::~Executor() = default;

const WeightStore *Executor::weights(RunError &error) {
  if (store)
    return store.get();
  llvm::Expected<std::unique_ptr<WeightStore>> opened =
      llm::openWeights(module, options.moduleDirectory);
  if (!opened) {
    error = {RunError::BadInput, llvm::toString(opened.takeError())};
    return nullptr;
  }
  store = std::move(*opened);
  return store.get();
}

/// The value of an llm.weight: a zero-copy view of aligned f32 data when the
/// program uses it as f32, otherwise its values converted and rounded.
static std::optional<Tensor> loadWeight(llm::WeightOp op, const StoredTensor &stored,
                                        const ref::Numerics &numerics,
                                        std::shared_ptr<const void> owner,
                                        RunError &error) {
  RankedTensorType type = op.getType();
  if (llvm::ArrayRef<int64_t>(stored.shape) != type.getShape()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "weight '" << op.getName() << "' is stored with shape [";
    llvm::interleaveComma(stored.shape, os);
    os << "] in " << stored.file << ", the module says " << type;
    error = {RunError::BadInput, locationOf(op) + text};
    return std::nullopt;
  }
  DType want = numerics.storage(*dtypeOf(type.getElementType()));
  if (!isFloat(stored.dtype) || !isFloat(want)) {
    error = {RunError::BadInput, locationOf(op) + "weight '" + op.getName().str() +
                                     "' is stored as " + toString(stored.dtype).str() +
                                     "; only float weights are supported"};
    return std::nullopt;
  }
  bool aligned = reinterpret_cast<uintptr_t>(stored.data) % alignof(float) == 0;
  if (stored.dtype == DType::F32 && want == DType::F32 && aligned)
    return Tensor::viewFloats(type.getShape(), reinterpret_cast<const float *>(stored.data),
                              std::move(owner));
  return Tensor::fromBytes(stored.dtype, want, type.getShape(), stored.data);
}

std::optional<Tensor> exec::readWeight(Operation *weightOp, const StoredTensor &stored,
                                       RunError &error) {
  return loadWeight(cast<llm::WeightOp>(weightOp), stored, ref::Numerics::exact(), nullptr,
                    error);
}

std::optional<Tensor> exec::evaluateOp(Operation *op, llvm::ArrayRef<Tensor> operands,
                                       RunError &error) {
  return dispatchOp(op, operands, ref::Numerics::exact(), error);
}

std::optional<Tensor> exec::tensorFromAttr(ElementsAttr value, RankedTensorType type) {
  std::optional<DType> dtype = dtypeOf(type.getElementType());
  // Large compile-time values (a baked prefix cache) are resource blobs of
  // the type's floats; a blob elided from the file has no data.
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || !dtype || !isFloat(*dtype) ||
        blob->getData().size() != size_t(type.getNumElements()) * byteWidth(*dtype))
      return std::nullopt;
    return Tensor::fromBytes(*dtype, *dtype, type.getShape(), blob->getData().data());
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense || !dtype)
    return std::nullopt;
  if (isFloat(*dtype)) {
    std::vector<float> values;
    for (llvm::APFloat v : dense.getValues<llvm::APFloat>())
      values.push_back(float(v.convertToDouble()));
    return Tensor::fromFloats(*dtype, type.getShape(), std::move(values));
  }
  std::vector<int64_t> values;
  for (llvm::APInt v : dense.getValues<llvm::APInt>())
    values.push_back(*dtype == DType::I1 ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return Tensor::fromInts(*dtype, type.getShape(), std::move(values));
}

DenseElementsAttr exec::attrFromTensor(const Tensor &tensor, RankedTensorType type) {
  Type element = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(element)) {
    llvm::SmallVector<llvm::APFloat> values;
    for (int64_t i = 0; i < tensor.size(); ++i) {
      llvm::APFloat v(tensor.floats()[i]);
      bool lost;
      v.convert(floatType.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = element.getIntOrFloatBitWidth();
  llvm::SmallVector<llvm::APInt> values;
  for (int64_t i = 0; i < tensor.size(); ++i)
    values.push_back(llvm::APInt(width, uint64_t(tensor.ints()[i]), /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

/// Fails unless `value` fits `type` (element type, rank, static sizes).
static bool fits(const Tensor &value, RankedTensorType type, bool fp16) {
  std::optional<DType> dtype = dtypeOf(type.getElementType());
  bool sameType = dtype && (*dtype == value.dtype() ||
                            (fp16 && isFloat(*dtype) && value.dtype() == DType::F16));
  if (!sameType || value.rank() != type.getRank())
    return false;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!type.isDynamicDim(d) && type.getDimSize(d) != value.dim(d))
      return false;
  return true;
}

static std::string describeType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

std::optional<std::vector<Tensor>>
Executor::run(func::FuncOp function, llvm::ArrayRef<Tensor> inputs, RunError &error) {
  if (function.isExternal() || !function.getBody().hasOneBlock()) {
    error = {RunError::BadInput, "@" + function.getSymName().str() +
                                     " has no single-block body to run"};
    return std::nullopt;
  }
  Block &body = function.getBody().front();
  if (inputs.size() != body.getNumArguments()) {
    error = {RunError::BadInput, "@" + function.getSymName().str() + " takes " +
                                     std::to_string(body.getNumArguments()) +
                                     " inputs, got " + std::to_string(inputs.size())};
    return std::nullopt;
  }
  ref::Numerics numerics = ref::Numerics::forDevice(options.fp16);
  llvm::DenseMap<Value, Tensor> values;
  // A planned program keeps its planned values in the plan's bytes, not in
  // `values`.
  std::optional<PlannedArena> arena;
  if (options.usePlannedArena) {
    error.message.clear();
    arena = PlannedArena::forProgram(function, error);
    if (!arena && !error.message.empty())
      return std::nullopt;
  }
  auto read = [&](Value v) {
    return arena && arena->holds(v) ? arena->load(v) : values.lookup(v);
  };
  auto keep = [&](Value v) {
    if (!arena || !arena->holds(v))
      return;
    auto it = values.find(v);
    if (it == values.end())
      return;
    arena->store(v, it->second);
    values.erase(it);
  };
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    auto type = cast<RankedTensorType>(arg.getType());
    Tensor input = inputs[i];
    // In FP16 mode, float inputs enter the device as f16.
    if (options.fp16 && input.isFloat() && input.dtype() != DType::F16)
      input = Tensor::fromFloats(DType::F16, input.shape(),
                                 std::vector<float>(input.floats(), input.floats() + input.size()));
    if (!fits(input, type, options.fp16)) {
      error = {RunError::BadInput, "input #" + std::to_string(i) + " is " +
                                       inputs[i].describe() + ", @" +
                                       function.getSymName().str() + " expects " +
                                       describeType(type)};
      return std::nullopt;
    }
    values[arg] = std::move(input);
    keep(arg);
  }

  // Free each value after its last use, so that a large model holds only
  // the weights mapped in memory and the live activations.
  // (An op with a body, a fusion group, uses what its body reads from
  // above.)
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body)
    op.walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        if (inner == &op || !op.isAncestor(operand.getParentBlock()->getParentOp()))
          lastUse[operand] = &op;
    });

  // Runs one op of the function or of a fusion group's body, keeping its
  // result in `values`.
  std::function<bool(Operation &)> evaluate = [&](Operation &op) -> bool {
    if (auto group = dyn_cast<llm::FusionGroupOp>(op)) {
      // The group is its body: run it, keep the yielded values, free the
      // rest.
      for (Operation &inner : group.getBody().front().without_terminator())
        if (!evaluate(inner))
          return false;
      llvm::SmallVector<Tensor> results;
      for (Value yielded : group.getYield().getValues())
        results.push_back(read(yielded));
      for (Operation &inner : group.getBody().front().without_terminator())
        for (Value v : inner.getResults())
          values.erase(v);
      for (auto [result, tensor] : llvm::zip(group.getResults(), results))
        if (!result.use_empty())
          values[result] = std::move(tensor);
      return true;
    }
    llvm::SmallVector<Tensor> operands;
    for (Value v : op.getOperands())
      operands.push_back(read(v));
    if (isCheck(&op)) {
      if (std::optional<std::string> failure = evaluateCheck(&op, operands)) {
        if (!options.onCheckFailure) {
          error = {RunError::BadInput, locationOf(&op) + *failure};
          return false;
        }
        options.onCheckFailure(&op, *failure);
      }
      return true;
    }
    std::optional<Tensor> result;
    if (auto weight = dyn_cast<llm::WeightOp>(op)) {
      const WeightStore *store = weights(error);
      if (!store)
        return false;
      const StoredTensor *stored = store->lookup(weight.getName());
      if (!stored) {
        error = {RunError::BadInput, locationOf(&op) + "no tensor '" +
                                         weight.getName().str() + "' in " +
                                         store->getPath().str()};
        return false;
      }
      result = loadWeight(weight, *stored, numerics, this->store, error);
    } else {
      result = dispatchOp(&op, operands, numerics, error);
    }
    if (!result)
      return false;
    if (op.getNumResults() != 1 ||
        !fits(*result, cast<RankedTensorType>(op.getResult(0).getType()), options.fp16)) {
      error = {RunError::BadInput, locationOf(&op) + "produced " + result->describe() +
                                       " at run time, its type says " +
                                       describeType(op.getResult(0).getType())};
      return false;
    }
    if (options.observer)
      options.observer(&op, operands, *result);
    if (!op.getResult(0).use_empty())
      values[op.getResult(0)] = std::move(*result);
    return true;
  };

  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<Tensor> results;
      for (Value v : ret.getOperands())
        results.push_back(read(v));
      return results;
    }
    if (!evaluate(op))
      return std::nullopt;
    for (Value result : op.getResults())
      keep(result);
    op.walk([&](Operation *inner) {
      for (Value v : inner->getOperands())
        if (lastUse.lookup(v) == &op)
          values.erase(v);
    });
  }
  error = {RunError::BadInput, "@" + function.getSymName().str() + " has no return"};
  return std::nullopt;
}

//===- ModelBuilder.cpp - building transformer modules --------------------===//
#include "ModelBuilder.h"

#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::import;

static constexpr int64_t kDynamic = ShapedType::kDynamic;

//===----------------------------------------------------------------------===//
// Config
//===----------------------------------------------------------------------===//

llvm::Error Config::error(const llvm::Twine &message) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 file + ": " + message);
}

llvm::Error Config::unsupported(const llvm::Twine &feature) const {
  return error("unsupported: " + feature);
}

llvm::Expected<int64_t> Config::integer(llvm::StringRef key) const {
  if (std::optional<int64_t> v = optionalInteger(key))
    return *v;
  return error("missing integer \"" + key + "\"");
}

llvm::Expected<double> Config::number(llvm::StringRef key) const {
  if (std::optional<double> v = optionalNumber(key))
    return *v;
  return error("missing number \"" + key + "\"");
}

std::optional<int64_t> Config::optionalInteger(llvm::StringRef key) const {
  if (const llvm::json::Value *v = object.get(key))
    return v->getAsInteger();
  return std::nullopt;
}

std::optional<double> Config::optionalNumber(llvm::StringRef key) const {
  if (const llvm::json::Value *v = object.get(key))
    return v->getAsNumber();
  return std::nullopt;
}

bool Config::flag(llvm::StringRef key, bool fallback) const {
  if (const llvm::json::Value *v = object.get(key))
    if (std::optional<bool> b = v->getAsBoolean())
      return *b;
  return fallback;
}

std::optional<llvm::StringRef> Config::string(llvm::StringRef key) const {
  if (const llvm::json::Value *v = object.get(key))
    return v->getAsString();
  return std::nullopt;
}

const llvm::json::Object *Config::objectAt(llvm::StringRef key) const {
  if (const llvm::json::Value *v = object.get(key))
    return v->getAsObject();
  return nullptr;
}

bool Config::isNull(llvm::StringRef key) const {
  const llvm::json::Value *v = object.get(key);
  return !v || v->kind() == llvm::json::Value::Null;
}

//===----------------------------------------------------------------------===//
// ModelBuilder
//===----------------------------------------------------------------------===//

ModelBuilder::ModelBuilder(ModuleOp module, const WeightStore &store,
                           Type elementType)
    : module(module), store(store), elementType(elementType),
      b(module.getContext()), location(module.getLoc()) {}

RankedTensorType ModelBuilder::activation(int64_t width) const {
  return RankedTensorType::get({1, kDynamic, width}, elementType);
}

void ModelBuilder::beginForward(int64_t layers, llvm::ArrayRef<CacheSpec> caches) {
  auto index = RankedTensorType::get({1, kDynamic}, b.getI64Type());
  llvm::SmallVector<Type> inputs{index, index};
  for (int64_t l = 0; l < layers; ++l)
    for (const CacheSpec &c : caches)
      inputs.push_back(RankedTensorType::get({1, c.heads, kDynamic, c.dim}, elementType));
  b.setInsertionPointToEnd(module.getBody());
  auto func = b.create<func::FuncOp>(location, "forward",
                                     b.getFunctionType(inputs, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToEnd(body);
  idsArg = body->getArgument(0);
  positionsArg = body->getArgument(1);
  cacheArgs.assign(body->args_begin() + 2, body->args_end());
  cachesPerLayer = caches.size();
}

Value ModelBuilder::pastCache(int64_t layer, int64_t which) const {
  return cacheArgs[layer * cachesPerLayer + which];
}

void ModelBuilder::endForward(Value logits, llvm::ArrayRef<Value> present) {
  llvm::SmallVector<Value> results{logits};
  results.append(present.begin(), present.end());
  b.create<func::ReturnOp>(location, results);
  auto func = cast<func::FuncOp>(b.getInsertionBlock()->getParentOp());
  llvm::SmallVector<Type> types;
  for (Value v : results)
    types.push_back(v.getType());
  func.setType(b.getFunctionType(func.getArgumentTypes(), types));
}

llvm::Expected<Value> ModelBuilder::weight(llvm::StringRef name,
                                           llvm::ArrayRef<int64_t> shape) {
  if (Value cached = weights.lookup(name))
    return cached;
  const StoredTensor *stored = store.lookup(name);
  if (!stored)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   store.getPath() + ": missing tensor '" +
                                       name + "' (expected shape " +
                                       llm::formatShape(shape) + ")");
  if (llvm::ArrayRef<int64_t>(stored->shape) != shape)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        stored->file + ": tensor '" + name + "' has shape " +
            llm::formatShape(stored->shape) + ", the config implies " +
            llm::formatShape(shape));
  if (!isFloat(stored->dtype))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   stored->file + ": tensor '" + name +
                                       "' is stored as " + toString(stored->dtype) +
                                       ", not a float type");
  // Weights go to the top of the function so each is read once.
  OpBuilder::InsertionGuard guard(b);
  Block *body = b.getInsertionBlock();
  auto firstNonWeight = llvm::find_if(*body, [](Operation &op) {
    return !isa<llm::WeightOp>(op);
  });
  b.setInsertionPoint(body, firstNonWeight);
  Value w = b.create<llm::WeightOp>(location, RankedTensorType::get(shape, elementType),
                                    b.getStringAttr(name));
  weights[name] = w;
  return w;
}

llvm::Expected<Value> ModelBuilder::linear(Value x, llvm::StringRef weightName,
                                           int64_t out, bool bias,
                                           bool weightInOut) {
  int64_t in = cast<RankedTensorType>(x.getType()).getShape().back();
  llvm::SmallVector<int64_t> shape = weightInOut ? llvm::SmallVector<int64_t>{in, out}
                                                 : llvm::SmallVector<int64_t>{out, in};
  llvm::Expected<Value> w = weight((weightName + ".weight").str(), shape);
  if (!w)
    return w.takeError();
  Value biasValue;
  if (bias) {
    llvm::Expected<Value> bv = weight((weightName + ".bias").str(), {out});
    if (!bv)
      return bv.takeError();
    biasValue = *bv;
  }
  auto layout = llm::WeightLayoutAttr::get(
      b.getContext(), weightInOut ? llm::WeightLayout::in_out : llm::WeightLayout::out_in);
  return b.create<llm::LinearOp>(location, x, *w, biasValue, layout).getResult();
}

llvm::Expected<Value> ModelBuilder::rmsNorm(Value x, llvm::StringRef weightName,
                                            double epsilon) {
  int64_t width = cast<RankedTensorType>(x.getType()).getShape().back();
  llvm::Expected<Value> w = weight(weightName, {width});
  if (!w)
    return w.takeError();
  return b.create<llm::RMSNormOp>(location, x, *w, b.getF64FloatAttr(epsilon))
      .getResult();
}

llvm::Expected<Value> ModelBuilder::layerNorm(Value x, llvm::StringRef prefix,
                                              double epsilon) {
  int64_t width = cast<RankedTensorType>(x.getType()).getShape().back();
  llvm::Expected<Value> w = weight((prefix + ".weight").str(), {width});
  if (!w)
    return w.takeError();
  llvm::Expected<Value> bias = weight((prefix + ".bias").str(), {width});
  if (!bias)
    return bias.takeError();
  return b.create<llm::LayerNormOp>(location, x, *w, *bias,
                                    b.getF64FloatAttr(epsilon))
      .getResult();
}

llvm::Expected<Value> ModelBuilder::embedding(llvm::StringRef tableName,
                                              int64_t rows, Value indices) {
  llvm::Expected<Value> table = weight(tableName, {rows, hiddenSize});
  if (!table)
    return table.takeError();
  return b.create<llm::EmbeddingOp>(location, *table, indices).getResult();
}

Value ModelBuilder::splitHeads(Value x, int64_t heads, int64_t dim) {
  auto bshd = RankedTensorType::get({1, kDynamic, heads, dim}, elementType);
  Value r = b.create<llm::ReshapeOp>(location, bshd, x);
  return b.create<llm::TransposeOp>(location, r, b.getDenseI64ArrayAttr({0, 2, 1, 3}));
}

Value ModelBuilder::mergeHeads(Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  Value t = b.create<llm::TransposeOp>(location, x, b.getDenseI64ArrayAttr({0, 2, 1, 3}));
  return b.create<llm::ReshapeOp>(
      location, activation(type.getDimSize(1) * type.getDimSize(3)), t);
}

Value ModelBuilder::asSingleHead(Value x) {
  int64_t width = cast<RankedTensorType>(x.getType()).getShape().back();
  return b.create<llm::ReshapeOp>(
      location, RankedTensorType::get({1, 1, kDynamic, width}, elementType), x);
}

Value ModelBuilder::sliceLast(Value x, int64_t start, int64_t limit) {
  auto type = cast<RankedTensorType>(x.getType());
  llvm::SmallVector<int64_t> shape(type.getShape());
  shape.back() = limit - start;
  int64_t dim = type.getRank() - 1;
  return b.create<llm::SliceOp>(location, RankedTensorType::get(shape, elementType), x,
                                b.getDenseI64ArrayAttr({dim}),
                                b.getDenseI64ArrayAttr({start}),
                                b.getDenseI64ArrayAttr({limit}), nullptr);
}

Value ModelBuilder::add(Value a, Value c) {
  return b.create<llm::AddOp>(location, a, c);
}

Value ModelBuilder::kvAppend(Value cache, Value update) {
  return b.create<llm::KVAppendOp>(location, cache, update);
}

Value ModelBuilder::causalAttention(Value q, Value k, Value v, int64_t layer,
                                    double scale,
                                    llvm::SmallVectorImpl<Value> &present) {
  Value kAll = kvAppend(pastCache(layer, 0), k);
  Value vAll = kvAppend(pastCache(layer, 1), v);
  present.append({kAll, vAll});
  return b.create<llm::AttentionOp>(location, q, kAll, vAll, Value(),
                                    b.getF64FloatAttr(scale), b.getUnitAttr(),
                                    nullptr);
}

llvm::Expected<Value> ModelBuilder::swigluBlock(Value h, llvm::StringRef layer,
                                                double epsilon, int64_t inner) {
  llvm::Expected<Value> normed =
      rmsNorm(h, (layer + ".post_attention_layernorm.weight").str(), epsilon);
  if (!normed)
    return normed.takeError();
  std::string prefix = (layer + ".mlp").str();
  llvm::Expected<Value> gate = linear(*normed, prefix + ".gate_proj", inner, false);
  if (!gate)
    return gate.takeError();
  llvm::Expected<Value> up = linear(*normed, prefix + ".up_proj", inner, false);
  if (!up)
    return up.takeError();
  Value act = b.create<llm::SwiGLUOp>(location, *gate, *up);
  llvm::Expected<Value> down = linear(act, prefix + ".down_proj", hiddenSize, false);
  if (!down)
    return down.takeError();
  return add(h, *down);
}

//===- ModelBuilder.h - building transformer modules ------------*- C++ -*-===//
//
// Private to the importer: an OpBuilder with the pieces every decoder-only
// family is made of (weights checked against the checkpoint, linear layers,
// norms, head reshapes, KV-cache appends), and the reader of config.json.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_IMPORT_MODELBUILDER_H
#define LLMC_LIB_IMPORT_MODELBUILDER_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

/// `Value name = expr;` for an `Expected<Value>` expression, returning its
/// error from the enclosing function on failure.
#define LLMC_TRY_VALUE(name, expr)                                             \
  auto name##OrError = (expr);                                                 \
  if (!name##OrError)                                                          \
    return name##OrError.takeError();                                          \
  ::mlir::Value name = *name##OrError

/// `T name = expr;` for an `Expected<T>` expression.
#define LLMC_TRY(type, name, expr)                                             \
  auto name##OrError = (expr);                                                 \
  if (!name##OrError)                                                          \
    return name##OrError.takeError();                                          \
  type name = *name##OrError

namespace llmc::import {

/// Typed access to config.json; every failure names the key and the file.
class Config {
public:
  Config(const llvm::json::Object &object, std::string file)
      : object(object), file(std::move(file)) {}

  llvm::Expected<int64_t> integer(llvm::StringRef key) const;
  llvm::Expected<double> number(llvm::StringRef key) const;
  std::optional<int64_t> optionalInteger(llvm::StringRef key) const;
  std::optional<double> optionalNumber(llvm::StringRef key) const;
  bool flag(llvm::StringRef key, bool fallback) const;
  std::optional<llvm::StringRef> string(llvm::StringRef key) const;
  const llvm::json::Object *objectAt(llvm::StringRef key) const;
  bool isNull(llvm::StringRef key) const;

  llvm::Error unsupported(const llvm::Twine &feature) const;
  llvm::Error error(const llvm::Twine &message) const;
  const std::string &path() const { return file; }

private:
  const llvm::json::Object &object;
  std::string file;
};

/// The cache inputs of one layer: name prefix, heads, head dim.
struct CacheSpec {
  std::string name;
  int64_t heads, dim;
};

class ModelBuilder {
public:
  ModelBuilder(mlir::ModuleOp module, const WeightStore &store,
               mlir::Type elementType);

  /// Creates `@forward` with ids, positions and `layers` x `caches` cache
  /// arguments and leaves the builder in its body.
  void beginForward(int64_t layers, llvm::ArrayRef<CacheSpec> caches);
  /// Returns logits and the present caches, in argument order.
  void endForward(mlir::Value logits, llvm::ArrayRef<mlir::Value> present);

  mlir::Value ids() const { return idsArg; }
  mlir::Value positions() const { return positionsArg; }
  mlir::Value pastCache(int64_t layer, int64_t which) const;

  /// `name`, with the checkpoint's shape `shape` (else an error).
  llvm::Expected<mlir::Value> weight(llvm::StringRef name,
                                     llvm::ArrayRef<int64_t> shape);
  bool has(llvm::StringRef name) const { return store.lookup(name); }

  llvm::Expected<mlir::Value> linear(mlir::Value x, llvm::StringRef weightName,
                                     int64_t out, bool bias,
                                     bool weightInOut = false);
  llvm::Expected<mlir::Value> rmsNorm(mlir::Value x, llvm::StringRef weightName,
                                      double epsilon);
  llvm::Expected<mlir::Value> layerNorm(mlir::Value x, llvm::StringRef prefix,
                                        double epsilon);
  llvm::Expected<mlir::Value> embedding(llvm::StringRef tableName, int64_t rows,
                                        mlir::Value ids);

  /// [1, S, H*D] -> [1, H, S, D] and back.
  mlir::Value splitHeads(mlir::Value x, int64_t heads, int64_t dim);
  mlir::Value mergeHeads(mlir::Value x);
  /// [1, S, D] -> [1, 1, S, D] (a single shared head).
  mlir::Value asSingleHead(mlir::Value x);
  /// x[..., start:limit] along the last dimension.
  mlir::Value sliceLast(mlir::Value x, int64_t start, int64_t limit);
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value kvAppend(mlir::Value cache, mlir::Value update);
  /// Causal attention of q over the caches of `layer` extended by k and v;
  /// records the extended caches in `present`.
  mlir::Value causalAttention(mlir::Value q, mlir::Value k, mlir::Value v,
                              int64_t layer, double scale,
                              llvm::SmallVectorImpl<mlir::Value> &present);
  /// The second half of a Llama-style layer `layer` ("model.layers.i"):
  /// h + down(silu(gate(n)) * up(n)), n = post_attention_layernorm(h).
  llvm::Expected<mlir::Value> swigluBlock(mlir::Value h, llvm::StringRef layer,
                                          double epsilon, int64_t inner);

  mlir::OpBuilder &builder() { return b; }
  mlir::Location loc() const { return location; }
  mlir::RankedTensorType activation(int64_t width) const;
  int64_t hiddenSize = 0;

private:
  mlir::ModuleOp module;
  const WeightStore &store;
  mlir::Type elementType;
  mlir::OpBuilder b;
  mlir::Location location;
  mlir::Value idsArg, positionsArg;
  llvm::SmallVector<mlir::Value> cacheArgs;
  int64_t cachesPerLayer = 0;
  llvm::StringMap<mlir::Value> weights;
};

/// Family importers: build `@forward` for one model_type.
llvm::Error buildGPT2(ModelBuilder &m, const Config &config);
llvm::Error buildLlama(ModelBuilder &m, const Config &config);
llvm::Error buildDeepSeek(ModelBuilder &m, const Config &config);

} // namespace llmc::import

#endif // LLMC_LIB_IMPORT_MODELBUILDER_H

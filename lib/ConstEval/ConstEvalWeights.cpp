//===- ConstEvalWeights.cpp - weight transforms computed at compile time --===//
//
// llm-const-eval-weights (docs: include/llmc/ConstEval/Passes.td). Three
// steps: find the values to hoist (computed from weights alone, used by an
// op that is not), plan the tensors of the new file (one per distinct
// computation, plus weights converted to the stored type), then evaluate
// and write them one at a time with the reference executor, and only then
// rewrite the programs to read them.
//
//===----------------------------------------------------------------------===//
#include "llmc/ConstEval/Passes.h"

#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/FromWeights.h"
#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Executor/Executor.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <functional>
#include <map>

namespace llmc::consteval {
#define GEN_PASS_DEF_CONSTEVALWEIGHTS
#include "llmc/ConstEval/Passes.h.inc"
} // namespace llmc::consteval

using namespace mlir;
using namespace llmc;

namespace {

RankedTensorType staticType(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? type : nullptr;
}

/// Which values a program computes from weights and constants alone, and
/// which of those are worth a tensor of their own.
class WeightOnlyValues {
public:
  /// A hoistable op (see `worthATensor`) whose operands are computed from
  /// weights and constants alone by such ops.
  bool isHoistable(Operation *op) {
    return worthATensor(op) && llvm::all_of(op->getOperands(), [&](Value operand) {
             return llm::isComputedFromWeights(operand, memo, worthATensor);
           });
  }

  /// Whether some leaf of `v`'s computation is an llm.weight (values of
  /// constants alone are the canonicalizer's to fold).
  bool readsWeight(Value v) {
    Operation *op = v.getDefiningOp();
    if (isa<llm::WeightOp>(op))
      return true;
    if (isa<llm::ConstantOp>(op))
      return false;
    return llvm::any_of(op->getOperands(), [&](Value o) { return readsWeight(o); });
  }

private:
  static int64_t bits(RankedTensorType type) {
    return type.getNumElements() * std::max<int64_t>(1, type.getElementTypeBitWidth());
  }

  /// A pure llm op of static types with one float result (an llm.weight
  /// holds floats) that has no more bytes than its operands together (a
  /// broadcast, or a cast to a wider type, stays a run-time op rather than
  /// a larger file).
  static bool worthATensor(Operation *op) {
    RankedTensorType result = op->getNumResults() == 1 ? staticType(op->getResult(0)) : nullptr;
    if (!op->getDialect() || !isa<llm::LLMDialect>(op->getDialect()) ||
        isa<llm::WeightOp, llm::ConstantOp>(op) || op->getNumRegions() != 0 || !isPure(op) ||
        !result || !isa<FloatType>(result.getElementType()))
      return false;
    int64_t operandBits = 0;
    for (Value operand : op->getOperands()) {
      RankedTensorType type = staticType(operand);
      if (!type)
        return false;
      operandBits += bits(type);
    }
    return bits(result) <= operandBits;
  }

  llvm::DenseMap<Value, bool> memo;
};

/// A reshape chain of one weight: the same bytes in another shape.
bool isReshapedWeight(Value v) {
  while (auto reshape = v.getDefiningOp<llm::ReshapeOp>()) {
    if (reshape.getShape())
      return false;
    v = reshape.getInput();
  }
  return v.getDefiningOp<llm::WeightOp>() != nullptr;
}

/// Whether hoistable `op` computes a value to write: one that reads a
/// weight, is more than a reshape of it, and is used by an op computed at
/// run time.
bool isRuntimeFrontier(WeightOnlyValues &weightOnly, Operation *op) {
  Value v = op->getResult(0);
  bool usedAtRunTime = llvm::any_of(
      v.getUsers(), [&](Operation *user) { return !weightOnly.isHoistable(user); });
  return usedAtRunTime && weightOnly.readsWeight(v) && !isReshapedWeight(v);
}

/// A key equal for equal computations (the same ops and attributes over
/// the same weights and constants), for writing each one once.
std::string computationKey(Value v, llvm::DenseMap<Value, std::string> &memo) {
  if (auto it = memo.find(v); it != memo.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  std::string key;
  llvm::raw_string_ostream os(key);
  if (auto weight = dyn_cast<llm::WeightOp>(op)) {
    os << "w(" << weight.getName() << ":" << v.getType() << ")";
  } else {
    os << op->getName().getStringRef() << "{" << op->getRawDictionaryAttrs().getAsOpaquePointer()
       << "," << op->getPropertiesAsAttribute().getAsOpaquePointer() << ","
       << v.getType().getAsOpaquePointer() << "}(";
    for (Value operand : op->getOperands())
      os << computationKey(operand, memo) << ";";
    os << ")";
  }
  memo[v] = key;
  return key;
}

/// The first weight a computation reads (its tensors are named after it).
llm::WeightOp firstWeight(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto weight = dyn_cast<llm::WeightOp>(op))
    return weight;
  for (Value operand : op->getOperands())
    if (llm::WeightOp weight = firstWeight(operand))
      return weight;
  return nullptr;
}

/// A tensor of the new file.
struct PlannedTensor {
  TensorHeader header;
  Value value;     ///< a hoisted value, or
  Value converted; ///< a weight stored in another type
  llvm::SmallVector<Value> uses; ///< the values (in all programs) it replaces
};

struct ConstEvalWeightsPass
    : public llmc::consteval::impl::ConstEvalWeightsBase<ConstEvalWeightsPass> {
  using ConstEvalWeightsBase::ConstEvalWeightsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<DType> storedType;
    if (dtype != "keep") {
      storedType = parseFloatDType(dtype);
      if (!storedType) {
        module.emitError() << "llm-const-eval-weights: dtype must be keep, f32, f16 or bf16, not '"
                           << dtype << "'";
        return signalPassFailure();
      }
    }
    std::vector<std::string> paths = llm::resolveWeightsPaths(module, modelDir);
    if (paths.empty())
      return; // no weights, nothing computed from them
    // The weights are read only when there is something to compute or
    // convert (a module is often compiled away from its weights' folder).
    bool anything = false;
    WeightOnlyValues weightOnly;
    module.walk([&](Operation *op) {
      anything |= isa<llm::WeightOp>(op) ? storedType.has_value()
                                         : weightOnly.isHoistable(op) &&
                                               isRuntimeFrontier(weightOnly, op);
    });
    if (!anything)
      return;
    llvm::Expected<std::unique_ptr<WeightStore>> store = WeightStore::openAll(paths);
    if (!store) {
      // Without the weights, what the programs compute from them stays
      // computed at run time (the module is as correct, only slower); a
      // stored type asked for cannot be had.
      std::string why = llvm::toString(store.takeError()) +
                        " (the module's llm.weights paths are relative to model-dir, here '" +
                        modelDir + "')";
      if (storedType) {
        module.emitError() << "llm-const-eval-weights: " << why;
        return signalPassFailure();
      }
      module.emitWarning() << "llm-const-eval-weights: the weights are not at hand, so what the "
                              "programs compute from them stays computed at run time: "
                           << why;
      return;
    }

    std::vector<PlannedTensor> plan = planTensors(module, weightOnly, **store, storedType);
    if (plan.empty())
      return; // nothing to write: the module stays as it is
    std::string relative = outputPath(module);
    llvm::SmallString<256> full(relative);
    if (!llvm::sys::path::is_absolute(full)) {
      full = modelDir;
      llvm::sys::path::append(full, relative);
    }
    if (llvm::any_of(paths, [&](const std::string &p) {
          return p == std::string(full) || llvm::sys::fs::equivalent(p, full);
        })) {
      module.emitError() << "llm-const-eval-weights: the output file '" << full
                         << "' is one the module reads its weights from; give another (output=...)";
      return signalPassFailure();
    }
    if (failed(writeTensors(module, plan, **store, full)))
      return signalPassFailure();
    rewrite(plan);
    llm::addWeightsFile(module, relative);
  }

  /// The relative (or absolute) path the module will name.
  std::string outputPath(ModuleOp module) {
    if (!output.empty())
      return output;
    std::string first = llm::weightsFileNames(module).front(); // (the checkpoint's)
    llvm::SmallString<256> path(llvm::sys::path::parent_path(first));
    llvm::sys::path::append(path, llvm::sys::path::stem(first) + ".consteval.safetensors");
    return std::string(path);
  }

  std::vector<PlannedTensor> planTensors(ModuleOp module, WeightOnlyValues &weightOnly,
                                         const WeightStore &store,
                                         std::optional<DType> storedType) {
    llvm::DenseMap<Value, std::string> keys;
    std::map<std::string, size_t> byKey; // computation -> plan index
    llvm::StringSet<> names;
    for (const std::string &name : store.names())
      names.insert(name);
    std::vector<PlannedTensor> plan;
    auto uniqueName = [&](const std::string &base) {
      std::string name = base;
      for (int k = 1; names.contains(name); ++k)
        name = base + "#" + std::to_string(k);
      names.insert(name);
      return name;
    };
    auto typeToStore = [&](RankedTensorType type) {
      DType own = dtypeOf(type.getElementType()).value_or(DType::F32);
      return storedType && isFloat(own) ? *storedType : own;
    };
    module.walk([&](Operation *op) {
      if (!weightOnly.isHoistable(op))
        return;
      if (!isRuntimeFrontier(weightOnly, op))
        return;
      Value v = op->getResult(0);
      std::string key = computationKey(v, keys);
      auto [it, inserted] = byKey.try_emplace(key, plan.size());
      if (inserted) {
        RankedTensorType type = staticType(v);
        std::string base = firstWeight(v).getName().str() + "." +
                           op->getName().stripDialect().str();
        plan.push_back({TensorHeader{uniqueName(base), typeToStore(type),
                                     llvm::SmallVector<int64_t>(type.getShape())},
                        v, nullptr, {}});
      }
      plan[it->second].uses.push_back(v);
    });
    if (!storedType)
      return plan;
    // Weights the programs still read at run time (not only through hoisted
    // values), stored in another type, are converted into the new file.
    llvm::DenseSet<Value> hoisted;
    for (const PlannedTensor &p : plan)
      hoisted.insert(p.uses.begin(), p.uses.end());
    llvm::SetVector<Operation *> readAtRunTime;
    std::function<void(Value)> markReads = [&](Value v) {
      Operation *def = v.getDefiningOp();
      if (!def || hoisted.contains(v))
        return;
      if (isa<llm::WeightOp>(def))
        readAtRunTime.insert(def);
      else if (weightOnly.isHoistable(def))
        llvm::for_each(def->getOperands(), markReads);
    };
    module.walk([&](Operation *op) {
      if (!isa<llm::WeightOp, llm::ConstantOp>(op) && !weightOnly.isHoistable(op))
        llvm::for_each(op->getOperands(), markReads);
    });
    llvm::StringMap<size_t> converted;
    for (Operation *op : readAtRunTime) {
      auto weight = cast<llm::WeightOp>(op);
      const StoredTensor *stored = store.lookup(weight.getName());
      if (!stored || stored->dtype == *storedType || !isFloat(stored->dtype))
        continue;
      auto [it, inserted] = converted.try_emplace(weight.getName(), plan.size());
      if (inserted)
        plan.push_back({TensorHeader{uniqueName(weight.getName().str() + "." +
                                                toString(*storedType).lower()),
                                     *storedType, stored->shape},
                        nullptr, weight.getResult(), {}});
      plan[it->second].uses.push_back(weight.getResult());
    }
    return plan;
  }

  /// Evaluates `v` (a weight-only value) with the reference executor.
  std::optional<ref::Tensor> evaluate(Value v, const WeightStore &store,
                                      llvm::DenseMap<Value, ref::Tensor> &values,
                                      exec::RunError &error) {
    if (auto it = values.find(v); it != values.end())
      return it->second;
    Operation *op = v.getDefiningOp();
    std::optional<ref::Tensor> result;
    if (auto weight = dyn_cast<llm::WeightOp>(op)) {
      const StoredTensor *stored = store.lookup(weight.getName());
      if (!stored) {
        error = {exec::RunError::BadInput, exec::locationOf(op) + "weight '" +
                                               weight.getName().str() + "' is not in " +
                                               store.getPath().str()};
        return std::nullopt;
      }
      result = exec::readWeight(op, *stored, error);
    } else if (auto constant = dyn_cast<llm::ConstantOp>(op)) {
      result = exec::tensorFromAttr(cast<ElementsAttr>(constant.getValue()), staticType(v));
    } else {
      SmallVector<ref::Tensor> operands;
      for (Value operand : op->getOperands()) {
        std::optional<ref::Tensor> t = evaluate(operand, store, values, error);
        if (!t)
          return std::nullopt;
        operands.push_back(std::move(*t));
      }
      result = exec::evaluateOp(op, operands, error);
    }
    if (result)
      values.try_emplace(v, *result);
    return result;
  }

  /// Streams the planned tensors into `path`, one at a time.
  LogicalResult writeTensors(ModuleOp module, llvm::ArrayRef<PlannedTensor> plan,
                             const WeightStore &store, llvm::StringRef path) {
    std::vector<TensorHeader> headers;
    for (const PlannedTensor &p : plan)
      headers.push_back(p.header);
    llvm::Expected<std::unique_ptr<SafeTensorsWriter>> writer =
        SafeTensorsWriter::create(path, std::move(headers));
    if (!writer) {
      module.emitError() << "llm-const-eval-weights: " << llvm::toString(writer.takeError());
      return failure();
    }
    for (const PlannedTensor &p : plan) {
      exec::RunError error;
      llvm::DenseMap<Value, ref::Tensor> values; // this tensor's computation only
      std::optional<ref::Tensor> value =
          evaluate(p.value ? p.value : p.converted, store, values, error);
      if (!value) {
        Operation *at = (p.value ? p.value : p.converted).getDefiningOp();
        at->emitError() << "llm-const-eval-weights: cannot evaluate at compile time: "
                        << error.message;
        return failure();
      }
      // A value beyond f16's range would be stored as inf: an error, not a
      // silently different model.
      if (p.header.dtype == DType::F16 && value->isFloat()) {
        const float *data = value->floats();
        for (int64_t i = 0; i < value->size(); ++i)
          if (std::isfinite(data[i]) && std::fabs(data[i]) > 65504.0f) {
            Operation *at = (p.value ? p.value : p.converted).getDefiningOp();
            at->emitError() << "llm-const-eval-weights: '" << p.header.name << "' holds "
                            << data[i] << ", beyond f16's 65504: it cannot be stored as f16";
            return failure();
          }
      }
      if (llvm::Error e = (*writer)->write(value->toBytes(p.header.dtype))) {
        module.emitError() << "llm-const-eval-weights: " << llvm::toString(std::move(e));
        return failure();
      }
      // The checkpoint's pages read for this tensor go too: memory stays
      // near one tensor, not the model.
      store.releasePages();
    }
    if (llvm::Error e = (*writer)->commit()) {
      module.emitError() << "llm-const-eval-weights: " << llvm::toString(std::move(e));
      return failure();
    }
    return success();
  }

  /// Each replaced value becomes an llm.weight of its tensor; the ops left
  /// without users go.
  void rewrite(llvm::ArrayRef<PlannedTensor> plan) {
    llvm::SetVector<Operation *> maybeDead;
    for (const PlannedTensor &p : plan)
      for (Value v : p.uses) {
        Operation *op = v.getDefiningOp();
        OpBuilder b(op);
        auto weight = b.create<llm::WeightOp>(op->getLoc(), v.getType(),
                                              b.getStringAttr(p.header.name));
        v.replaceAllUsesWith(weight.getResult());
        maybeDead.insert(op);
      }
    llvm::DenseSet<Operation *> erased;
    while (!maybeDead.empty()) {
      Operation *op = maybeDead.pop_back_val();
      if (erased.contains(op) || !op->use_empty() || !isPure(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp(); def && !erased.contains(def))
          maybeDead.insert(def);
      erased.insert(op);
      op->erase();
    }
  }
};

} // namespace

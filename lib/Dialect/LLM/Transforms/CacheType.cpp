//===- CacheType.cpp - the KV caches in the device's stored type ----------===//
//
// llm-cache-type (docs in Passes.td). Retypes each float cache argument of
// the static programs, follows it through the in-place updates
// (llm.cache_update of a stored cache is a stored cache), converts what is
// written into it and what is read out of it, and retypes the results that
// alias it and the baked prefix's initial caches.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace llmc::llm {
#define GEN_PASS_DEF_CACHETYPE
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

/// `value` converted to element type `element` (itself when it has it).
Value convert(OpBuilder &b, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return b.create<CastOp>(loc, type.clone(element), value);
}

/// Whether `use` (with every cache already retyped) reads the stored cache
/// as it is: attention's keys and values, latent attention's caches, when
/// both are of one stored type (f16/bf16 for an f32 query: read exactly, so
/// no widened copy of the cache is made for them).
bool readsStored(OpOperand &use) {
  auto storedPair = [&](Value a, Value b) {
    return (use.get() == a || use.get() == b) &&
           cast<RankedTensorType>(a.getType()).getElementType() ==
               cast<RankedTensorType>(b.getType()).getElementType();
  };
  Operation *user = use.getOwner();
  if (auto attention = dyn_cast<AttentionOp>(user))
    return storedPair(attention.getKey(), attention.getValue());
  if (auto mla = dyn_cast<MLAAttentionOp>(user))
    return storedPair(mla.getLatent(), mla.getKeyRope());
  return false;
}

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

struct CacheTypePass : public llmc::llm::impl::CacheTypeBase<CacheTypePass> {
  using CacheTypeBase::CacheTypeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<DType> dtype = parseFloatDType(type);
    if (!dtype) {
      module.emitError() << "llm-cache-type: type must be f32, f16 or bf16, not '" << type << "'";
      return signalPassFailure();
    }
    std::optional<StaticPrograms> programs = lookupStaticPrograms(module);
    if (!programs) {
      module.emitError("llm-cache-type: the module has no static programs (run llm-static-shapes "
                       "first: only their caches are fixed buffers)");
      return signalPassFailure();
    }
    stored = elementTypeOf(*dtype, module.getContext());
    for (func::FuncOp program : programs->all()) {
      if (program == programs->prefix)
        retypePrefix(program);
      else
        retypeProgram(program, programs->numCaches());
    }
  }

  /// The caches of a prefill or decode program.
  void retypeProgram(func::FuncOp program, unsigned caches) {
    Block &entry = program.getBody().front();
    auto ret = cast<func::ReturnOp>(entry.getTerminator());
    // Each stored cache value (an argument, its in-place updates, views of
    // them), with the type the program computes in and its reads.
    struct StoredValue {
      Value value;
      Type computed;
      SmallVector<OpOperand *> reads;
    };
    SmallVector<StoredValue> values;
    for (unsigned i = 0; i < caches; ++i) {
      BlockArgument arg = program.getArgument(kFirstCacheArgument + i);
      if (!isFloatTensor(arg.getType()))
        continue;
      Type computed = cast<RankedTensorType>(arg.getType()).getElementType();
      if (computed == stored)
        continue;
      SmallVector<Value> worklist{arg};
      while (!worklist.empty()) {
        Value cache = worklist.pop_back_val();
        cache.setType(cast<RankedTensorType>(cache.getType()).clone(stored));
        StoredValue &v = values.emplace_back(StoredValue{cache, computed, {}});
        for (OpOperand &use : cache.getUses()) {
          Operation *user = use.getOwner();
          auto update = dyn_cast<CacheUpdateOp>(user);
          if (update && use.getOperandNumber() == update.getCacheMutable().getOperandNumber()) {
            OpBuilder b(update);
            update.getUpdateMutable().assign(
                convert(b, update.getLoc(), update.getUpdate(), stored));
            worklist.push_back(update.getResult());
          } else if (isa<ReshapeOp>(user) && user->getNumOperands() == 1) {
            worklist.push_back(user->getResult(0)); // a view of the stored cache
          } else if (user != ret.getOperation() ||
                     !getAliasedArgument(program, use.getOperandNumber())) {
            v.reads.push_back(&use); // (returned other than as a cache: read)
          }
        }
      }
    }
    // Reads that take the stored type as it is keep it; the others read a
    // converted copy (one per stored value).
    for (StoredValue &v : values) {
      SmallVector<OpOperand *> widened;
      for (OpOperand *read : v.reads)
        if (!readsStored(*read))
          widened.push_back(read);
      if (widened.empty())
        continue;
      OpBuilder b(program.getContext());
      if (auto arg = dyn_cast<BlockArgument>(v.value))
        b.setInsertionPointToStart(arg.getOwner());
      else
        b.setInsertionPointAfter(v.value.getDefiningOp());
      Value wide = convert(b, v.value.getLoc(), v.value, v.computed);
      for (OpOperand *read : widened)
        read->set(wide);
    }
    retypeResults(program, ret);
  }

  /// The baked prefix's results: the caches' initial values.
  void retypePrefix(func::FuncOp prefix) {
    auto ret = cast<func::ReturnOp>(prefix.getBody().front().getTerminator());
    OpBuilder b(ret);
    for (OpOperand &operand : ret->getOpOperands())
      if (isFloatTensor(operand.get().getType()))
        operand.set(convert(b, ret.getLoc(), operand.get(), stored));
    retypeResults(prefix, ret);
  }

  /// The function's type from its (retyped) arguments and what it returns;
  /// a cache result returned in the computed type (a program that
  /// returns a value other than its updated cache) is converted.
  void retypeResults(func::FuncOp function, func::ReturnOp ret) {
    OpBuilder b(ret);
    for (unsigned r = 0; r < ret.getNumOperands(); ++r)
      if (std::optional<unsigned> arg = getAliasedArgument(function, r)) {
        Type element = cast<RankedTensorType>(function.getArgument(*arg).getType()).getElementType();
        if (isFloatTensor(ret.getOperand(r).getType()))
          ret.setOperand(r, convert(b, ret.getLoc(), ret.getOperand(r), element));
      }
    function.setType(FunctionType::get(function.getContext(),
                                       function.getBody().front().getArgumentTypes(),
                                       ret.getOperandTypes()));
  }

  Type stored;
};

} // namespace

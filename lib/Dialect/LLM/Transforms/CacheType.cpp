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
    retypeProgram(programs->decode, programs->numCaches());
    for (auto &[tokens, prefill] : programs->prefills)
      retypeProgram(prefill, programs->numCaches());
    if (programs->prefix)
      retypePrefix(programs->prefix);
  }

  /// The caches of a prefill or decode program.
  void retypeProgram(func::FuncOp program, unsigned caches) {
    Block &entry = program.getBody().front();
    auto ret = cast<func::ReturnOp>(entry.getTerminator());
    for (unsigned i = 0; i < caches; ++i) {
      BlockArgument arg = program.getArgument(kFirstCacheArgument + i);
      if (!isFloatTensor(arg.getType()))
        continue;
      Type computed = cast<RankedTensorType>(arg.getType()).getElementType();
      if (computed == stored)
        continue;
      // The stored cache and its in-place updates, each read converted back.
      SmallVector<Value> worklist{arg};
      while (!worklist.empty()) {
        Value cache = worklist.pop_back_val();
        cache.setType(cast<RankedTensorType>(cache.getType()).clone(stored));
        SmallVector<OpOperand *> reads;
        for (OpOperand &use : cache.getUses()) {
          auto update = dyn_cast<CacheUpdateOp>(use.getOwner());
          if (update && use.getOperandNumber() == update.getCacheMutable().getOperandNumber()) {
            OpBuilder b(update);
            update.getUpdateMutable().assign(
                convert(b, update.getLoc(), update.getUpdate(), stored));
            worklist.push_back(update.getResult());
          } else if (use.getOwner() != ret.getOperation()) {
            reads.push_back(&use);
          }
        }
        if (reads.empty())
          continue;
        OpBuilder b(program.getContext());
        if (auto arg = dyn_cast<BlockArgument>(cache))
          b.setInsertionPointToStart(arg.getOwner());
        else
          b.setInsertionPointAfter(cache.getDefiningOp());
        Value wide = convert(b, cache.getLoc(), cache, computed);
        for (OpOperand *read : reads)
          read->set(wide);
      }
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

//===- ComputeType.cpp - the static programs in the device's float type ---===//
//
// llm-compute-type (docs in Passes.td). Retypes every f32 value of the
// static programs; weights and constants keep their stored type behind an
// llm.cast, so what they hold is converted once (at compile time, by the
// constant folder or llm-const-eval-weights).
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/ElementType.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/ProgramABI.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace llmc::llm {
#define GEN_PASS_DEF_COMPUTETYPE
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

struct ComputeTypePass : public llmc::llm::impl::ComputeTypeBase<ComputeTypePass> {
  using ComputeTypeBase::ComputeTypeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<DType> dtype = parseFloatDType(type);
    if (!dtype || *dtype == DType::F32) {
      module.emitError() << "llm-compute-type: type must be f16 or bf16, not '" << type << "'";
      return signalPassFailure();
    }
    std::optional<StaticPrograms> programs = lookupStaticPrograms(module);
    if (!programs) {
      module.emitError("llm-compute-type: the module has no static programs (run "
                       "llm-static-shapes first)");
      return signalPassFailure();
    }
    target = elementTypeOf(*dtype, module.getContext());
    for (func::FuncOp program : programs->all())
      retype(program);
  }

  /// `type` with an f32 element type replaced by the target's.
  Type converted(Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getElementType().isF32() ? tensor.clone(target) : type;
  }

  void retype(func::FuncOp program) {
    Block &body = program.getBody().front();
    for (BlockArgument arg : body.getArguments())
      arg.setType(converted(arg.getType()));
    program.walk([&](Operation *op) {
      if (isa<WeightOp, ConstantOp>(op)) {
        // The stored values stay as they are; a cast converts them.
        Value stored = op->getResult(0);
        Type type = converted(stored.getType());
        if (type == stored.getType())
          return;
        OpBuilder b(op->getContext());
        b.setInsertionPointAfter(op);
        Value cast = b.create<CastOp>(op->getLoc(), type, stored);
        stored.replaceAllUsesExcept(cast, cast.getDefiningOp());
        return;
      }
      for (Value result : op->getResults())
        result.setType(converted(result.getType()));
    });
    program.setType(FunctionType::get(program.getContext(), body.getArgumentTypes(),
                                      body.getTerminator()->getOperandTypes()));
  }

  Type target;
};

} // namespace

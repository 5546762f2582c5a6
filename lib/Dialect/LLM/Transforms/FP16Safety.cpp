//===- FP16Safety.cpp - the llm-fp16-safety pass --------------------------===//
//
// Rewrites the ops whose naive FP16 evaluation can overflow into range-safe
// forms of the same function. Today: the norms (SafeNorms.cpp).
//
//===----------------------------------------------------------------------===//
#include "SafeNorms.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

namespace llmc::llm {
#define GEN_PASS_DEF_FP16SAFETY
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

struct FP16SafetyPass : public llmc::llm::impl::FP16SafetyBase<FP16SafetyPass> {
  using FP16SafetyBase::FP16SafetyBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (normStrategy != "dynamic" && normStrategy != "none") {
      emitError(module.getLoc()) << "norm-strategy must be dynamic or none, not '" << normStrategy
                                 << "'";
      return signalPassFailure();
    }
    if (normStrategy == "none")
      return;
    SmallVector<Operation *> norms;
    module.walk([&](Operation *op) {
      if (isa<RMSNormOp, LayerNormOp>(op))
        norms.push_back(op);
    });
    for (Operation *op : norms) {
      LogicalResult rewritten = isa<RMSNormOp>(op)
                                    ? rewriteToMaxScaledForm(cast<RMSNormOp>(op))
                                    : rewriteToMaxScaledForm(cast<LayerNormOp>(op));
      if (failed(rewritten))
        return signalPassFailure();
    }
  }
};

} // namespace

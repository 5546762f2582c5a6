//===- FormFusionGroups.cpp - what the device runs as one kernel ----------===//
//
// llm-form-fusion-groups (docs in Passes.td). Seeds a group at each linear,
// takes the norm before it and the elementwise chain after it as the kinds
// allow, and moves those ops into an llm.fusion_group placed where the last
// of them was.
//
//===----------------------------------------------------------------------===//
#include "SymbolicSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace llmc::llm {
#define GEN_PASS_DEF_FORMFUSIONGROUPS
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

/// The only user of `v` in its block, or null.
Operation *onlyUser(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  Operation *user = *v.getUsers().begin();
  return user->getBlock() == v.getParentBlock() ? user : nullptr;
}

struct FormFusionGroupsPass : public llmc::llm::impl::FormFusionGroupsBase<FormFusionGroupsPass> {
  using FormFusionGroupsBase::FormFusionGroupsBase;

  void runOnOperation() override {
    for (const std::string &kind : kinds)
      if (kind != "norm-linear" && kind != "linear-epilogue" && kind != "norm-linear-epilogue") {
        getOperation()->emitError() << "llm-form-fusion-groups: unknown kind '" << kind
                                    << "' (norm-linear, linear-epilogue, norm-linear-epilogue)";
        return signalPassFailure();
      }
    // A device that fuses all three also fuses either part.
    bool canBoth = llvm::is_contained(kinds, "norm-linear-epilogue");
    bool canNorm = canBoth || llvm::is_contained(kinds, "norm-linear");
    bool canEpilogue = canBoth || llvm::is_contained(kinds, "linear-epilogue");
    SmallVector<LinearOp> linears;
    getOperation()->walk([&](LinearOp linear) {
      if (!linear->getParentOfType<FusionGroupOp>())
        linears.push_back(linear);
    });
    for (LinearOp linear : linears) {
      Operation *norm = linear.getInput().getDefiningOp();
      bool takeNorm = canNorm && norm && isa<RMSNormOp, LayerNormOp>(norm) &&
                      onlyUser(norm->getResult(0)) == linear.getOperation();
      SmallVector<Operation *> epilogue;
      for (Operation *next = canEpilogue ? onlyUser(linear.getResult()) : nullptr;
           next && isBroadcastingElementwise(next) && next->getNumResults() == 1;
           next = onlyUser(next->getResult(0)))
        epilogue.push_back(next);
      if (takeNorm && !epilogue.empty() && !canBoth)
        epilogue.clear(); // the norm as the prologue, the epilogue left out
      if (!takeNorm && epilogue.empty())
        continue;
      SmallVector<Operation *> ops;
      if (takeNorm)
        ops.push_back(norm);
      ops.push_back(linear);
      ops.append(epilogue);
      if (sramBytes > 0 && !fitsOnChip(ops))
        continue;
      group(ops, takeNorm && !epilogue.empty() ? "norm-linear-epilogue"
                 : takeNorm                     ? "norm-linear"
                                                : "linear-epilogue");
    }
  }

  /// Whether the intermediates of a group of `ops` (all results but the
  /// last op's) fit in the device's on-chip memory; a dynamic size does not.
  bool fitsOnChip(ArrayRef<Operation *> ops) {
    int64_t bytes = 0;
    for (Operation *op : ops.drop_back()) {
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!type.hasStaticShape())
        return false;
      bytes += type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
    }
    return bytes <= sramBytes;
  }

  /// Moves `ops` (in order, each but the last used only by the next ones)
  /// into a group where the last of them was.
  void group(ArrayRef<Operation *> ops, StringRef kind) {
    Operation *last = ops.back();
    OpBuilder b(last);
    Value result = last->getResult(0);
    auto group = b.create<FusionGroupOp>(last->getLoc(), result.getType(), b.getStringAttr(kind));
    Block *body = b.createBlock(&group.getBody());
    for (Operation *op : ops)
      op->moveBefore(body, body->end());
    b.setInsertionPointToEnd(body);
    auto yield = b.create<YieldOp>(last->getLoc(), result);
    result.replaceUsesWithIf(group.getResult(),
                             [&](OpOperand &use) { return use.getOwner() != yield; });
  }
};

} // namespace

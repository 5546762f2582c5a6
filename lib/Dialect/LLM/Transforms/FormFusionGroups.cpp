//===- FormFusionGroups.cpp - what the device runs as one kernel ----------===//
//
// llm-form-fusion-groups (docs in Passes.td). Seeds a group at each linear,
// finds the parts around it (the residual add and the norm before it, the
// elementwise chain after it), takes the largest combination of parts one
// of the declared kinds covers, and moves those ops into an
// llm.fusion_group placed where the last of them was; the group returns
// the last op's value and every value of the group used outside it.
//
//===----------------------------------------------------------------------===//
#include "SymbolicSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/MemoryPlan.h"
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

/// What a group holds around its linear: a prologue of 0 (nothing), 1 (the
/// norm) or 2 (the residual add and the norm) ops, and the epilogue or not.
/// A kind's name lists its parts; a device that runs a kind also runs each
/// kind with fewer parts.
struct Parts {
  int prologue = 0;
  bool epilogue = false;

  std::string name() const {
    return std::string(prologue == 2 ? "residual-" : "") + (prologue >= 1 ? "norm-" : "") +
           "linear" + (epilogue ? "-epilogue" : "");
  }
  bool covers(Parts other) const {
    return other.prologue <= prologue && (!other.epilogue || epilogue);
  }
  static std::optional<Parts> parse(llvm::StringRef kind) {
    for (int prologue : {0, 1, 2})
      for (bool epilogue : {false, true})
        if (Parts parts{prologue, epilogue}; parts.name() == kind && parts.prologue + epilogue > 0)
          return parts;
    return std::nullopt;
  }
};

constexpr const char *kKinds =
    "norm-linear, linear-epilogue, norm-linear-epilogue, residual-norm-linear, "
    "residual-norm-linear-epilogue";

struct FormFusionGroupsPass : public llmc::llm::impl::FormFusionGroupsBase<FormFusionGroupsPass> {
  using FormFusionGroupsBase::FormFusionGroupsBase;

  void runOnOperation() override {
    SmallVector<Parts> declared;
    for (const std::string &kind : kinds) {
      std::optional<Parts> parts = Parts::parse(kind);
      if (!parts) {
        getOperation()->emitError() << "llm-form-fusion-groups: unknown kind '" << kind << "' ("
                                    << kKinds << ")";
        return signalPassFailure();
      }
      declared.push_back(*parts);
    }
    if (declared.empty())
      return;
    SmallVector<LinearOp> linears;
    getOperation()->walk([&](LinearOp linear) {
      if (!linear->getParentOfType<FusionGroupOp>())
        linears.push_back(linear);
    });
    for (LinearOp linear : linears)
      formAround(linear, declared);
  }

  /// The largest group around `linear` a declared kind covers and the
  /// device can hold, if any.
  void formAround(LinearOp linear, ArrayRef<Parts> declared) {
    // The parts there are: a norm whose only user is the linear, the
    // residual add the norm reads (not already in a group: the previous
    // linear's epilogue may hold it), the elementwise chain after.
    SmallVector<Operation *> prologue;
    Operation *norm = linear.getInput().getDefiningOp();
    if (norm && isa<RMSNormOp, LayerNormOp>(norm) && !norm->getParentOfType<FusionGroupOp>() &&
        onlyUser(norm->getResult(0)) == linear.getOperation()) {
      auto residual = norm->getOperand(0).getDefiningOp<AddOp>();
      if (residual && residual->getBlock() == norm->getBlock() &&
          !residual->getParentOfType<FusionGroupOp>())
        prologue.push_back(residual);
      prologue.push_back(norm);
    }
    SmallVector<Operation *> epilogue;
    for (Operation *next = onlyUser(linear.getResult());
         next && isBroadcastingElementwise(next) && next->getNumResults() == 1;
         next = onlyUser(next->getResult(0)))
      epilogue.push_back(next);

    // Candidates, most ops first.
    SmallVector<Parts> candidates;
    for (int p = prologue.size(); p >= 0; --p)
      for (bool e : {true, false})
        if ((!e || !epilogue.empty()) && p + e > 0)
          candidates.push_back({p, e});
    auto size = [&](Parts x) { return x.prologue + (x.epilogue ? int(epilogue.size()) : 0); };
    llvm::sort(candidates, [&](Parts a, Parts b) {
      return std::make_tuple(size(a), a.prologue, a.epilogue) >
             std::make_tuple(size(b), b.prologue, b.epilogue);
    });
    for (Parts parts : candidates) {
      if (!llvm::any_of(declared, [&](Parts d) { return d.covers(parts); }))
        continue;
      SmallVector<Operation *> ops(ArrayRef(prologue).take_back(parts.prologue));
      ops.push_back(linear);
      if (parts.epilogue)
        ops.append(epilogue);
      SmallVector<Value> yielded = yieldedValues(ops);
      if (!usedAfter(ops, yielded) || !fitsOnChip(ops, yielded))
        continue;
      group(ops, yielded, parts.name());
      return;
    }
  }

  /// The values a group of `ops` returns: the last op's, and any used
  /// outside the group.
  static SmallVector<Value> yieldedValues(ArrayRef<Operation *> ops) {
    llvm::SmallPtrSet<Operation *, 8> inGroup(ops.begin(), ops.end());
    SmallVector<Value> yielded;
    for (Operation *op : ops)
      for (Value v : op->getResults())
        if (op == ops.back() || llvm::any_of(v.getUsers(), [&](Operation *user) {
              return !inGroup.contains(user);
            }))
          yielded.push_back(v);
    return yielded;
  }

  /// Whether every use of `yielded` outside the group comes after the
  /// group's last op, where the group will be (a use before it would
  /// precede its definition).
  static bool usedAfter(ArrayRef<Operation *> ops, ArrayRef<Value> yielded) {
    Operation *last = ops.back();
    for (Value v : yielded)
      for (Operation *user : v.getUsers()) {
        if (llvm::is_contained(ops, user))
          continue;
        Operation *at = last->getBlock()->findAncestorOpInBlock(*user);
        if (!at || !last->isBeforeInBlock(at))
          return false;
      }
    return true;
  }

  /// Whether the intermediates of a group of `ops` (the values not
  /// yielded) fit in the device's on-chip memory; a dynamic size does not.
  bool fitsOnChip(ArrayRef<Operation *> ops, ArrayRef<Value> yielded) {
    if (sramBytes <= 0)
      return true;
    int64_t bytes = 0;
    for (Operation *op : ops)
      for (Value v : op->getResults()) {
        if (llvm::is_contained(yielded, v))
          continue;
        if (!cast<RankedTensorType>(v.getType()).hasStaticShape())
          return false;
        bytes += bytesOf(v.getType());
      }
    return bytes <= sramBytes;
  }

  /// Moves `ops` (in order) into a group where the last of them was,
  /// returning `yielded`.
  static void group(ArrayRef<Operation *> ops, ArrayRef<Value> yielded, StringRef kind) {
    Operation *last = ops.back();
    OpBuilder b(last);
    auto group = b.create<FusionGroupOp>(last->getLoc(), ValueRange(yielded).getTypes(),
                                         b.getStringAttr(kind));
    Block *body = b.createBlock(&group.getBody());
    for (Operation *op : ops)
      op->moveBefore(body, body->end());
    b.setInsertionPointToEnd(body);
    b.create<YieldOp>(last->getLoc(), yielded);
    for (auto [i, value] : llvm::enumerate(yielded))
      Value(value).replaceUsesWithIf(group.getResult(i), [&](OpOperand &use) {
        return !group->isAncestor(use.getOwner());
      });
  }
};

} // namespace

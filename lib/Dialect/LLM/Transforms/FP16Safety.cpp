//===- FP16Safety.cpp - the llm-fp16-safety pass --------------------------===//
//
// Finds what a naive FP16 evaluation of each op can overflow, from proven
// value ranges (ValueRanges.cpp), and rewrites the ops it can into
// range-safe forms of the same function (SafeNorms.cpp); with `report`,
// prints the hazards and what was done about them.
//
//===----------------------------------------------------------------------===//
#include "SafeAttention.h"
#include "SafeNorms.h"
#include "ValueRanges.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Support/SafeTensors.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

namespace llmc::llm {
#define GEN_PASS_DEF_FP16SAFETY
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

/// "file:line:col" for a source location, MLIR's form otherwise.
void printLocation(llvm::raw_ostream &os, Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":" << file.getColumn();
  else
    os << loc;
}

struct FP16SafetyPass : public llmc::llm::impl::FP16SafetyBase<FP16SafetyPass> {
  using FP16SafetyBase::FP16SafetyBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (normStrategy != "dynamic" && normStrategy != "none") {
      emitError(module.getLoc()) << "norm-strategy must be dynamic or none, not '" << normStrategy
                                 << "'";
      return signalPassFailure();
    }
    std::string weightsNote;
    std::unique_ptr<WeightStore> store = openWeights(weightsNote);
    WeightStatistics statistics(store.get());
    for (auto function : module.getOps<func::FuncOp>())
      if (failed(runOnFunction(function, statistics, weightsNote)))
        return signalPassFailure();
  }

  /// The module's weights, or null with the reason in `note`.
  std::unique_ptr<WeightStore> openWeights(std::string &note) {
    auto path = getOperation()->getAttrOfType<StringAttr>("llm.weights");
    if (!path) {
      note = "no weights file";
      return nullptr;
    }
    SmallString<256> full(path.getValue());
    if (!llvm::sys::path::is_absolute(full)) {
      full = modelDir;
      llvm::sys::path::append(full, path.getValue());
    }
    llvm::Expected<std::unique_ptr<WeightStore>> store = WeightStore::open(full);
    if (!store) {
      note = "weights not read: " + llvm::toString(store.takeError());
      return nullptr;
    }
    note = "weights read";
    return std::move(*store);
  }

  LogicalResult runOnFunction(func::FuncOp function, WeightStatistics &statistics,
                              StringRef weightsNote) {
    ValueRanges ranges(function, &statistics);
    std::vector<FP16Hazard> hazards = findFP16Hazards(function, ranges);
    if (report)
      llvm::errs() << "llm-fp16-safety: FP16 hazards of @" << function.getSymName()
                   << " (proven ranges, " << weightsNote << ")\n";
    int fixed = 0;
    for (const FP16Hazard &hazard : hazards) {
      Location loc = hazard.op->getLoc();
      OperationName name = hazard.op->getName();
      FailureOr<std::string> fix = fixHazard(hazard); // may erase the op
      if (failed(fix))
        return failure();
      fixed += !fix->empty();
      if (!report)
        continue;
      llvm::errs() << "  ";
      printLocation(llvm::errs(), loc);
      llvm::errs() << ": " << name << ": " << FP16Hazard::describe(hazard.kind) << " up to "
                   << llvm::format("%.3g", hazard.bound) << " (" << hazard.inputs
                   << "): " << (fix->empty() ? "not fixed" : "fixed (" + *fix + ")") << "\n";
    }
    if (report)
      llvm::errs() << "  " << hazards.size() << " hazards: " << fixed << " fixed, "
                   << hazards.size() - fixed << " not fixed\n";
    return success();
  }

  /// Rewrites the op of `hazard` if this pass can: how (empty: not fixed).
  /// The op is gone afterwards when it was fixed.
  FailureOr<std::string> fixHazard(const FP16Hazard &hazard) {
    if (auto attention = dyn_cast<AttentionOp>(hazard.op); attention && hazard.kind == FP16Hazard::Scores) {
      double scale = attention.getScale().convertToDouble();
      if (!(hazard.bound * scale <= kFP16Max))
        return std::string(); // scaling the query first would not be enough
      foldScaleIntoQuery(attention);
      std::string how;
      llvm::raw_string_ostream(how) << "scale folded into the query: scores up to "
                                    << llvm::format("%.3g", hazard.bound * scale);
      return how;
    }
    if (hazard.kind != FP16Hazard::SumOfSquares || normStrategy == "none")
      return std::string();
    LogicalResult rewritten = isa<RMSNormOp>(hazard.op)
                                  ? rewriteToMaxScaledForm(cast<RMSNormOp>(hazard.op))
                                  : rewriteToMaxScaledForm(cast<LayerNormOp>(hazard.op));
    if (failed(rewritten))
      return failure();
    return std::string("rows scaled by their max |x|");
  }
};

} // namespace

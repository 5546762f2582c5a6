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
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Support/SafeTensors.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <cmath>

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

  /// The norm strategy for the module being run on.
  std::string strategy;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Without a strategy, the device's: its sums of squares cannot overflow
    // where it accumulates in FP32. (Decided per module: the option itself
    // stays as given.)
    strategy = normStrategy;
    if (strategy.empty()) {
      auto device = module->getAttrOfType<DeviceAttr>(LLMDialect::getDeviceAttrName());
      strategy = device && device.getAccumulatesInFp32() ? "none" : "dynamic";
    }
    if (strategy != "dynamic" && strategy != "static" && strategy != "none") {
      emitError(module.getLoc()) << "norm-strategy must be dynamic, static or none, not '"
                                 << strategy << "'";
      return signalPassFailure();
    }
    std::string weightsNote;
    std::unique_ptr<WeightStore> store = llm::openWeightsIfAny(module, modelDir, weightsNote);
    WeightStatistics statistics(store.get());
    for (auto function : module.getOps<func::FuncOp>())
      if (failed(runOnFunction(function, statistics, weightsNote)))
        return signalPassFailure();
  }

  LogicalResult runOnFunction(func::FuncOp function, WeightStatistics &statistics,
                              StringRef weightsNote) {
    if (report)
      llvm::errs() << "llm-fp16-safety: FP16 hazards of @" << function.getSymName()
                   << " (proven ranges, " << weightsNote << ")\n";
    int saturated = saturateExclusionFills(function);
    ValueRanges ranges(function, &statistics);
    std::optional<ValueRanges> observed = ValueRanges::observed(function, &statistics);
    std::vector<FP16Hazard> hazards = findFP16Hazards(function, ranges);
    int fixed = saturated;
    for (const FP16Hazard &hazard : hazards) {
      Location loc = hazard.op->getLoc();
      OperationName name = hazard.op->getName();
      // What calibration saw of the same quantity, before the op changes.
      std::optional<FP16Hazard> seen =
          observed ? fp16Exposure(hazard.op, *observed) : std::nullopt;
      FailureOr<std::string> fix = fixHazard(hazard, observed); // may erase the op
      if (failed(fix))
        return failure();
      fixed += !fix->empty();
      if (!report)
        continue;
      llvm::errs() << "  ";
      printLocation(llvm::errs(), loc);
      llvm::errs() << ": " << name << ": " << FP16Hazard::describe(hazard.kind) << " up to "
                   << llvm::format("%.3g", hazard.bound) << " (" << hazard.inputs << ")";
      if (seen && std::isfinite(seen->bound))
        llvm::errs() << "; observed " << llvm::format("%.3g", seen->bound) << " (" << seen->inputs
                     << ")";
      llvm::errs() << ": " << (fix->empty() ? "not fixed" : "fixed (" + *fix + ")") << "\n";
    }
    if (report)
      llvm::errs() << "  " << hazards.size() + saturated << " hazards: " << fixed << " fixed, "
                   << hazards.size() + saturated - fixed << " not fixed\n";
    return success();
  }

  /// Exporters exclude entries with a fill of their dtype's lowest value
  /// (`torch.finfo(float32).min`, or -1e9): beyond FP16's range, such a
  /// constant is -inf on an FP16 device, and -inf minus -inf is NaN in a
  /// row where every entry is excluded. A uniform fill at or below FP16's
  /// lowest is written as FP16's lowest (-65504, what finfo(float16).min
  /// means to the same code), which excludes as well: exp(-65504 - max)
  /// is 0. Returns how many were rewritten (each reported).
  int saturateExclusionFills(func::FuncOp function) {
    int count = 0;
    function.walk([&](ConstantOp constant) {
      auto attr = dyn_cast<DenseFPElementsAttr>(constant.getValue());
      if (!attr || !attr.isSplat())
        return;
      double value = attr.getSplatValue<APFloat>().convertToDouble();
      if (!std::isfinite(value) || value >= -kFP16Max)
        return;
      auto type = cast<RankedTensorType>(attr.getType());
      auto element = cast<FloatType>(type.getElementType());
      APFloat lowest(-kFP16Max);
      bool lost;
      lowest.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      constant.setValueAttr(DenseElementsAttr::get(type, lowest));
      ++count;
      if (!report)
        return;
      llvm::errs() << "  ";
      printLocation(llvm::errs(), constant.getLoc());
      llvm::errs() << ": llm.constant: a fill of " << llvm::format("%.3g", value)
                   << " is beyond FP16 (-inf there): fixed (FP16's lowest, -65504, excludes "
                      "as well)\n";
    });
    return count;
  }

  /// Rewrites the op of `hazard` if this pass can: how (empty: not fixed).
  /// The op is gone afterwards when it was fixed.
  FailureOr<std::string> fixHazard(const FP16Hazard &hazard,
                                   const std::optional<ValueRanges> &observed) {
    if (hazard.kind == FP16Hazard::Scores) {
      auto attention = dyn_cast<AttentionOp>(hazard.op);
      auto latent = dyn_cast<MLAAttentionOp>(hazard.op);
      double scale = (attention ? attention.getScale() : latent.getScale()).convertToDouble();
      if (!(hazard.bound * scale <= kFP16Max))
        return std::string(); // scaling the query first would not be enough
      if (attention)
        foldScaleIntoQuery(attention);
      else
        foldScaleIntoQuery(latent);
      std::string how;
      llvm::raw_string_ostream(how) << "scale folded into the query: scores up to "
                                    << llvm::format("%.3g", hazard.bound * scale);
      return how;
    }
    if (hazard.kind != FP16Hazard::SumOfSquares || strategy == "none")
      return std::string();
    return fixNorm(hazard.op, observed);
  }

  /// Rewrites the norm `op` by the norm strategy: how.
  FailureOr<std::string> fixNorm(Operation *op, const std::optional<ValueRanges> &observed) {
    Value input = op->getOperand(0);
    NormPrescale how;
    std::string note = "rows scaled by their max |x|";
    if (strategy == "static") {
      double magnitude = observed ? observed->get(input).magnitude() : INFINITY;
      if (!std::isfinite(magnitude))
        return op->emitError("norm-strategy=static needs the range this norm's input took on "
                             "calibration prompts (llm-calibrate-ranges, llmc --calibrate)");
      int64_t width = cast<RankedTensorType>(input.getType()).getShape().back();
      double eps = isa<RMSNormOp>(op) ? cast<RMSNormOp>(op).getEpsilon().convertToDouble()
                                      : cast<LayerNormOp>(op).getEpsilon().convertToDouble();
      // A dynamic width is left to rewriteToSafeForm's error.
      if (!ShapedType::isDynamic(width)) {
        int exponent = staticPrescaleExponent(width, eps, magnitude);
        // Rows whose scaled mean square falls below FP16's normal range
        // would lose precision (and below the radicand's floor, their
        // value): such a norm keeps the dynamic form.
        double smallestRMS = std::ldexp(1.0, -7 - exponent);
        auto rms = op->getAttrOfType<DenseF64ArrayAttr>(LLMDialect::getObservedRowRMSAttrName());
        if (rms && rms[0] < smallestRMS) {
          llvm::raw_string_ostream(note)
              << ": a static pre-scale by 2^" << exponent << " loses rows with RMS below "
              << llvm::format("%.3g", smallestRMS) << ", calibrated down to "
              << llvm::format("%.3g", rms[0]);
        } else {
          how.exponent = exponent;
          note.clear();
          llvm::raw_string_ostream(note)
              << "pre-scaled by 2^" << exponent << ": safe for |x| <= "
              << llvm::format("%.3g", staticPrescaleLimit(width, eps, exponent)) << ", calibrated "
              << llvm::format("%.3g", magnitude);
        }
      }
    }
    LogicalResult rewritten = isa<RMSNormOp>(op) ? rewriteToSafeForm(cast<RMSNormOp>(op), how)
                                                 : rewriteToSafeForm(cast<LayerNormOp>(op), how);
    if (failed(rewritten))
      return failure();
    return note;
  }
};

} // namespace

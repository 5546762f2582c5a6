//===- FoldNormWeights.cpp - a norm's scale folded into its linears -------===//
//
// llm-fold-norm-weights (docs in Passes.td). For each norm whose users are
// all linears reading its output, proves from the weights' statistics that
// the folded weights stay within FP16's range, then rewrites the linears'
// weights (and biases) and gives the norm a weight of ones (and no bias).
//
//===----------------------------------------------------------------------===//
#include "ValueRanges.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"
#include "llmc/Support/SafeTensors.h"

#include "mlir/IR/Builders.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace llmc::llm {
#define GEN_PASS_DEF_FOLDNORMWEIGHTS
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc;
using namespace llmc::llm;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The largest |value| of a weight read from the checkpoint, or none.
std::optional<double> maxAbs(Value v, WeightStatistics &statistics) {
  auto weight = v.getDefiningOp<WeightOp>();
  if (!weight)
    return std::nullopt;
  std::optional<Interval> values = statistics.values(weight.getName());
  if (!values)
    return std::nullopt;
  return std::max(std::fabs(values->lo), std::fabs(values->hi));
}

struct FoldNormWeightsPass : public llmc::llm::impl::FoldNormWeightsBase<FoldNormWeightsPass> {
  using FoldNormWeightsBase::FoldNormWeightsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> norms;
    module.walk([&](Operation *op) {
      if (isa<RMSNormOp, LayerNormOp>(op))
        norms.push_back(op);
    });
    if (norms.empty())
      return;
    std::string weightsNote;
    std::unique_ptr<WeightStore> store = openWeightsIfAny(module, modelDir, weightsNote);
    WeightStatistics statistics(store.get());
    for (Operation *norm : norms) {
      std::string why = store ? refusal(norm, statistics)
                              : "the FP16 proof needs the weights (" + weightsNote + ")";
      if (report)
        llvm::errs() << "llm-fold-norm-weights: " << norm->getName().getStringRef() << " at "
                     << norm->getLoc() << ": " << (why.empty() ? "folded" : "kept: " + why) << "\n";
      if (why.empty())
        fold(norm);
    }
  }

  /// Why `norm` is not folded, or "" when it is.
  std::string refusal(Operation *norm, WeightStatistics &statistics) {
    Value g = norm->getOperand(1);
    Value b = isa<LayerNormOp>(norm) ? cast<LayerNormOp>(norm).getBias() : Value();
    if (norm->getResult(0).use_empty())
      return "its output is not used";
    std::optional<double> gMax = maxAbs(g, statistics);
    std::optional<double> bMax = b ? maxAbs(b, statistics) : std::optional<double>(0.0);
    if (!gMax || !bMax)
      return "its weight or bias is not a weight read from the checkpoint";
    for (OpOperand &use : norm->getResult(0).getUses()) {
      auto linear = dyn_cast<LinearOp>(use.getOwner());
      if (!linear || use.getOperandNumber() != 0)
        return "its output feeds an op other than a linear's input";
      std::optional<double> wMax = maxAbs(linear.getWeight(), statistics);
      if (!wMax)
        return "a linear's weight is not a weight read from the checkpoint";
      if (*wMax * *gMax > kFP16Max)
        return llvm::formatv("max |W| * max |g| = {0} would exceed FP16's 65504",
                             *wMax * *gMax).str();
      if (b) {
        auto weight = linear.getWeight().getDefiningOp<WeightOp>();
        std::optional<double> rowL1 = statistics.maxOutputL1(weight.getName(), linear.getWeightLayout());
        std::optional<double> cMax = linear.getBias() ? maxAbs(linear.getBias(), statistics)
                                                      : std::optional<double>(0.0);
        if (!rowL1 || !cMax)
          return "a linear's bias is not a weight read from the checkpoint";
        if (*cMax + *rowL1 * *bMax > kFP16Max)
          return llvm::formatv("the folded bias may reach {0}, beyond FP16's 65504",
                               *cMax + *rowL1 * *bMax).str();
      }
    }
    return "";
  }

  void fold(Operation *norm) {
    Value g = norm->getOperand(1);
    auto layer = dyn_cast<LayerNormOp>(norm);
    Value b = layer ? layer.getBias() : Value();
    RankedTensorType gType = typeOf(g);
    int64_t d = gType.getDimSize(0);
    for (OpOperand &use : llvm::make_early_inc_range(norm->getResult(0).getUses())) {
      auto linear = cast<LinearOp>(use.getOwner());
      OpBuilder builder(linear);
      Location loc = linear.getLoc();
      Value w = linear.getWeight();
      RankedTensorType wType = typeOf(w);
      bool outIn = linear.getWeightLayout() == WeightLayout::out_in;
      // W diag(g): g scales the input axis (the last of [N, D], the first of [D, N]).
      Value scale = outIn ? g
                          : builder.create<ReshapeOp>(loc, RankedTensorType::get({d, 1}, gType.getElementType()),
                                                      g, Value()).getResult();
      Value folded = builder.create<MulOp>(loc, wType, w, scale);
      Value bias = linear.getBias();
      if (b) {
        // W b (+ c): the bias as a one-row input of the original weight.
        int64_t n = typeOf(linear.getResult()).getShape().back();
        auto row = RankedTensorType::get({1, d}, gType.getElementType());
        Value b1 = builder.create<ReshapeOp>(loc, row, b, Value());
        Value wb = builder.create<LinearOp>(loc, RankedTensorType::get({1, n}, gType.getElementType()),
                                            b1, w, Value(), linear.getWeightLayout());
        Value wbFlat = builder.create<ReshapeOp>(loc, RankedTensorType::get({n}, gType.getElementType()),
                                                 wb, Value());
        bias = bias ? builder.create<AddOp>(loc, typeOf(bias), wbFlat, bias).getResult() : wbFlat;
      }
      linear.getWeightMutable().assign(folded);
      if (bias)
        linear.getBiasMutable().assign(bias);
    }
    // The norm multiplies by ones (and adds nothing).
    OpBuilder builder(norm);
    Attribute one = FloatAttr::get(gType.getElementType(), 1.0);
    Value ones = builder.create<ConstantOp>(norm->getLoc(), gType,
                                            DenseElementsAttr::get(gType, one));
    norm->setOperand(1, ones);
    if (layer && b)
      layer.getBiasMutable().clear();
  }
};

} // namespace

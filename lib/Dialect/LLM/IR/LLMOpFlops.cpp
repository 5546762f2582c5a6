//===- LLMOpFlops.cpp - each op's FLOPs (FlopCountOpInterface) ------------===//
//
// A multiply-add counts 2; every other computing op counts 1 per result
// element; data movement and constants count 0 (the rule is stated in
// LLMInterfaces.td). Shapes are static; a dynamic result counts as 0
// elements.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "llmc/Dialect/LLM/IR/LatentAttentionSizes.h"

using namespace mlir;
using namespace llmc::llm;

namespace {

double elements(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? double(type.getNumElements()) : 0.0;
}

int64_t dimOf(Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  return type.getDimSize(d < 0 ? type.getRank() + d : d);
}

/// A computing op other than a product: one flop per result element.
double onePerResultElement(Operation *op) {
  double n = 0.0;
  for (Value result : op->getResults())
    n += elements(result);
  return n;
}

} // namespace

//===----------------------------------------------------------------------===//
// Products: a multiply-add counts 2
//===----------------------------------------------------------------------===//

double LinearOp::countFlops() {
  // Each output element is a dot product over the input's last axis.
  double products = 2.0 * elements(getResult()) * dimOf(getInput(), -1);
  return products + (getBias() ? elements(getResult()) : 0.0);
}

double MatmulOp::countFlops() { return 2.0 * elements(getResult()) * dimOf(getLhs(), -1); }

double AttentionOp::countFlops() {
  // Scores [B, Hq, Sq, Skv] over Dk, then the weighted sum over Skv.
  double scores = elements(getResult()) / dimOf(getResult(), -1) * dimOf(getKey(), 2);
  return 2.0 * scores * (dimOf(getQuery(), -1) + dimOf(getValue(), -1));
}

double MLAAttentionOp::countFlops() {
  // The op's definition is the naive (decompressing) form; the static-shape
  // pass may rewrite it into the absorbed one, whose ops count themselves.
  std::optional<LatentAttentionSizes> sizes = getLatentAttentionSizes(*this);
  return sizes ? naiveLatentAttentionFlops(*sizes) : 0.0;
}

//===----------------------------------------------------------------------===//
// Other computing ops: 1 per result element
//===----------------------------------------------------------------------===//

// Transformer ops (a few flops per element, small beside the products).
double RMSNormOp::countFlops() { return onePerResultElement(*this); }
double LayerNormOp::countFlops() { return onePerResultElement(*this); }
double RopeOp::countFlops() { return onePerResultElement(*this); }
double GeluOp::countFlops() { return onePerResultElement(*this); }
double SiluOp::countFlops() { return onePerResultElement(*this); }
double SwiGLUOp::countFlops() { return onePerResultElement(*this); }
double SoftmaxOp::countFlops() { return onePerResultElement(*this); }

// Elementwise unary.
double NegOp::countFlops() { return onePerResultElement(*this); }
double AbsOp::countFlops() { return onePerResultElement(*this); }
double ExpOp::countFlops() { return onePerResultElement(*this); }
double LogOp::countFlops() { return onePerResultElement(*this); }
double SqrtOp::countFlops() { return onePerResultElement(*this); }
double RsqrtOp::countFlops() { return onePerResultElement(*this); }
double ReciprocalOp::countFlops() { return onePerResultElement(*this); }
double TanhOp::countFlops() { return onePerResultElement(*this); }
double ErfOp::countFlops() { return onePerResultElement(*this); }
double SigmoidOp::countFlops() { return onePerResultElement(*this); }
double CosOp::countFlops() { return onePerResultElement(*this); }
double SinOp::countFlops() { return onePerResultElement(*this); }
double FloorOp::countFlops() { return onePerResultElement(*this); }
double CeilOp::countFlops() { return onePerResultElement(*this); }
double RoundOp::countFlops() { return onePerResultElement(*this); }

// Elementwise binary, comparison, selection.
double AddOp::countFlops() { return onePerResultElement(*this); }
double SubOp::countFlops() { return onePerResultElement(*this); }
double MulOp::countFlops() { return onePerResultElement(*this); }
double DivOp::countFlops() { return onePerResultElement(*this); }
double MaximumOp::countFlops() { return onePerResultElement(*this); }
double MinimumOp::countFlops() { return onePerResultElement(*this); }
double PowOp::countFlops() { return onePerResultElement(*this); }
double CompareOp::countFlops() { return onePerResultElement(*this); }
double WhereOp::countFlops() { return onePerResultElement(*this); }

// Reductions (per result element, as the other computing ops).
double ReduceSumOp::countFlops() { return onePerResultElement(*this); }
double ReduceMeanOp::countFlops() { return onePerResultElement(*this); }
double ReduceMaxOp::countFlops() { return onePerResultElement(*this); }
double ReduceMinOp::countFlops() { return onePerResultElement(*this); }
double ArgMaxOp::countFlops() { return onePerResultElement(*this); }

//===----------------------------------------------------------------------===//
// Data movement, constants, shapes: 0
//===----------------------------------------------------------------------===//

double ConstantOp::countFlops() { return 0.0; }
double WeightOp::countFlops() { return 0.0; }
double EmbeddingOp::countFlops() { return 0.0; }
double KVAppendOp::countFlops() { return 0.0; }
double CacheUpdateOp::countFlops() { return 0.0; }
double ReshapeOp::countFlops() { return 0.0; }
double TransposeOp::countFlops() { return 0.0; }
double ConcatOp::countFlops() { return 0.0; }
double SliceOp::countFlops() { return 0.0; }
double DynamicSliceOp::countFlops() { return 0.0; }
double GatherOp::countFlops() { return 0.0; }
double BroadcastToOp::countFlops() { return 0.0; }
double CastOp::countFlops() { return 0.0; }
double DimOp::countFlops() { return 0.0; }
double IotaOp::countFlops() { return 0.0; }

//===----------------------------------------------------------------------===//
// Fusion groups: what their body computes
//===----------------------------------------------------------------------===//

double FusionGroupOp::countFlops() {
  double flops = 0;
  for (Operation &op : getBody().front())
    if (auto counted = dyn_cast<FlopCountOpInterface>(op))
      flops += counted.countFlops();
  return flops;
}

double YieldOp::countFlops() { return 0; }

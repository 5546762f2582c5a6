//===- FlopCount.cpp - arithmetic of a static program ---------------------===//
#include "FlopCount.h"

#include "LatentAttentionForms.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "llvm/ADT/TypeSwitch.h"

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

} // namespace

double llmc::llm::countFlops(Operation *op) {
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case([](LinearOp linear) {
        // Each output element is a dot product over the input's last axis.
        double products = 2.0 * elements(linear.getResult()) * dimOf(linear.getInput(), -1);
        return products + (linear.getBias() ? elements(linear.getResult()) : 0.0);
      })
      .Case([](MatmulOp matmul) {
        return 2.0 * elements(matmul.getResult()) * dimOf(matmul.getLhs(), -1);
      })
      .Case([](AttentionOp attention) {
        // Scores [B, Hq, Sq, Skv] over Dk, then the weighted sum over Skv.
        double scores = elements(attention.getResult()) / dimOf(attention.getResult(), -1) *
                        dimOf(attention.getKey(), 2);
        return 2.0 * scores * (dimOf(attention.getQuery(), -1) + dimOf(attention.getValue(), -1));
      })
      .Case([](MLAAttentionOp latent) {
        std::optional<LatentAttentionSizes> sizes = getLatentAttentionSizes(latent);
        return sizes ? naiveLatentAttentionFlops(*sizes) : 0.0;
      })
      .Case<ConstantOp, WeightOp, ReshapeOp, TransposeOp, ConcatOp, SliceOp, DynamicSliceOp,
            GatherOp, BroadcastToOp, EmbeddingOp, KVAppendOp, CacheUpdateOp, CastOp, DimOp,
            IotaOp, func::ReturnOp>([](Operation *) { return 0.0; })
      .Default([](Operation *other) {
        double n = 0.0;
        for (Value result : other->getResults())
          n += elements(result);
        return n;
      });
}

double llmc::llm::countFlops(func::FuncOp function) {
  double total = 0.0;
  function.walk([&](Operation *op) {
    if (op != function.getOperation())
      total += countFlops(op);
  });
  return total;
}

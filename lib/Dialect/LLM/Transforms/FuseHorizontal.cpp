//===- FuseHorizontal.cpp - one linear for linears of one input -----------===//
//
// llm-fuse-horizontal (docs in Passes.td). Groups the linears of a block by
// what they read and how their weights are laid out, then rewrites each
// group of two or more into a linear over concatenated weights followed by
// one slice per original output.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/FromWeights.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"


#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <tuple>

namespace llmc::llm {
#define GEN_PASS_DEF_FUSEHORIZONTAL
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

/// Whether `v` is computed from weights alone by ops of `block` (which can
/// therefore move earlier in it; weights and constants of an enclosing
/// block dominate the group already).
bool isFromWeights(Value v, Block *block, llvm::DenseMap<Value, bool> &memo) {
  return isComputedFromWeights(v, memo, [&](Operation *op) { return op->getBlock() == block; });
}

/// Moves the computation of `v` (from weights alone) before `point` where
/// it is after it.
void moveBefore(Value v, Operation *point) {
  Operation *op = v.getDefiningOp();
  if (!op || op->getBlock() != point->getBlock() || op->isBeforeInBlock(point))
    return;
  for (Value operand : op->getOperands())
    moveBefore(operand, point);
  op->moveBefore(point);
}

int64_t outputsOf(LinearOp linear) {
  auto w = cast<RankedTensorType>(linear.getWeight().getType());
  return linear.getWeightLayout() == WeightLayout::out_in ? w.getDimSize(0) : w.getDimSize(1);
}

struct FuseHorizontalPass : public llmc::llm::impl::FuseHorizontalBase<FuseHorizontalPass> {
  void runOnOperation() override {
    getOperation()->walk([&](Block *block) { fuseIn(block); });
  }

  void fuseIn(Block *block) {
    llvm::DenseMap<Value, bool> fromWeights;
    // (input, layout, element type, has bias) -> linears, in block order.
    using Key = std::tuple<Value, unsigned, Type, unsigned>;
    llvm::MapVector<Key, SmallVector<LinearOp>> groups;
    for (Operation &op : *block) {
      auto linear = dyn_cast<LinearOp>(op);
      if (!linear)
        continue;
      auto weight = cast<RankedTensorType>(linear.getWeight().getType());
      if (!weight.hasStaticShape() || !isFromWeights(linear.getWeight(), block, fromWeights) ||
          (linear.getBias() && !isFromWeights(linear.getBias(), block, fromWeights)))
        continue;
      Key key{linear.getInput(), unsigned(linear.getWeightLayout()), weight.getElementType(),
              unsigned(linear.getBias() != nullptr)};
      groups[key].push_back(linear);
    }
    for (auto &[key, linears] : groups)
      if (linears.size() > 1)
        fuse(linears);
  }

  void fuse(ArrayRef<LinearOp> linears) {
    LinearOp first = linears.front();
    bool outIn = first.getWeightLayout() == WeightLayout::out_in;
    for (LinearOp linear : linears.drop_front()) {
      moveBefore(linear.getWeight(), first);
      if (Value bias = linear.getBias())
        moveBefore(bias, first);
    }
    OpBuilder b(first);
    Location loc = b.getFusedLoc(llvm::to_vector(llvm::map_range(
        linears, [](LinearOp l) { return l.getLoc(); })));
    auto weightType = cast<RankedTensorType>(first.getWeight().getType());
    int64_t total = 0;
    SmallVector<Value> weights, biases;
    for (LinearOp linear : linears) {
      total += outputsOf(linear);
      weights.push_back(linear.getWeight());
      if (Value bias = linear.getBias())
        biases.push_back(bias);
    }
    SmallVector<int64_t> shape(weightType.getShape());
    shape[outIn ? 0 : 1] = total;
    Value weight = b.create<ConcatOp>(loc, RankedTensorType::get(shape, weightType.getElementType()),
                                      weights, outIn ? 0 : 1);
    Value bias;
    if (!biases.empty())
      bias = b.create<ConcatOp>(loc, RankedTensorType::get({total}, weightType.getElementType()),
                                biases, 0);
    auto resultType = cast<RankedTensorType>(first.getType());
    SmallVector<int64_t> fusedShape(resultType.getShape());
    fusedShape.back() = total;
    Value fused = b.create<LinearOp>(loc, RankedTensorType::get(fusedShape, resultType.getElementType()),
                                     first.getInput(), weight, bias, first.getWeightLayout());
    int64_t axis = resultType.getRank() - 1, offset = 0;
    SmallVector<Value> parts;
    for (LinearOp linear : linears) {
      int64_t n = outputsOf(linear);
      parts.push_back(b.create<SliceOp>(linear.getLoc(), linear.getType(), fused,
                                        b.getDenseI64ArrayAttr({axis}),
                                        b.getDenseI64ArrayAttr({offset}),
                                        b.getDenseI64ArrayAttr({offset + n}), nullptr));
      offset += n;
    }
    // (The builder's insertion point is before the first linear: erase last.)
    for (auto [k, part] : llvm::enumerate(parts)) {
      LinearOp linear = linears[k];
      linear.replaceAllUsesWith(part);
      linear.erase();
    }
  }
};

} // namespace

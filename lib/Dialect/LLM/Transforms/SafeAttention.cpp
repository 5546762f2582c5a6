//===- SafeAttention.cpp - FP16 range-safe attention scores ---------------===//
#include "SafeAttention.h"

using namespace mlir;
using namespace llmc::llm;

void llmc::llm::foldScaleIntoQuery(AttentionOp op) {
  OpBuilder b(op);
  Type element = cast<RankedTensorType>(op.getQuery().getType()).getElementType();
  Value factor = b.create<ConstantOp>(op.getLoc(), element, op.getScale().convertToDouble());
  Value query = b.create<MulOp>(op.getLoc(), op.getQuery(), factor);
  op.getQueryMutable().assign(query);
  op.setScaleAttr(b.getF64FloatAttr(1.0));
}

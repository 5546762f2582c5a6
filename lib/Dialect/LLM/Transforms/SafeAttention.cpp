//===- SafeAttention.cpp - FP16 range-safe attention scores ---------------===//
#include "SafeAttention.h"

using namespace mlir;
using namespace llmc::llm;

namespace {

/// `query * scale` (a 0-D constant factor), before `op`.
Value scaled(OpBuilder &b, Operation *op, Value query, double scale) {
  Type element = cast<RankedTensorType>(query.getType()).getElementType();
  Value factor = b.create<ConstantOp>(op->getLoc(), element, scale);
  return b.create<MulOp>(op->getLoc(), query, factor);
}

} // namespace

void llmc::llm::foldScaleIntoQuery(AttentionOp op) {
  OpBuilder b(op);
  double scale = op.getScale().convertToDouble();
  op.getQueryMutable().assign(scaled(b, op, op.getQuery(), scale));
  op.setScaleAttr(b.getF64FloatAttr(1.0));
}

void llmc::llm::foldScaleIntoQuery(MLAAttentionOp op) {
  OpBuilder b(op);
  double scale = op.getScale().convertToDouble();
  // Both parts of each score are products with the query.
  op.getQueryNopeMutable().assign(scaled(b, op, op.getQueryNope(), scale));
  op.getQueryRopeMutable().assign(scaled(b, op, op.getQueryRope(), scale));
  op.setScaleAttr(b.getF64FloatAttr(1.0));
}

//===- LatentAttentionForms.cpp - naive and absorbed MLA ------------------===//
#include "LatentAttentionForms.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace llmc::llm;

void llmc::llm::rewriteToAbsorbedForm(MLAAttentionOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto qn = cast<RankedTensorType>(op.getQueryNope().getType());
  auto weight = cast<RankedTensorType>(op.getKvUpWeight().getType());
  Type element = weight.getElementType();
  int64_t heads = qn.getDimSize(1), noRope = qn.getDimSize(3);
  int64_t latentDim = weight.getDimSize(1);
  int64_t perHead = weight.getDimSize(0) / heads; // Dn + Dv
  int64_t valueDim = perHead - noRope;
  auto tensor = [&](ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, element); };

  // [H*(Dn+Dv), R] -> [1, H, Dn+Dv, R]; Wk = rows [0, Dn), Wv = rows [Dn, Dn+Dv).
  Value perHeadWeight = b.create<ReshapeOp>(loc, tensor({1, heads, perHead, latentDim}),
                                            op.getKvUpWeight(), Value());
  auto rows = [&](int64_t start, int64_t limit) -> Value {
    return b.create<SliceOp>(loc, tensor({1, heads, limit - start, latentDim}), perHeadWeight,
                             b.getDenseI64ArrayAttr({2}), b.getDenseI64ArrayAttr({start}),
                             b.getDenseI64ArrayAttr({limit}), nullptr);
  };
  Value keyUp = rows(0, noRope);
  Value valueUp = rows(noRope, perHead);
  Value valueUpT = b.create<TransposeOp>(loc, tensor({1, heads, latentDim, valueDim}), valueUp,
                                         b.getDenseI64ArrayAttr({0, 1, 3, 2}));

  Value queryLatent = b.create<MatmulOp>(loc, op.getQueryNope(), keyUp);
  Value query = b.create<ConcatOp>(loc, ValueRange{queryLatent, op.getQueryRope()},
                                   b.getI64IntegerAttr(3));
  Value key = b.create<ConcatOp>(loc, ValueRange{op.getLatent(), op.getKeyRope()},
                                 b.getI64IntegerAttr(3));
  Value attended = b.create<AttentionOp>(loc, query, key, op.getLatent(), op.getMask(),
                                         op.getScaleAttr(), op.getCausalAttr(), nullptr);
  Value result = b.create<MatmulOp>(loc, attended, valueUpT);
  op.getResult().replaceAllUsesWith(result);
  op.erase();
}

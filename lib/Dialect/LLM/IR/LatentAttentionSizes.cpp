//===- LatentAttentionSizes.cpp - sizes and FLOPs of an MLA op ------------===//
#include "llmc/Dialect/LLM/IR/LatentAttentionSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

using namespace mlir;
using namespace llmc::llm;

std::optional<LatentAttentionSizes> llmc::llm::getLatentAttentionSizes(MLAAttentionOp op) {
  auto qn = cast<RankedTensorType>(op.getQueryNope().getType());
  auto qr = cast<RankedTensorType>(op.getQueryRope().getType());
  auto latent = cast<RankedTensorType>(op.getLatent().getType());
  auto result = cast<RankedTensorType>(op.getType());
  if (!qn.hasStaticShape() || !qr.hasStaticShape() || !latent.hasStaticShape() ||
      !result.hasStaticShape())
    return std::nullopt;
  return LatentAttentionSizes{qn.getDimSize(0), qn.getDimSize(1), qn.getDimSize(2),
                              latent.getDimSize(2), qn.getDimSize(3), qr.getDimSize(3),
                              latent.getDimSize(3), result.getDimSize(3)};
}

double llmc::llm::naiveLatentAttentionFlops(const LatentAttentionSizes &s) {
  double bh = double(s.batch) * s.heads;
  double decompress = 2.0 * bh * s.keys * s.latentDim * (s.noRopeDim + s.valueDim);
  double scores = 2.0 * bh * s.queries * s.keys * (s.noRopeDim + s.ropeDim);
  double weighted = 2.0 * bh * s.queries * s.keys * s.valueDim;
  return decompress + scores + weighted;
}

double llmc::llm::absorbedLatentAttentionFlops(const LatentAttentionSizes &s) {
  double bh = double(s.batch) * s.heads;
  double foldQuery = 2.0 * bh * s.queries * s.noRopeDim * s.latentDim;
  double scores = 2.0 * bh * s.queries * s.keys * (s.latentDim + s.ropeDim);
  double weighted = 2.0 * bh * s.queries * s.keys * s.latentDim;
  double projectOut = 2.0 * bh * s.queries * s.latentDim * s.valueDim;
  return foldQuery + scores + weighted + projectOut;
}

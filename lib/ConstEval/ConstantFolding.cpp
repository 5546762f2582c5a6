//===- ConstantFolding.cpp - llm ops folded by the reference executor -----===//
#include "llmc/ConstEval/ConstantFolding.h"

#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Executor/Executor.h"

#include "mlir/Interfaces/FoldInterfaces.h"

using namespace mlir;
using namespace llmc;

namespace {

struct ExecutorFoldInterface : public DialectFoldInterface {
  using DialectFoldInterface::DialectFoldInterface;

  LogicalResult fold(Operation *op, ArrayRef<Attribute> operands,
                     SmallVectorImpl<OpFoldResult> &results) const final {
    // An op without operands reads something else (llm.weight, the file);
    // a constant already is one.
    if (operands.empty() || op->getNumResults() != 1 || op->getNumRegions() != 0 ||
        isa<llm::ConstantOp>(op))
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() > consteval::kMaxFoldedElements)
      return failure();
    SmallVector<ref::Tensor> values;
    for (auto [attr, operand] : llvm::zip_equal(operands, op->getOperands())) {
      auto elements = dyn_cast_or_null<ElementsAttr>(attr);
      auto operandType = dyn_cast<RankedTensorType>(operand.getType());
      if (!elements || !operandType)
        return failure();
      std::optional<ref::Tensor> value = exec::tensorFromAttr(elements, operandType);
      if (!value)
        return failure();
      values.push_back(std::move(*value));
    }
    // An op the executor rejects (a run-time error such as an index out of
    // range) stays, to fail with its message when it runs.
    exec::RunError ignored;
    std::optional<ref::Tensor> result = exec::evaluateOp(op, values, ignored);
    if (!result || result->shape() != type.getShape())
      return failure();
    results.push_back(exec::attrFromTensor(*result, type));
    return success();
  }
};

} // namespace

void consteval::registerConstantFolding(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *, llm::LLMDialect *dialect) {
    dialect->addInterfaces<ExecutorFoldInterface>();
  });
}

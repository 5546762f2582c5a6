//===- LLMDialect.cpp - llm dialect registration and module attributes ----===//
#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace llmc::llm;

#include "llmc/Dialect/LLM/IR/LLMDialect.cpp.inc"
#include "llmc/Dialect/LLM/IR/LLMEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "llmc/Dialect/LLM/IR/LLMAttrs.cpp.inc"

void LLMDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "llmc/Dialect/LLM/IR/LLMAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "llmc/Dialect/LLM/IR/LLMOps.cpp.inc"
      >();
}

Operation *LLMDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}

// Discardable `llm.*` attributes: `llm.weights` (the path of the weights
// file, on the module that holds the model), the static programs' and
// baked prefix's attributes, and `llm.observed` / `llm.observed_row_rms`
// (calibrated ranges).
LogicalResult LLMDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  // The static programs' attributes (see the llm-static-shapes pass).
  if (name == "llm.max_seq_len" || name == "llm.tokens" || name == "llm.prefill_chunk") {
    auto value = dyn_cast<IntegerAttr>(attr.getValue());
    if (!value || value.getInt() <= 0)
      return op->emitError() << "'" << name << "' must be a positive integer";
    return success();
  }
  if (name == "llm.phase") {
    auto value = dyn_cast<StringAttr>(attr.getValue());
    if (!value || !llvm::is_contained({"prefill", "decode", "prefix"}, value.getValue()))
      return op->emitError() << "'llm.phase' must be \"prefill\", \"decode\" or \"prefix\"";
    return success();
  }
  if (name == "llm.prefix_ids") {
    if (!isa<DenseI64ArrayAttr>(attr.getValue()))
      return op->emitError() << "'llm.prefix_ids' must be an array<i64> of token ids";
    return success();
  }
  if (name == getObservedRangeAttrName() || name == getObservedRowRMSAttrName()) {
    auto range = dyn_cast<DenseF64ArrayAttr>(attr.getValue());
    if (!range || range.size() != 2 || !(range[0] <= range[1]))
      return op->emitError() << "'" << name << "' must be array<f64: lo, hi> with lo <= hi";
    if (op->getNumResults() != 1)
      return op->emitError() << "'" << name << "' belongs on an op with one result";
    return success();
  }
  if (attr.getName() != getWeightsAttrName())
    return op->emitError() << "unknown attribute '" << attr.getName().strref()
                           << "' of the llm dialect";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << getWeightsAttrName()
                           << "' belongs on a builtin.module";
  auto path = dyn_cast<StringAttr>(attr.getValue());
  if (!path || path.getValue().empty())
    return op->emitError() << "'" << getWeightsAttrName()
                           << "' must be a non-empty string naming the "
                              "weights file";
  return success();
}

LogicalResult YarnAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat factorValue, int64_t originalMaxPosition,
                               APFloat betaFastValue, APFloat betaSlowValue,
                               APFloat mscaleValue, APFloat mscaleAllDimValue) {
  double factor = factorValue.convertToDouble();
  double betaFast = betaFastValue.convertToDouble();
  double betaSlow = betaSlowValue.convertToDouble();
  double mscale = mscaleValue.convertToDouble();
  double mscaleAllDim = mscaleAllDimValue.convertToDouble();
  if (!(factor >= 1.0))
    return emitError() << "YaRN factor must be at least 1, got " << factor;
  if (originalMaxPosition <= 0)
    return emitError() << "YaRN original_max_position must be positive, got "
                       << originalMaxPosition;
  if (!(betaFast > betaSlow && betaSlow > 0.0))
    return emitError() << "YaRN needs beta_fast > beta_slow > 0, got "
                       << betaFast << " and " << betaSlow;
  if (!(mscale >= 0.0 && mscaleAllDim >= 0.0))
    return emitError() << "YaRN mscale and mscale_all_dim must be "
                          "non-negative";
  return success();
}

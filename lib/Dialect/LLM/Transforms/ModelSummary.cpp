//===- ModelSummary.cpp - what a model costs, before compiling it ---------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

#include <map>

namespace llmc::llm {
#define GEN_PASS_DEF_MODELSUMMARY
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

/// Parameters and bytes of one element type.
struct Footprint {
  int64_t parameters = 0;
  int64_t bytes = 0;
};

std::string typeName(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

struct ModelSummaryPass
    : public llmc::llm::impl::ModelSummaryBase<ModelSummaryPass> {
  using ModelSummaryBase::ModelSummaryBase;

  void runOnOperation() override {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(outputFile, &error);
    if (!out) {
      getOperation().emitError() << "cannot write the summary: " << error;
      return signalPassFailure();
    }
    print(out->os());
    out->keep();
    markAllAnalysesPreserved();
  }

  void print(raw_ostream &os) {
    ModuleOp module = getOperation();
    os << "model summary\n";
    for (const std::string &file : weightsFileNames(module))
      os << "  weights file: " << file << "\n";

    // A weight read more than once (a tied LM head) is counted once.
    std::map<std::string, RankedTensorType> weights;
    module.walk([&](WeightOp op) {
      weights.emplace(op.getName().str(), op.getType());
    });
    std::map<std::string, Footprint> byType;
    Footprint total;
    for (auto &[name, type] : weights) {
      int64_t count = type.getNumElements();
      int64_t bytes = count * type.getElementTypeBitWidth() / 8;
      Footprint &entry = byType[typeName(type.getElementType())];
      entry.parameters += count;
      entry.bytes += bytes;
      total.parameters += count;
      total.bytes += bytes;
    }
    os << "  weights: " << weights.size() << " tensors, " << total.parameters
       << " parameters, " << total.bytes << " bytes\n";
    for (auto &[type, footprint] : byType)
      os << "    " << type << ": " << footprint.parameters << " parameters, "
         << footprint.bytes << " bytes\n";

    module.walk([&](func::FuncOp func) {
      os << "  function @" << func.getSymName() << ": "
         << func.getNumArguments() << " arguments, " << func.getNumResults()
         << " results\n";
      std::map<std::string, int64_t> opCounts;
      func.walk([&](Operation *op) {
        if (isa<LLMDialect>(op->getDialect()))
          ++opCounts[op->getName().getStringRef().str()];
      });
      for (auto &[name, count] : opCounts)
        os << "    " << name << ": " << count << "\n";
    });
  }
};

} // namespace

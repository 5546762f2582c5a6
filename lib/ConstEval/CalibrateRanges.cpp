//===- CalibrateRanges.cpp - the llm-calibrate-ranges pass ----------------===//
//
// Generates from calibration prompts on the reference executor, watching
// every op's result through the executor's observer, and records the range
// each op's result took as `llm.observed = array<f64: lo, hi>`.
//
//===----------------------------------------------------------------------===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Executor/Executor.h"
#include "llmc/Executor/InterpretedProgram.h"
#include "llmc/ConstEval/Passes.h"
#include "llmc/Runtime/Generate.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <numeric>

namespace llmc::consteval {
#define GEN_PASS_DEF_CALIBRATERANGES
#include "llmc/ConstEval/Passes.h.inc"
} // namespace llmc::consteval

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

namespace {

/// The prompts of a calibration file: one per line, token ids separated by
/// spaces or commas; blank lines and `#` comments skipped. On a malformed
/// line, `error` names it.
std::optional<std::vector<std::vector<int64_t>>> parsePrompts(StringRef path, StringRef text,
                                                              std::string &error) {
  std::vector<std::vector<int64_t>> prompts;
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (auto [index, line] : llvm::enumerate(lines)) {
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    std::vector<int64_t> ids;
    SmallVector<StringRef> fields;
    llvm::SplitString(line, fields, " \t\r,");
    for (StringRef id : fields) {
      int64_t value;
      if (id.getAsInteger(10, value) || value < 0) {
        error = (path + ":" + Twine(index + 1) + ": '" + id + "' is not a token id").str();
        return std::nullopt;
      }
      ids.push_back(value);
    }
    if (ids.empty()) {
      error = (path + ":" + Twine(index + 1) + ": '" + line + "' holds no token ids").str();
      return std::nullopt;
    }
    prompts.push_back(std::move(ids));
  }
  if (prompts.empty()) {
    error = (path + ": no prompts (one per line, token ids separated by spaces or commas)").str();
    return std::nullopt;
  }
  return prompts;
}

/// The smallest and largest of some values (empty: lo > hi).
struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

/// Adds the root mean square of each row (last dimension) of `x` to
/// `range`; of the centred row when `centred` (a LayerNorm's statistic).
void observeRowRMS(const Tensor &x, bool centred, Range &range) {
  int64_t width = x.rank() ? x.shape().back() : 1;
  if (width == 0)
    return;
  for (const float *row = x.floats(), *end = row + x.size(); row != end; row += width) {
    double mean = 0, squares = 0;
    if (centred)
      mean = std::accumulate(row, row + width, 0.0) / double(width);
    for (int64_t k = 0; k < width; ++k)
      squares += (row[k] - mean) * (row[k] - mean);
    range.add(std::sqrt(squares / double(width)));
  }
}

struct CalibrateRangesPass : public llmc::consteval::impl::CalibrateRangesBase<CalibrateRangesPass> {
  using CalibrateRangesBase::CalibrateRangesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (inputs.empty()) {
      emitError(module.getLoc(), "llm-calibrate-ranges needs a file of prompts (inputs=...)");
      return signalPassFailure();
    }
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file = llvm::MemoryBuffer::getFile(inputs);
    if (!file) {
      emitError(module.getLoc()) << "cannot read calibration prompts '" << inputs
                                 << "': " << file.getError().message();
      return signalPassFailure();
    }
    std::string error;
    std::optional<std::vector<std::vector<int64_t>>> prompts =
        parsePrompts(inputs, (*file)->getBuffer(), error);
    if (!prompts) {
      emitError(module.getLoc()) << error;
      return signalPassFailure();
    }

    // [lo, hi] of each op's result, in the order the ops first ran, and of
    // each norm's input rows' RMS.
    llvm::MapVector<Operation *, Range> observed, rowRMS;
    Operation *nonFinite = nullptr;
    ExecutorOptions options;
    options.moduleDirectory = modelDir;
    options.observer = [&](Operation *op, ArrayRef<Tensor> operands, const Tensor &result) {
      if (!result.isFloat() || isa<llm::WeightOp, llm::ConstantOp>(op))
        return;
      Range &range = observed[op];
      for (const float *v = result.floats(), *end = v + result.size(); v != end; ++v) {
        if (std::isnan(*v) && !nonFinite)
          nonFinite = op;
        range.add(*v);
      }
      if (isa<llm::RMSNormOp, llm::LayerNormOp>(op))
        observeRowRMS(operands[0], isa<llm::LayerNormOp>(op), rowRMS[op]);
    };
    InterpretedProgram program(module, options);
    for (const std::vector<int64_t> &prompt : *prompts) {
      runtime::GenerateOptions run;
      run.prompt = prompt;
      run.count = 1 + generate; // the prompt's own next token, then `generate`
      RunError runError;
      if (!runtime::generate(program, run, runError)) {
        emitError(module.getLoc()) << "calibration run failed: " << runError.message;
        return signalPassFailure();
      }
    }
    if (nonFinite) {
      nonFinite->emitError("produced NaN on a calibration prompt (in f32)");
      return signalPassFailure();
    }
    Builder b(module.getContext());
    auto record = [&](auto &ranges, StringRef name) {
      for (auto &[op, range] : ranges)
        if (range.lo <= range.hi) // an empty result has no range
          op->setAttr(name, b.getDenseF64ArrayAttr({range.lo, range.hi}));
    };
    record(observed, llm::LLMDialect::getObservedRangeAttrName());
    record(rowRMS, llm::LLMDialect::getObservedRowRMSAttrName());
  }
};

} // namespace

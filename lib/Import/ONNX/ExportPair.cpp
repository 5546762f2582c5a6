//===- ExportPair.cpp - a model exported as a prefill and a decode graph ---===//
//
// The common two-graph export: a prefill graph (ids -> logits, present
// caches) and a decode graph (ids, past caches -> logits, present caches).
// The decode graph is the whole model (with an empty past it is a
// prefill), so it is what llmc compiles; the prefill graph is checked to be
// the same model by running both on a probe prompt with the reference
// executor (logits and caches within 1e-4), so a mismatched pair is an
// error rather than a silently different program.
//
//===----------------------------------------------------------------------===//
#include "llmc/Import/Import.h"

#include "llmc/Dialect/LLM/IR/GenerationEntry.h"
#include "llmc/Dialect/LLM/IR/WeightsFile.h"
#include "llmc/Executor/Executor.h"
#include "llmc/Import/ONNX.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>

using namespace llmc;
using namespace mlir;

namespace {

/// Prompt ids the two graphs are compared on, and the tolerance (relative
/// to the largest magnitude) their logits and caches must meet.
constexpr int64_t kProbeTokens = 3;
constexpr double kTolerance = 1e-4;

llvm::Error failure(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), path + ": " + message);
}

/// max |a - b| / max |b|, or infinity when the shapes differ.
double relativeError(const exec::Tensor &a, const exec::Tensor &b) {
  if (a.shape() != b.shape() || !a.isFloat() || !b.isFloat())
    return INFINITY;
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(double(a.floats()[i]) - double(b.floats()[i])));
    scale = std::max(scale, std::fabs(double(b.floats()[i])));
  }
  return scale == 0 ? diff : diff / scale;
}

/// @main of `module` on the probe prompt (with empty past caches when it
/// takes them).
llvm::Expected<std::vector<exec::Tensor>> runProbe(ModuleOp module, llvm::StringRef path,
                                                   llvm::StringRef directory) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getNumArguments() == 0)
    return failure(path, "the graph has no inputs");
  std::vector<int64_t> ids(kProbeTokens);
  for (int64_t i = 0; i < kProbeTokens; ++i)
    ids[i] = i;
  std::vector<exec::Tensor> inputs{exec::Tensor::fromInts(DType::I64, {1, kProbeTokens}, ids)};
  if (std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(module))
    for (unsigned i = 0; i < entry->numCaches(); ++i)
      inputs.push_back(exec::emptyCacheFor(cast<RankedTensorType>(entry->cacheTypes()[i]),
                                           entry->cacheSequenceAxis(i).value_or(2)));
  if (inputs.size() != main.getNumArguments())
    return failure(path, "the graph takes " + llvm::Twine(main.getNumArguments()) +
                             " inputs; a prefill graph takes the ids only");
  exec::ExecutorOptions options;
  options.moduleDirectory = directory.str();
  exec::Executor executor(module, options);
  exec::RunError error;
  std::optional<std::vector<exec::Tensor>> results = executor.run(main, inputs, error);
  if (!results)
    return failure(path, "running it on a probe prompt failed: " + error.message);
  return std::move(*results);
}

} // namespace

llvm::Expected<OwningOpRef<ModuleOp>>
llmc::importExportPair(MLIRContext *context, llvm::StringRef first, llvm::StringRef second,
                       llvm::StringRef outputDirectory) {
  ONNXImportOptions options;
  options.outputDirectory = outputDirectory.str();
  OwningOpRef<ModuleOp> modules[2];
  llvm::StringRef paths[2] = {first, second};
  // The prefill graph's weights file is needed only for the check, and
  // neither is kept when the pair is rejected.
  std::string weightsFiles[2];
  bool accepted = false;
  int decodeIndex = -1;
  auto cleanup = llvm::make_scope_exit([&] {
    for (int i = 0; i < 2; ++i)
      if (!weightsFiles[i].empty() && (!accepted || i != decodeIndex))
        llvm::sys::fs::remove(weightsFiles[i]);
  });
  for (int i = 0; i < 2; ++i) {
    // Two graphs of one name (from two folders) get two weights files.
    if (i == 1 && llvm::sys::path::stem(first) == llvm::sys::path::stem(second)) {
      llvm::SmallString<128> weights(outputDirectory);
      llvm::sys::path::append(weights, llvm::sys::path::stem(second) + ".2.weights.safetensors");
      options.weightsFile = weights.str().str();
    }
    llvm::Expected<OwningOpRef<ModuleOp>> module = importONNX(context, paths[i], options);
    if (!module)
      return module.takeError();
    modules[i] = std::move(*module);
    std::vector<std::string> written = llm::resolveWeightsPaths(*modules[i], outputDirectory);
    weightsFiles[i] = written.empty() ? "" : written.front();
    std::optional<llm::GenerationEntry> entry = llm::lookupGenerationEntry(*modules[i]);
    if (!entry || entry->numCaches() == 0)
      continue;
    if (decodeIndex >= 0)
      return failure(paths[i], "both graphs of the pair take past caches; give the prefill "
                               "graph (ids only) and the decode graph");
    decodeIndex = i;
  }
  if (decodeIndex < 0)
    return failure(first, "neither graph of the pair takes past caches; one of them must be "
                          "the decode graph (ids and past caches in, logits and present caches "
                          "out)");
  int prefillIndex = 1 - decodeIndex;

  // The same model: the prefill graph's logits and caches are the decode
  // graph's with an empty past.
  llvm::Expected<std::vector<exec::Tensor>> want =
      runProbe(*modules[decodeIndex], paths[decodeIndex], outputDirectory);
  if (!want)
    return want.takeError();
  llvm::Expected<std::vector<exec::Tensor>> got =
      runProbe(*modules[prefillIndex], paths[prefillIndex], outputDirectory);
  if (!got)
    return got.takeError();
  llvm::StringRef prefillPath = paths[prefillIndex];
  if (got->size() != want->size())
    return failure(prefillPath, "the prefill graph returns " + llvm::Twine(got->size()) +
                                    " values, the decode graph " + llvm::Twine(want->size()) +
                                    ": they are not the two halves of one export");
  for (size_t i = 0; i < got->size(); ++i) {
    double error = relativeError((*got)[i], (*want)[i]);
    if (!(error <= kTolerance))
      return failure(prefillPath,
                     "output #" + llvm::Twine(i) +
                         " of the prefill graph differs from the decode graph's with an empty "
                         "past (max relative error " +
                         (std::isinf(error) ? std::string("inf: the shapes differ")
                                            : std::to_string(error)) +
                         " on a probe prompt): they are not the same model");
  }
  accepted = true;
  return std::move(modules[decodeIndex]);
}

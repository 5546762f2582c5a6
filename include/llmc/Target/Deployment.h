//===- Deployment.h - the target-independent deployment passes --*- C++ -*-===//
//
// What every target pipeline starts with when the user asks for it: value
// ranges recorded on calibration prompts (llm-calibrate-ranges), a
// prompt prefix baked into the caches (llm-bake-prefix), static
// prefill/decode programs over fixed caches (llm-static-shapes), then the
// FP16 range-safe rewrites (llm-fp16-safety, on the programs as they will
// run). Options left at their defaults keep the module as it is.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGET_DEPLOYMENT_H
#define LLMC_TARGET_DEPLOYMENT_H

#include "llmc/Target/Target.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace llmc {

struct DeploymentOptions : public mlir::PassPipelineOptions<DeploymentOptions> {
  Option<int64_t> maxSeqLen{*this, "max-seq-len",
                            llvm::cl::desc("Cache slots of the static programs; 0 keeps the "
                                           "dynamic @forward"),
                            llvm::cl::init(0)};
  ListOption<int64_t> prefillBuckets{*this, "prefill-buckets",
                                     llvm::cl::desc("Static prefill lengths")};
  Option<int64_t> prefillChunk{*this, "prefill-chunk",
                               llvm::cl::desc("Prefill program long prompts run through in "
                                              "chunks"),
                               llvm::cl::init(0)};
  Option<int64_t> batch{*this, "batch", llvm::cl::desc("Sequences per call"), llvm::cl::init(1)};
  Option<std::string> mlaForm{*this, "mla-form",
                              llvm::cl::desc("Latent attention form: naive, absorbed or auto"),
                              llvm::cl::init("auto")};
  ListOption<int64_t> bakePrefix{*this, "bake-prefix",
                                 llvm::cl::desc("Token ids of a prompt prefix whose caches are "
                                                "computed at compile time")};
  Option<std::string> modelDir{*this, "model-dir",
                               llvm::cl::desc("Directory llm.weights is relative to (for "
                                              "bake-prefix)"),
                               llvm::cl::init(".")};
  ListOption<int64_t> statsPromptLengths{
      *this, "stats-prompt-lengths",
      llvm::cl::desc("Print the static programs' prefill FLOPs for these prompt lengths")};
  Option<bool> fp16Safety{*this, "fp16-safety",
                          llvm::cl::desc("Rewrite what can overflow on an FP16-only device "
                                         "(llm-fp16-safety)"),
                          llvm::cl::init(false)};
  Option<bool> reportFP16Hazards{*this, "report-fp16-hazards",
                                 llvm::cl::desc("Print the FP16 hazards llm-fp16-safety finds "
                                                "and fixes (implies fp16-safety)"),
                                 llvm::cl::init(false)};
  Option<std::string> normStrategy{
      *this, "norm-strategy",
      llvm::cl::desc("How llm-fp16-safety makes norms safe: dynamic, static (needs calibrate) "
                     "or none; default: the target's (none where it accumulates in FP32)"),
      llvm::cl::init("")};
  Option<std::string> calibrate{*this, "calibrate",
                                llvm::cl::desc("File of calibration prompts: record each op's "
                                               "value range (llm-calibrate-ranges) first"),
                                llvm::cl::init("")};

  /// Whether any deployment pass is asked for.
  bool any() const {
    return maxSeqLen > 0 || !bakePrefix.empty() || runsFP16Safety() || !calibrate.empty();
  }
  /// Whether llm-fp16-safety is asked for (a norm strategy asks for it too).
  bool runsFP16Safety() const {
    return fp16Safety || reportFP16Hazards || !normStrategy.empty();
  }
};

/// Appends llm-calibrate-ranges (with calibrate), llm-bake-prefix (with
/// bake-prefix), llm-static-shapes (with max-seq-len) and llm-fp16-safety
/// (with fp16-safety or report-fp16-hazards; its norm strategy defaults to
/// `target`'s) to `pm`.
void buildDeploymentPipeline(mlir::OpPassManager &pm, const DeploymentOptions &options,
                             const Target &target);

} // namespace llmc

#endif // LLMC_TARGET_DEPLOYMENT_H

//===- Deployment.h - the target-independent deployment passes --*- C++ -*-===//
//
// What every target pipeline starts with when the user asks for it: value
// ranges recorded on calibration prompts (llm-calibrate-ranges), a
// prompt prefix baked into the caches (llm-bake-prefix), static
// prefill/decode programs over fixed caches (llm-static-shapes), then the
// FP16 range-safe rewrites (llm-fp16-safety, on the programs as they will
// run). Options left at their defaults keep the module as it is. The
// options are declared once, in DeploymentOptions.def.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGET_DEPLOYMENT_H
#define LLMC_TARGET_DEPLOYMENT_H

#include "llmc/Target/Target.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace llmc {

struct DeploymentOptions : public mlir::PassPipelineOptions<DeploymentOptions> {
#define LLMC_OPTION(TYPE, FIELD, NAME, DEFAULT, HELP)                                    \
  Option<TYPE> FIELD{*this, NAME, llvm::cl::desc(HELP), llvm::cl::init(DEFAULT)};
#define LLMC_LIST_OPTION(TYPE, FIELD, NAME, HELP) ListOption<TYPE> FIELD{*this, NAME, llvm::cl::desc(HELP)};
#include "llmc/Target/DeploymentOptions.def"

  /// Not a user's choice: the driver sets it from the input's location.
  Option<std::string> modelDir{*this, "model-dir",
                               llvm::cl::desc("Directory llm.weights is relative to (for "
                                              "bake-prefix and calibrate)"),
                               llvm::cl::init(".")};

  /// Not a user's choice: where the driver wants the weights the compiler
  /// derives (llm-const-eval-weights' `output`, relative to model-dir);
  /// empty: beside the checkpoint.
  Option<std::string> derivedWeights{
      *this, "derived-weights",
      llvm::cl::desc("Weights file llm-const-eval-weights writes (relative to model-dir; "
                     "default <checkpoint stem>.consteval.safetensors)"),
      llvm::cl::init("")};

  /// The target's own options (Target.h), parsed by the target; spelled
  /// `target-options={generic}` in a pipeline string.
  Option<std::string> targetOptions{
      *this, "target-options",
      llvm::cl::desc("The target's own options, as name=value pairs (see the target's "
                     "documentation)"),
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

/// Appends llm-set-device (the target's device description, as llm.device,
/// when a pass that reads it runs), llm-calibrate-ranges
/// (with calibrate), llm-bake-prefix (with bake-prefix), llm-static-shapes
/// (with max-seq-len), llm-fp16-safety (with fp16-safety or
/// report-fp16-hazards; its norm strategy defaults to the device's),
/// llm-fuse-horizontal (with fuse, the default) and llm-const-eval-weights
/// (always: what the programs compute from weights alone is computed now)
/// to `pm`.
void buildDeploymentPipeline(mlir::OpPassManager &pm, const DeploymentOptions &options,
                             const Target &target, const TargetOptions &targetOptions);

/// What `llmc -target=<t>` runs and `--llmc-<t>-pipeline` names: the
/// deployment passes, then the target's pipeline.
void buildCompilationPipeline(mlir::OpPassManager &pm, const DeploymentOptions &options,
                              const Target &target, const TargetOptions &targetOptions);

} // namespace llmc

#endif // LLMC_TARGET_DEPLOYMENT_H

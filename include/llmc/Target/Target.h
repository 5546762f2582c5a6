//===- Target.h - what a compilation target provides ------------*- C++ -*-===//
//
// A target turns a verified `llm`-dialect module into an artifact. It owns
// its options, its pass pipeline (the one place that pipeline is defined:
// the `llmc` driver runs it, and `llmc-opt` exposes it as
// `--llmc-<name>-pipeline`), the device description passes read, and its
// emitter. Vendors add a target under `targets/<name>/` (derived from
// TargetWithOptions) and register it in `targets/RegisterTargets.cpp`.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGET_TARGET_H
#define LLMC_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace llmc {

/// The device a target compiles for, as far as passes need to know it.
struct DeviceDescription {
  /// FP16 products and sums accumulate in FP32 (an FP32 accumulator, or a
  /// CPU computing in f32): a norm's sum of squares cannot overflow there,
  /// and llm-fp16-safety leaves norms alone unless asked otherwise. False
  /// for a device that computes only in FP16: norms get the dynamic
  /// range-safe form.
  bool accumulatesInFP32 = false;
  /// On-chip memory the buffer planner may place tensors in; 0 when the
  /// device has none (a CPU's caches are not managed by the compiler).
  int64_t sramBytes = 0;
  /// The kinds of fusion group the device runs as one kernel, its
  /// intermediates kept on chip (llm-form-fusion-groups; `llm.fusion_group`
  /// lists them). None: the ops stay as they are.
  std::vector<std::string> fusionKinds;
  /// The float type the device stores KV caches in (f16 for an FP16 NPU;
  /// llm-cache-type), or empty: the model's.
  std::string cacheElementType;
  /// The float type the device stores and computes every value in (f16 for
  /// an FP16-only NPU; llm-compute-type), or empty: the model's.
  std::string computeElementType;
};

/// A target's own options, in MLIR's pass-option syntax: given to `llmc` as
/// `-target-options="name=value ..."` and to `--llmc-<name>-pipeline` as
/// `target-options={name=value ...}`. Each target declares a struct of
/// them (a PassPipelineOptions); targets without options use
/// mlir::EmptyPipelineOptions.
using TargetOptions = mlir::detail::PassOptions;

/// The registry's view of a target, over type-erased options. Targets derive
/// from TargetWithOptions, which hands their hooks the options struct they
/// declared.
class Target {
public:
  virtual ~Target();

  /// The name given to `-target=`.
  virtual llvm::StringRef getName() const = 0;

  /// One line for `--help` and `--list-targets`.
  virtual llvm::StringRef getDescription() const = 0;

  /// False for a target that is announced but not implemented yet; asking
  /// for it is a clear error rather than an unknown name.
  virtual bool isAvailable() const { return true; }

  /// The target's options at their defaults; parseTargetOptions fills them.
  virtual std::unique_ptr<TargetOptions> createOptions() const = 0;

  /// Appends the passes that take a verified `llm` module to what `emit`
  /// expects. `options` came from this target's createOptions.
  virtual void buildPipeline(mlir::OpPassManager &pm,
                             const TargetOptions &options) const = 0;

  /// Writes the artifact of a module the pipeline has run on to `os`;
  /// `outputPath` is where `os` goes ("-": standard output), for a target
  /// that writes files beside its artifact.
  virtual mlir::LogicalResult emit(mlir::ModuleOp module, llvm::raw_ostream &os,
                                   llvm::StringRef outputPath,
                                   const TargetOptions &options) const = 0;

  /// True when `emit` writes bytes rather than text.
  virtual bool emitsBinary() const { return false; }

  /// What the compiler may know of the device. The pipeline records it on
  /// the module (llm-set-device: `llm.device = #llm.device<...>`) and passes
  /// read it from there, so each stays runnable and lit-testable alone in
  /// llmc-opt with the attribute written in the test.
  virtual DeviceDescription getDevice(const TargetOptions &options) const = 0;
};

/// The base of every target: `OptionsT` is the struct of its options
/// (a mlir::PassPipelineOptions), and its hooks receive that struct.
template <typename OptionsT = mlir::EmptyPipelineOptions>
class TargetWithOptions : public Target {
public:
  using Options = OptionsT;

  std::unique_ptr<TargetOptions> createOptions() const final {
    return std::make_unique<OptionsT>();
  }
  void buildPipeline(mlir::OpPassManager &pm,
                     const TargetOptions &options) const final {
    buildPipelineWith(pm, static_cast<const OptionsT &>(options));
  }
  mlir::LogicalResult emit(mlir::ModuleOp module, llvm::raw_ostream &os,
                           llvm::StringRef outputPath,
                           const TargetOptions &options) const final {
    return emitWith(module, os, outputPath, static_cast<const OptionsT &>(options));
  }
  DeviceDescription getDevice(const TargetOptions &options) const final {
    return getDeviceWith(static_cast<const OptionsT &>(options));
  }

protected:
  virtual void buildPipelineWith(mlir::OpPassManager &pm,
                                 const OptionsT &options) const = 0;
  virtual mlir::LogicalResult emitWith(mlir::ModuleOp module,
                                       llvm::raw_ostream &os,
                                       llvm::StringRef outputPath,
                                       const OptionsT &options) const = 0;
  virtual DeviceDescription getDeviceWith(const OptionsT &) const { return {}; }
};

/// `target`'s options parsed from `text` (MLIR's pass-option syntax); null
/// after writing to `errors` what was wrong, naming the target and listing
/// the options it has.
std::unique_ptr<TargetOptions> parseTargetOptions(const Target &target,
                                                  llvm::StringRef text,
                                                  llvm::raw_ostream &errors);

/// Registers `target` under its name; names are unique.
void registerTarget(std::unique_ptr<Target> target);

/// The target called `name`, or null.
const Target *lookupTarget(llvm::StringRef name);

/// All registered targets, in registration order.
std::vector<const Target *> getRegisteredTargets();

/// "mlir, npu (not available yet), ..." for diagnostics.
std::string describeTargets();

/// Registers each target's pipeline as `--llmc-<name>-pipeline` with MLIR's
/// pass pipeline registry (for `llmc-opt`).
void registerTargetPipelines();

/// Defined in `targets/`: registers every target llmc ships. Idempotent.
void registerAllTargets();

} // namespace llmc

#endif // LLMC_TARGET_TARGET_H

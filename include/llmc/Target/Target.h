//===- Target.h - what a compilation target provides ------------*- C++ -*-===//
//
// A target turns a verified `llm`-dialect module into an artifact. It owns
// its pass pipeline (the one place that pipeline is defined: the `llmc`
// driver runs it, and `llmc-opt` exposes it as `--llmc-<name>-pipeline`) and
// its emitter. Vendors add a target under `targets/<name>/` and register it
// in `targets/RegisterTargets.cpp`.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGET_TARGET_H
#define LLMC_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
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
};

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

  /// Appends the passes that take a verified `llm` module to what `emit`
  /// expects.
  virtual void buildPipeline(mlir::OpPassManager &pm) const = 0;

  /// Writes the artifact of a module the pipeline has run on.
  virtual mlir::LogicalResult emit(mlir::ModuleOp module,
                                   llvm::raw_ostream &os) const = 0;

  /// True when `emit` writes bytes rather than text.
  virtual bool emitsBinary() const { return false; }

  /// What the compiler may know of the device. The pipeline records it on
  /// the module (llm-set-device: `llm.device = #llm.device<...>`) and passes
  /// read it from there, so each stays runnable and lit-testable alone in
  /// llmc-opt with the attribute written in the test.
  virtual DeviceDescription getDevice() const { return {}; }
};

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

//===- RegisterTargets.cpp - every target llmc ships ----------------------===//
//
// The one list of targets. A new target adds its folder under targets/, a
// `create<Name>Target()` factory, and a line here.
//
//===----------------------------------------------------------------------===//
#include "llmc/Target/Target.h"
#include "targets/mlir/MLIRTarget.h"
#include "targets/npu/Lowering/Passes.h"
#include "targets/npu/NPUTarget.h"

using namespace llmc;

namespace {

/// A target that is part of the plan but not built yet: naming it gives a
/// clear error instead of "unknown target".
class PlannedTarget final : public TargetWithOptions<> {
public:
  PlannedTarget(llvm::StringRef name, llvm::StringRef description, DeviceDescription device)
      : name(name), description(description), device(device) {}
  llvm::StringRef getName() const override { return name; }
  llvm::StringRef getDescription() const override { return description; }
  bool isAvailable() const override { return false; }

protected:
  DeviceDescription getDeviceWith(const Options &) const override { return device; }
  void buildPipelineWith(mlir::OpPassManager &, const Options &) const override {}
  mlir::LogicalResult emitWith(mlir::ModuleOp, llvm::raw_ostream &, llvm::StringRef,
                               const Options &) const override {
    return mlir::failure();
  }

private:
  std::string name, description;
  DeviceDescription device;
};

} // namespace

void llmc::registerAllTargets() {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  registerTarget(createMLIRTarget());
  registerTarget(createNPUTarget());
  // Its passes run alone in llmc-opt too.
  npu::registerNPUPasses();
  // f32 arithmetic, or FP16 products widened into f32 sums; no managed SRAM.
  DeviceDescription cpu;
  cpu.accumulatesInFP32 = true;
  registerTarget(std::make_unique<PlannedTarget>("arm", "AArch64 code through LLVM", cpu));
}

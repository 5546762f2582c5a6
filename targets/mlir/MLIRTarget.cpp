//===- MLIRTarget.cpp - the `mlir` target ---------------------------------===//
#include "targets/mlir/MLIRTarget.h"

#include "mlir/IR/OperationSupport.h"

using namespace llmc;

namespace {

/// The toolchain the MLIR is handed to compiles for a device llmc does not
/// know, so the user describes it; and it may be built against another MLIR
/// release, which reads the generic form.
struct MLIRTargetOptions : public mlir::PassPipelineOptions<MLIRTargetOptions> {
  Option<bool> accumulatesInFP32{
      *this, "accumulates-in-fp32",
      llvm::cl::desc("The device accumulates FP16 products and sums in FP32 "
                     "(fp16-safety then leaves norms alone by default)"),
      llvm::cl::init(false)};
  Option<int64_t> sramBytes{*this, "sram-bytes",
                            llvm::cl::desc("The device's on-chip memory in bytes"),
                            llvm::cl::init(0)};
  Option<std::string> fusionGroups{
      *this, "fusion-groups",
      llvm::cl::desc("Fusion group kinds the device runs as one kernel, comma-separated "
                     "(norm-linear, linear-epilogue, norm-linear-epilogue, residual-norm-linear, "
                     "residual-norm-linear-epilogue)"),
      llvm::cl::init("")};
  Option<std::string> cacheType{
      *this, "cache-type",
      llvm::cl::desc("Float type the device stores KV caches in (f32, f16, bf16); "
                     "default: the model's"),
      llvm::cl::init("")};
  Option<std::string> computeType{
      *this, "compute-type",
      llvm::cl::desc("Float type the device stores and computes every value in (f16, bf16); "
                     "default: the model's"),
      llvm::cl::init("")};
  Option<bool> generic{*this, "generic",
                       llvm::cl::desc("Print the generic operation form"),
                       llvm::cl::init(false)};
};

class MLIRTarget final : public TargetWithOptions<MLIRTargetOptions> {
public:
  llvm::StringRef getName() const override { return "mlir"; }
  llvm::StringRef getDescription() const override {
    return "the llm-dialect module after the target-independent passes";
  }

protected:
  // The deployment pipeline's result is the artifact (it ends cleaned up
  // and planned).
  void buildPipelineWith(mlir::OpPassManager &, const Options &) const override {}
  mlir::LogicalResult emitWith(mlir::ModuleOp module, llvm::raw_ostream &os, llvm::StringRef,
                               const Options &options) const override {
    mlir::OpPrintingFlags flags;
    if (options.generic)
      flags.printGenericOpForm();
    module->print(os, flags);
    os << "\n";
    return mlir::success();
  }
  DeviceDescription getDeviceWith(const Options &options) const override {
    DeviceDescription device;
    device.accumulatesInFP32 = options.accumulatesInFP32;
    device.sramBytes = options.sramBytes;
    device.cacheElementType = options.cacheType;
    device.computeElementType = options.computeType;
    llvm::SmallVector<llvm::StringRef> kinds;
    llvm::StringRef(options.fusionGroups).split(kinds, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef kind : kinds)
      device.fusionKinds.push_back(kind.trim().str());
    return device;
  }
};

} // namespace

std::unique_ptr<Target> llmc::createMLIRTarget() {
  return std::make_unique<MLIRTarget>();
}

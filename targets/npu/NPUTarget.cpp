//===- NPUTarget.cpp - the `npu` target -----------------------------------===//
#include "targets/npu/NPUTarget.h"

#include "targets/npu/ArtifactWriter.h"
#include "targets/npu/Runtime/Description.h"

using namespace llmc;

namespace {

struct NPUTargetOptions : public mlir::PassPipelineOptions<NPUTargetOptions> {
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("The NPU description: a bundled one (phone, tv) or a JSON file "
                     "(docs/npu.md)"),
      llvm::cl::init("phone")};
};

class NPUTarget final : public TargetWithOptions<NPUTargetOptions> {
public:
  llvm::StringRef getName() const override { return "npu"; }
  llvm::StringRef getDescription() const override {
    return "FlatBuffers program for the reference NPU simulator (lowering of llm programs "
           "in progress: npu-dialect modules today)";
  }
  bool emitsBinary() const override { return true; }

protected:
  void buildPipelineWith(mlir::OpPassManager &, const Options &) const override {}

  mlir::LogicalResult emitWith(mlir::ModuleOp module, llvm::raw_ostream &os,
                               const Options &options) const override {
    llvm::Expected<npu::Description> device = npu::loadDescription(options.config);
    if (!device)
      return module.emitError() << llvm::toString(device.takeError());
    return npu::writeArtifact(module, *device, os);
  }

  DeviceDescription getDeviceWith(const Options &options) const override {
    DeviceDescription device;
    llvm::Expected<npu::Description> npu = npu::loadDescription(options.config);
    if (!npu) {
      // emit() reports it; the passes before see an FP16 device.
      llvm::consumeError(npu.takeError());
      return device;
    }
    device.accumulatesInFP32 = npu->accumulation == npu::Accumulation::F32;
    // Half the SRAM for planned values, half for the kernels' tiles
    // (docs/npu.md, "The lowering").
    device.sramBytes = npu->sramBytes / 2;
    device.cacheElementType = "f16";
    device.computeElementType = "f16";
    device.fusionKinds = {"residual-norm-linear-epilogue"};
    return device;
  }
};

} // namespace

std::unique_ptr<Target> llmc::createNPUTarget() { return std::make_unique<NPUTarget>(); }

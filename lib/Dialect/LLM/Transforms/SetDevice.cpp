//===- SetDevice.cpp - record the device a module is compiled for ---------===//
#include "llmc/Dialect/LLM/IR/LLMDialect.h"
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Dialect/LLM/Transforms/Passes.h"

namespace llmc::llm {
#define GEN_PASS_DEF_SETDEVICE
#include "llmc/Dialect/LLM/Transforms/Passes.h.inc"
} // namespace llmc::llm

using namespace mlir;
using namespace llmc::llm;

namespace {

struct SetDevicePass : public llmc::llm::impl::SetDeviceBase<SetDevicePass> {
  using SetDeviceBase::SetDeviceBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto emitError = [&] { return mlir::emitError(module.getLoc()); };
    if (failed(DeviceAttr::verify(emitError, name, accumulatesInFP32, sramBytes)))
      return signalPassFailure();
    module->setAttr(LLMDialect::getDeviceAttrName(),
                    DeviceAttr::get(module.getContext(), name, accumulatesInFP32, sramBytes));
  }
};

} // namespace

//===- TargetRegistryTest.cpp - targets and C++ construction of llm ops ---===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/InitAll.h"
#include "llmc/Target/Deployment.h"
#include "llmc/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

TEST(TargetRegistry, ListsAvailableAndPlannedTargets) {
  llmc::registerAllTargets();
  const llmc::Target *mlirTarget = llmc::lookupTarget("mlir");
  ASSERT_NE(mlirTarget, nullptr);
  EXPECT_TRUE(mlirTarget->isAvailable());
  const llmc::Target *npu = llmc::lookupTarget("npu");
  ASSERT_NE(npu, nullptr);
  EXPECT_TRUE(npu->isAvailable());
  const llmc::Target *arm = llmc::lookupTarget("arm");
  ASSERT_NE(arm, nullptr);
  EXPECT_FALSE(arm->isAvailable());
  EXPECT_EQ(llmc::lookupTarget("no-such-target"), nullptr);
  EXPECT_NE(llmc::describeTargets().find("arm (not available yet)"),
            std::string::npos);
}

/// The deployment pipeline records the target's device before the passes
/// that read it (llm-fp16-safety's default norm strategy); an explicit
/// norm-strategy is passed on.
TEST(Deployment, NormStrategyDefaultsToTheTargets) {
  struct FakeTarget final : public llmc::TargetWithOptions<> {
    explicit FakeTarget(bool fp32) : fp32(fp32) {}
    llvm::StringRef getName() const override { return "fake"; }
    llvm::StringRef getDescription() const override { return "fake"; }
    void buildPipelineWith(OpPassManager &, const Options &) const override {}
    LogicalResult emitWith(ModuleOp, llvm::raw_ostream &, llvm::StringRef,
                           const Options &) const override {
      return success();
    }
    llmc::DeviceDescription getDeviceWith(const Options &) const override {
      llmc::DeviceDescription device;
      device.accumulatesInFP32 = fp32;
      return device;
    }
    bool fp32;
  };
  EmptyPipelineOptions noOptions;
  DialectRegistry registry;
  llmc::registerAllDialects(registry);
  MLIRContext context(registry);
  auto pipeline = [&](bool fp32, llvm::StringRef strategy) {
    llmc::DeploymentOptions options;
    options.fp16Safety = true;
    options.normStrategy = strategy.str();
    PassManager pm(&context);
    llmc::buildDeploymentPipeline(pm, options, FakeTarget(fp32), noOptions);
    std::string text;
    llvm::raw_string_ostream os(text);
    pm.printAsTextualPipeline(os);
    return text;
  };
  // The device is recorded first; llm-fp16-safety reads it when no strategy
  // is given (test/Dialect/LLM/Transforms/fp16-safety-device.mlir).
  std::string fp32Device = pipeline(/*fp32=*/true, "");
  EXPECT_NE(fp32Device.find("llm-set-device{accumulates-in-fp32=true name=fake sram-bytes=0}"),
            std::string::npos)
      << fp32Device;
  EXPECT_LT(fp32Device.find("llm-set-device"), fp32Device.find("llm-fp16-safety"));
  EXPECT_NE(fp32Device.find("norm-strategy= "), std::string::npos) << fp32Device;
  EXPECT_NE(pipeline(/*fp32=*/false, "").find("accumulates-in-fp32=false"), std::string::npos);
  EXPECT_NE(pipeline(/*fp32=*/true, "dynamic").find("norm-strategy=dynamic"), std::string::npos);
  // No deployment pass asked for: llm-const-eval-weights runs (it always
  // does; it writes nothing when nothing is computed from weights), then the
  // clean-up; no memory plan without static programs.
  llmc::DeploymentOptions none;
  none.fuse = false;
  PassManager pm(&context);
  llmc::buildDeploymentPipeline(pm, none, FakeTarget(false), noOptions);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  EXPECT_EQ(pm.size(), 3u) << text;
  EXPECT_NE(text.find("(llm-const-eval-weights{"), std::string::npos) << text;
  EXPECT_NE(text.find("canonicalize"), std::string::npos) << text;
  EXPECT_EQ(text.find("llm-plan-memory"), std::string::npos) << text;
}

/// A target's options are parsed by the target; the device it describes
/// follows them, and a wrong option names the target and what it takes.
TEST(TargetRegistry, TargetOptionsReachTheDevice) {
  llmc::registerAllTargets();
  const llmc::Target *target = llmc::lookupTarget("mlir");
  ASSERT_NE(target, nullptr);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  std::unique_ptr<llmc::TargetOptions> options =
      llmc::parseTargetOptions(*target, "accumulates-in-fp32 sram-bytes=1024", errorStream);
  ASSERT_TRUE(options) << errors;
  llmc::DeviceDescription device = target->getDevice(*options);
  EXPECT_TRUE(device.accumulatesInFP32);
  EXPECT_EQ(device.sramBytes, 1024);
  llmc::DeviceDescription defaults = target->getDevice(*target->createOptions());
  EXPECT_FALSE(defaults.accumulatesInFP32);
  EXPECT_EQ(defaults.sramBytes, 0);

  EXPECT_FALSE(llmc::parseTargetOptions(*target, "no-such-option=1", errorStream));
  EXPECT_NE(errors.find("invalid options for target 'mlir'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("sram-bytes=0"), std::string::npos) << errors;
}

/// Builds `attention(q, k, v)` for 4 query heads over 2 KV heads from C++,
/// with the result type inferred, as a pass would.
TEST(LLMOps, BuildersInferResultTypes) {
  DialectRegistry registry;
  llmc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());

  int64_t dyn = ShapedType::kDynamic;
  auto q = RankedTensorType::get({1, 4, dyn, 16}, b.getF16Type());
  auto kv = RankedTensorType::get({1, 2, dyn, 16}, b.getF16Type());
  auto func = b.create<func::FuncOp>(loc, "f",
                                     b.getFunctionType({q, kv, kv}, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToEnd(body);
  auto attention = b.create<llmc::llm::AttentionOp>(
      loc, body->getArgument(0), body->getArgument(1), body->getArgument(2),
      /*mask=*/Value(), b.getF64FloatAttr(0.25), b.getUnitAttr(),
      /*kv_head_map=*/nullptr);
  b.create<func::ReturnOp>(loc, attention.getResult());
  func.setType(b.getFunctionType({q, kv, kv}, {q}));

  EXPECT_EQ(attention.getType(), q);
  EXPECT_EQ(attention.getKvHeadOf(3), 1);
  EXPECT_TRUE(succeeded(verify(module)));

  // The mlir target's pipeline runs on it and its emitter prints it.
  llmc::registerAllTargets();
  const llmc::Target *target = llmc::lookupTarget("mlir");
  ASSERT_NE(target, nullptr);
  std::unique_ptr<llmc::TargetOptions> options = target->createOptions();
  PassManager pm(&context);
  target->buildPipeline(pm, *options);
  ASSERT_TRUE(succeeded(pm.run(module)));
  std::string text;
  llvm::raw_string_ostream os(text);
  ASSERT_TRUE(succeeded(target->emit(module, os, "-", *options)));
  EXPECT_NE(text.find("llm.attention"), std::string::npos);
  module->erase();
}

} // namespace

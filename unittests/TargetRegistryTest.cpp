//===- TargetRegistryTest.cpp - targets and C++ construction of llm ops ---===//
#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/InitAll.h"
#include "llmc/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

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
  EXPECT_FALSE(npu->isAvailable());
  EXPECT_EQ(llmc::lookupTarget("no-such-target"), nullptr);
  EXPECT_NE(llmc::describeTargets().find("npu (not available yet)"),
            std::string::npos);
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
  PassManager pm(&context);
  target->buildPipeline(pm);
  ASSERT_TRUE(succeeded(pm.run(module)));
  std::string text;
  llvm::raw_string_ostream os(text);
  ASSERT_TRUE(succeeded(target->emit(module, os)));
  EXPECT_NE(text.find("llm.attention"), std::string::npos);
  module->erase();
}

} // namespace

//===- NPUEmitterTest.cpp - the waits the NPU lowering derives ------------===//
//
// The Emitter gives each command exactly the waits docs/npu.md's rule asks
// for: the latest conflicting command of each other unit (a write after a
// read or a write, a read after a write, a register's reuse), none on its
// own unit, none another wait implies, and none where the bytes differ.
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Lowering/Emitter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;

namespace {

class EmitterTest : public ::testing::Test {
protected:
  EmitterTest() : builder(&context) {
    context.loadDialect<NPUDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module.getBody());
    device.name = "test";
    device.matrixRows = device.matrixCols = 4;
    device.vectorLanes = 8;
    device.sramBytes = 4096;
    device.dmaEngines = 2;
    for (const char *op : kVectorOps)
      device.vectorOps.insert(op);
  }
  ~EmitterTest() override { module->erase(); }

  View io(int64_t offset, int64_t n = 4) {
    return View::dense(npub::Memory::IO, offset, builder.getF16Type(), {n});
  }
  View sram(int64_t offset, int64_t n = 4) {
    return View::dense(npub::Memory::SRAM, offset, builder.getF16Type(), {n});
  }
  /// The commands so far, in order.
  std::vector<Operation *> commands() {
    std::vector<Operation *> ops;
    for (Operation &op : *module.getBody())
      ops.push_back(&op);
    return ops;
  }
  /// Indices of the commands `op` waits on.
  std::vector<int> waitsOf(Operation *op) {
    std::vector<Operation *> all = commands();
    std::vector<int> out;
    for (Value token : op->getOperands())
      out.push_back(int(std::find(all.begin(), all.end(), token.getDefiningOp()) - all.begin()));
    std::sort(out.begin(), out.end());
    return out;
  }

  MLIRContext context;
  OpBuilder builder;
  ModuleOp module;
  Description device;
};

TEST_F(EmitterTest, WaitsForWhatItReadsAndOverwrites) {
  Emitter em(builder, device, 1024, 4096);
  em.copy(io(0), sram(0));                       // #0 dma0 writes A
  em.copy(io(8), sram(64));                      // #1 dma1 writes B
  em.vector("add", sram(128), {sram(0), sram(64)}); // #2 reads A, B
  em.copy(sram(128), io(16));                    // #3 reads C
  em.copy(io(0), sram(0));                       // #4 dma1 overwrites A: after #2 read it
  std::vector<Operation *> ops = commands();
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(waitsOf(ops[0]), std::vector<int>{});
  EXPECT_EQ(waitsOf(ops[1]), std::vector<int>{});
  EXPECT_EQ(waitsOf(ops[2]), (std::vector<int>{0, 1}));
  EXPECT_EQ(waitsOf(ops[3]), std::vector<int>{2});
  // #2 (vector) is the only conflict; #3 on dma0 needs no wait from dma1's
  // command, and #2 already follows #0.
  EXPECT_EQ(waitsOf(ops[4]), std::vector<int>{2});
}

TEST_F(EmitterTest, NoWaitBetweenDisjointBytesOrOnItsOwnUnit) {
  Emitter em(builder, device, 1024, 4096);
  em.vector("add", sram(0), {sram(0)}, 1.0);   // #0
  em.vector("mul", sram(0), {sram(0)}, 2.0);   // #1 same unit: in order
  em.copy(io(0), sram(256));                   // #2 other bytes: free to overlap
  std::vector<Operation *> ops = commands();
  EXPECT_EQ(waitsOf(ops[1]), std::vector<int>{});
  EXPECT_EQ(waitsOf(ops[2]), std::vector<int>{});
}

TEST_F(EmitterTest, ARegisterIsReusedAfterItsReaders) {
  Emitter em(builder, device, 1024, 4096);
  View position = View::dense(npub::Memory::IO, 0, builder.getI64Type(), {1});
  int r = em.load(position);                                  // #0 scalar
  em.copy(sram(0).withRegister(r, 2), sram(512));             // #1 reads s[r]
  for (int i = 1; i < 16; ++i)
    em.allocateRegister();                                    // round robin back to r
  int again = em.load(position);                              // #2 overwrites s[r]
  EXPECT_EQ(again, r);
  std::vector<Operation *> ops = commands();
  EXPECT_EQ(waitsOf(ops[1]), std::vector<int>{0});
  EXPECT_EQ(waitsOf(ops[2]), std::vector<int>{1});
}

TEST_F(EmitterTest, WorkspaceIsAlignedAndBounded) {
  Emitter em(builder, device, 1000, 1200);
  View a = em.allocate(builder.getF16Type(), {10});
  EXPECT_FALSE(em.exhausted());
  EXPECT_EQ(a.offset, 1024);
  // What does not fit marks the emitter (the lowering then fails the op).
  em.allocate(builder.getF16Type(), {100});
  EXPECT_TRUE(em.exhausted());
  em.clearExhausted();
  em.resetWorkspace(1000);
  EXPECT_EQ(em.allocate(builder.getF16Type(), {10}).offset, 1024);
  EXPECT_FALSE(em.exhausted());
}

TEST(NPUViews, ReshapeFollowsStrides) {
  MLIRContext context;
  Builder b(&context);
  View v = View::dense(npub::Memory::SRAM, 0, b.getF16Type(), {2, 3, 4});
  std::optional<View> flat = v.reshape({6, 4});
  ASSERT_TRUE(flat);
  EXPECT_EQ(flat->strides, (llvm::SmallVector<int64_t, 4>{4, 1}));
  // A transposed view is not a reshape of its elements in order.
  EXPECT_FALSE(v.permute({0, 2, 1}).reshape({2, 12}));
  // A slice of the last dimension keeps its row stride.
  std::optional<View> rows = v.slice(2, 1, 2).reshape({6, 2});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->strides, (llvm::SmallVector<int64_t, 4>{4, 1}));
  EXPECT_EQ(rows->offset, 2);
  // Broadcasting adds stride-0 dimensions.
  View row = View::dense(npub::Memory::SRAM, 0, b.getF16Type(), {4});
  EXPECT_EQ(row.broadcastTo({3, 4}).strides, (llvm::SmallVector<int64_t, 4>{0, 1}));
  EXPECT_TRUE(sameElements(v, *v.reshape({24})));
}

} // namespace

//===- ShapeUtilsTest.cpp - shape rules with dynamic dimensions -----------===//
#include "llmc/Dialect/LLM/IR/ShapeUtils.h"

#include <gtest/gtest.h>

using namespace llmc::llm;
using mlir::ShapedType;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(BroadcastShapes, AlignsAtTheLastDimension) {
  auto shape = broadcastShapes({2, 3, 4}, {4});
  ASSERT_TRUE(shape);
  EXPECT_EQ(*shape, (llvm::SmallVector<int64_t>{2, 3, 4}));
}

TEST(BroadcastShapes, SizeOneStretches) {
  auto shape = broadcastShapes({1, 3, 1}, {5, 1, 7});
  ASSERT_TRUE(shape);
  EXPECT_EQ(*shape, (llvm::SmallVector<int64_t>{5, 3, 7}));
}

TEST(BroadcastShapes, DynamicMeetsStatic) {
  // A dynamic size against a static size other than 1 must be that size.
  auto shape = broadcastShapes({kDyn, 1, kDyn}, {4, kDyn, 1});
  ASSERT_TRUE(shape);
  EXPECT_EQ(*shape, (llvm::SmallVector<int64_t>{4, kDyn, kDyn}));
}

TEST(BroadcastShapes, RejectsDifferentStaticSizes) {
  EXPECT_FALSE(broadcastShapes({2, 3}, {4, 3}));
  EXPECT_FALSE(broadcastShapes({3}, {2}));
}

TEST(BroadcastShapes, ScalarBroadcastsToAnything) {
  auto shape = broadcastShapes({}, {kDyn, 8});
  ASSERT_TRUE(shape);
  EXPECT_EQ(*shape, (llvm::SmallVector<int64_t>{kDyn, 8}));
}

TEST(SliceSize, FollowsPythonRules) {
  EXPECT_EQ(sliceSize(10, 0, 10, 1), 10);
  EXPECT_EQ(sliceSize(10, 2, 8, 3), 2);   // 2, 5
  EXPECT_EQ(sliceSize(10, -3, 10, 1), 3); // counts from the end
  EXPECT_EQ(sliceSize(10, 0, -1, 1), 9);
  EXPECT_EQ(sliceSize(10, 0, 100, 1), 10); // clamped
  EXPECT_EQ(sliceSize(10, 7, 3, 1), 0);    // empty, never negative
  EXPECT_EQ(sliceSize(10, -100, 2, 1), 2);
}

TEST(Permutation, RecognisesPermutations) {
  EXPECT_TRUE(isPermutation({0, 2, 1, 3}, 4));
  EXPECT_FALSE(isPermutation({0, 0, 1}, 3));
  EXPECT_FALSE(isPermutation({0, 1}, 3));
  EXPECT_FALSE(isPermutation({0, 3, 1}, 3));
}

TEST(ShapeText, MarksDynamicDimensions) {
  EXPECT_EQ(formatShape({1, kDyn, 64}), "[1, ?, 64]");
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(staticElementCount({2, kDyn, 3}), 6);
  EXPECT_EQ(countDynamicDims({2, kDyn, 3, kDyn}), 2);
}

} // namespace

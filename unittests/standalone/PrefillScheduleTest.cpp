//===- PrefillScheduleTest.cpp - the static programs' calling convention --===//
#include "llmc/Runtime/PrefillSchedule.h"

#include <gtest/gtest.h>

using namespace llmc::runtime;

namespace {

/// "size:tokens size:tokens ..." for readable expectations.
std::string describe(llvm::ArrayRef<PrefillCall> calls) {
  std::string text;
  for (const PrefillCall &call : calls)
    text += (text.empty() ? "" : " ") + std::to_string(call.programTokens) + ":" +
            std::to_string(call.tokens);
  return text;
}

TEST(SchedulePrefill, SmallestBucketThatHoldsThePrompt) {
  EXPECT_EQ(describe(schedulePrefill(5, {8, 4, 16}, std::nullopt)), "8:5");
  EXPECT_EQ(describe(schedulePrefill(4, {8, 4, 16}, std::nullopt)), "4:4");
  EXPECT_EQ(describe(schedulePrefill(1, {8, 4}, 4)), "4:1");
}

TEST(SchedulePrefill, ChunksWhenNoBucketHolds) {
  // No bucket holds 21, 17, 13 or 9 tokens: chunks of 4, then 5 fit in 8.
  EXPECT_EQ(describe(schedulePrefill(21, {4, 8}, 4)), "4:4 4:4 4:4 4:4 8:5");
  EXPECT_EQ(describe(schedulePrefill(13, {4, 8}, 4)), "4:4 4:4 8:5");
}

TEST(SchedulePrefill, LargestBucketWithoutAChunk) {
  EXPECT_EQ(describe(schedulePrefill(20, {4, 8}, std::nullopt)), "8:8 8:8 4:4");
}

TEST(SchedulePrefill, ChunkSizeThatIsNotAProgramIsIgnored) {
  EXPECT_EQ(describe(schedulePrefill(10, {8}, 3)), "8:8 8:2");
}

TEST(SchedulePrefill, DecodeOnlyWithoutPrefillPrograms) {
  EXPECT_EQ(describe(schedulePrefill(3, {}, std::nullopt)), "1:1 1:1 1:1");
  EXPECT_TRUE(schedulePrefill(0, {4}, 4).empty());
}

} // namespace

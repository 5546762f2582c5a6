//===- AllocatorTest.cpp - the planner's allocator, by property -----------===//
//
// On random sets of lifetimes: the allocation never overlaps two buffers
// live at one step, never crosses the capacity, respects the alignment, is
// never below the live-set lower bound (no plan can be), and is
// deterministic; the improvement step never makes greedy-by-size worse.
//
//===----------------------------------------------------------------------===//
#include "llmc/Planning/Allocator.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

using namespace llmc::planning;

namespace {

std::vector<BufferRequest> randomBuffers(std::mt19937_64 &rng, int count, int steps,
                                         int64_t maxSize) {
  std::vector<BufferRequest> buffers;
  for (int i = 0; i < count; ++i) {
    int64_t first = rng() % steps;
    int64_t length = rng() % 3 == 0 ? rng() % steps : rng() % 4; // mostly short, some long
    buffers.push_back({int64_t(1 + rng() % maxSize), first, std::min<int64_t>(steps - 1, first + length)});
  }
  return buffers;
}

TEST(Allocator, LowerBoundIsTheMostBytesLiveAtOneStep) {
  // 100 at steps 0-1, 50 at 1-2, 30 at 3: 150 live at step 1.
  std::vector<BufferRequest> buffers{{100, 0, 1}, {50, 1, 2}, {30, 3, 3}};
  EXPECT_EQ(liveLowerBound(buffers, 1), 150);
  EXPECT_EQ(liveLowerBound(buffers, 64), 128 + 64);
}

TEST(Allocator, ReusesWhatIsDead) {
  // A chain: each buffer dies when the next is written; two live at a time.
  std::vector<BufferRequest> chain;
  for (int i = 0; i < 10; ++i)
    chain.push_back({64, i, i + 1});
  Allocation a = allocate(chain, {});
  EXPECT_EQ(a.peak, 128);
  EXPECT_EQ(a.lowerBound, 128);
  EXPECT_FALSE(checkAllocation(chain, a.offsets, {}));
}

TEST(Allocator, FillsTheGapsLongLivedBuffersLeave) {
  // Two buffers live throughout; short ones come and go between them: the
  // short ones reuse one another's bytes and the peak is the bound.
  std::vector<BufferRequest> buffers{{64, 0, 9}, {64, 0, 9}};
  for (int i = 0; i < 9; ++i)
    buffers.push_back({64 * (1 + i % 3), i, i + 1});
  Allocation a = allocate(buffers, {});
  EXPECT_EQ(a.peak, liveLowerBound(buffers, 64));
  EXPECT_FALSE(checkAllocation(buffers, a.offsets, {}));
}

TEST(Allocator, SpillsWhatDoesNotFitTheCapacity) {
  std::vector<BufferRequest> buffers{{1000, 0, 2}, {100, 0, 2}, {100, 1, 2}};
  AllocatorOptions options;
  options.alignment = 4;
  options.capacity = 256;
  Allocation a = allocate(buffers, options);
  EXPECT_FALSE(a.offsets[0]);
  EXPECT_TRUE(a.offsets[1] && a.offsets[2]);
  EXPECT_EQ(a.spilledBytes, 1000);
  EXPECT_FALSE(checkAllocation(buffers, a.offsets, options));
}

TEST(Allocator, OneBufferLargerThanThePoolSpills) {
  // (Once read past the order's end while trying to improve.)
  AllocatorOptions options;
  options.capacity = 64;
  Allocation a = allocate({{100, 0, 0}}, options);
  EXPECT_FALSE(a.offsets[0]);
  EXPECT_EQ(a.spilledBytes, 100);
  EXPECT_EQ(a.ordersTried, 1);
}

TEST(Allocator, WorksAroundFixedBytes) {
  // 64 bytes reserved at step 1: a buffer live then goes above them, one
  // live only at step 3 reuses them.
  AllocatorOptions options;
  options.fixed.push_back({{64, 1, 1}, 0});
  std::vector<BufferRequest> buffers{{64, 0, 2}, {64, 3, 3}};
  Allocation a = allocate(buffers, options);
  EXPECT_EQ(a.offsets[0], 64);
  EXPECT_EQ(a.offsets[1], 0);
  EXPECT_EQ(a.peak, 128);
  EXPECT_EQ(a.lowerBound, 128);
  EXPECT_FALSE(checkAllocation(buffers, a.offsets, options));
  EXPECT_EQ(checkAllocation(buffers, {0, 0}, options).value_or(""),
            "buffer 0 shares bytes with fixed bytes at 0");
}

TEST(Allocator, HugeSizesNeitherOverflowNorFit) {
  const int64_t huge = std::numeric_limits<int64_t>::max() - 3;
  AllocatorOptions options;
  options.capacity = 1 << 20;
  Allocation a = allocate({{huge, 0, 1}, {64, 0, 1}}, options);
  EXPECT_FALSE(a.offsets[0]);
  EXPECT_EQ(a.offsets[1], 0);
  EXPECT_EQ(alignTo(huge, 64), std::numeric_limits<int64_t>::max() / 64 * 64);
  EXPECT_EQ(checkAllocation({{64, 0, 1}}, {std::numeric_limits<int64_t>::max() / 64 * 64}, options)
                .value_or(""),
            "buffer 0 ends past the capacity of 1048576 bytes");
}

TEST(Allocator, CheckNamesWhatIsWrong) {
  std::vector<BufferRequest> buffers{{64, 0, 1}, {64, 1, 2}};
  AllocatorOptions options;
  EXPECT_EQ(checkAllocation(buffers, {0, 32}, options).value_or(""),
            "buffer 1 at offset 32 is not aligned to 64");
  EXPECT_EQ(checkAllocation(buffers, {0, 0}, options).value_or(""),
            "buffers 0 and 1 are live at the same step and share bytes");
  options.capacity = 100;
  EXPECT_EQ(checkAllocation(buffers, {0, 64}, options).value_or(""),
            "buffer 1 ends past the capacity of 100 bytes");
  EXPECT_FALSE(checkAllocation({{64, 0, 0}, {64, 1, 1}}, {0, 0}, {}));
}

TEST(Allocator, RandomSetsAreValidNearTheBoundAndDeterministic) {
  std::mt19937_64 rng(42);
  double worst = 1.0, sum = 0;
  int improved = 0, measured = 0;
  const int sets = 300;
  for (int set = 0; set < sets; ++set) {
    std::vector<BufferRequest> buffers =
        randomBuffers(rng, 1 + rng() % 60, 1 + rng() % 40, 1 + rng() % 5000);
    AllocatorOptions options;
    options.alignment = int64_t(1) << (rng() % 7);
    if (set % 3 == 0)
      options.capacity = 1 + rng() % 20000;
    Allocation a = allocate(buffers, options);
    ASSERT_FALSE(checkAllocation(buffers, a.offsets, options)) << "set " << set;
    ASSERT_GE(a.peak, a.lowerBound) << "set " << set;
    ASSERT_LE(a.peak, options.capacity) << "set " << set;
    int64_t spilled = 0;
    for (auto [b, offset] : llvm::zip(buffers, a.offsets))
      spilled += offset ? 0 : b.size;
    ASSERT_EQ(spilled, a.spilledBytes);
    Allocation again = allocate(buffers, options);
    ASSERT_EQ(a.offsets, again.offsets) << "set " << set;
    // Greedy by size alone (no improvement) is never better.
    AllocatorOptions greedyOnly = options;
    greedyOnly.improvementSteps = 0;
    Allocation greedy = allocate(buffers, greedyOnly);
    ASSERT_LE(std::make_pair(a.spilledBytes, a.peak), std::make_pair(greedy.spilledBytes, greedy.peak));
    improved += a.peak < greedy.peak || a.spilledBytes < greedy.spilledBytes;
    if (a.spilledBytes == 0 && a.lowerBound > 0) {
      double ratio = double(a.peak) / double(a.lowerBound);
      worst = std::max(worst, ratio);
      sum += ratio;
      ++measured;
    }
  }
  // Recorded for the reader (the property is the bound, not a figure).
  std::printf("random sets: worst peak / lower bound %.3f, mean %.3f, improved over greedy in %d "
              "of %d\n", worst, sum / std::max(1, measured), improved, sets);
}

} // namespace

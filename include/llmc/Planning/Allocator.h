//===- Allocator.h - offsets for buffers with lifetimes ---------*- C++ -*-===//
//
// The planner's core, without MLIR (a device runtime or simulator can link
// it): buffers of known sizes live during intervals of steps; give each an
// offset in a pool so that no two buffers live at one step share a byte.
//
// Greedy by size with best fit (Pisarchyk & Lee, "Efficient Memory
// Management for Deep Neural Net Inference", 2020: within ~11 % of the best
// known on their networks), then hill climbing over the placement order (as
// Arm Vela's allocator) that stops at the live-set lower bound: the most
// bytes live at any one step, which no plan can go below.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_PLANNING_ALLOCATOR_H
#define LLMC_PLANNING_ALLOCATOR_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace llmc::planning {

/// A buffer of `size` bytes, live from step `first` to step `last`
/// (inclusive: written at `first`, last read at `last`).
struct BufferRequest {
  int64_t size = 0;
  int64_t first = 0;
  int64_t last = 0;

  bool overlapsInTime(const BufferRequest &other) const {
    return first <= other.last && other.first <= last;
  }
};

struct AllocatorOptions {
  /// Every offset is a multiple of this (a power of two), every size is
  /// rounded up to it.
  int64_t alignment = 64;
  /// The pool's bytes: a buffer that fits nowhere below it is not placed
  /// (it spills to another pool).
  int64_t capacity = std::numeric_limits<int64_t>::max();
  /// Placement orders the improvement step tries at most, beyond the first.
  int64_t improvementSteps = 2000;
  /// Bytes already taken before any buffer is placed: (lifetime and size,
  /// offset) pairs every placement works around (a kernel's on-chip
  /// working set reserved at its step).
  std::vector<std::pair<BufferRequest, int64_t>> fixed;
};

/// Where each buffer went.
struct Allocation {
  /// Per request, its offset; none: not placed (did not fit the capacity).
  std::vector<std::optional<int64_t>> offsets;
  /// The pool bytes used: the largest offset + aligned size placed.
  int64_t peak = 0;
  /// The bytes of the buffers not placed.
  int64_t spilledBytes = 0;
  /// The live-set lower bound of the placed buffers (aligned sizes).
  int64_t lowerBound = 0;
  /// Placement orders tried (1 + improvement steps taken).
  int64_t ordersTried = 0;
};

/// `bytes` rounded up to a multiple of `alignment` (a non-positive
/// alignment counts as 1; saturates instead of overflowing).
int64_t alignTo(int64_t bytes, int64_t alignment);

/// The most (aligned) bytes of `buffers` live at any one step.
int64_t liveLowerBound(llvm::ArrayRef<BufferRequest> buffers, int64_t alignment);

/// Offsets for `buffers`: as few bytes spilled as found, then the smallest
/// peak found (the fixed bytes count in both); stops improving at the
/// lower bound. Deterministic.
Allocation allocate(llvm::ArrayRef<BufferRequest> buffers, const AllocatorOptions &options);

/// What is wrong with `offsets` for `buffers` (two buffers live at one step
/// sharing bytes, an offset not aligned, bytes past the capacity), naming
/// the requests by index; none when it is a valid allocation.
std::optional<std::string> checkAllocation(llvm::ArrayRef<BufferRequest> buffers,
                                           llvm::ArrayRef<std::optional<int64_t>> offsets,
                                           const AllocatorOptions &options);

} // namespace llmc::planning

#endif // LLMC_PLANNING_ALLOCATOR_H

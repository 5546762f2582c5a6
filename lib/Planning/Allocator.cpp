//===- Allocator.cpp - offsets for buffers with lifetimes -----------------===//
#include "llmc/Planning/Allocator.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <map>

using namespace llmc::planning;

int64_t llmc::planning::alignTo(int64_t bytes, int64_t alignment) {
  if (alignment <= 1)
    return bytes;
  int64_t limit = std::numeric_limits<int64_t>::max() / alignment * alignment;
  if (bytes > limit)
    return limit;
  return (bytes + alignment - 1) / alignment * alignment;
}

int64_t llmc::planning::liveLowerBound(llvm::ArrayRef<BufferRequest> buffers,
                                       int64_t alignment) {
  // Bytes that start or stop being live at each step.
  std::map<int64_t, int64_t> change;
  for (const BufferRequest &b : buffers) {
    change[b.first] += alignTo(b.size, alignment);
    change[b.last + 1] -= alignTo(b.size, alignment);
  }
  int64_t live = 0, most = 0;
  for (auto &[step, delta] : change)
    most = std::max(most, live += delta);
  return most;
}

namespace {

/// One placement order's result.
struct Trial {
  std::vector<std::optional<int64_t>> offsets;
  int64_t peak = 0;
  int64_t spilled = 0;

  bool betterThan(const Trial &other) const {
    return std::make_pair(spilled, peak) < std::make_pair(other.spilled, other.peak);
  }
};

/// Places the buffers in `order`, each at the smallest gap between the
/// buffers already placed that overlap it in time where it fits (best
/// fit), else above them; a buffer that would cross the capacity is not
/// placed.
Trial place(llvm::ArrayRef<BufferRequest> buffers, llvm::ArrayRef<size_t> order,
            const AllocatorOptions &options) {
  Trial trial;
  trial.offsets.assign(buffers.size(), std::nullopt);
  std::vector<size_t> placed;
  llvm::SmallVector<std::pair<int64_t, int64_t>> busy;
  for (auto &[request, offset] : options.fixed)
    trial.peak = std::max(trial.peak, offset + alignTo(request.size, options.alignment));
  for (size_t i : order) {
    int64_t size = alignTo(buffers[i].size, options.alignment);
    busy.clear();
    for (auto &[request, offset] : options.fixed)
      if (buffers[i].overlapsInTime(request))
        busy.push_back({offset, offset + alignTo(request.size, options.alignment)});
    for (size_t j : placed)
      if (buffers[i].overlapsInTime(buffers[j]))
        busy.push_back({*trial.offsets[j],
                        *trial.offsets[j] + alignTo(buffers[j].size, options.alignment)});
    llvm::sort(busy);
    int64_t cursor = 0;
    std::optional<int64_t> best;
    int64_t bestGap = std::numeric_limits<int64_t>::max();
    for (auto [start, end] : busy) {
      if (start - cursor >= size && start - cursor < bestGap) {
        best = cursor;
        bestGap = start - cursor;
      }
      cursor = std::max(cursor, end);
    }
    int64_t offset = best.value_or(cursor);
    if (size > options.capacity || offset > options.capacity - size) {
      trial.spilled += buffers[i].size;
      continue;
    }
    trial.offsets[i] = offset;
    placed.push_back(i);
    trial.peak = std::max(trial.peak, offset + size);
  }
  return trial;
}

/// A small deterministic generator (the same plans on every platform).
struct SplitMix {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? next() % n : 0; }
};

} // namespace

Allocation llmc::planning::allocate(llvm::ArrayRef<BufferRequest> buffers,
                                    const AllocatorOptions &options) {
  // Greedy by size: the largest first, then the earliest, then the longest.
  std::vector<size_t> order(buffers.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::sort(order, [&](size_t a, size_t b) {
    const BufferRequest &x = buffers[a], &y = buffers[b];
    return std::make_tuple(-x.size, x.first, -(x.last - x.first), a) <
           std::make_tuple(-y.size, y.first, -(y.last - y.first), b);
  });
  Trial best = place(buffers, order, options);
  std::vector<BufferRequest> all(buffers.begin(), buffers.end());
  for (auto &[request, offset] : options.fixed)
    all.push_back(request);
  int64_t bound = liveLowerBound(all, options.alignment);
  int64_t tried = 1;
  // A buffer larger than the pool never fits: no order changes that.
  auto canFit = [&](size_t i) {
    return alignTo(buffers[i].size, options.alignment) <= options.capacity;
  };

  // Hill climbing over the order: move a buffer that makes the peak (or one
  // that spilled) earlier, keep the order when the plan is no worse; stop
  // at the lower bound, after the step budget, or when a long run of steps
  // found nothing better.
  SplitMix random;
  const int64_t patience = 200;
  int64_t sinceImproved = 0;
  Trial current = best;
  for (int64_t step = 0;
       step < options.improvementSteps && sinceImproved < patience && order.size() > 1; ++step) {
    if (best.spilled == 0 && best.peak <= bound)
      break;
    // The buffers to move: one that spilled though it could fit, else one
    // at the peak.
    llvm::SmallVector<size_t> spilled, atPeak;
    for (size_t k = 0; k < order.size(); ++k) {
      size_t i = order[k];
      if (!current.offsets[i]) {
        if (canFit(i))
          spilled.push_back(k);
      } else if (*current.offsets[i] + alignTo(buffers[i].size, options.alignment) ==
                 current.peak) {
        atPeak.push_back(k);
      }
    }
    llvm::SmallVector<size_t> &critical = spilled.empty() ? atPeak : spilled;
    if (critical.empty())
      break;
    size_t from = critical[random.below(critical.size())];
    std::vector<size_t> candidate = order;
    if (from == 0) {
      // Already first: let another buffer go first instead.
      std::swap(candidate[0], candidate[1 + random.below(candidate.size() - 1)]);
    } else {
      size_t to = random.below(from);
      size_t moved = candidate[from];
      candidate.erase(candidate.begin() + from);
      candidate.insert(candidate.begin() + to, moved);
    }
    Trial trial = place(buffers, candidate, options);
    ++tried;
    ++sinceImproved;
    if (!current.betterThan(trial)) {
      order = std::move(candidate);
      current = std::move(trial);
      if (current.betterThan(best)) {
        best = current;
        sinceImproved = 0;
      }
    }
  }

  Allocation result;
  // The bound of what was placed, with the fixed bytes.
  llvm::SmallVector<BufferRequest> placed;
  for (auto [b, offset] : llvm::zip(buffers, best.offsets))
    if (offset)
      placed.push_back(b);
  for (auto &[request, offset] : options.fixed)
    placed.push_back(request);
  result.offsets = std::move(best.offsets);
  result.peak = best.peak;
  result.spilledBytes = best.spilled;
  result.ordersTried = tried;
  result.lowerBound = liveLowerBound(placed, options.alignment);
  return result;
}

std::optional<std::string>
llmc::planning::checkAllocation(llvm::ArrayRef<BufferRequest> buffers,
                                llvm::ArrayRef<std::optional<int64_t>> offsets,
                                const AllocatorOptions &options) {
  if (buffers.size() != offsets.size())
    return "an offset per buffer expected";
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (!offsets[i])
      continue;
    int64_t at = *offsets[i], size = alignTo(buffers[i].size, options.alignment);
    if (at < 0 || (options.alignment > 1 && at % options.alignment))
      return "buffer " + std::to_string(i) + " at offset " + std::to_string(at) +
             " is not aligned to " + std::to_string(options.alignment);
    if (size > options.capacity || at > options.capacity - size)
      return "buffer " + std::to_string(i) + " ends past the capacity of " +
             std::to_string(options.capacity) + " bytes";
    for (size_t j = 0; j < i; ++j) {
      if (!offsets[j] || !buffers[i].overlapsInTime(buffers[j]))
        continue;
      int64_t other = *offsets[j], otherSize = alignTo(buffers[j].size, options.alignment);
      if (at - other < otherSize && other - at < size && size > 0 && otherSize > 0)
        return "buffers " + std::to_string(j) + " and " + std::to_string(i) +
               " are live at the same step and share bytes";
    }
    for (auto &[request, other] : options.fixed) {
      int64_t otherSize = alignTo(request.size, options.alignment);
      if (buffers[i].overlapsInTime(request) && at - other < otherSize && other - at < size &&
          size > 0 && otherSize > 0)
        return "buffer " + std::to_string(i) + " shares bytes with fixed bytes at " +
               std::to_string(other);
    }
  }
  return std::nullopt;
}

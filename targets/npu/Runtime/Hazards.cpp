//===- Hazards.cpp - who touched which bytes, for the wait rule -----------===//
#include "Hazards.h"

#include "Schema.h"

#include <algorithm>
#include <iterator>

using namespace llmc;
using namespace llmc::npu;

bool HazardShadow::untracked(int memory) {
  return memory == int(npub::Memory::Weights) || memory == int(npub::Memory::Const);
}

void HazardShadow::split(Shadow &shadow, int64_t at) {
  auto it = shadow.upper_bound(at);
  if (it == shadow.begin())
    return;
  --it;
  if (it->first < at && at < it->second.end) {
    Segment right = it->second;
    it->second.end = at;
    shadow[at] = right;
  }
}

void HazardShadow::conflicts(
    int memory, int64_t b, int64_t e, bool write,
    llvm::function_ref<void(int64_t, int, int64_t, int64_t)> conflict) const {
  auto found = shadows.find(memory);
  if (untracked(memory) || found == shadows.end() || b >= e)
    return;
  const Shadow &shadow = found->second;
  auto it = shadow.upper_bound(b);
  if (it != shadow.begin())
    --it;
  for (; it != shadow.end() && it->first < e; ++it) {
    const Segment &seg = it->second;
    if (seg.end <= b)
      continue;
    int64_t from = std::max(b, it->first), to = std::min(e, seg.end);
    if (seg.writer >= 0)
      conflict(seg.writer, seg.writerUnit, from, to);
    if (write)
      for (size_t u = 0; u < seg.readers.size(); ++u)
        if (seg.readers[u] >= 0)
          conflict(seg.readers[u], int(u), from, to);
  }
}

void HazardShadow::record(int memory, int64_t b, int64_t e, bool write, int64_t command,
                          int unit) {
  if (untracked(memory) || b >= e)
    return;
  Shadow &shadow = shadows[memory];
  split(shadow, b);
  split(shadow, e);
  if (write) {
    // One segment: this writer, no readers since.
    shadow.erase(shadow.lower_bound(b), shadow.lower_bound(e));
    Segment seg;
    seg.end = e;
    seg.writer = command;
    seg.writerUnit = unit;
    seg.readers.assign(units, -1);
    shadow[b] = seg;
    return;
  }
  // Readers: the segments inside [b, e), the gaps between them filled.
  int64_t at = b;
  auto it = shadow.lower_bound(b);
  while (at < e) {
    if (it == shadow.end() || it->first > at) {
      int64_t gapEnd = it == shadow.end() ? e : std::min(e, it->first);
      Segment seg;
      seg.end = gapEnd;
      seg.readers.assign(units, -1);
      seg.readers[unit] = command;
      it = std::next(shadow.emplace(at, seg).first);
      at = gapEnd;
      continue;
    }
    it->second.readers[unit] = command;
    at = it->second.end;
    ++it;
  }
}

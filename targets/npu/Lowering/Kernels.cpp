//===- Kernels.cpp - dispatch and tiling shared by the kernels ------------===//
#include "targets/npu/Lowering/Kernels.h"

#include <algorithm>
#include <functional>

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;

int64_t ConstantPool::add(ArrayRef<uint8_t> bytes) {
  std::vector<uint8_t> key(bytes.begin(), bytes.end());
  auto it = offsets.find(key);
  if (it != offsets.end())
    return it->second;
  int64_t at = (int64_t(data.size()) + 63) / 64 * 64;
  data.resize(at, 0);
  data.insert(data.end(), bytes.begin(), bytes.end());
  offsets.emplace(std::move(key), at);
  return at;
}

LogicalResult lowering::lowerOp(Lowering &l, Operation *op) {
  // The commands name the op they came from (reports group by it).
  l.em.setLocation(NameLoc::get(StringAttr::get(op->getContext(), op->getName().getStringRef()),
                                op->getLoc()));
  l.em.clearExhausted();
  for (auto family : {lowerMovement, lowerElementwise, lowerMatrix})
    if (std::optional<LogicalResult> done = family(l, op)) {
      if (succeeded(*done) && l.em.exhausted())
        // A kernel sized a tile wrong: an error, never a view past the SRAM.
        return op->emitError() << "this op's tiles do not fit the NPU's SRAM workspace ("
                               << l.em.workspaceEnd() - l.em.workspaceMark() << " bytes)";
      return *done;
    }
  return op->emitError() << "the NPU has no lowering for '" << op->getName()
                         << "' (docs/npu.md lists the ops each family lowers)";
}

/// `v` with its broadcast (stride-0) dimensions cut to size 1.
static View compact(const View &v) {
  View c = v;
  for (int64_t i = 0; i < c.rank(); ++i)
    if (c.strides[i] == 0)
      c.shape[i] = 1;
  return c;
}

bool lowering::forEachTile(Lowering &l, ArrayRef<View> views, int64_t wholeDims,
                           int64_t tempsPerElement, function_ref<void(ArrayRef<View>)> body,
                           int64_t tempsPerRow) {
  Emitter &em = l.em;
  int64_t base = em.workspaceMark();
  int64_t perElement = tempsPerElement;
  for (const View &v : views)
    if (v.memory != npub::Memory::SRAM)
      perElement += v.elementBytes();
  if (perElement == 0) {
    body(views);
    return true;
  }
  // Two halves: a tile's copies overlap the other half's computation. Each
  // buffer of a tile may lose up to 64 bytes to alignment.
  int64_t slack = 64 * int64_t(views.size() + 8);
  int64_t second = base + em.workspaceFree() / 2;
  int64_t half = em.workspaceFree() / 2 - slack;
  int64_t rank = views.front().rank();
  int parity = 0;
  auto run = [&](ArrayRef<View> tile) {
    em.resetWorkspace(parity ? second : base);
    parity ^= 1;
    SmallVector<View> inSRAM;
    for (size_t i = 0; i < tile.size(); ++i) {
      const View &v = tile[i];
      if (v.memory == npub::Memory::SRAM) {
        inSRAM.push_back(v);
        continue;
      }
      // Broadcast dimensions are copied once and read repeatedly.
      View small = compact(v);
      View staged = em.allocate(v.type, small.shape);
      if (i > 0)
        em.copy(small, staged);
      inSRAM.push_back(staged.broadcastTo(v.shape));
    }
    body(inSRAM);
    if (tile.front().memory != npub::Memory::SRAM)
      em.copy(compact(inSRAM.front()), compact(tile.front()));
  };
  auto sliced = [&](ArrayRef<View> vs, int64_t dim, int64_t start, int64_t size) {
    SmallVector<View> out;
    for (const View &v : vs)
      out.push_back(v.slice(dim, start, size));
    return out;
  };
  // A tile's bytes: per element, and per row of its last dimension.
  int64_t rowLength = std::max<int64_t>(1, views.front().shape.empty() ? 1
                                                                        : views.front().shape.back());
  auto bytesFor = [&](int64_t count) { return count * perElement + count / rowLength * tempsPerRow; };
  std::function<bool(ArrayRef<View>, int64_t)> go = [&](ArrayRef<View> vs, int64_t dim) {
    int64_t count = vs.front().count();
    if (bytesFor(count) <= half) {
      run(vs);
      return true;
    }
    if (dim >= rank - wholeDims)
      return false;
    int64_t extent = vs.front().shape[dim];
    int64_t inner = count / std::max<int64_t>(extent, 1);
    if (bytesFor(inner) <= half) {
      int64_t chunk = half / bytesFor(inner);
      for (int64_t i = 0; i < extent; i += chunk)
        run(sliced(vs, dim, i, std::min(chunk, extent - i)));
      return true;
    }
    for (int64_t i = 0; i < extent; ++i)
      if (!go(sliced(vs, dim, i, 1), dim + 1))
        return false;
    return true;
  };
  bool fits = half > 0 && go(views, 0);
  em.resetWorkspace(base);
  return fits;
}

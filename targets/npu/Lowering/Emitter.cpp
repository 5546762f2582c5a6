//===- Emitter.cpp - building an npu command stream -----------------------===//
#include "targets/npu/Lowering/Emitter.h"

#include "targets/npu/Runtime/Artifact.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

View View::dense(npub::Memory memory, int64_t offset, Type type, ArrayRef<int64_t> shape) {
  View v;
  v.memory = memory;
  v.offset = offset;
  v.type = type;
  v.shape.assign(shape.begin(), shape.end());
  v.strides.resize(shape.size());
  int64_t stride = 1;
  for (int64_t i = int64_t(shape.size()) - 1; i >= 0; --i) {
    v.strides[i] = stride;
    stride *= shape[i];
  }
  return v;
}

int64_t View::count() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t View::elementBytes() const { return npu::elementBytes(*artifactElementType(type)); }

bool View::isDense() const {
  int64_t stride = 1;
  for (int64_t i = rank() - 1; i >= 0; --i) {
    if (shape[i] != 1 && strides[i] != stride)
      return false;
    stride *= shape[i];
  }
  return true;
}

View View::slice(int64_t dim, int64_t start, int64_t size) const {
  View v = *this;
  v.offset += start * strides[dim] * elementBytes();
  v.shape[dim] = size;
  return v;
}

View View::step(int64_t dim, int64_t step) const {
  View v = *this;
  v.shape[dim] = (shape[dim] + step - 1) / step;
  v.strides[dim] *= step;
  return v;
}

View View::permute(ArrayRef<int64_t> permutation) const {
  View v = *this;
  for (size_t i = 0; i < permutation.size(); ++i) {
    v.shape[i] = shape[permutation[i]];
    v.strides[i] = strides[permutation[i]];
  }
  return v;
}

std::optional<View> View::reshape(ArrayRef<int64_t> target) const {
  // Walk both shapes from the innermost dimension, matching groups of
  // source dimensions that are contiguous among themselves.
  View v = *this;
  v.shape.assign(target.begin(), target.end());
  v.strides.assign(target.size(), 0);
  // Source dimensions without the size-1 ones (their strides do not matter).
  SmallVector<std::pair<int64_t, int64_t>> src;
  for (int64_t i = 0; i < rank(); ++i)
    if (shape[i] != 1)
      src.push_back({shape[i], strides[i]});
  int64_t s = int64_t(src.size()) - 1;
  int64_t t = int64_t(target.size()) - 1;
  // Remaining extent of the current source dimension and its stride.
  int64_t left = s >= 0 ? src[s].first : 1, stride = s >= 0 ? src[s].second : 1;
  for (; t >= 0; --t) {
    int64_t size = target[t];
    if (size == 1) {
      v.strides[t] = 0;
      continue;
    }
    // This target dimension takes `size` elements from the source
    // dimensions, which must then be one stride pattern.
    v.strides[t] = stride;
    int64_t need = size;
    while (need > 1) {
      if (s < 0)
        return std::nullopt;
      if (left % need == 0) {
        left /= need;
        stride *= need;
        need = 1;
        break;
      }
      if (need % left != 0)
        return std::nullopt;
      need /= left;
      // The next source dimension must continue this one.
      --s;
      if (s < 0 || src[s].second != stride * left)
        return std::nullopt;
      stride = src[s].second;
      left = src[s].first;
    }
    if (left == 1 && s > 0) {
      --s;
      left = src[s].first;
      stride = src[s].second;
    } else if (left == 1) {
      s = -1;
    }
  }
  return v;
}

View View::broadcastTo(ArrayRef<int64_t> target) const {
  View v = *this;
  int64_t extra = int64_t(target.size()) - rank();
  v.shape.assign(target.begin(), target.end());
  v.strides.assign(target.size(), 0);
  for (int64_t i = 0; i < rank(); ++i)
    v.strides[i + extra] = shape[i] == target[i + extra] ? strides[i] : 0;
  return v;
}

View View::withType(Type t) const {
  View v = *this;
  int64_t from = elementBytes();
  v.type = t;
  int64_t to = v.elementBytes();
  if (from != to && !v.shape.empty()) {
    // Only the innermost, contiguous dimension rescales.
    for (int64_t i = 0; i + 1 < rank(); ++i)
      v.strides[i] = v.strides[i] * from / to;
    v.shape.back() = v.shape.back() * from / to;
  }
  return v;
}

View View::withRegister(int r, int64_t s) const {
  View v = *this;
  v.reg = r;
  v.scale = s;
  return v;
}

std::pair<int64_t, int64_t> View::byteRange() const {
  if (reg >= 0)
    return {0, std::numeric_limits<int64_t>::max()};
  if (count() == 0)
    return {offset, offset};
  int64_t last = 0;
  for (int64_t i = 0; i < rank(); ++i)
    last += (shape[i] - 1) * strides[i];
  return {offset, offset + (last + 1) * elementBytes()};
}

StringRef lowering::memoryName(npub::Memory memory) {
  switch (memory) {
  case npub::Memory::Weights: return "weights";
  case npub::Memory::Cache: return "cache";
  case npub::Memory::IO: return "io";
  case npub::Memory::Scratch: return "scratch";
  case npub::Memory::Const: return "const";
  case npub::Memory::SRAM: return "sram";
  }
  return "sram";
}

ViewAttr View::attr(MLIRContext *context) const {
  SmallVector<int64_t, 4> s = shape, st = strides;
  if (s.empty()) {
    s = {1};
    st = {1};
  }
  return ViewAttr::get(context, memoryName(memory), offset, reg, reg >= 0 ? scale : 0, type, s,
                       st);
}

//===----------------------------------------------------------------------===//
// Coalescing: views of one logical shape as few dimensions as possible
//===----------------------------------------------------------------------===//

namespace {

} // namespace

/// Views of one shape, dimensions merged where every view allows it, size-1
/// dimensions dropped; `keep` leading dimensions are left alone.
SmallVector<View> lowering::coalesce(ArrayRef<View> views, int64_t keep) {
  SmallVector<View> out(views.begin(), views.end());
  const View &first = views.front();
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < first.rank(); ++i)
    if (i < keep || first.shape[i] != 1)
      dims.push_back(i);
  // Merged dimensions, innermost first.
  SmallVector<int64_t> shape;
  SmallVector<SmallVector<int64_t>> strides(views.size());
  for (int64_t k = int64_t(dims.size()) - 1; k >= 0; --k) {
    int64_t d = dims[k];
    bool merge = !shape.empty() && d >= keep;
    for (size_t v = 0; merge && v < views.size(); ++v)
      merge = views[v].strides[d] == strides[v].back() * shape.back();
    if (merge) {
      shape.back() *= first.shape[d];
      continue;
    }
    shape.push_back(first.shape[d]);
    for (size_t v = 0; v < views.size(); ++v)
      strides[v].push_back(views[v].strides[d]);
  }
  if (shape.empty()) {
    shape.push_back(1);
    for (auto &s : strides)
      s.push_back(1);
  }
  std::reverse(shape.begin(), shape.end());
  for (size_t v = 0; v < views.size(); ++v) {
    std::reverse(strides[v].begin(), strides[v].end());
    out[v].shape.assign(shape.begin(), shape.end());
    out[v].strides.assign(strides[v].begin(), strides[v].end());
  }
  return out;
}

bool lowering::sameElements(const View &a, const View &b) {
  if (a.memory != b.memory || a.offset != b.offset || a.reg != b.reg ||
      (a.reg >= 0 && a.scale != b.scale) || a.type != b.type || a.count() != b.count())
    return false;
  View x = coalesce({a})[0], y = coalesce({b})[0];
  return x.shape == y.shape && x.strides == y.strides;
}

namespace {

/// Calls `body` with the views cut to at most `kMaxRank` dimensions (one
/// call per index of the leading dimensions beyond that).
void forEachPiece(ArrayRef<View> views, llvm::function_ref<void(ArrayRef<View>)> body) {
  int64_t rank = views.front().rank();
  if (rank <= kMaxRank) {
    body(views);
    return;
  }
  for (int64_t i = 0; i < views.front().shape[0]; ++i) {
    SmallVector<View> inner;
    for (const View &v : views) {
      View w = v.slice(0, i, 1);
      w.shape.erase(w.shape.begin());
      w.strides.erase(w.strides.begin());
      inner.push_back(w);
    }
    forEachPiece(inner, body);
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

Emitter::Emitter(OpBuilder &builder, const Description &device, int64_t workspaceBegin,
                 int64_t workspaceEnd)
    : builder(builder), dev(device), loc(builder.getUnknownLoc()), begin(workspaceBegin),
      end(workspaceEnd), next(workspaceBegin), peak(workspaceBegin),
      lastOnUnit(npu::unitCount(device), -1), shadow(npu::unitCount(device)) {}

void Emitter::accessesOf(const View &view, bool write, SmallVectorImpl<Access> &out) const {
  auto [b, e] = view.byteRange();
  out.push_back({int(view.memory), b, e, write});
  if (view.reg >= 0)
    out.push_back({HazardShadow::kRegisters, view.reg, view.reg + 1, false});
}

void Emitter::append(int unit, ArrayRef<Access> accesses,
                     function_ref<Operation *(ValueRange)> build) {
  int64_t index = commandCount();
  std::vector<int64_t> clock(unitCount(), -1);
  if (lastOnUnit[unit] >= 0)
    clock = clocks[lastOnUnit[unit]];
  // Per unit, the latest conflicting command not already known finished.
  std::vector<int64_t> need(unitCount(), -1);
  for (const Access &a : accesses)
    shadow.conflicts(a.memory, a.begin, a.end, a.write,
                     [&](int64_t command, int u, int64_t, int64_t) {
                       if (command > clock[u])
                         need[u] = std::max(need[u], command);
                     });
  // Drop waits another wait already implies.
  SmallVector<int64_t> waits;
  for (int u = 0; u < unitCount(); ++u) {
    if (need[u] < 0)
      continue;
    bool implied = false;
    for (int v = 0; v < unitCount() && !implied; ++v)
      implied = v != u && need[v] >= 0 && clocks[need[v]][u] >= need[u];
    if (!implied)
      waits.push_back(need[u]);
  }
  SmallVector<Value> waitTokens;
  for (int64_t w : waits) {
    waitTokens.push_back(tokens[w]);
    for (int u = 0; u < unitCount(); ++u)
      clock[u] = std::max(clock[u], clocks[w][u]);
  }
  clock[unit] = index;
  Operation *op = build(waitTokens);
  tokens.push_back(op->getResult(0));
  clocks.push_back(std::move(clock));
  for (const Access &a : accesses)
    shadow.record(a.memory, a.begin, a.end, a.write, index, unit);
  lastOnUnit[unit] = index;
}

void Emitter::copy(const View &src, const View &dst, int countRegister) {
  assert(src.shape == dst.shape && "a copy between views of one shape");
  if (src.count() == 0)
    return;
  // A bounded copy keeps its first dimension (the rows it counts).
  SmallVector<View> views = coalesce({src, dst}, countRegister >= 0 ? 1 : 0);
  forEachPiece(views, [&](ArrayRef<View> piece) {
    SmallVector<Access, 6> accesses;
    accessesOf(piece[0], false, accesses);
    accessesOf(piece[1], true, accesses);
    if (countRegister >= 0)
      accesses.push_back({HazardShadow::kRegisters, countRegister, countRegister + 1, false});
    int engine = nextEngine;
    nextEngine = (nextEngine + 1) % dev.dmaEngines;
    MLIRContext *ctx = context();
    append(engine, accesses, [&](ValueRange waits) {
      return builder.create<CopyOp>(loc, TokenType::get(ctx), waits, piece[0].attr(ctx),
                                    piece[1].attr(ctx), builder.getI64IntegerAttr(engine),
                                    builder.getI64IntegerAttr(countRegister));
    });
  });
}

void Emitter::matmul(const View &a, const View &b, const View &c, bool transposeB,
                     bool accumulate) {
  SmallVector<Access, 6> accesses;
  accessesOf(a, false, accesses);
  accessesOf(b, false, accesses);
  if (accumulate)
    accessesOf(c, false, accesses);
  accessesOf(c, true, accesses);
  MLIRContext *ctx = context();
  append(matrixUnit(), accesses, [&](ValueRange waits) {
    return builder.create<MatMulOp>(loc, TokenType::get(ctx), waits, a.attr(ctx), b.attr(ctx),
                                    c.attr(ctx), transposeB, accumulate);
  });
}

void Emitter::vector(StringRef kind, const View &dst, ArrayRef<View> srcs,
                     std::optional<double> scalar, int scalarReg, StringRef comparison) {
  if (dst.count() == 0)
    return;
  SmallVector<View> all{dst};
  all.append(srcs.begin(), srcs.end());
  SmallVector<View> views = coalesce(all);
  forEachPiece(views, [&](ArrayRef<View> piece) {
    SmallVector<Access, 8> accesses;
    for (size_t i = 1; i < piece.size(); ++i)
      accessesOf(piece[i], false, accesses);
    if (scalarReg >= 0)
      accesses.push_back({HazardShadow::kRegisters, scalarReg, scalarReg + 1, false});
    accessesOf(piece[0], true, accesses);
    MLIRContext *ctx = context();
    // Select's first choice may be the scalar: its operands are then the
    // mask and the second choice.
    bool selectScalar = kind == "select" && scalar;
    std::optional<ViewAttr> src1, src2;
    if (selectScalar) {
      src2 = piece[2].attr(ctx);
    } else {
      if (piece.size() > 2)
        src1 = piece[2].attr(ctx);
      if (piece.size() > 3)
        src2 = piece[3].attr(ctx);
    }
    append(vectorUnit(), accesses, [&](ValueRange waits) {
      auto op = builder.create<VectorOp>(
          loc, TokenType::get(ctx), waits, builder.getStringAttr(kind), piece[0].attr(ctx),
          piece[1].attr(ctx), src1 ? *src1 : ViewAttr(), src2 ? *src2 : ViewAttr(),
          scalar ? builder.getF64FloatAttr(*scalar) : FloatAttr(),
          builder.getI64IntegerAttr(scalarReg), builder.getStringAttr(comparison));
      return op.getOperation();
    });
  });
}

void Emitter::reduce(StringRef kind, const View &src, const View &dst) {
  if (src.count() == 0)
    return;
  // The outer dimensions coalesce together; the reduced one stays last.
  View srcOuter = src, dstOuter = dst;
  srcOuter.shape.pop_back();
  srcOuter.strides.pop_back();
  dstOuter.shape.pop_back();
  dstOuter.strides.pop_back();
  SmallVector<View> outer;
  if (srcOuter.rank() > 0)
    outer = coalesce({srcOuter, dstOuter});
  else
    outer = {srcOuter, dstOuter};
  auto withLast = [](View v, int64_t size, int64_t stride) {
    v.shape.push_back(size);
    v.strides.push_back(stride);
    return v;
  };
  SmallVector<View> full{withLast(outer[0], src.shape.back(), src.strides.back()),
                         withLast(outer[1], 1, 1)};
  // Past 4 dimensions: one command per index of the leading ones (the two
  // views share them).
  forEachPiece(full, [&](ArrayRef<View> piece) {
    SmallVector<Access, 4> accesses;
    accessesOf(piece[0], false, accesses);
    accessesOf(piece[1], true, accesses);
    MLIRContext *ctx = context();
    append(vectorUnit(), accesses, [&](ValueRange waits) {
      return builder.create<ReduceOp>(loc, TokenType::get(ctx), waits,
                                      builder.getStringAttr(kind), piece[0].attr(ctx),
                                      piece[1].attr(ctx));
    });
  });
}

void Emitter::scalar(StringRef kind, int dst, int a, int b, int64_t immediate) {
  SmallVector<Access, 4> accesses;
  for (int r : {a, b})
    if (r >= 0)
      accesses.push_back({HazardShadow::kRegisters, r, r + 1, false});
  accesses.push_back({HazardShadow::kRegisters, dst, dst + 1, true});
  MLIRContext *ctx = context();
  append(scalarUnit(), accesses, [&](ValueRange waits) {
    return builder.create<ScalarOp>(loc, TokenType::get(ctx), waits, builder.getStringAttr(kind),
                                    builder.getI64IntegerAttr(dst), builder.getI64IntegerAttr(a),
                                    builder.getI64IntegerAttr(b),
                                    builder.getI64IntegerAttr(immediate), ViewAttr());
  });
}

int Emitter::load(const View &at) {
  int dst = allocateRegister();
  SmallVector<Access, 4> accesses;
  accessesOf(at, false, accesses);
  accesses.push_back({HazardShadow::kRegisters, dst, dst + 1, true});
  MLIRContext *ctx = context();
  View one = at;
  one.shape = {1};
  one.strides = {1};
  append(scalarUnit(), accesses, [&](ValueRange waits) {
    return builder.create<ScalarOp>(loc, TokenType::get(ctx), waits, builder.getStringAttr("load"),
                                    builder.getI64IntegerAttr(dst), builder.getI64IntegerAttr(-1),
                                    builder.getI64IntegerAttr(-1), builder.getI64IntegerAttr(0),
                                    one.attr(ctx));
  });
  return dst;
}

int Emitter::constant(int64_t value) {
  int dst = allocateRegister();
  scalar("set", dst, -1, -1, value);
  return dst;
}

int Emitter::allocateRegister() {
  int r = nextRegister;
  nextRegister = (nextRegister + 1) % kScalarRegisters;
  return r;
}

View Emitter::allocate(Type type, ArrayRef<int64_t> shape) {
  View v = View::dense(npub::Memory::SRAM, begin, type, shape);
  int64_t bytes = std::max<int64_t>(v.count() * v.elementBytes(), 1);
  // 64-byte aligned, as the memory plan aligns.
  int64_t at = (next + 63) / 64 * 64;
  if (at + bytes > end) {
    overflowed = true;
    return v;
  }
  v.offset = at;
  next = at + bytes;
  peak = std::max(peak, next);
  return v;
}

//===- Movement.cpp - DMA and register kernels ----------------------------===//
//
// Ops that move data: reshapes, transposes, slices and broadcasts are views
// (a copy only when the plan put the result elsewhere), concatenations one
// copy per input; the ops whose addresses depend on run-time values load
// them into scalar registers: embedding rows by token id, cache rows at the
// position (bounded by the length), RoPE table rows by position, dynamic
// slices at their start (docs/npu.md, "The lowering").
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Lowering/Kernels.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/Reference/Numerics.h"
#include "llmc/Support/DType.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;
using namespace llmc::llm;

namespace {

bool sameView(const View &a, const View &b) { return sameElements(a, b); }

/// The view an op's result is of its operand, when it is one.
std::optional<View> derivedView(Lowering &l, Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<View>>(op)
      .Case([&](ReshapeOp r) {
        auto type = cast<RankedTensorType>(r.getResult().getType());
        return l.viewOf(r.getInput()).reshape(type.getShape());
      })
      .Case([&](TransposeOp t) -> std::optional<View> {
        return l.viewOf(t.getInput()).permute(t.getPermutation());
      })
      .Case([&](BroadcastToOp b) -> std::optional<View> {
        auto type = cast<RankedTensorType>(b.getResult().getType());
        return l.viewOf(b.getInput()).broadcastTo(type.getShape());
      })
      .Case([&](SliceOp s) -> std::optional<View> {
        View v = l.viewOf(s.getInput());
        ArrayRef<int64_t> dims = s.getDims(), starts = s.getStarts();
        auto type = cast<RankedTensorType>(s.getResult().getType());
        for (size_t i = 0; i < dims.size(); ++i) {
          int64_t d = dims[i] < 0 ? dims[i] + v.rank() : dims[i];
          int64_t n = v.shape[d];
          int64_t start = starts[i] < 0 ? starts[i] + n : starts[i];
          start = std::clamp<int64_t>(start, 0, n);
          int64_t step = s.getSteps() ? (*s.getSteps())[i] : 1;
          v = v.slice(d, start, n - start);
          if (step != 1)
            v = v.step(d, step);
          v.shape[d] = type.getDimSize(d);
        }
        return v;
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// Copies `src` to the op's result unless the plan put the result there.
LogicalResult place(Lowering &l, Operation *op, const View &src) {
  Value result = op->getResult(0);
  if (!l.views.count(result)) {
    l.views[result] = src;
    return success();
  }
  View dst = l.viewOf(result);
  if (!sameView(src, dst))
    l.em.copy(src, dst);
  return success();
}

/// A register holding the i64 element `index` of `value` (a value in DRAM
/// comes through the workspace: the scalar unit loads from io or sram).
std::optional<int> loadElement(Lowering &l, Operation *op, Value value, int64_t index) {
  View v = l.viewOf(value);
  // The element's address: row-major index into the view.
  int64_t offset = v.offset, rest = index;
  for (int64_t d = v.rank() - 1; d >= 0; --d) {
    offset += (rest % v.shape[d]) * v.strides[d] * v.elementBytes();
    rest /= v.shape[d];
  }
  View at = View::dense(v.memory, offset, v.type, {1});
  at.reg = v.reg;
  at.scale = v.scale;
  if (at.memory != npub::Memory::IO && at.memory != npub::Memory::SRAM) {
    // Eight bytes of workspace, given back at once: the waits order their
    // next writer after the load.
    int64_t mark = l.em.workspaceMark();
    View staged = l.em.allocate(v.type, {1});
    if (l.em.exhausted()) {
      op->emitError() << "no SRAM left to read a run-time index through";
      return std::nullopt;
    }
    l.em.copy(at, staged);
    int reg = l.em.load(staged);
    l.em.resetWorkspace(mark);
    return reg;
  }
  return l.em.load(at);
}

LogicalResult lowerConcat(Lowering &l, ConcatOp op) {
  View dst = l.viewOf(op.getResult());
  int64_t dim = op.getDim() < 0 ? op.getDim() + dst.rank() : op.getDim();
  int64_t at = 0;
  for (Value input : op.getInputs()) {
    View src = l.viewOf(input);
    View into = dst.slice(dim, at, src.shape[dim]);
    if (!sameView(src, into))
      l.em.copy(src, into);
    at += src.shape[dim];
  }
  return success();
}

LogicalResult lowerDynamicSlice(Lowering &l, DynamicSliceOp op) {
  View v = l.viewOf(op.getInput());
  auto type = cast<RankedTensorType>(op.getResult().getType());
  if (op.getSteps() && llvm::any_of(*op.getSteps(), [](int64_t s) { return s != 1; }))
    return op.emitError() << "the NPU lowers dynamic slices of step 1";
  // One register: the sum of each sliced dimension's start (clamped so the
  // static result stays inside) times its stride in bytes.
  int offsetReg = -1;
  for (auto [i, dim] : llvm::enumerate(op.getDims())) {
    int64_t d = dim < 0 ? dim + v.rank() : dim;
    int64_t size = type.getDimSize(d);
    std::optional<int> start = loadElement(l, op, op.getStarts(), i);
    if (!start)
      return failure();
    l.em.scalar("max", *start, *start, -1, 0);
    l.em.scalar("min", *start, *start, -1, v.shape[d] - size);
    l.em.scalar("mul", *start, *start, -1, v.strides[d] * v.elementBytes());
    if (offsetReg >= 0)
      l.em.scalar("add", *start, *start, offsetReg, 0);
    offsetReg = *start;
    v.shape[d] = size;
  }
  if (offsetReg >= 0)
    v = v.withRegister(offsetReg, 1);
  return place(l, op, v);
}

/// `input` read as [outer, n, inner] around dimension `dim`.
std::optional<View> aroundDim(const View &v, int64_t dim) {
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < v.rank(); ++i)
    (i < dim ? outer : inner) *= i == dim ? 1 : v.shape[i];
  return v.reshape({outer, v.shape[dim], inner});
}

/// The indices of a gather, when they are a constant.
std::optional<SmallVector<int64_t>> constantIndices(Value indices) {
  auto constant = indices.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!dense)
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &v : dense.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

/// One copy per index: a constant's slice at its place, a run-time one's
/// at a register (negative indices count from the end).
LogicalResult lowerGather(Lowering &l, GatherOp op) {
  View in = l.viewOf(op.getInput()), out = l.viewOf(op.getResult());
  int64_t dim = op.getDim() < 0 ? op.getDim() + in.rank() : op.getDim();
  int64_t n = in.shape[dim];
  auto indexType = cast<RankedTensorType>(op.getIndices().getType());
  int64_t count = indexType.getNumElements();
  std::optional<View> from = aroundDim(in, dim);
  int64_t outer = from ? from->shape[0] : 0, inner = from ? from->shape[2] : 0;
  std::optional<View> to = out.reshape({outer, count, inner});
  if (!from || !to || from->reg >= 0)
    return op.emitError() << "the NPU gathers from views it can read as rows";
  std::optional<SmallVector<int64_t>> constant = constantIndices(op.getIndices());
  int64_t rowBytes = from->strides[1] * from->elementBytes();
  for (int64_t k = 0; k < count; ++k) {
    View src = from->slice(1, 0, 1);
    if (constant) {
      int64_t index = (*constant)[k] < 0 ? (*constant)[k] + n : (*constant)[k];
      if (index < 0 || index >= n)
        return op.emitError() << "index " << (*constant)[k] << " lies outside " << n;
      src = from->slice(1, index, 1);
    } else {
      std::optional<int> r = loadElement(l, op, op.getIndices(), k);
      if (!r)
        return failure();
      // A negative index counts from the end: r + n * [r < 0], with
      // [r < 0] = min(max(-r, 0), 1) for integers.
      int t = l.em.allocateRegister();
      l.em.scalar("mul", t, *r, -1, -1);
      l.em.scalar("max", t, t, -1, 0);
      l.em.scalar("min", t, t, -1, 1);
      l.em.scalar("mul", t, t, -1, n);
      l.em.scalar("add", *r, *r, t, 0);
      // Inside the input whatever the index (see the embedding).
      l.em.scalar("max", *r, *r, -1, 0);
      l.em.scalar("min", *r, *r, -1, n - 1);
      src = src.withRegister(*r, rowBytes);
    }
    l.em.copy(src, to->slice(1, k, 1));
  }
  return success();
}

LogicalResult lowerEmbedding(Lowering &l, EmbeddingOp op) {
  View table = l.viewOf(op.getTable()), dst = l.viewOf(op.getResult());
  int64_t D = table.shape[1];
  int64_t tokens = dst.count() / std::max<int64_t>(D, 1);
  std::optional<View> rows = dst.reshape({tokens, D});
  if (!rows)
    return op.emitError() << "the embedding's result is not rows";
  View row = table.slice(0, 0, 1);
  for (int64_t t = 0; t < tokens; ++t) {
    std::optional<int> id = loadElement(l, op, op.getIds(), t);
    if (!id)
      return failure();
    // The NPU cannot fail a run: an id outside the table reads its nearest
    // row, never other bytes (the runtime refuses such ids before a run).
    l.em.scalar("max", *id, *id, -1, 0);
    l.em.scalar("min", *id, *id, -1, table.shape[0] - 1);
    l.em.copy(row.withRegister(*id, table.strides[0] * table.elementBytes()),
              rows->slice(0, t, 1));
  }
  return success();
}

LogicalResult lowerCacheUpdate(Lowering &l, CacheUpdateOp op) {
  View cache = l.viewOf(op.getResult()), update = l.viewOf(op.getUpdate());
  View before = l.viewOf(op.getCache());
  if (!sameView(before, cache))
    l.em.copy(before, cache);
  int64_t N = update.shape[2];
  std::optional<int> position = loadElement(l, op, op.getPosition(), 0);
  std::optional<int> length = loadElement(l, op, op.getLength(), 0);
  if (!position || !length)
    return failure();
  // Rows first: [N, B, H, D], the first `length` of them written at the
  // position's slot.
  SmallVector<int64_t> rowsFirst{2, 0, 1, 3};
  View src = update.permute(rowsFirst);
  View dst = cache.slice(2, 0, N)
                 .permute(rowsFirst)
                 .withRegister(*position, cache.strides[2] * cache.elementBytes());
  l.em.copy(src, dst, *length);
  return success();
}

/// The cos and sin tables of a RoPE op in the const region: [P, half] f16,
/// row p holding the values at position p, rounded as the reference kernel
/// rounds them (docs/npu.md).
std::pair<View, View> ropeTables(Lowering &l, RopeOp op, int64_t positions) {
  SmallVector<double> inverse = op.computeInverseFrequencies();
  double magnitude = op.computeMagnitude();
  int64_t half = inverse.size();
  std::vector<uint8_t> cosBytes(positions * half * 2), sinBytes(positions * half * 2);
  ref::Numerics fp16 = ref::Numerics::fp16Device();
  for (int64_t p = 0; p < positions; ++p)
    for (int64_t i = 0; i < half; ++i) {
      double angle = double(p) * inverse[i];
      uint16_t c = floatToHalfBits(float(fp16.hold(std::cos(angle) * magnitude)));
      uint16_t s = floatToHalfBits(float(fp16.hold(std::sin(angle) * magnitude)));
      std::memcpy(&cosBytes[(p * half + i) * 2], &c, 2);
      std::memcpy(&sinBytes[(p * half + i) * 2], &s, 2);
    }
  Type f16 = Builder(op.getContext()).getF16Type();
  return {View::dense(npub::Memory::Const, l.constants.add(cosBytes), f16, {positions, half}),
          View::dense(npub::Memory::Const, l.constants.add(sinBytes), f16, {positions, half})};
}

LogicalResult lowerRope(Lowering &l, RopeOp op) {
  View x = l.viewOf(op.getInput()), dst = l.viewOf(op.getResult());
  int64_t B = x.shape[0], H = x.shape[1], S = x.shape[2], D = x.shape[3];
  int64_t rotary = op.getRotaryDim().value_or(D);
  int64_t half = rotary / 2;
  Emitter &em = l.em;
  Type f16 = x.type;
  int64_t mark = em.workspaceMark();
  // Positions past the cache (a static prefill's padding rows) have rows.
  auto [cosTable, sinTable] = ropeTables(l, op, l.maxSeqLen + l.maxTokens);
  std::optional<View> cosTile = em.allocate(f16, {B, S, half});
  std::optional<View> sinTile = em.allocate(f16, {B, S, half});
  // Operands outside the SRAM are staged whole.
  std::optional<View> in = x.memory == npub::Memory::SRAM ? x : em.allocate(f16, x.shape);
  std::optional<View> out = dst.memory == npub::Memory::SRAM ? dst : em.allocate(f16, x.shape);
  SmallVector<std::optional<View>> temps;
  for (int i = 0; i < 4; ++i)
    temps.push_back(em.allocate(f16, {B, H, S, half}));
  if (em.exhausted())
    return op.emitError() << "this RoPE does not fit the NPU's SRAM workspace";
  if (!sameView(*in, x))
    em.copy(x, *in);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      std::optional<int> p = loadElement(l, op, op.getPositions(), b * S + s);
      if (!p)
        return failure();
      int64_t rowBytes = half * 2;
      em.copy(cosTable.slice(0, 0, 1).withRegister(*p, rowBytes),
              cosTile->slice(0, b, 1).slice(1, s, 1).reshape({1, half}).value());
      em.copy(sinTable.slice(0, 0, 1).withRegister(*p, rowBytes),
              sinTile->slice(0, b, 1).slice(1, s, 1).reshape({1, half}).value());
    }
  bool interleaved = op.getLayout() == RopeLayout::interleaved;
  auto part = [&](const View &v, int which) {
    View r = v.slice(3, 0, rotary);
    return interleaved ? r.slice(3, which, rotary - which).step(3, 2) : r.slice(3, which * half, half);
  };
  SmallVector<int64_t> full{B, H, S, half};
  View c = cosTile->reshape({B, 1, S, half})->broadcastTo(full);
  View sn = sinTile->reshape({B, 1, S, half})->broadcastTo(full);
  View x1 = part(*in, 0), x2 = part(*in, 1);
  // out1 = x1 cos - x2 sin, out2 = x2 cos + x1 sin, each product rounded
  // (the reference's order); the products first, as out may be x.
  em.vector("mul", *temps[0], {x1, c});
  em.vector("mul", *temps[1], {x2, sn});
  em.vector("mul", *temps[2], {x2, c});
  em.vector("mul", *temps[3], {x1, sn});
  em.vector("sub", part(*out, 0), {*temps[0], *temps[1]});
  em.vector("add", part(*out, 1), {*temps[2], *temps[3]});
  if (rotary < D && !sameView(*in, *out))
    em.copy(in->slice(3, rotary, D - rotary), out->slice(3, rotary, D - rotary));
  if (!sameView(*out, dst))
    em.copy(*out, dst);
  em.resetWorkspace(mark);
  return success();
}

} // namespace

std::optional<LogicalResult> lowering::lowerMovement(Lowering &l, Operation *op) {
  if (isa<ReshapeOp, TransposeOp, BroadcastToOp, SliceOp>(op)) {
    std::optional<View> view = derivedView(l, op);
    if (!view) {
      // A reshape of a strided view: the plan gave it a buffer to copy into.
      if (!l.views.count(op->getResult(0)))
        return op->emitError() << "the NPU cannot read this reshape as a view of its input";
      View src = l.viewOf(op->getOperand(0));
      View dst = l.viewOf(op->getResult(0));
      std::optional<View> into = dst.reshape(src.shape);
      if (!into)
        return op->emitError() << "the NPU cannot copy this reshape";
      l.em.copy(src, *into);
      return success();
    }
    return place(l, op, *view);
  }
  return llvm::TypeSwitch<Operation *, std::optional<LogicalResult>>(op)
      .Case([&](ConcatOp o) { return lowerConcat(l, o); })
      .Case([&](DynamicSliceOp o) { return lowerDynamicSlice(l, o); })
      .Case([&](EmbeddingOp o) { return lowerEmbedding(l, o); })
      .Case([&](GatherOp o) { return lowerGather(l, o); })
      .Case([&](CacheUpdateOp o) { return lowerCacheUpdate(l, o); })
      .Case([&](RopeOp o) { return lowerRope(l, o); })
      .Default([](Operation *) { return std::nullopt; });
}

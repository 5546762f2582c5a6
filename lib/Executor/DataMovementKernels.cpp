//===- DataMovementKernels.cpp - ops that move values without arithmetic --===//
#include "Kernels.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace llmc;
using namespace llmc::exec;

namespace {

/// A tensor of shape `shape` whose element at each index is the element of
/// `in` at `offsetOf(index)`.
template <typename OffsetFn>
Tensor gather(const Tensor &in, llvm::ArrayRef<int64_t> shape, OffsetFn offsetOf) {
  int64_t total = numElements(shape);
  Shape index(shape.size(), 0);
  std::vector<int64_t> offsets(total);
  for (int64_t flat = 0; flat < total; ++flat) {
    offsets[flat] = offsetOf(llvm::ArrayRef<int64_t>(index));
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  if (in.isFloat()) {
    std::vector<float> values(total);
    for (int64_t i = 0; i < total; ++i)
      values[i] = in.floats()[offsets[i]];
    return Tensor::fromFloats(in.dtype(), shape, std::move(values));
  }
  std::vector<int64_t> values(total);
  for (int64_t i = 0; i < total; ++i)
    values[i] = in.ints()[offsets[i]];
  return Tensor::fromInts(in.dtype(), shape, std::move(values));
}

/// Row-major offset of `index` in `shape`.
int64_t offsetIn(llvm::ArrayRef<int64_t> index, llvm::ArrayRef<int64_t> shape) {
  int64_t offset = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    offset = offset * shape[d] + index[d];
  return offset;
}

} // namespace

KernelResult exec::runEmbedding(KernelContext &ctx) {
  const Tensor &table = ctx.operands[0], &ids = ctx.operands[1];
  int64_t V = table.dim(0), D = table.dim(1);
  Shape shape(ids.shape());
  shape.push_back(D);
  std::vector<float> out(ids.size() * D);
  for (int64_t i = 0; i < ids.size(); ++i) {
    int64_t id = ids.ints()[i];
    if (id < 0 || id >= V)
      return ctx.fail("id " + llvm::Twine(id) + " is outside the table [0, " +
                      llvm::Twine(V) + ")");
    std::copy_n(table.floats() + id * D, D, out.begin() + i * D);
  }
  return ctx.numerics.make(ctx.resultType(), shape, std::move(out));
}

/// The entries of a run-time shape operand, checked against the result
/// type; nothing (and an error) when they do not fit.
static std::optional<Shape> runTimeShape(const Tensor &shape, KernelContext &ctx) {
  Shape dims(shape.ints(), shape.ints() + shape.size());
  auto type = ctx.resultTensorType();
  for (int64_t d = 0; d < int64_t(dims.size()); ++d)
    if (dims[d] < 0 || (!type.isDynamicDim(d) && type.getDimSize(d) != dims[d])) {
      ctx.fail("shape entry " + llvm::Twine(d) + " is " + llvm::Twine(dims[d]) +
               ", the result type says " +
               (type.isDynamicDim(d) ? std::string("a size >= 0")
                                     : std::to_string(type.getDimSize(d))));
      return std::nullopt;
    }
  return dims;
}

KernelResult exec::runReshape(KernelContext &ctx) {
  const Tensor &in = ctx.operands[0];
  if (ctx.operands.size() > 1) {
    std::optional<Shape> shape = runTimeShape(ctx.operands[1], ctx);
    if (!shape)
      return std::nullopt;
    if (numElements(*shape) != in.size())
      return ctx.fail("cannot reshape " + in.describe() + " to " +
                      llvm::Twine(numElements(*shape)) + " elements");
    return in.reshaped(*shape);
  }
  auto inType = mlir::cast<mlir::RankedTensorType>(ctx.op->getOperand(0).getType());
  // The k-th dynamic result dimension is the k-th dynamic input dimension.
  llvm::SmallVector<int64_t> dynamicSizes;
  for (int64_t d = 0; d < in.rank(); ++d)
    if (inType.isDynamicDim(d))
      dynamicSizes.push_back(in.dim(d));
  Shape shape(ctx.resultTensorType().getShape());
  size_t next = 0;
  for (int64_t &d : shape)
    if (mlir::ShapedType::isDynamic(d))
      d = dynamicSizes[next++];
  if (numElements(shape) != in.size())
    return ctx.fail("cannot reshape " + in.describe() + " to " +
                    llvm::Twine(numElements(shape)) + " elements");
  return in.reshaped(shape);
}

KernelResult exec::runTranspose(llvm::ArrayRef<int64_t> permutation,
                                KernelContext &ctx) {
  const Tensor &in = ctx.operands[0];
  Shape shape, inStrides = stridesOf(in.shape());
  for (int64_t p : permutation)
    shape.push_back(in.dim(p));
  return gather(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t k = 0; k < index.size(); ++k)
      offset += index[k] * inStrides[permutation[k]];
    return offset;
  });
}

KernelResult exec::runConcat(int64_t dim, KernelContext &ctx) {
  const Tensor &first = ctx.operands[0];
  Shape shape(first.shape());
  shape[dim] = 0;
  llvm::SmallVector<int64_t> starts;
  for (const Tensor &t : ctx.operands) {
    for (int64_t d = 0; d < first.rank(); ++d)
      if (d != dim && t.dim(d) != first.dim(d))
        return ctx.fail("cannot concatenate " + first.describe() + " and " +
                        t.describe() + " along dimension " + llvm::Twine(dim));
    starts.push_back(shape[dim]);
    shape[dim] += t.dim(dim);
  }
  // Copy block by block: each input contributes a contiguous run per
  // outer index.
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  int64_t inner = numElements(llvm::ArrayRef<int64_t>(shape).drop_front(dim + 1));
  int64_t rowLength = shape[dim] * inner;
  auto join = [&](auto valuesOf, auto &out) {
    for (size_t k = 0; k < ctx.operands.size(); ++k) {
      const Tensor &t = ctx.operands[k];
      int64_t run = t.dim(dim) * inner;
      for (int64_t o = 0; o < outer; ++o)
        std::copy_n(valuesOf(t) + o * run, run,
                    out.begin() + o * rowLength + starts[k] * inner);
    }
  };
  if (first.isFloat()) {
    std::vector<float> out(numElements(shape));
    join([](const Tensor &t) { return t.floats(); }, out);
    return Tensor::fromFloats(first.dtype(), shape, std::move(out));
  }
  std::vector<int64_t> out(numElements(shape));
  join([](const Tensor &t) { return t.ints(); }, out);
  return Tensor::fromInts(first.dtype(), shape, std::move(out));
}

KernelResult exec::runKVAppend(KernelContext &ctx) {
  const Tensor &cache = ctx.operands[0], &update = ctx.operands[1];
  if (cache.dim(0) != update.dim(0) || cache.dim(1) != update.dim(1) ||
      cache.dim(3) != update.dim(3))
    return ctx.fail("cannot append " + update.describe() + " to the cache " +
                    cache.describe());
  return runConcat(2, ctx);
}

KernelResult exec::runCacheUpdate(KernelContext &ctx) {
  const Tensor &cache = ctx.operands[0], &update = ctx.operands[1];
  int64_t position = ctx.operands[2].ints()[0], length = ctx.operands[3].ints()[0];
  int64_t slots = cache.dim(2), entries = update.dim(2);
  if (cache.dim(0) != update.dim(0) || cache.dim(1) != update.dim(1) ||
      cache.dim(3) != update.dim(3))
    return ctx.fail("cannot write " + update.describe() + " into the cache " + cache.describe());
  if (length < 0 || length > entries || position < 0 || position + length > slots)
    return ctx.fail("writing " + std::to_string(length) + " of " + std::to_string(entries) +
                    " entries at slot " + std::to_string(position) + " overflows a cache of " +
                    std::to_string(slots) + " slots");
  std::vector<float> out(cache.floats(), cache.floats() + cache.size());
  int64_t rows = cache.dim(0) * cache.dim(1), width = cache.dim(3);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(update.floats() + (r * entries) * width, length * width,
                out.begin() + (r * slots + position) * width);
  return ctx.numerics.make(ctx.resultType(), cache.shape(), std::move(out));
}

/// The slice of llm.slice and llm.dynamic_slice.
static Tensor sliceTensor(const Tensor &in, llvm::ArrayRef<int64_t> dims,
                          llvm::ArrayRef<int64_t> starts, llvm::ArrayRef<int64_t> limits,
                          std::optional<llvm::ArrayRef<int64_t>> steps) {
  Shape shape(in.shape()), start(in.rank(), 0), step(in.rank(), 1);
  for (size_t k = 0; k < dims.size(); ++k) {
    int64_t d = dims[k], n = in.dim(d);
    auto clampIndex = [n](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + n : v, 0, n); };
    int64_t lo = clampIndex(starts[k]), hi = clampIndex(limits[k]);
    step[d] = steps ? (*steps)[k] : 1;
    start[d] = lo;
    shape[d] = hi <= lo ? 0 : (hi - lo + step[d] - 1) / step[d];
  }
  Shape strides = stridesOf(in.shape());
  return gather(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += (start[d] + index[d] * step[d]) * strides[d];
    return offset;
  });
}

KernelResult exec::runSlice(llm::SliceOp op, KernelContext &ctx) {
  std::optional<llvm::ArrayRef<int64_t>> steps;
  if (op.getSteps())
    steps = *op.getSteps();
  return sliceTensor(ctx.operands[0], op.getDims(), op.getStarts(), op.getLimits(), steps);
}

KernelResult exec::runDynamicSlice(llm::DynamicSliceOp op, KernelContext &ctx) {
  const Tensor &starts = ctx.operands[1], &limits = ctx.operands[2];
  std::optional<llvm::ArrayRef<int64_t>> steps;
  if (op.getSteps())
    steps = *op.getSteps();
  return sliceTensor(ctx.operands[0], op.getDims(),
                     llvm::ArrayRef<int64_t>(starts.ints(), starts.size()),
                     llvm::ArrayRef<int64_t>(limits.ints(), limits.size()), steps);
}

KernelResult exec::runGather(int64_t dim, KernelContext &ctx) {
  const Tensor &in = ctx.operands[0], &indices = ctx.operands[1];
  int64_t n = in.dim(dim);
  for (int64_t i = 0; i < indices.size(); ++i)
    if (indices.ints()[i] < -n || indices.ints()[i] >= n)
      return ctx.fail("index " + llvm::Twine(indices.ints()[i]) +
                      " is outside [-" + llvm::Twine(n) + ", " +
                      llvm::Twine(n) + ")");
  Shape shape(in.shape().take_front(dim));
  llvm::append_range(shape, indices.shape());
  llvm::append_range(shape, in.shape().drop_front(dim + 1));
  int64_t ir = indices.rank();
  return gather(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    Shape source(index.take_front(dim));
    int64_t at = indices.ints()[offsetIn(index.slice(dim, ir), indices.shape())];
    source.push_back(at < 0 ? at + n : at);
    llvm::append_range(source, index.drop_front(dim + ir));
    return offsetIn(source, in.shape());
  });
}

KernelResult exec::runBroadcastTo(KernelContext &ctx) {
  const Tensor &in = ctx.operands[0];
  Shape shape(ctx.resultTensorType().getShape());
  if (ctx.operands.size() > 1) {
    std::optional<Shape> given = runTimeShape(ctx.operands[1], ctx);
    if (!given)
      return std::nullopt;
    shape = *given;
  }
  size_t lead = shape.size() - in.rank();
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t from = d < lead ? 1 : in.dim(d - lead);
    if (mlir::ShapedType::isDynamic(shape[d]))
      shape[d] = from;
    else if (from != 1 && from != shape[d])
      return ctx.fail("cannot broadcast " + in.describe() + " to size " +
                      llvm::Twine(shape[d]) + " in dimension " +
                      llvm::Twine(d));
  }
  return gather(in, shape, [&](llvm::ArrayRef<int64_t> index) {
    return broadcastOffset(index, in.shape());
  });
}

KernelResult exec::runDim(int64_t dim, KernelContext &ctx) {
  return Tensor::fromInts(DType::I64, {}, {ctx.operands[0].dim(dim)});
}

KernelResult exec::runIota(KernelContext &ctx) {
  int64_t n = ctx.operands[0].ints()[0];
  if (n < 0)
    return ctx.fail("iota of a negative count " + llvm::Twine(n));
  std::vector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = i;
  return Tensor::fromInts(DType::I64, {n}, std::move(values));
}

KernelResult exec::runConstant(mlir::ElementsAttr value, KernelContext &ctx) {
  std::optional<Tensor> tensor = tensorFromAttr(value, ctx.resultTensorType());
  if (!tensor)
    return ctx.fail("only dense constants and f32 dense_resource constants with their data are "
                    "supported");
  if (!tensor->isFloat())
    return tensor;
  // In FP16 mode a float constant is held as f16 like every value.
  return ctx.numerics.make(tensor->dtype(), tensor->shape(),
                           std::vector<float>(tensor->floats(), tensor->floats() + tensor->size()));
}

//===- ElementwiseKernels.cpp - elementwise ops ---------------------------===//
#include "Kernels.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <functional>

using namespace llmc;
using namespace llmc::exec;

std::optional<Shape> exec::broadcastRuntime(llvm::ArrayRef<int64_t> a,
                                            llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t y = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (x != y && x != 1 && y != 1)
      return std::nullopt;
    out[rank - 1 - i] = x == 1 ? y : x;
  }
  return out;
}

int64_t exec::broadcastOffset(llvm::ArrayRef<int64_t> outIndex,
                              llvm::ArrayRef<int64_t> shape) {
  size_t lead = outIndex.size() - shape.size();
  int64_t offset = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    offset = offset * shape[d] + (shape[d] == 1 ? 0 : outIndex[lead + d]);
  return offset;
}

namespace {

/// Visits every index of `shape` in row-major order with, for each operand
/// shape, the offset of the element that broadcasts to it.
template <typename Fn>
void forEachBroadcast(llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<llvm::ArrayRef<int64_t>> operands, Fn fn) {
  int64_t total = numElements(shape);
  Shape index(shape.size(), 0);
  llvm::SmallVector<int64_t, 3> offsets(operands.size());
  for (int64_t flat = 0; flat < total; ++flat) {
    for (size_t k = 0; k < operands.size(); ++k)
      offsets[k] = broadcastOffset(index, operands[k]);
    fn(flat, offsets);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

std::optional<Shape> broadcastOperands(KernelContext &ctx) {
  Shape shape(ctx.operands[0].shape());
  for (const Tensor &t : ctx.operands.drop_front()) {
    std::optional<Shape> joined = broadcastRuntime(shape, t.shape());
    if (!joined) {
      ctx.fail("shapes " + ctx.operands[0].describe() + " and " +
               t.describe() + " do not broadcast");
      return std::nullopt;
    }
    shape = *joined;
  }
  return shape;
}

double applyUnary(llvm::StringRef name, double x) {
  return llvm::StringSwitch<std::function<double(double)>>(name)
      .Case("llm.neg", [](double v) { return -v; })
      .Case("llm.abs", [](double v) { return std::fabs(v); })
      .Case("llm.exp", [](double v) { return std::exp(v); })
      .Case("llm.log", [](double v) { return std::log(v); })
      .Case("llm.sqrt", [](double v) { return std::sqrt(v); })
      .Case("llm.rsqrt", [](double v) { return 1.0 / std::sqrt(v); })
      .Case("llm.reciprocal", [](double v) { return 1.0 / v; })
      .Case("llm.tanh", [](double v) { return std::tanh(v); })
      .Case("llm.erf", [](double v) { return std::erf(v); })
      .Case("llm.sigmoid", [](double v) { return 1.0 / (1.0 + std::exp(-v)); })
      .Case("llm.cos", [](double v) { return std::cos(v); })
      .Case("llm.sin", [](double v) { return std::sin(v); })
      .Default([](double v) { return v; })(x);
}

} // namespace

KernelResult exec::runUnary(KernelContext &ctx) {
  const Tensor &x = ctx.operands[0];
  llvm::StringRef name = ctx.op->getName().getStringRef();
  std::vector<float> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i)
    out[i] = float(applyUnary(name, x.floats()[i]));
  return ctx.numerics.make(ctx.resultType(), x.shape(), std::move(out));
}

KernelResult exec::runBinary(KernelContext &ctx) {
  std::optional<Shape> shape = broadcastOperands(ctx);
  if (!shape)
    return std::nullopt;
  const Tensor &a = ctx.operands[0], &b = ctx.operands[1];
  llvm::StringRef name = ctx.op->getName().getStringRef();
  llvm::ArrayRef<int64_t> shapes[] = {a.shape(), b.shape()};
  if (!a.isFloat()) {
    std::vector<int64_t> out(numElements(*shape));
    bool divideByZero = false;
    forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
      int64_t x = a.ints()[at[0]], y = b.ints()[at[1]];
      if (name == "llm.add")
        out[i] = x + y;
      else if (name == "llm.sub")
        out[i] = x - y;
      else if (name == "llm.mul")
        out[i] = x * y;
      else if (name == "llm.div")
        y == 0 ? (divideByZero = true, out[i] = 0) : out[i] = x / y;
      else if (name == "llm.maximum")
        out[i] = std::max(x, y);
      else
        out[i] = std::min(x, y);
    });
    if (divideByZero)
      return ctx.fail("integer division by zero");
    return Tensor::fromInts(a.dtype(), *shape, std::move(out));
  }
  std::vector<float> out(numElements(*shape));
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    double x = a.floats()[at[0]], y = b.floats()[at[1]];
    double r;
    if (name == "llm.add")
      r = x + y;
    else if (name == "llm.sub")
      r = x - y;
    else if (name == "llm.mul")
      r = x * y;
    else if (name == "llm.div")
      r = x / y;
    else if (name == "llm.pow")
      r = std::pow(x, y);
    else if (std::isnan(x) || std::isnan(y))
      r = NAN; // maximum/minimum propagate NaN
    else
      r = name == "llm.maximum" ? std::max(x, y) : std::min(x, y);
    out[i] = float(r);
  });
  return ctx.numerics.make(ctx.resultType(), *shape, std::move(out));
}

KernelResult exec::runCompare(llvm::StringRef direction, KernelContext &ctx) {
  std::optional<Shape> shape = broadcastOperands(ctx);
  if (!shape)
    return std::nullopt;
  const Tensor &a = ctx.operands[0], &b = ctx.operands[1];
  llvm::ArrayRef<int64_t> shapes[] = {a.shape(), b.shape()};
  std::vector<int64_t> out(numElements(*shape));
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    double x = a.isFloat() ? a.floats()[at[0]] : double(a.ints()[at[0]]);
    double y = b.isFloat() ? b.floats()[at[1]] : double(b.ints()[at[1]]);
    bool r = direction == "eq"   ? x == y
             : direction == "ne" ? x != y
             : direction == "lt" ? x < y
             : direction == "le" ? x <= y
             : direction == "gt" ? x > y
                                 : x >= y;
    out[i] = r;
  });
  return Tensor::fromInts(DType::I1, *shape, std::move(out));
}

KernelResult exec::runWhere(KernelContext &ctx) {
  std::optional<Shape> shape = broadcastOperands(ctx);
  if (!shape)
    return std::nullopt;
  const Tensor &c = ctx.operands[0], &t = ctx.operands[1], &f = ctx.operands[2];
  llvm::ArrayRef<int64_t> shapes[] = {c.shape(), t.shape(), f.shape()};
  if (t.isFloat()) {
    std::vector<float> out(numElements(*shape));
    forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
      out[i] = c.ints()[at[0]] ? t.floats()[at[1]] : f.floats()[at[2]];
    });
    return ctx.numerics.make(ctx.resultType(), *shape, std::move(out));
  }
  std::vector<int64_t> out(numElements(*shape));
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    out[i] = c.ints()[at[0]] ? t.ints()[at[1]] : f.ints()[at[2]];
  });
  return Tensor::fromInts(t.dtype(), *shape, std::move(out));
}

KernelResult exec::runCast(KernelContext &ctx) {
  const Tensor &x = ctx.operands[0];
  DType to = ctx.resultType();
  if (isFloat(to)) {
    std::vector<float> out(x.size());
    for (int64_t i = 0; i < x.size(); ++i)
      out[i] = x.isFloat() ? x.floats()[i] : float(x.ints()[i]);
    return ctx.numerics.make(to, x.shape(), std::move(out));
  }
  std::vector<int64_t> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i) {
    if (!x.isFloat()) {
      out[i] = to == DType::I1 ? x.ints()[i] != 0 : x.ints()[i];
      continue;
    }
    double v = x.floats()[i];
    if (to == DType::I1) {
      out[i] = v != 0.0;
      continue;
    }
    if (std::isnan(v) || std::fabs(v) >= 9.2e18)
      return ctx.fail("cannot convert " + std::to_string(v) + " to an integer");
    out[i] = int64_t(std::trunc(v));
  }
  return Tensor::fromInts(to, x.shape(), std::move(out));
}

KernelResult exec::runGelu(bool tanhForm, KernelContext &ctx) {
  const Tensor &x = ctx.operands[0];
  std::vector<float> out(x.size());
  const double k = std::sqrt(2.0 / M_PI);
  for (int64_t i = 0; i < x.size(); ++i) {
    double v = x.floats()[i];
    out[i] = float(tanhForm ? 0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v)))
                            : 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  }
  return ctx.numerics.make(ctx.resultType(), x.shape(), std::move(out));
}

KernelResult exec::runSilu(KernelContext &ctx) {
  const Tensor &x = ctx.operands[0];
  std::vector<float> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i) {
    double v = x.floats()[i];
    out[i] = float(v / (1.0 + std::exp(-v)));
  }
  return ctx.numerics.make(ctx.resultType(), x.shape(), std::move(out));
}

KernelResult exec::runSwiGLU(KernelContext &ctx) {
  const Tensor &gate = ctx.operands[0], &up = ctx.operands[1];
  if (gate.shape() != up.shape())
    return ctx.fail("gate " + gate.describe() + " and up " + up.describe() +
                    " differ in shape");
  std::vector<float> out(gate.size());
  for (int64_t i = 0; i < gate.size(); ++i) {
    double g = gate.floats()[i];
    // In FP16 mode the device holds silu(gate) before the product.
    out[i] = float(ctx.numerics.hold(g / (1.0 + std::exp(-g))) * up.floats()[i]);
  }
  return ctx.numerics.make(ctx.resultType(), gate.shape(), std::move(out));
}

//===- ElementwiseKernels.cpp - elementwise ops ---------------------------===//
#include "llmc/Reference/Kernels.h"

#include <cmath>

using namespace llmc;
using namespace llmc::ref;

llvm::Error ref::kernelError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::optional<Shape> ref::broadcastShapes(llvm::ArrayRef<int64_t> a,
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

int64_t ref::broadcastOffset(llvm::ArrayRef<int64_t> outIndex, llvm::ArrayRef<int64_t> shape) {
  size_t lead = outIndex.size() - shape.size();
  int64_t offset = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    offset = offset * shape[d] + (shape[d] == 1 ? 0 : outIndex[lead + d]);
  return offset;
}

namespace {

/// `value` as an integer of type `type` holds it: the low bits, two's
/// complement (`i1`: nonzero).
int64_t wrapTo(DType type, uint64_t value) {
  switch (type) {
  case DType::I1:
    return value != 0;
  case DType::I8:
    return int8_t(uint8_t(value));
  case DType::I32:
    return int32_t(uint32_t(value));
  default:
    return int64_t(value);
  }
}

/// x ^ y for integers, wrapped to `type` (see llm.pow); sets `zeroToNegative`
/// for 0 to a negative power.
int64_t integerPow(DType type, int64_t x, int64_t y, bool &zeroToNegative) {
  if (y < 0) { // the truncated quotient 1 / x^-y
    if (x == 0)
      zeroToNegative = true;
    return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  }
  uint64_t result = 1, base = uint64_t(x); // unsigned: defined on overflow
  for (; y; y >>= 1, base *= base)
    if (y & 1)
      result *= base;
  return wrapTo(type, result);
}

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

/// The shape the operands broadcast to.
llvm::Expected<Shape> broadcastAll(llvm::ArrayRef<const Tensor *> operands) {
  Shape shape(operands[0]->shape());
  for (const Tensor *t : operands.drop_front()) {
    std::optional<Shape> joined = broadcastShapes(shape, t->shape());
    if (!joined)
      return kernelError("shapes " + operands[0]->describe() + " and " + t->describe() +
                         " do not broadcast");
    shape = *joined;
  }
  return shape;
}

double applyUnary(UnaryFn fn, double v) {
  switch (fn) {
  case UnaryFn::Neg:
    return -v;
  case UnaryFn::Abs:
    return std::fabs(v);
  case UnaryFn::Exp:
    return std::exp(v);
  case UnaryFn::Log:
    return std::log(v);
  case UnaryFn::Sqrt:
    return std::sqrt(v);
  case UnaryFn::Rsqrt:
    return 1.0 / std::sqrt(v);
  case UnaryFn::Reciprocal:
    return 1.0 / v;
  case UnaryFn::Tanh:
    return std::tanh(v);
  case UnaryFn::Erf:
    return std::erf(v);
  case UnaryFn::Sigmoid:
    return 1.0 / (1.0 + std::exp(-v));
  case UnaryFn::Cos:
    return std::cos(v);
  case UnaryFn::Sin:
    return std::sin(v);
  case UnaryFn::Floor:
    return std::floor(v);
  case UnaryFn::Ceil:
    return std::ceil(v);
  case UnaryFn::Round:
    return std::nearbyint(v); // the default rounding mode: halves to even
  }
  llvm_unreachable("every unary function is handled");
}

double applyBinary(BinaryFn fn, double x, double y) {
  switch (fn) {
  case BinaryFn::Add:
    return x + y;
  case BinaryFn::Sub:
    return x - y;
  case BinaryFn::Mul:
    return x * y;
  case BinaryFn::Div:
    return x / y;
  case BinaryFn::Pow:
    return std::pow(x, y);
  case BinaryFn::Maximum:
  case BinaryFn::Minimum:
    if (std::isnan(x) || std::isnan(y))
      return NAN; // maximum/minimum propagate NaN
    return fn == BinaryFn::Maximum ? std::max(x, y) : std::min(x, y);
  }
  llvm_unreachable("every binary function is handled");
}

} // namespace

KernelResult ref::unary(const Numerics &num, UnaryFn fn, const Tensor &x, DType result) {
  std::vector<float> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i)
    out[i] = float(applyUnary(fn, x.floats()[i]));
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::binary(const Numerics &num, BinaryFn fn, const Tensor &a, const Tensor &b,
                         DType result) {
  llvm::Expected<Shape> shape = broadcastAll({&a, &b});
  if (!shape)
    return shape.takeError();
  llvm::ArrayRef<int64_t> shapes[] = {a.shape(), b.shape()};
  if (!a.isFloat()) {
    std::vector<int64_t> out(numElements(*shape));
    bool divideByZero = false, zeroToNegative = false;
    forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
      int64_t x = a.ints()[at[0]], y = b.ints()[at[1]];
      // Sums and products in unsigned arithmetic (defined on overflow),
      // wrapped to the element type.
      uint64_t ux = uint64_t(x), uy = uint64_t(y);
      switch (fn) {
      case BinaryFn::Add:
        out[i] = wrapTo(a.dtype(), ux + uy);
        break;
      case BinaryFn::Sub:
        out[i] = wrapTo(a.dtype(), ux - uy);
        break;
      case BinaryFn::Mul:
        out[i] = wrapTo(a.dtype(), ux * uy);
        break;
      case BinaryFn::Div:
        if (y == 0)
          divideByZero = true, out[i] = 0;
        else // INT64_MIN / -1 wraps like the product
          out[i] = y == -1 ? wrapTo(a.dtype(), 0 - ux) : wrapTo(a.dtype(), uint64_t(x / y));
        break;
      case BinaryFn::Maximum:
        out[i] = std::max(x, y);
        break;
      case BinaryFn::Minimum:
        out[i] = std::min(x, y);
        break;
      case BinaryFn::Pow:
        out[i] = integerPow(a.dtype(), x, y, zeroToNegative);
        break;
      }
    });
    if (divideByZero)
      return kernelError("integer division by zero");
    if (zeroToNegative)
      return kernelError("integer pow of 0 to a negative exponent");
    return Tensor::fromInts(a.dtype(), *shape, std::move(out));
  }
  std::vector<float> out(numElements(*shape));
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    out[i] = float(applyBinary(fn, a.floats()[at[0]], b.floats()[at[1]]));
  });
  return num.make(result, *shape, std::move(out));
}

KernelResult ref::compare(CompareFn fn, const Tensor &a, const Tensor &b) {
  llvm::Expected<Shape> shape = broadcastAll({&a, &b});
  if (!shape)
    return shape.takeError();
  llvm::ArrayRef<int64_t> shapes[] = {a.shape(), b.shape()};
  std::vector<int64_t> out(numElements(*shape));
  // Two integers compare as integers (a double cannot tell 2^53 from
  // 2^53 + 1); anything else as doubles.
  auto decide = [fn](auto x, auto y) -> int64_t {
    switch (fn) {
    case CompareFn::EQ:
      return x == y;
    case CompareFn::NE:
      return x != y;
    case CompareFn::LT:
      return x < y;
    case CompareFn::LE:
      return x <= y;
    case CompareFn::GT:
      return x > y;
    case CompareFn::GE:
      return x >= y;
    }
    llvm_unreachable("every comparison is handled");
  };
  bool integers = !a.isFloat() && !b.isFloat();
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    if (integers) {
      out[i] = decide(a.ints()[at[0]], b.ints()[at[1]]);
      return;
    }
    double x = a.isFloat() ? a.floats()[at[0]] : double(a.ints()[at[0]]);
    double y = b.isFloat() ? b.floats()[at[1]] : double(b.ints()[at[1]]);
    out[i] = decide(x, y);
  });
  return Tensor::fromInts(DType::I1, *shape, std::move(out));
}

KernelResult ref::where(const Numerics &num, const Tensor &c, const Tensor &t, const Tensor &f,
                        DType result) {
  llvm::Expected<Shape> shape = broadcastAll({&c, &t, &f});
  if (!shape)
    return shape.takeError();
  llvm::ArrayRef<int64_t> shapes[] = {c.shape(), t.shape(), f.shape()};
  if (t.isFloat()) {
    std::vector<float> out(numElements(*shape));
    forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
      out[i] = c.ints()[at[0]] ? t.floats()[at[1]] : f.floats()[at[2]];
    });
    return num.make(result, *shape, std::move(out));
  }
  std::vector<int64_t> out(numElements(*shape));
  forEachBroadcast(*shape, shapes, [&](int64_t i, llvm::ArrayRef<int64_t> at) {
    out[i] = c.ints()[at[0]] ? t.ints()[at[1]] : f.ints()[at[2]];
  });
  return Tensor::fromInts(t.dtype(), *shape, std::move(out));
}

KernelResult ref::cast(const Numerics &num, const Tensor &x, DType to) {
  if (isFloat(to)) {
    std::vector<float> out(x.size());
    for (int64_t i = 0; i < x.size(); ++i)
      out[i] = x.isFloat() ? x.floats()[i] : float(x.ints()[i]);
    return num.make(to, x.shape(), std::move(out));
  }
  std::vector<int64_t> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i) {
    if (!x.isFloat()) {
      out[i] = wrapTo(to, uint64_t(x.ints()[i]));
      continue;
    }
    double v = x.floats()[i];
    if (to == DType::I1) {
      out[i] = v != 0.0;
      continue;
    }
    // The truncated value must fit the integer type.
    double t = std::trunc(v);
    double limit = to == DType::I8    ? 128.0
                   : to == DType::I32 ? 2147483648.0
                                      : 9223372036854775808.0; // 2^63
    if (std::isnan(v) || t >= limit || t < -limit)
      return kernelError("cannot convert " + std::to_string(v) + " to " + toString(to));
    out[i] = int64_t(t);
  }
  return Tensor::fromInts(to, x.shape(), std::move(out));
}

KernelResult ref::gelu(const Numerics &num, GeluForm form, const Tensor &x, DType result) {
  std::vector<float> out(x.size());
  const double k = std::sqrt(2.0 / M_PI);
  for (int64_t i = 0; i < x.size(); ++i) {
    double v = x.floats()[i];
    out[i] = float(form == GeluForm::Tanh
                       ? 0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v)))
                       : 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::silu(const Numerics &num, const Tensor &x, DType result) {
  std::vector<float> out(x.size());
  for (int64_t i = 0; i < x.size(); ++i) {
    double v = x.floats()[i];
    out[i] = float(v / (1.0 + std::exp(-v)));
  }
  return num.make(result, x.shape(), std::move(out));
}

KernelResult ref::swiglu(const Numerics &num, const Tensor &gate, const Tensor &up,
                         DType result) {
  if (gate.shape() != up.shape())
    return kernelError("gate " + gate.describe() + " and up " + up.describe() +
                       " differ in shape");
  std::vector<float> out(gate.size());
  for (int64_t i = 0; i < gate.size(); ++i) {
    double g = gate.floats()[i];
    // On an FP16 device silu(gate) is held before the product.
    out[i] = float(num.hold(g / (1.0 + std::exp(-g))) * up.floats()[i]);
  }
  return num.make(result, gate.shape(), std::move(out));
}

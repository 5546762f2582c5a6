//===- Simulator.cpp - the reference NPU executing an artifact ------------===//
#include "Simulator.h"

#include "Hazards.h"

#include "llmc/Reference/Numerics.h"
#include "llmc/Support/DType.h"

#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <cstring>

using namespace llmc;
using namespace llmc::npu;

namespace {

llvm::Error failure(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
}

/// A view placed for this run: its first byte, element type and layout.
struct Resolved {
  npub::Memory memory = npub::Memory::SRAM;
  int64_t base = 0;
  npub::ElementType type = npub::ElementType::F16;
  llvm::SmallVector<int64_t, 4> shape, strides;
  int64_t begin = 0, end = 0; // the bytes it may touch (a bound)

  int64_t count() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  /// The byte offset of the element at `index` (one per dimension).
  int64_t at(llvm::ArrayRef<int64_t> index) const {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * strides[d];
    return base + offset * elementBytes(type);
  }
  /// The byte offset of the `flat`-th element in row-major order.
  int64_t atFlat(int64_t flat) const {
    int64_t offset = 0;
    for (size_t d = shape.size(); d-- > 0;) {
      offset += (flat % shape[d]) * strides[d];
      flat /= shape[d];
    }
    return base + offset * elementBytes(type);
  }
};

/// The index of dimension-wise position `index` of the destination in an
/// operand that broadcasts (size-1 dimensions repeat).
int64_t broadcastAt(const Resolved &src, llvm::ArrayRef<int64_t> index) {
  int64_t offset = 0;
  for (size_t d = 0; d < index.size(); ++d)
    offset += (src.shape[d] == 1 ? 0 : index[d]) * src.strides[d];
  return src.base + offset * elementBytes(src.type);
}

/// One program run: the functional semantics, the hazard check and the
/// timing model, command by command.
class Run {
public:
  Run(const Description &d, std::array<Bytes, 6> &memories,
      std::array<int64_t, kScalarRegisters> &registers, RunStats &stats, bool values)
      : d(d), memories(memories), registers(registers), stats(stats), shadow(unitCount(d)),
        values(values) {}

  llvm::Error execute(const npub::Program &program) {
    this->program = &program;
    const auto &commands = *program.commands();
    ends.assign(commands.size(), 0);
    clocks.assign(commands.size(), {});
    for (unsigned i = 0; i < commands.size(); ++i) {
      const npub::Command &c = *commands.Get(i);
      where = "program " + program.name()->str() + " command #" + std::to_string(i) +
              (c.source() ? " (" + c.source()->str() + ")" : "");
      accesses.clear();
      current = &c;
      currentIndex = i;
      ordered = false;
      work = {};
      // perform() resolves the operands, orders the command (before it
      // writes anything) and computes.
      if (llvm::Error e = perform(c))
        return e;
      if (!ordered)
        if (llvm::Error e = order(c, i))
          return e;
      schedule(c, i);
    }
    stats.commands += commands.size();
    stats.cycles += runEnd;
    return llvm::Error::success();
  }

private:
  /// Bytes a command touches: contiguous runs (a strided view's rows), or
  /// one bounding range when it has too many runs to list.
  struct Access {
    int memory; // npub::Memory, or kRegisters
    llvm::SmallVector<std::pair<int64_t, int64_t>, 4> runs;
    bool write;
  };
  /// The scalar registers, as a memory of 16 one-byte cells for the hazard
  /// check.
  static constexpr int kRegisters = HazardShadow::kRegisters;

  //===--------------------------------------------------------------------===//
  // Views and elements
  //===--------------------------------------------------------------------===//

  /// The byte offset `a` names now, its register read (a hazard access);
  /// an error when the register's value is out of range.
  llvm::Expected<int64_t> addressOf(const npub::Address *a, llvm::StringRef what) {
    int64_t offset = a->offset();
    if (a->register_() >= 0) {
      int64_t reg = registers[a->register_()];
      accesses.push_back({kRegisters, {{a->register_(), a->register_() + 1}}, false});
      // The loader bounded the scale and the offset; bounding the register
      // keeps the product and the sum far from overflow.
      if (reg < -kMaxRegisterValue || reg > kMaxRegisterValue)
        return failure(where + ": " + what + " address register s" +
                       std::to_string(a->register_()) + " = " + std::to_string(reg) +
                       " is out of range");
      offset += reg * a->scale();
    }
    return offset;
  }

  std::string registerNote(const npub::Address *a) const {
    return a->register_() >= 0 ? " with s" + std::to_string(a->register_()) + " = " +
                                     std::to_string(registers[a->register_()])
                               : "";
  }

  llvm::Error resolve(const npub::View *view, Resolved &r, bool write, llvm::StringRef what) {
    const npub::Address *a = view->address();
    r.memory = a->memory();
    r.type = view->type();
    r.shape.assign(view->shape()->begin(), view->shape()->end());
    r.strides.assign(view->strides()->begin(), view->strides()->end());
    llvm::Expected<int64_t> offset = addressOf(a, what);
    if (!offset)
      return offset.takeError();
    int64_t extent = *viewExtent(*view) - a->offset(); // bytes past the address
    int64_t size = memories[int(r.memory)].size();
    if (*offset < 0 || *offset > size - extent)
      return failure(where + ": " + what + " [" + std::to_string(*offset) + ", " +
                     std::to_string(*offset + extent) + ") lies outside memory " +
                     npub::EnumNameMemory(r.memory) + " (" + std::to_string(size) + " bytes)" +
                     registerNote(a));
    r.base = *offset;
    r.begin = *offset;
    r.end = *offset + extent;
    accesses.push_back({int(r.memory), runsOf(r), write});
    return llvm::Error::success();
  }

  /// The contiguous byte runs of `r` (its innermost dense dimensions
  /// merged); one bounding run when there are more than 256.
  static llvm::SmallVector<std::pair<int64_t, int64_t>, 4> runsOf(const Resolved &r) {
    int64_t width = elementBytes(r.type), count = r.count();
    if (count == 0)
      return {};
    // The dense suffix: dimensions whose stride is the product of the ones
    // inside them.
    int64_t dense = 1;
    size_t d = r.shape.size();
    while (d > 0 && (r.strides[d - 1] == dense || r.shape[d - 1] == 1)) {
      dense *= r.shape[d - 1];
      --d;
    }
    int64_t runs = count / dense;
    if (runs > 256)
      return {{r.begin, r.end}};
    llvm::SmallVector<std::pair<int64_t, int64_t>, 4> out;
    for (int64_t i = 0; i < runs; ++i) {
      int64_t start = r.atFlat(i * dense);
      out.push_back({start, start + dense * width});
    }
    return out;
  }

  uint8_t *bytesAt(const Resolved &r, int64_t offset) {
    return memories[int(r.memory)].data() + offset;
  }

  /// Orders the command (once its operands are resolved, before it writes).
  llvm::Error ready() {
    ordered = true;
    return order(*current, currentIndex);
  }

  double load(const Resolved &r, int64_t offset) {
    const uint8_t *p = bytesAt(r, offset);
    switch (r.type) {
    case npub::ElementType::F16: {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      return halfBitsToFloat(bits);
    }
    case npub::ElementType::F32: {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case npub::ElementType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return double(v);
    }
    case npub::ElementType::I32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case npub::ElementType::I8:
      return double(int8_t(*p));
    case npub::ElementType::Bool:
      return *p ? 1.0 : 0.0;
    }
    return 0.0;
  }

  /// `a <comparison> b` (false with a NaN, except `ne`).
  template <typename T> static bool compares(npub::Comparison comparison, T a, T b) {
    switch (comparison) {
    case npub::Comparison::EQ: return a == b;
    case npub::Comparison::NE: return a != b;
    case npub::Comparison::LT: return a < b;
    case npub::Comparison::LE: return a <= b;
    case npub::Comparison::GT: return a > b;
    case npub::Comparison::GE: return a >= b;
    }
    return false;
  }

  /// An integer element exactly (floats are not asked for).
  int64_t loadInt(const Resolved &r, int64_t offset) {
    const uint8_t *p = bytesAt(r, offset);
    switch (r.type) {
    case npub::ElementType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
    case npub::ElementType::I32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case npub::ElementType::I8:
      return int8_t(*p);
    case npub::ElementType::Bool:
      return *p ? 1 : 0;
    default:
      return int64_t(load(r, offset));
    }
  }

  /// An integer result: a bool is its truth; a narrower integer type must
  /// hold it (else an error, as for convert).
  llvm::Error storeInt(const Resolved &r, int64_t offset, int64_t value) {
    uint8_t *p = bytesAt(r, offset);
    int64_t bytes = elementBytes(r.type);
    if (r.type == npub::ElementType::Bool) {
      *p = value != 0;
      return llvm::Error::success();
    }
    if (!isFloatElement(r.type) && bytes < 8) {
      int64_t limit = int64_t(1) << (bytes * 8 - 1);
      if (value < -limit || value >= limit)
        return failure(where + ": " + std::to_string(value) + " does not fit " +
                       npub::EnumNameElementType(r.type));
    }
    if (isFloatElement(r.type))
      return store(r, offset, double(value));
    std::memcpy(p, &value, bytes); // little-endian: the low bytes
    return llvm::Error::success();
  }

  void count(float v) {
    stats.nans += std::isnan(v);
    stats.infinities += std::isinf(v);
  }

  /// Stores `value` rounded to the element type (floats through binary32,
  /// as the reference kernels store float results: docs/npu.md).
  llvm::Error store(const Resolved &r, int64_t offset, double value) {
    uint8_t *p = bytesAt(r, offset);
    switch (r.type) {
    case npub::ElementType::F16: {
      uint16_t bits = floatToHalfBits(float(value));
      std::memcpy(p, &bits, 2);
      count(halfBitsToFloat(bits));
      return llvm::Error::success();
    }
    case npub::ElementType::F32: {
      float v = float(value);
      std::memcpy(p, &v, 4);
      count(v);
      return llvm::Error::success();
    }
    case npub::ElementType::Bool:
      *p = value != 0.0;
      return llvm::Error::success();
    default:
      break;
    }
    // Integers: truncated toward zero; out of range is an error.
    double t = std::trunc(value);
    int64_t bytes = elementBytes(r.type);
    double limit = std::ldexp(1.0, int(bytes * 8 - 1));
    if (!std::isfinite(t) || t < -limit || t >= limit)
      return failure(where + ": " + std::to_string(value) + " does not fit " +
                     npub::EnumNameElementType(r.type));
    int64_t v = int64_t(t);
    std::memcpy(p, &v, bytes); // little-endian: the low bytes
    return llvm::Error::success();
  }

  //===--------------------------------------------------------------------===//
  // Commands
  //===--------------------------------------------------------------------===//

  llvm::Error perform(const npub::Command &c) {
    switch (c.operation_type()) {
    case npub::Operation::Copy:
      return copy(*c.operation_as_Copy());
    case npub::Operation::MatMul:
      return matmul(*c.operation_as_MatMul());
    case npub::Operation::Vector:
      return vector(*c.operation_as_Vector());
    case npub::Operation::Reduce:
      return reduce(*c.operation_as_Reduce());
    case npub::Operation::Scalar:
      return scalar(*c.operation_as_Scalar());
    default:
      return failure(where + ": no operation");
    }
  }

  llvm::Error copy(const npub::Copy &copy) {
    Resolved src, dst;
    if (llvm::Error e = resolve(copy.src(), src, false, "src"))
      return e;
    if (llvm::Error e = resolve(copy.dst(), dst, true, "dst"))
      return e;
    // A run-time bound on the first dimension (the views have one shape).
    int64_t elements = src.count();
    if (copy.count_register() >= 0) {
      accesses.push_back({kRegisters, {{copy.count_register(), copy.count_register() + 1}}, false});
      int64_t rows = std::clamp<int64_t>(registers[copy.count_register()], 0, src.shape[0]);
      elements = src.shape[0] ? elements / src.shape[0] * rows : 0;
    }
    if (llvm::Error e = ready())
      return e;
    int64_t width = elementBytes(src.type);
    if (values) {
      // Through a buffer: the views may overlap.
      std::vector<uint8_t> moved(elements * width);
      for (int64_t i = 0; i < elements; ++i)
        std::memcpy(&moved[i * width], bytesAt(src, src.atFlat(i)), width);
      for (int64_t i = 0; i < elements; ++i)
        std::memcpy(bytesAt(dst, dst.atFlat(i)), &moved[i * width], width);
    }
    int64_t bytes = elements * width;
    if (src.memory != npub::Memory::SRAM) {
      stats.dramBytesRead += bytes;
      stats.dramBytes[npub::EnumNameMemory(src.memory)] += bytes;
      work.dramBytes += bytes;
    }
    if (dst.memory != npub::Memory::SRAM) {
      stats.dramBytesWritten += bytes;
      stats.dramBytes[npub::EnumNameMemory(dst.memory)] += bytes;
      work.dramBytes += bytes;
    }
    work.bytes = bytes;
    return llvm::Error::success();
  }

  llvm::Error matmul(const npub::MatMul &m) {
    Resolved a, b, c;
    if (llvm::Error e = resolve(m.a(), a, false, "a"))
      return e;
    if (llvm::Error e = resolve(m.b(), b, false, "b"))
      return e;
    if (llvm::Error e = resolve(m.c(), c, true, "c"))
      return e;
    // (The loader checked the ranks, types and shapes.)
    bool f32 = d.accumulation == Accumulation::F32;
    int64_t M = a.shape[0], K = a.shape[1];
    int64_t N = m.transpose_b() ? b.shape[0] : b.shape[1];
    if (llvm::Error e = ready())
      return e;
    stats.macs += M * N * K;
    work.shape = {M, N, K};
    if (!values)
      return llvm::Error::success();
    ref::Numerics fp16 = ref::Numerics::fp16Device();
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        int64_t out = c.at({i, j});
        double result;
        if (f32) {
          // Products are exact in binary32; each partial sum is rounded.
          float sum = m.accumulate() ? float(load(c, out)) : 0.0f;
          for (int64_t k = 0; k < K; ++k)
            sum += float(load(a, a.at({i, k}))) *
                   float(load(b, m.transpose_b() ? b.at({j, k}) : b.at({k, j})));
          result = sum;
        } else {
          // The reference kernels' FP16 device: each product and each
          // partial sum rounded to f16, in ascending k.
          ref::Accumulator sum = fp16.accumulator();
          if (m.accumulate())
            sum.add(load(c, out));
          for (int64_t k = 0; k < K; ++k)
            sum.add(load(a, a.at({i, k})) *
                    load(b, m.transpose_b() ? b.at({j, k}) : b.at({k, j})));
          result = sum.value();
        }
        if (llvm::Error e = store(c, out, result))
          return e;
      }
    return llvm::Error::success();
  }

  /// Calls `body(index)` for every index of `shape`, row-major.
  template <typename Body>
  llvm::Error forEach(llvm::ArrayRef<int64_t> shape, Body body) {
    int64_t count = 1;
    for (int64_t dim : shape)
      count *= dim;
    llvm::SmallVector<int64_t, 4> index(shape.size(), 0);
    for (int64_t flat = 0; flat < count; ++flat) {
      if (llvm::Error e = body(llvm::ArrayRef<int64_t>(index)))
        return e;
      for (size_t dim = shape.size(); dim-- > 0;) {
        if (++index[dim] < shape[dim])
          break;
        index[dim] = 0;
      }
    }
    return llvm::Error::success();
  }

  llvm::Error vector(const npub::Vector &v) {
    Resolved dst, x, y, z;
    if (llvm::Error e = resolve(v.src0(), x, false, "src0"))
      return e;
    bool hasY = v.src1() != nullptr, hasZ = v.src2() != nullptr;
    if (hasY)
      if (llvm::Error e = resolve(v.src1(), y, false, "src1"))
        return e;
    if (hasZ)
      if (llvm::Error e = resolve(v.src2(), z, false, "src2"))
        return e;
    if (llvm::Error e = resolve(v.dst(), dst, true, "dst"))
      return e;
    // (The loader checked the operation, operands, shapes and types.)
    npub::VectorOp op = v.op();
    // A scalar operand (an immediate, or a register's value) is a value
    // of the first operand's type.
    double scalar = v.scalar();
    // Integer operands: exact 64-bit arithmetic (the scalar truncated).
    bool integer = !isFloatElement(x.type) && x.type != npub::ElementType::Bool &&
                   op != npub::VectorOp::Convert && op != npub::VectorOp::Select;
    int64_t scalarInt = std::isfinite(scalar) ? int64_t(std::trunc(scalar)) : 0;
    if (v.has_scalar() && v.scalar_register() >= 0) {
      accesses.push_back({kRegisters, {{v.scalar_register(), v.scalar_register() + 1}}, false});
      scalar = double(registers[v.scalar_register()]);
      scalarInt = registers[v.scalar_register()];
    }
    if (isFloatElement(x.type))
      scalar = roundTo(x.type == npub::ElementType::F16 ? DType::F16 : DType::F32, float(scalar));
    if (llvm::Error e = ready())
      return e;
    if (integer) {
      work.elements = dst.count();
      work.op = op;
      if (!values)
        return llvm::Error::success();
      return forEach(dst.shape, [&](llvm::ArrayRef<int64_t> index) -> llvm::Error {
        int64_t a = loadInt(x, broadcastAt(x, index));
        int64_t b = hasY ? loadInt(y, broadcastAt(y, index)) : scalarInt;
        auto wrap = [](uint64_t r) { return int64_t(r); };
        int64_t r = 0;
        switch (op) {
        case npub::VectorOp::Add: r = wrap(uint64_t(a) + uint64_t(b)); break;
        case npub::VectorOp::Sub: r = wrap(uint64_t(a) - uint64_t(b)); break;
        case npub::VectorOp::Mul: r = wrap(uint64_t(a) * uint64_t(b)); break;
        case npub::VectorOp::Max: r = std::max(a, b); break;
        case npub::VectorOp::Min: r = std::min(a, b); break;
        case npub::VectorOp::Compare: r = compares(v.comparison(), a, b); break;
        default:
          return failure(where + ": vector " + std::string(npub::EnumNameVectorOp(op)) + " has no integer form");
        }
        return storeInt(dst, dst.at(index), r);
      });
    }
    // Each result: the result of the operands in double precision, stored
    // in the destination type.
    work.elements = dst.count();
    work.op = op;
    if (!values)
      return llvm::Error::success();
    return forEach(dst.shape, [&](llvm::ArrayRef<int64_t> index) -> llvm::Error {
      double a = load(x, broadcastAt(x, index));
      double b = hasY ? load(y, broadcastAt(y, index)) : scalar;
      double r = 0;
      switch (op) {
      case npub::VectorOp::Add: r = a + b; break;
      case npub::VectorOp::Sub: r = a - b; break;
      case npub::VectorOp::Mul: r = a * b; break;
      case npub::VectorOp::Div: r = a / b; break;
      case npub::VectorOp::Max: r = std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); break;
      case npub::VectorOp::Min: r = std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); break;
      case npub::VectorOp::Exp: r = std::exp(a); break;
      case npub::VectorOp::Reciprocal: r = 1.0 / a; break;
      case npub::VectorOp::Rsqrt: r = 1.0 / std::sqrt(a); break;
      case npub::VectorOp::Convert: r = a; break;
      case npub::VectorOp::Select: r = a != 0 ? b : load(z, broadcastAt(z, index)); break;
      case npub::VectorOp::Compare: r = compares(v.comparison(), a, b); break;
      }
      return store(dst, dst.at(index), r);
    });
  }

  llvm::Error reduce(const npub::Reduce &red) {
    Resolved src, dst;
    if (llvm::Error e = resolve(red.src(), src, false, "src"))
      return e;
    if (llvm::Error e = resolve(red.dst(), dst, true, "dst"))
      return e;
    // (The loader checked the shapes and types.)
    if (llvm::Error e = ready())
      return e;
    int64_t length = src.shape.back();
    ref::Numerics fp16 = ref::Numerics::fp16Device();
    work.elements = src.count();
    work.op = npub::VectorOp::Add;
    if (!values)
      return llvm::Error::success();
    return forEach(dst.shape, [&](llvm::ArrayRef<int64_t> index) -> llvm::Error {
      llvm::SmallVector<int64_t, 4> at(index.begin(), index.end());
      double result;
      if (red.op() == npub::ReduceOp::Max) {
        result = -INFINITY;
        for (int64_t k = 0; k < length; ++k) {
          at.back() = k;
          double x = load(src, src.at(at));
          result = std::isnan(x) || std::isnan(result) ? NAN : std::max(result, x);
        }
      } else if (d.accumulation == Accumulation::F32) {
        float sum = 0;
        for (int64_t k = 0; k < length; ++k) {
          at.back() = k;
          sum += float(load(src, src.at(at)));
        }
        result = sum;
      } else {
        ref::Accumulator sum = fp16.accumulator();
        for (int64_t k = 0; k < length; ++k) {
          at.back() = k;
          sum.add(load(src, src.at(at)));
        }
        result = sum.value();
      }
      return store(dst, dst.at(index), result);
    });
  }

  llvm::Error scalar(const npub::Scalar &s) {
    auto reads = [&](int reg) {
      if (reg >= 0)
        accesses.push_back({kRegisters, {{reg, reg + 1}}, false});
    };
    reads(s.a());
    reads(s.b());
    int64_t loaded = 0;
    if (s.op() == npub::ScalarOp::Load) {
      const npub::Address *src = s.source();
      llvm::Expected<int64_t> at = addressOf(src, "source");
      if (!at)
        return at.takeError();
      const Bytes &m = memories[int(src->memory())];
      if (*at < 0 || *at > m.size() - 8)
        return failure(where + ": scalar load at byte " + std::to_string(*at) +
                       " lies outside memory " + npub::EnumNameMemory(src->memory()) +
                       registerNote(src));
      std::memcpy(&loaded, m.data() + *at, 8);
      accesses.push_back({int(src->memory()), {{*at, *at + 8}}, false});
    }
    accesses.push_back({kRegisters, {{s.dst(), s.dst() + 1}}, true});
    if (llvm::Error e = ready())
      return e;
    int64_t a = s.a() >= 0 ? registers[s.a()] : 0;
    int64_t b = s.b() >= 0 ? registers[s.b()] : s.immediate();
    int64_t r = 0;
    switch (s.op()) {
    case npub::ScalarOp::Set: r = s.immediate(); break;
    case npub::ScalarOp::Load: r = loaded; break;
    // Two's complement, as 64-bit registers wrap.
    case npub::ScalarOp::Add: r = int64_t(uint64_t(a) + uint64_t(b)); break;
    case npub::ScalarOp::Mul: r = int64_t(uint64_t(a) * uint64_t(b)); break;
    case npub::ScalarOp::Min: r = std::min(a, b); break;
    case npub::ScalarOp::Max: r = std::max(a, b); break;
    }
    registers[s.dst()] = r;
    return llvm::Error::success();
  }

  //===--------------------------------------------------------------------===//
  // Ordering and timing
  //===--------------------------------------------------------------------===//

  /// The unit a command runs on (Artifact.h's numbering).
  int unitOf(const npub::Command &c) const { return unitIndex(c.unit(), c.engine(), d); }
  std::string unitName(int unit) const { return npu::unitName(unit, d); }

  /// Checks that every earlier command touching this one's bytes (one of
  /// them writing) is finished before it starts: by the waits (directly or
  /// through the commands waited for) or by running on the same unit.
  llvm::Error order(const npub::Command &c, unsigned i) {
    int unit = unitOf(c);
    // What is known finished when this command starts: per unit, the last
    // command index (a vector clock).
    std::vector<int64_t> clock(unitCount(d), -1);
    auto merge = [&](unsigned j) {
      for (size_t u = 0; u < clock.size(); ++u)
        clock[u] = std::max(clock[u], clocks[j][u]);
    };
    if (lastOnUnit.count(unit))
      merge(lastOnUnit[unit]);
    if (const auto *waits = c.waits())
      for (uint32_t w : *waits)
        merge(w);
    clocks[i] = clock;
    clocks[i][unit] = i;
    // Against the shadow of each memory: who last wrote each byte, and the
    // last reader on each unit since.
    for (const Access &x : accesses)
      for (auto [b, e] : x.runs)
        if (llvm::Error err = check(x.memory, b, e, x.write, clock))
          return err;
    for (const Access &x : accesses)
      for (auto [b, e] : x.runs)
        record(x.memory, b, e, x.write, i, unit);
    lastOnUnit[unit] = i;
    return llvm::Error::success();
  }

  std::string describe(int memory, int64_t b, int64_t e) const {
    return memory == kRegisters ? "register s" + std::to_string(b)
                                : "bytes [" + std::to_string(b) + ", " + std::to_string(e) +
                                      ") of memory " + npub::EnumNameMemory(npub::Memory(memory));
  }

  /// The first earlier command touching [b, e) that `clock` does not show
  /// finished, as an error.
  llvm::Error check(int memory, int64_t b, int64_t e, bool write,
                    const std::vector<int64_t> &clock) {
    std::string problem;
    shadow.conflicts(memory, b, e, write,
                     [&](int64_t command, int unit, int64_t from, int64_t to) {
                       if (!problem.empty() || command <= clock[unit])
                         return;
                       bool writes = false;
                       shadow.conflicts(memory, from, to, false,
                                        [&](int64_t c, int, int64_t, int64_t) {
                                          writes |= c == command;
                                        });
                       problem = where + " touches " + describe(memory, from, to) +
                                 " that command #" + std::to_string(command) + " on " +
                                 unitName(unit) + (writes ? " writes" : " reads") +
                                 " without waiting for it";
                     });
    return problem.empty() ? llvm::Error::success() : failure(problem);
  }

  void record(int memory, int64_t b, int64_t e, bool write, unsigned i, int unit) {
    shadow.record(memory, b, e, write, i, unit);
  }

  /// `a + b` for cycle counts, saturating far below overflow.
  static int64_t later(int64_t a, int64_t b) {
    const int64_t limit = int64_t(1) << 62;
    return a > limit - b ? limit : a + b;
  }
  /// `n / per` cycles, rounded up and bounded.
  static int64_t cyclesFor(double n, double per) {
    double c = std::ceil(n / per);
    return c > double(int64_t(1) << 61) ? int64_t(1) << 61 : int64_t(c);
  }

  /// The start of the earliest time at or after `from` when the DRAM port
  /// is free for `length` cycles; reserves it. The port serves transfers
  /// in time order, whatever their order in the list.
  int64_t reserveDRAM(int64_t from, int64_t length) {
    int64_t at = from;
    auto it = dramBusy.begin();
    for (; it != dramBusy.end(); ++it) {
      if (it->second <= at)
        continue;
      if (it->first >= later(at, length))
        break;
      at = std::max(at, it->second);
    }
    dramBusy.insert(it, {at, later(at, length)});
    return at;
  }

  /// Places the command on its unit (docs/npu.md, "Timing model").
  void schedule(const npub::Command &c, unsigned i) {
    int unit = unitOf(c);
    int64_t ready = 0;
    if (const auto *waits = c.waits())
      for (uint32_t w : *waits)
        ready = std::max(ready, ends[w]);
    int64_t start = std::max(ready, unitFree[unit]);
    stats.stallCycles += std::max<int64_t>(0, ready - unitFree[unit]);
    int64_t end = start;
    switch (c.operation_type()) {
    case npub::Operation::Copy:
      if (work.dramBytes > 0) {
        // The latency overlaps other transfers; the data phase holds the
        // DRAM port (a DRAM-to-DRAM copy crosses it twice).
        int64_t data = cyclesFor(double(work.dramBytes), d.dramBytesPerCycle());
        end = later(reserveDRAM(later(start, d.dramLatencyCycles()), data), data);
      } else {
        // SRAM to SRAM at the vector unit's width (lanes f16 elements).
        end = later(start, cyclesFor(double(work.bytes), 2.0 * double(d.vectorLanes)));
      }
      break;
    case npub::Operation::MatMul: {
      auto [M, N, K] = work.shape;
      double tiles = std::ceil(double(M) / double(d.matrixRows)) *
                     std::ceil(double(N) / double(d.matrixCols));
      end = later(start, later(cyclesFor(tiles * double(K), 1.0), d.matrixRows + d.matrixCols));
      break;
    }
    case npub::Operation::Vector:
    case npub::Operation::Reduce: {
      bool slow = work.op == npub::VectorOp::Exp || work.op == npub::VectorOp::Reciprocal ||
                  work.op == npub::VectorOp::Rsqrt;
      end = later(start, later(cyclesFor(double(work.elements), double(d.vectorLanes)),
                               slow ? 8 : 4));
      break;
    }
    default:
      end = later(start, 1);
      break;
    }
    ends[i] = end;
    unitFree[unit] = end;
    if (stats.recordCommands) {
      auto [M, N, K] = work.shape;
      stats.perCommand.push_back({program, i, start, end, work.dramBytes,
                                  c.operation_type() == npub::Operation::MatMul ? M * N * K : 0,
                                  work.elements, 0});
    }
    stats.busy[unitName(unit)] = later(stats.busy[unitName(unit)], end - start);
    runEnd = std::max(runEnd, end);
  }

  const Description &d;
  std::array<Bytes, 6> &memories;
  std::array<int64_t, kScalarRegisters> &registers;
  RunStats &stats;
  std::string where;
  llvm::SmallVector<Access, 4> accesses;
  HazardShadow shadow;
  /// False: the timing alone (no arithmetic, no data moved).
  bool values = true;
  std::vector<int64_t> ends;
  std::vector<std::vector<int64_t>> clocks;
  std::map<int, unsigned> lastOnUnit;
  std::map<int, int64_t> unitFree;
  /// The DRAM port's reserved intervals, in time order.
  std::vector<std::pair<int64_t, int64_t>> dramBusy;
  int64_t runEnd = 0;
  const npub::Command *current = nullptr;
  const npub::Program *program = nullptr;
  unsigned currentIndex = 0;
  bool ordered = false;
  /// What the command being run does, for its timing (reset per command).
  struct Work {
    int64_t bytes = 0, dramBytes = 0, elements = 0;
    std::array<int64_t, 3> shape{}; // a matmul's M, N, K
    npub::VectorOp op = npub::VectorOp::Add;
  } work;
};

} // namespace

std::optional<Bytes> Bytes::zeros(int64_t size) {
  Bytes b;
  // calloc: the system hands out zero pages as they are touched.
  b.bytes.reset(static_cast<uint8_t *>(std::calloc(size_t(std::max<int64_t>(1, size)), 1)));
  if (!b.bytes)
    return std::nullopt;
  b.length = size;
  return b;
}

llvm::Expected<Machine> Machine::create(const Artifact &artifact,
                                        llvm::ArrayRef<uint8_t> weights, bool zeroWeights) {
  if (!zeroWeights && int64_t(weights.size()) != artifact.regionBytes(npub::Memory::Weights))
    return failure("the weights are " + std::to_string(weights.size()) +
                   " bytes, the artifact's weights region " +
                   std::to_string(artifact.regionBytes(npub::Memory::Weights)));
  Machine machine(artifact);
  for (int m = 0; m <= int(npub::Memory::MAX); ++m) {
    int64_t size = artifact.regionBytes(npub::Memory(m));
    std::optional<Bytes> bytes = Bytes::zeros(size);
    if (!bytes)
      return failure(std::string("cannot allocate the ") + std::to_string(size) +
                     " bytes of memory " + npub::EnumNameMemory(npub::Memory(m)));
    machine.memories[m] = std::move(*bytes);
  }
  auto fill = [&](npub::Memory m, const uint8_t *data, size_t size) {
    if (size)
      std::memcpy(machine.memories[int(m)].data(), data, size);
  };
  fill(npub::Memory::Weights, weights.data(), weights.size());
  const npub::Artifact &root = artifact.root();
  if (root.cache_init())
    fill(npub::Memory::Cache, root.cache_init()->data(), root.cache_init()->size());
  if (root.constants())
    fill(npub::Memory::Const, root.constants()->data(), root.constants()->size());
  return machine;
}

llvm::Error Machine::run(llvm::StringRef name, RunStats *stats, bool values) {
  const npub::Program *program = artifact->program(name);
  if (!program)
    return failure("the artifact has no program '" + name + "'");
  RunStats local;
  if (stats)
    ++stats->runs;
  Run run(artifact->description(), memories, registers, stats ? *stats : local, values);
  return run.execute(*program);
}

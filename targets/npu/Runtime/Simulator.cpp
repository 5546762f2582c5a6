//===- Simulator.cpp - the reference NPU executing an artifact ------------===//
#include "Simulator.h"

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

bool isFloat(npub::ElementType t) {
  return t == npub::ElementType::F16 || t == npub::ElementType::F32;
}

/// A view placed for this run: its first byte, element type and layout.
struct Resolved {
  npub::Memory memory = npub::Memory::SRAM;
  int64_t base = 0;
  npub::ElementType type = npub::ElementType::F16;
  llvm::SmallVector<int64_t, 4> shape, strides;
  int64_t begin = 0, end = 0; // the bytes it may touch

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
  Run(const Description &d, std::array<std::vector<uint8_t>, 6> &memories,
      std::array<int64_t, kScalarRegisters> &registers, RunStats &stats)
      : d(d), memories(memories), registers(registers), stats(stats) {}

  llvm::Error execute(const npub::Program &program) {
    const auto &commands = *program.commands();
    ends.assign(commands.size(), 0);
    clocks.assign(commands.size(), {});
    for (unsigned i = 0; i < commands.size(); ++i) {
      const npub::Command &c = *commands.Get(i);
      where = "program " + program.name()->str() + " command #" + std::to_string(i) +
              (c.source() ? " (" + c.source()->str() + ")" : "");
      accesses.clear();
      if (llvm::Error e = perform(c))
        return e;
      if (llvm::Error e = order(c, i))
        return e;
      schedule(c, i);
    }
    stats.commands += commands.size();
    return llvm::Error::success();
  }

private:
  struct Access {
    npub::Memory memory;
    int64_t begin, end;
    bool write;
  };
  /// A command's accesses, for the hazard check of later commands.
  struct Record {
    unsigned index;
    int unit;
    llvm::SmallVector<Access, 4> accesses;
  };

  //===--------------------------------------------------------------------===//
  // Views and elements
  //===--------------------------------------------------------------------===//

  llvm::Error resolve(const npub::View *view, Resolved &r, bool write, llvm::StringRef what) {
    const npub::Address *a = view->address();
    r.memory = a->memory();
    r.type = view->type();
    r.shape.assign(view->shape()->begin(), view->shape()->end());
    r.strides.assign(view->strides()->begin(), view->strides()->end());
    int64_t offset = a->offset();
    if (a->register_() >= 0) {
      int64_t reg = registers[a->register_()];
      // Bounded so that nothing below overflows: the verifier bounded the
      // rest of the view.
      if (reg < -(int64_t(1) << 40) || reg > (int64_t(1) << 40) || a->scale() < -(int64_t(1) << 20) ||
          a->scale() > (int64_t(1) << 20))
        return failure(where + ": " + what + " address register s" +
                       std::to_string(a->register_()) + " = " + std::to_string(reg) +
                       " is out of range");
      offset += reg * a->scale();
    }
    int64_t extent = *viewExtent(*view) - a->offset(); // bytes past the address
    int64_t size = memories[int(r.memory)].size();
    if (offset < 0 || offset > size - extent)
      return failure(where + ": " + what + " [" + std::to_string(offset) + ", " +
                     std::to_string(offset + extent) + ") lies outside memory " +
                     npub::EnumNameMemory(r.memory) + " (" + std::to_string(size) + " bytes)" +
                     (a->register_() >= 0 ? " with s" + std::to_string(a->register_()) + " = " +
                                                std::to_string(registers[a->register_()])
                                          : ""));
    r.base = offset;
    r.begin = offset;
    r.end = offset + extent;
    accesses.push_back({r.memory, r.begin, r.end, write});
    return llvm::Error::success();
  }

  uint8_t *bytesAt(const Resolved &r, int64_t offset) {
    return memories[int(r.memory)].data() + offset;
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

  /// Stores `value` rounded to the element type (floats through binary32,
  /// as the reference kernels round: ref::roundTo).
  llvm::Error store(const Resolved &r, int64_t offset, double value) {
    uint8_t *p = bytesAt(r, offset);
    switch (r.type) {
    case npub::ElementType::F16: {
      uint16_t bits = floatToHalfBits(float(value));
      std::memcpy(p, &bits, 2);
      stats.nonFinite += !std::isfinite(halfBitsToFloat(bits));
      return llvm::Error::success();
    }
    case npub::ElementType::F32: {
      float v = float(value);
      std::memcpy(p, &v, 4);
      stats.nonFinite += !std::isfinite(v);
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
    if (src.type != dst.type || src.count() != dst.count())
      return failure(where + ": a copy moves elements of one type between views of as many");
    int64_t width = elementBytes(src.type);
    // Through a buffer: the views may overlap.
    std::vector<uint8_t> moved(src.count() * width);
    for (int64_t i = 0; i < src.count(); ++i)
      std::memcpy(&moved[i * width], bytesAt(src, src.atFlat(i)), width);
    for (int64_t i = 0; i < dst.count(); ++i)
      std::memcpy(bytesAt(dst, dst.atFlat(i)), &moved[i * width], width);
    int64_t bytes = src.count() * width;
    if (src.memory != npub::Memory::SRAM)
      stats.dramBytesRead += bytes;
    if (dst.memory != npub::Memory::SRAM)
      stats.dramBytesWritten += bytes;
    lastBytes = bytes;
    lastDRAM = src.memory != npub::Memory::SRAM || dst.memory != npub::Memory::SRAM;
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
    bool f32 = d.accumulation == Accumulation::F32;
    npub::ElementType acc = f32 ? npub::ElementType::F32 : npub::ElementType::F16;
    if (a.shape.size() != 2 || b.shape.size() != 2 || c.shape.size() != 2 ||
        a.type != npub::ElementType::F16 || b.type != npub::ElementType::F16 || c.type != acc)
      return failure(where + std::string(": a matmul multiplies f16 matrices into an ") +
                     (f32 ? "f32" : "f16") + " one (the device's accumulation)");
    int64_t M = a.shape[0], K = a.shape[1];
    int64_t N = m.transpose_b() ? b.shape[0] : b.shape[1];
    int64_t KB = m.transpose_b() ? b.shape[1] : b.shape[0];
    if (KB != K || c.shape[0] != M || c.shape[1] != N)
      return failure(where + ": matmul shapes do not agree");
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
    stats.macs += M * N * K;
    lastShape = {M, N, K};
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

  bool broadcastsTo(const Resolved &src, const Resolved &dst) {
    if (src.shape.size() != dst.shape.size())
      return false;
    for (size_t i = 0; i < dst.shape.size(); ++i)
      if (src.shape[i] != dst.shape[i] && src.shape[i] != 1)
        return false;
    return true;
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
    npub::VectorOp op = v.op();
    bool binary = op == npub::VectorOp::Add || op == npub::VectorOp::Sub ||
                  op == npub::VectorOp::Mul || op == npub::VectorOp::Max ||
                  op == npub::VectorOp::Min || op == npub::VectorOp::Compare;
    if (!d.hasVectorOp(opName(op)))
      return failure(where + ": the " + d.name + " NPU has no vector " + opName(op));
    if ((binary && !hasY && !v.has_scalar()) || (op == npub::VectorOp::Select && (!hasY || !hasZ)))
      return failure(where + ": vector " + opName(op) + " is missing an operand");
    if (!broadcastsTo(x, dst) || (hasY && !broadcastsTo(y, dst)) ||
        (hasZ && !broadcastsTo(z, dst)))
      return failure(where + ": operands must have the destination's shape or 1 in a dimension");
    if (op == npub::VectorOp::Compare ? dst.type != npub::ElementType::Bool
        : op == npub::VectorOp::Select ? x.type != npub::ElementType::Bool
        : op != npub::VectorOp::Convert && (!isFloat(dst.type) || !isFloat(x.type)))
      return failure(where + ": element types do not fit vector " + opName(op));
    // Each result: the exact result of the operands (in double precision),
    // rounded once to the destination type.
    lastElements = dst.count();
    lastOp = op;
    return forEach(dst.shape, [&](llvm::ArrayRef<int64_t> index) -> llvm::Error {
      double a = load(x, broadcastAt(x, index));
      double b = hasY ? load(y, broadcastAt(y, index)) : v.scalar();
      double r = 0;
      switch (op) {
      case npub::VectorOp::Add: r = a + b; break;
      case npub::VectorOp::Sub: r = a - b; break;
      case npub::VectorOp::Mul: r = a * b; break;
      case npub::VectorOp::Max: r = std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); break;
      case npub::VectorOp::Min: r = std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); break;
      case npub::VectorOp::Exp: r = std::exp(a); break;
      case npub::VectorOp::Reciprocal: r = 1.0 / a; break;
      case npub::VectorOp::Rsqrt: r = 1.0 / std::sqrt(a); break;
      case npub::VectorOp::Convert: r = a; break;
      case npub::VectorOp::Select: r = a != 0 ? b : load(z, broadcastAt(z, index)); break;
      case npub::VectorOp::Compare:
        switch (v.comparison()) {
        case npub::Comparison::EQ: r = a == b; break;
        case npub::Comparison::NE: r = a != b; break;
        case npub::Comparison::LT: r = a < b; break;
        case npub::Comparison::LE: r = a <= b; break;
        case npub::Comparison::GT: r = a > b; break;
        case npub::Comparison::GE: r = a >= b; break;
        }
        break;
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
    const char *name = red.op() == npub::ReduceOp::Sum ? "reduce_sum" : "reduce_max";
    if (!d.hasVectorOp(name))
      return failure(where + ": the " + d.name + " NPU has no " + name);
    llvm::SmallVector<int64_t, 4> kept(src.shape.begin(), src.shape.end());
    kept.back() = 1;
    if (dst.shape != kept || !isFloat(src.type) || !isFloat(dst.type))
      return failure(where + ": a reduction reads floats and writes them with its last dimension 1");
    int64_t length = src.shape.back();
    ref::Numerics fp16 = ref::Numerics::fp16Device();
    lastElements = src.count();
    lastOp = npub::VectorOp::Add;
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
    int64_t a = s.a() >= 0 ? registers[s.a()] : 0;
    int64_t b = s.b() >= 0 ? registers[s.b()] : s.immediate();
    int64_t r = 0;
    switch (s.op()) {
    case npub::ScalarOp::Set: r = s.immediate(); break;
    case npub::ScalarOp::Load: {
      const npub::Address *src = s.source();
      const std::vector<uint8_t> &m = memories[int(src->memory())];
      int64_t at = src->offset() + (src->register_() >= 0 ? registers[src->register_()] * src->scale() : 0);
      if (at < 0 || at > int64_t(m.size()) - 8)
        return failure(where + ": scalar load at byte " + std::to_string(at) + " lies outside memory " +
                       npub::EnumNameMemory(src->memory()));
      std::memcpy(&r, m.data() + at, 8);
      accesses.push_back({src->memory(), at, at + 8, false});
      break;
    }
    case npub::ScalarOp::Add: r = int64_t(uint64_t(a) + uint64_t(b)); break;
    case npub::ScalarOp::Mul: r = int64_t(uint64_t(a) * uint64_t(b)); break;
    case npub::ScalarOp::Min: r = std::min(a, b); break;
    case npub::ScalarOp::Max: r = std::max(a, b); break;
    }
    registers[s.dst()] = r;
    return llvm::Error::success();
  }

  static const char *opName(npub::VectorOp op) {
    switch (op) {
    case npub::VectorOp::Add: return "add";
    case npub::VectorOp::Sub: return "sub";
    case npub::VectorOp::Mul: return "mul";
    case npub::VectorOp::Max: return "max";
    case npub::VectorOp::Min: return "min";
    case npub::VectorOp::Exp: return "exp";
    case npub::VectorOp::Reciprocal: return "reciprocal";
    case npub::VectorOp::Rsqrt: return "rsqrt";
    case npub::VectorOp::Compare: return "compare";
    case npub::VectorOp::Select: return "select";
    case npub::VectorOp::Convert: return "convert";
    }
    return "?";
  }

  //===--------------------------------------------------------------------===//
  // Ordering and timing
  //===--------------------------------------------------------------------===//

  /// The unit a command runs on: DMA engines first, then matrix, vector,
  /// scalar.
  int unitOf(const npub::Command &c) const {
    switch (c.unit()) {
    case npub::Unit::DMA: return c.engine();
    case npub::Unit::Matrix: return d.dmaEngines;
    case npub::Unit::Vector: return d.dmaEngines + 1;
    case npub::Unit::Scalar: return d.dmaEngines + 2;
    }
    return 0;
  }
  std::string unitName(int unit) const {
    if (unit < d.dmaEngines)
      return "dma" + std::to_string(unit);
    return unit == d.dmaEngines ? "matrix" : unit == d.dmaEngines + 1 ? "vector" : "scalar";
  }

  /// Checks that every earlier command touching this one's bytes (one of
  /// them writing) is finished before it starts: by the waits (directly or
  /// through the commands waited for) or by running on the same unit.
  llvm::Error order(const npub::Command &c, unsigned i) {
    int unit = unitOf(c);
    // What is known finished when this command starts: per unit, the last
    // command index (a vector clock).
    std::vector<int64_t> clock(d.dmaEngines + 3, -1);
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
    for (const Record &earlier : records) {
      if (earlier.index <= clock[earlier.unit])
        continue; // finished
      for (const Access &x : earlier.accesses)
        for (const Access &y : accesses)
          if (x.memory == y.memory && (x.write || y.write) && x.begin < y.end && y.begin < x.end)
            return failure(where + " touches bytes [" + std::to_string(std::max(x.begin, y.begin)) +
                           ", " + std::to_string(std::min(x.end, y.end)) + ") of memory " +
                           npub::EnumNameMemory(x.memory) + " that command #" +
                           std::to_string(earlier.index) + " on " + unitName(earlier.unit) +
                           (x.write ? " writes" : " reads") + " without waiting for it");
    }
    records.push_back({i, unit, accesses});
    lastOnUnit[unit] = i;
    return llvm::Error::success();
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
      if (lastDRAM) {
        // The latency overlaps other transfers; the data phase shares the
        // DRAM bandwidth with them.
        int64_t data = int64_t(std::ceil(double(lastBytes) / d.dramBytesPerCycle()));
        int64_t from = std::max(start + d.dramLatencyCycles(), dramFree);
        dramFree = from + data;
        end = dramFree;
      } else {
        end = start + (lastBytes + 2 * d.vectorLanes - 1) / (2 * d.vectorLanes) + 1;
      }
      break;
    case npub::Operation::MatMul: {
      auto [M, N, K] = lastShape;
      end = start + (M + d.matrixRows - 1) / d.matrixRows * ((N + d.matrixCols - 1) / d.matrixCols) * K +
            d.matrixRows + d.matrixCols;
      break;
    }
    case npub::Operation::Vector:
    case npub::Operation::Reduce: {
      bool slow = lastOp == npub::VectorOp::Exp || lastOp == npub::VectorOp::Reciprocal ||
                  lastOp == npub::VectorOp::Rsqrt;
      end = start + (lastElements + d.vectorLanes - 1) / d.vectorLanes + (slow ? 8 : 4);
      break;
    }
    default:
      end = start + 1;
      break;
    }
    ends[i] = end;
    unitFree[unit] = end;
    stats.busy[unitName(unit)] += end - start;
    stats.cycles = std::max(stats.cycles, end);
  }

  const Description &d;
  std::array<std::vector<uint8_t>, 6> &memories;
  std::array<int64_t, kScalarRegisters> &registers;
  RunStats &stats;
  std::string where;
  llvm::SmallVector<Access, 4> accesses;
  std::vector<Record> records;
  std::vector<int64_t> ends;
  std::vector<std::vector<int64_t>> clocks;
  std::map<int, unsigned> lastOnUnit;
  std::map<int, int64_t> unitFree;
  int64_t dramFree = 0;
  // What the command just performed did, for its timing.
  int64_t lastBytes = 0, lastElements = 0;
  bool lastDRAM = false;
  std::array<int64_t, 3> lastShape{};
  npub::VectorOp lastOp = npub::VectorOp::Add;
};

} // namespace

llvm::Expected<Machine> Machine::create(const Artifact &artifact, std::vector<uint8_t> weights) {
  Machine machine(artifact);
  for (int m = 0; m <= int(npub::Memory::MAX); ++m)
    machine.memories[m].assign(artifact.regionBytes(npub::Memory(m)), 0);
  if (int64_t(weights.size()) != artifact.regionBytes(npub::Memory::Weights))
    return failure("the weights are " + std::to_string(weights.size()) +
                   " bytes, the artifact's weights region " +
                   std::to_string(artifact.regionBytes(npub::Memory::Weights)));
  machine.memory(npub::Memory::Weights) = std::move(weights);
  const npub::Artifact &root = artifact.root();
  if (root.cache_init() && root.cache_init()->size())
    machine.memory(npub::Memory::Cache).assign(root.cache_init()->begin(), root.cache_init()->end());
  if (root.constants())
    machine.memory(npub::Memory::Const).assign(root.constants()->begin(), root.constants()->end());
  return machine;
}

llvm::Error Machine::run(llvm::StringRef name, RunStats *stats) {
  const npub::Program *program = artifact->program(name);
  if (!program)
    return failure("the artifact has no program '" + name + "'");
  RunStats local;
  Run run(artifact->description(), memories, registers, stats ? *stats : local);
  return run.execute(*program);
}

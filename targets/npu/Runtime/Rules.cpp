//===- Rules.cpp - what makes a command well-formed -----------------------===//
#include "Rules.h"

#include "Artifact.h"

#include "llvm/ADT/StringSwitch.h"

using namespace llmc;
using namespace llmc::npu;

int64_t ViewInfo::count() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<npub::Memory> npu::memoryNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<npub::Memory>>(name)
      .Case("weights", npub::Memory::Weights)
      .Case("cache", npub::Memory::Cache)
      .Case("io", npub::Memory::IO)
      .Case("scratch", npub::Memory::Scratch)
      .Case("const", npub::Memory::Const)
      .Case("sram", npub::Memory::SRAM)
      .Default(std::nullopt);
}

const char *npu::vectorOpName(npub::VectorOp op) {
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
  case npub::VectorOp::Div: return "div";
  }
  return "?";
}

std::optional<npub::VectorOp> npu::vectorOpNamed(llvm::StringRef name) {
  for (int op = 0; op <= int(npub::VectorOp::MAX); ++op)
    if (name == vectorOpName(npub::VectorOp(op)))
      return npub::VectorOp(op);
  return std::nullopt;
}

std::optional<npub::Comparison> npu::comparisonNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<npub::Comparison>>(name)
      .Case("eq", npub::Comparison::EQ)
      .Case("ne", npub::Comparison::NE)
      .Case("lt", npub::Comparison::LT)
      .Case("le", npub::Comparison::LE)
      .Case("gt", npub::Comparison::GT)
      .Case("ge", npub::Comparison::GE)
      .Default(std::nullopt);
}

static bool broadcasts(const ViewInfo &src, const ViewInfo &dst) {
  if (src.shape.size() != dst.shape.size())
    return false;
  for (size_t i = 0; i < dst.shape.size(); ++i)
    if (src.shape[i] != dst.shape[i] && src.shape[i] != 1)
      return false;
  return true;
}

static Problem inSRAM(std::initializer_list<const ViewInfo *> views) {
  for (const ViewInfo *v : views)
    if (v && v->memory != npub::Memory::SRAM)
      return std::string("the matrix and vector units read and write SRAM only");
  return std::nullopt;
}

Problem npu::writable(const ViewInfo &dst) {
  if (dst.memory == npub::Memory::Weights || dst.memory == npub::Memory::Const)
    return std::string("memory ") + npub::EnumNameMemory(dst.memory) + " is read-only";
  return std::nullopt;
}

Problem npu::copyRule(const ViewInfo &src, const ViewInfo &dst, bool boundedByRegister) {
  if (Problem p = writable(dst))
    return p;
  if (src.type != dst.type || src.count() != dst.count())
    return std::string("a copy moves elements of one type between views of as many");
  if (boundedByRegister && src.shape != dst.shape)
    return std::string("a copy bounded by a register copies between views of one shape");
  return std::nullopt;
}

Problem npu::matmulRule(const ViewInfo &a, const ViewInfo &b, const ViewInfo &c, bool transposeB,
                        std::optional<Accumulation> accumulation) {
  if (Problem p = inSRAM({&a, &b, &c}))
    return p;
  bool accOK = accumulation ? c.type == (*accumulation == Accumulation::F32
                                             ? npub::ElementType::F32
                                             : npub::ElementType::F16)
                            : isFloatElement(c.type);
  if (a.shape.size() != 2 || b.shape.size() != 2 || c.shape.size() != 2 ||
      a.type != npub::ElementType::F16 || b.type != npub::ElementType::F16 || !accOK)
    return std::string("a matmul multiplies f16 matrices into one of the device's accumulation "
                       "type") +
           (accumulation ? (*accumulation == Accumulation::F32 ? " (f32)" : " (f16)") : "");
  int64_t n = transposeB ? b.shape[0] : b.shape[1], k = transposeB ? b.shape[1] : b.shape[0];
  if (k != a.shape[1] || c.shape[0] != a.shape[0] || c.shape[1] != n)
    return std::string("matmul shapes do not agree");
  return std::nullopt;
}

Problem npu::vectorRule(npub::VectorOp op, const ViewInfo &dst, const ViewInfo &src0,
                        const ViewInfo *src1, const ViewInfo *src2, bool hasScalar,
                        const Description *device) {
  if (device && !device->hasVectorOp(vectorOpName(op)))
    return "the " + device->name + " NPU has no vector " + vectorOpName(op);
  if (Problem p = inSRAM({&dst, &src0, src1, src2}))
    return p;
  bool binary = op == npub::VectorOp::Add || op == npub::VectorOp::Sub ||
                op == npub::VectorOp::Mul || op == npub::VectorOp::Max ||
                op == npub::VectorOp::Min || op == npub::VectorOp::Compare ||
                op == npub::VectorOp::Div;
  if ((binary && !src1 && !hasScalar) ||
      (op == npub::VectorOp::Select && ((!src1 && !hasScalar) || !src2)))
    return std::string("vector ") + vectorOpName(op) + " is missing an operand";
  if (!broadcasts(src0, dst) || (src1 && !broadcasts(*src1, dst)) ||
      (src2 && !broadcasts(*src2, dst)))
    return std::string("operands must have the destination's shape, or 1 in a dimension");
  auto same = [](const ViewInfo *o, npub::ElementType t) { return !o || o->type == t; };
  bool typed;
  switch (op) {
  case npub::VectorOp::Compare:
    typed = dst.type == npub::ElementType::Bool && same(src1, src0.type);
    break;
  case npub::VectorOp::Select:
    typed = src0.type == npub::ElementType::Bool && same(src1, dst.type) && same(src2, dst.type);
    break;
  case npub::VectorOp::Convert:
    typed = true;
    break;
  case npub::VectorOp::Add:
  case npub::VectorOp::Sub:
  case npub::VectorOp::Mul:
  case npub::VectorOp::Max:
  case npub::VectorOp::Min:
    // Integer arithmetic too (positions, lengths, indices).
    typed = dst.type != npub::ElementType::Bool && src0.type == dst.type && same(src1, dst.type);
    break;
  default:
    typed = isFloatElement(dst.type) && src0.type == dst.type && same(src1, dst.type);
    break;
  }
  if (!typed)
    return std::string("element types do not fit vector ") + vectorOpName(op);
  return std::nullopt;
}

Problem npu::reduceRule(npub::ReduceOp op, const ViewInfo &src, const ViewInfo &dst,
                        const Description *device) {
  const char *name = op == npub::ReduceOp::Sum ? "reduce_sum" : "reduce_max";
  if (device && !device->hasVectorOp(name))
    return "the " + device->name + " NPU has no " + name;
  if (Problem p = inSRAM({&src, &dst}))
    return p;
  llvm::SmallVector<int64_t, 4> kept = src.shape;
  if (!kept.empty())
    kept.back() = 1;
  if (src.shape.empty() || dst.shape != kept || !isFloatElement(src.type) || dst.type != src.type)
    return std::string("a reduction reads floats and writes them with its last dimension 1");
  return std::nullopt;
}

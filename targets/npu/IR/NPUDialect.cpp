//===- NPUDialect.cpp - the reference NPU's commands as IR ----------------===//
//
// The ops check what the artifact loader checks, through the same rules
// (targets/npu/Runtime/Rules.h), so that the lowering's output is an
// artifact the simulator accepts.
//
//===----------------------------------------------------------------------===//
#include "targets/npu/IR/NPUDialect.h"

#include "targets/npu/Runtime/Artifact.h"
#include "targets/npu/Runtime/Rules.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;

#include "NPUDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "NPUTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "NPUAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "NPUOps.cpp.inc"

void NPUDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "NPUTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "NPUAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "NPUOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

std::optional<npub::ElementType> npu::artifactElementType(Type type) {
  if (type.isF16())
    return npub::ElementType::F16;
  if (type.isF32())
    return npub::ElementType::F32;
  if (type.isInteger(8))
    return npub::ElementType::I8;
  if (type.isInteger(32))
    return npub::ElementType::I32;
  if (type.isInteger(64))
    return npub::ElementType::I64;
  if (type.isInteger(1))
    return npub::ElementType::Bool;
  return std::nullopt;
}

LogicalResult ViewAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef memory,
                               int64_t offset, int64_t reg, int64_t scale, Type type,
                               ArrayRef<int64_t> shape, ArrayRef<int64_t> strides) {
  if (!memoryNamed(memory))
    return emitError() << "unknown memory '" << memory
                       << "' (weights, cache, io, scratch, const, sram)";
  if (!artifactElementType(type))
    return emitError() << "element type " << type << " is not one of f16, f32, i8, i32, i64, i1";
  if (shape.empty() || shape.size() > size_t(kMaxRank) || shape.size() != strides.size())
    return emitError() << "a view has 1 to 4 dimensions and a stride for each";
  int64_t count = 1;
  for (auto [size, stride] : llvm::zip(shape, strides)) {
    if (size < 0 || stride < 0)
      return emitError() << "sizes and strides are not negative";
    if (size > 0 && count > kMaxElements / size)
      return emitError() << "a view has at most 2^32 elements";
    count *= size;
  }
  if (offset < 0 || offset > (int64_t(1) << 48))
    return emitError() << "offset " << offset << " is out of range";
  if (reg < -1 || reg >= kScalarRegisters)
    return emitError() << "register s" << reg << " does not exist";
  if (reg >= 0 && (scale < -kMaxScale || scale > kMaxScale))
    return emitError() << "register scale " << scale << " is out of range";
  return success();
}

int64_t ViewAttr::getCount() const {
  int64_t n = 1;
  for (int64_t d : getShape())
    n *= d;
  return n;
}

int64_t ViewAttr::getElementBytes() const {
  return elementBytes(*artifactElementType(getType()));
}

/// What the rules read of a (verified) view.
static ViewInfo infoOf(ViewAttr view) {
  ViewInfo info;
  info.memory = *memoryNamed(view.getMemory());
  info.type = *artifactElementType(view.getType());
  info.shape.assign(view.getShape().begin(), view.getShape().end());
  return info;
}

static LogicalResult check(Operation *op, Problem problem) {
  return problem ? op->emitOpError() << *problem : success();
}

static LogicalResult checkRegister(Operation *op, int64_t reg, StringRef what) {
  if (reg < -1 || reg >= kScalarRegisters)
    return op->emitOpError() << what << " register s" << reg << " does not exist";
  return success();
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

LogicalResult CopyOp::verify() {
  if (int64_t(getEngine()) < 0 || int64_t(getEngine()) > 255)
    return emitOpError() << "DMA engine " << int64_t(getEngine()) << " does not exist";
  if (failed(checkRegister(*this, int64_t(getRows()), "rows")))
    return failure();
  return check(*this, copyRule(infoOf(getSrc()), infoOf(getDst()), int64_t(getRows()) >= 0));
}

LogicalResult MatMulOp::verify() {
  return check(*this, matmulRule(infoOf(getA()), infoOf(getB()), infoOf(getC()),
                                 getTransposeB(), std::nullopt));
}

LogicalResult VectorOp::verify() {
  std::optional<npub::VectorOp> op = vectorOpNamed(getKind());
  if (!op)
    return emitOpError() << "unknown vector operation '" << getKind() << "'";
  if (!comparisonNamed(getComparison()))
    return emitOpError() << "unknown comparison '" << getComparison()
                         << "' (eq, ne, lt, le, gt, ge)";
  if (failed(checkRegister(*this, int64_t(getScalarReg()), "scalar")))
    return failure();
  if (int64_t(getScalarReg()) >= 0 && !getScalar())
    return emitOpError() << "a register scalar needs the scalar operand (scalar = 0.0)";
  std::optional<ViewInfo> src1, src2;
  if (getSrc1())
    src1 = infoOf(*getSrc1());
  if (getSrc2())
    src2 = infoOf(*getSrc2());
  return check(*this, vectorRule(*op, infoOf(getDst()), infoOf(getSrc0()),
                                 src1 ? &*src1 : nullptr, src2 ? &*src2 : nullptr,
                                 getScalar().has_value(), /*device=*/nullptr));
}

LogicalResult ReduceOp::verify() {
  if (getKind() != "sum" && getKind() != "max")
    return emitOpError() << "unknown reduction '" << getKind() << "' (sum, max)";
  return check(*this, reduceRule(getKind() == "sum" ? npub::ReduceOp::Sum : npub::ReduceOp::Max,
                                 infoOf(getSrc()), infoOf(getDst()), /*device=*/nullptr));
}

LogicalResult ScalarOp::verify() {
  StringRef kind = getKind();
  if (!llvm::is_contained({"set", "load", "add", "mul", "min", "max"}, kind))
    return emitOpError() << "unknown scalar operation '" << kind
                         << "' (set, load, add, mul, min, max)";
  if (int64_t(getDst()) < 0 || int64_t(getDst()) >= kScalarRegisters || failed(checkRegister(*this, int64_t(getA()), "a")) ||
      failed(checkRegister(*this, int64_t(getB()), "b")))
    return emitOpError() << "registers are s0..s15";
  if (kind == "load") {
    std::optional<ViewAttr> source = getSource();
    if (!source || (source->getMemory() != "io" && source->getMemory() != "sram") ||
        source->getCount() != 1 || !source->getType().isInteger(64))
      return emitOpError() << "a load reads one i64 of the io memory or the sram (source)";
  }
  return success();
}

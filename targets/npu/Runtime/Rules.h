//===- Rules.h - what makes a command well-formed ---------------*- C++ -*-===//
//
// The rules docs/npu.md gives each command that do not depend on the scalar
// registers, stated once over plain view descriptions: the artifact loader
// checks the commands it reads with them, the `npu` dialect's verifiers the
// ops the lowering makes. Each returns what is wrong, or nothing. No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_RULES_H
#define LLMC_TARGETS_NPU_RUNTIME_RULES_H

#include "Description.h"

#include "Schema.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace llmc::npu {

/// What the rules read of a view.
struct ViewInfo {
  npub::Memory memory = npub::Memory::SRAM;
  npub::ElementType type = npub::ElementType::F16;
  llvm::SmallVector<int64_t, 4> shape;

  int64_t count() const;
};

using Problem = std::optional<std::string>;

/// The memory named `name` ("weights", "cache", "io", "scratch", "const",
/// "sram"), if one.
std::optional<npub::Memory> memoryNamed(llvm::StringRef name);
/// The vector operation named `name` (docs/npu.md), if one.
std::optional<npub::VectorOp> vectorOpNamed(llvm::StringRef name);
std::optional<npub::Comparison> comparisonNamed(llvm::StringRef name);
const char *vectorOpName(npub::VectorOp op);

/// `dst` may be written (not weights nor const).
Problem writable(const ViewInfo &dst);

Problem copyRule(const ViewInfo &src, const ViewInfo &dst, bool boundedByRegister);

/// `accumulation`: the device's, when known (an artifact); none accepts
/// either (IR before a device is chosen).
Problem matmulRule(const ViewInfo &a, const ViewInfo &b, const ViewInfo &c, bool transposeB,
                   std::optional<Accumulation> accumulation);

/// `device`: checks it has the operation, when given.
Problem vectorRule(npub::VectorOp op, const ViewInfo &dst, const ViewInfo &src0,
                   const ViewInfo *src1, const ViewInfo *src2, bool hasScalar,
                   const Description *device);

Problem reduceRule(npub::ReduceOp op, const ViewInfo &src, const ViewInfo &dst,
                   const Description *device);

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_RULES_H

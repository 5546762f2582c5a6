//===- MemoryPlan.h - where a static program's values live ------*- C++ -*-===//
//
// What a memory plan means, stated once for the pass that makes it
// (llm-plan-memory), the verifier that checks it (LLMDialect's attribute
// verifier of `llm.memory_pools`), the reference executor that runs a
// planned module in one arena, and a target that reads it:
//
// * Steps: a program's arguments are written at step 0, its i-th top-level
//   op runs at step i + 1 (a fusion group is one step: what its body reads
//   from above it reads then), its return reads at the last step.
// * Buffers: values that share bytes. A view (llm.reshape; llm.slice of
//   contiguous bytes) lies in its source's buffer at a byte offset; an
//   llm.cache_update writes its cache's buffer; an elementwise op may write
//   its result over an operand of the same type whose buffer is dead after
//   it and no other operand reads those bytes (the plan chooses;
//   `writesInPlace`). Weights and constants (and views of them) are
//   read-only and planned nowhere. An update writes its cache's bytes only
//   when nothing reads the cache as it was afterwards.
// * Results: a value returned whole from a buffer of its own lives where
//   the caller takes it (io; a prefix's caches in the cache pool); a value
//   returned again, a part of a buffer or a read-only value is copied out
//   by the caller.
// * A fusion group's working set (its values not returned) is on chip while
//   it runs: with an sram pool, `llm.group_scratch` reserves it at the
//   group's step.
// * A buffer is live from the step its first value is written to the last
//   step any of its values is read; two buffers of one pool live at a common
//   step must not share a byte.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_LLM_IR_MEMORYPLAN_H
#define LLMC_DIALECT_LLM_IR_MEMORYPLAN_H

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmc::llm {

constexpr llvm::StringLiteral kCachePool("cache");
constexpr llvm::StringLiteral kIOPool("io");
constexpr llvm::StringLiteral kDRAMPool("dram");
constexpr llvm::StringLiteral kSRAMPool("sram");

/// The bytes of a value of `type` (a static-shaped tensor; i1 takes a byte).
int64_t bytesOf(mlir::Type type);

/// The byte offset of view `op`'s result in its input, if `op` is a view.
std::optional<int64_t> viewOffset(mlir::Operation *op);

/// Whether `op` may write its result over `operand` (an elementwise op whose
/// result has the operand's type: element i is written after element i is
/// read).
bool mayWriteInPlace(mlir::Operation *op, mlir::Value operand);

/// A static program's values grouped into buffers, with their lifetimes.
struct ProgramBuffers {
  enum class Kind {
    ReadOnly, ///< weights, constants and their views: no buffer
    Argument, ///< holds program argument `argument`
    Result,   ///< holds what the program returns (not an argument)
    Scratch,  ///< computed and dead by the program's end
  };
  struct Buffer {
    Kind kind = Kind::Scratch;
    /// The value that defines it (its first); the others are views and
    /// in-place results.
    mlir::Value root;
    llvm::SmallVector<mlir::Value> values;
    int64_t first = 0, last = 0;
    int64_t size = 0;
    /// For Argument: the argument index; for Result: the first result index
    /// returning one of its values.
    int64_t index = -1;
  };
  std::vector<Buffer> buffers;
  llvm::DenseMap<mlir::Value, unsigned> bufferOf;
  /// A value's offset in its buffer (views; 0 otherwise).
  llvm::DenseMap<mlir::Value, int64_t> offsetInBuffer;
  /// Each top-level op's step.
  llvm::DenseMap<mlir::Operation *, int64_t> stepOf;
  int64_t lastStep = 0;
};

/// The on-chip bytes a fusion group works in while it runs: its body's
/// values that it does not return (a device with an sram pool reserves them
/// at the group's step: `llm.group_scratch`).
int64_t groupScratchBytes(FusionGroupOp group);

/// The buffers of `program` (a func.func with a single block of static
/// shapes). `writesInPlace(op, operand)` says whether `op`'s result is
/// written over `operand`; it is asked only where that is allowed
/// (mayWriteInPlace, and the operand's buffer is scratch and not read after
/// `op`).
ProgramBuffers analyzeBuffers(mlir::func::FuncOp program,
                              llvm::function_ref<bool(mlir::Operation *, mlir::Value)> writesInPlace);

/// The #llm.buffer of a value (an op result's entry in llm.buffers, an
/// argument's llm.buffer), if planned.
BufferAttr getBuffer(mlir::Value value);
void setBuffer(mlir::Value value, BufferAttr buffer);

/// The module's pools: sizes by name, and the alignment.
struct MemoryPools {
  int64_t alignment = 64;
  std::map<std::string, int64_t> sizes;
};
std::optional<MemoryPools> getMemoryPools(mlir::ModuleOp module);
void setMemoryPools(mlir::ModuleOp module, const MemoryPools &pools);

/// Checks the plan of every static program of `module` against `pools`:
/// each value that holds bytes has its buffer, views and in-place results
/// where their sources are, offsets aligned, buffers inside their pools,
/// caches at the same place in every program, and no two buffers of a pool
/// live at one step sharing a byte. Reports the first problem at the value
/// it concerns.
mlir::LogicalResult verifyMemoryPlan(mlir::ModuleOp module, const MemoryPools &pools);

/// Whether `name` is a pool of the plan.
bool isMemoryPool(llvm::StringRef name);

} // namespace llmc::llm

#endif // LLMC_DIALECT_LLM_IR_MEMORYPLAN_H

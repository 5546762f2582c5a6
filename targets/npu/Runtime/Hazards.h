//===- Hazards.h - who touched which bytes, for the wait rule ---*- C++ -*-===//
//
// docs/npu.md's wait rule: a command may not touch bytes (or a register)
// that an earlier command on another unit writes, or write bytes one reads,
// unless it waits for that command, directly or through the commands it
// waits for. A HazardShadow remembers, per memory, the last writer of each
// stretch of bytes and its last reader on each unit since: the simulator
// asks it whether a command broke the rule, the lowering which waits a
// command needs. Weights and constants are never written and not tracked.
// No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_HAZARDS_H
#define LLMC_TARGETS_NPU_RUNTIME_HAZARDS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <map>

namespace llmc::npu {

class HazardShadow {
public:
  /// A memory index (npub::Memory) or this, for the scalar registers (one
  /// "byte" per register).
  static constexpr int kRegisters = 100;

  explicit HazardShadow(int units) : units(units) {}

  /// Calls `conflict(command, unit, from, to)` for each earlier command
  /// that an access of [b, e) of `memory` must come after: the last writer
  /// of each byte, and for a write each unit's last reader since. (Not
  /// filtered by order: the caller compares with its clock.)
  void conflicts(int memory, int64_t b, int64_t e, bool write,
                 llvm::function_ref<void(int64_t command, int unit, int64_t from, int64_t to)>
                     conflict) const;
  /// Records that `command` on `unit` reads or writes [b, e) of `memory`.
  void record(int memory, int64_t b, int64_t e, bool write, int64_t command, int unit);

private:
  struct Segment {
    int64_t end = 0;
    int64_t writer = -1;
    int writerUnit = 0;
    llvm::SmallVector<int64_t, 8> readers; // per unit, -1: none
  };
  using Shadow = std::map<int64_t, Segment>;
  static bool untracked(int memory);
  static void split(Shadow &shadow, int64_t at);

  int units;
  std::map<int, Shadow> shadows;
};

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_HAZARDS_H

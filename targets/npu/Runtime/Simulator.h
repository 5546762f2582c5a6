//===- Simulator.h - the reference NPU executing an artifact ----*- C++ -*-===//
//
// Runs a verified artifact's programs as docs/npu.md defines them: the
// commands in list order with the ISA's FP16 arithmetic (the reference
// kernels' numerics policy where the ISA says the same thing), while a
// timing model places each command on its unit (DMA overlapping compute as
// the waits allow) and counts cycles, DRAM traffic and MACs. A command that
// touches bytes another unit's unfinished command writes (or reads, for a
// write) without waiting for it is an error: the numbers never depend on
// timing. The machine's memories persist between runs (the KV cache). No
// MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_SIMULATOR_H
#define LLMC_TARGETS_NPU_RUNTIME_SIMULATOR_H

#include "Artifact.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdlib>
#include <memory>
#include <optional>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmc::npu {

/// What one program run cost (docs/npu.md, "Timing model").
struct RunStats {
  /// Cycles of the runs counted (each run: until its last command ends).
  int64_t cycles = 0;
  /// Busy cycles per unit: "dma0".., "matrix", "vector", "scalar".
  std::map<std::string, int64_t> busy;
  /// Cycles commands waited for others beyond their unit being free.
  int64_t stallCycles = 0;
  int64_t dramBytesRead = 0, dramBytesWritten = 0;
  /// DRAM bytes moved per region ("Weights", "Cache", ...), read or written.
  std::map<std::string, int64_t> dramBytes;
  int64_t macs = 0;
  int64_t commands = 0;
  /// Program runs counted.
  int64_t runs = 0;

  /// Each command's cost, when `recordCommands` (reports per command).
  struct CommandCost {
    const npub::Program *program;
    uint32_t index;
    /// Cycles from the start of its run; DRAM bytes moved, MACs, elements
    /// through the vector unit.
    int64_t start, end, dramBytes, macs, elements;
    /// Cycles of the runs before its run (a session's timeline).
    int64_t runStart = 0;
  };
  bool recordCommands = false;
  std::vector<CommandCost> perCommand;
  /// Float results that are NaN, and infinite.
  int64_t nans = 0, infinities = 0;

  /// Adds `other`'s counts (and its per-command costs, with `commands`).
  void add(const RunStats &other, bool withCommands) {
    cycles += other.cycles;
    for (const auto &[unit, n] : other.busy)
      busy[unit] += n;
    stallCycles += other.stallCycles;
    dramBytesRead += other.dramBytesRead;
    dramBytesWritten += other.dramBytesWritten;
    for (const auto &[region, n] : other.dramBytes)
      dramBytes[region] += n;
    macs += other.macs;
    commands += other.commands;
    runs += other.runs;
    nans += other.nans;
    infinities += other.infinities;
    if (withCommands)
      perCommand.insert(perCommand.end(), other.perCommand.begin(), other.perCommand.end());
  }

  /// MACs over what the matrix unit could do in `cycles`.
  double matrixUtilisation(const Description &d) const {
    return cycles ? double(macs) / (double(cycles) * double(d.macsPerCycle())) : 0.0;
  }
  double seconds(const Description &d) const { return double(cycles) / (d.clockMHz * 1e6); }
};

/// A memory's bytes (zeroed when made; pages are touched as they are used).
class Bytes {
public:
  Bytes() = default;
  /// `size` zero bytes, or none when they cannot be had.
  static std::optional<Bytes> zeros(int64_t size);
  uint8_t *data() { return bytes.get(); }
  const uint8_t *data() const { return bytes.get(); }
  int64_t size() const { return length; }
  llvm::MutableArrayRef<uint8_t> all() { return {data(), size_t(length)}; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> bytes;
  int64_t length = 0;
};

class Machine {
public:
  /// A machine for `artifact` (which must outlive it), its memories sized
  /// by the artifact's regions, the cache holding its initial contents, the
  /// weights region holding `weights` (the side file's bytes; as many as
  /// the region; with `zeroWeights`, zeros instead: a machine for timing).
  static llvm::Expected<Machine> create(const Artifact &artifact,
                                        llvm::ArrayRef<uint8_t> weights,
                                        bool zeroWeights = false);

  /// Runs the program called `name`; the caller has written its inputs
  /// (`memory`), and reads its outputs after. A run that fails stops
  /// before the command at fault changes anything.
  /// With `values` false, only the timing: the commands are checked and
  /// placed, their costs counted, but nothing is computed or moved (a
  /// bounded copy moves the rows its register allows): the compiler's estimate.
  llvm::Error run(llvm::StringRef name, RunStats *stats = nullptr, bool values = true);

  /// The bytes of `memory` (the caller writes inputs to `io` and reads
  /// outputs from there; the cache persists between runs).
  llvm::MutableArrayRef<uint8_t> memory(npub::Memory memory) {
    return memories[int(memory)].all();
  }
  int64_t scalar(int i) const { return registers[i]; }

private:
  explicit Machine(const Artifact &artifact) : artifact(&artifact) {}
  const Artifact *artifact;
  std::array<Bytes, 6> memories;
  std::array<int64_t, kScalarRegisters> registers{};
};

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_SIMULATOR_H

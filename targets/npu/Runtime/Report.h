//===- Report.h - what an NPU artifact costs, as tables ---------*- C++ -*-===//
//
// docs/npu.md, "Timing model": the compiler's summary after it writes an
// artifact (the simulator's timing of each program, nothing computed: an
// estimate) and the simulator's measured counterpart after a run share one
// table, in the manner of Arm Vela's performance summary: the device, the
// memories, and per program its commands, SRAM high-water mark, cycles and
// time, DRAM traffic by region against the weights and KV cache it must
// read, MACs and matrix utilisation. The per-command costs go to a CSV,
// grouped by the llm op each command came from. No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_REPORT_H
#define LLMC_TARGETS_NPU_RUNTIME_REPORT_H

#include "Simulator.h"

#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>

namespace llmc::npu {

/// The highest SRAM byte any command of `program` touches (the memory
/// plan's values and the kernels' workspace together).
int64_t sramHighWater(const npub::Program &program);

/// What a report says besides the programs' costs.
struct ReportContext {
  /// "estimated" (compiler) or "measured" (simulator run).
  std::string kind = "measured";
  /// llm ops lowered to NPU commands, and left to the host (none, today),
  /// when known.
  int64_t npuOps = -1, hostOps = 0;
};

/// The summary table of `artifact` given each program's costs (by name;
/// programs not run are left out).
void printSummary(llvm::raw_ostream &os, const Artifact &artifact,
                  const std::map<std::string, RunStats> &programs, const ReportContext &context);

/// The summary's numbers as JSON (for scripts): the device's rates and
/// capacities, each region's bytes, and per program its runs and totals.
void writeSummaryJSON(llvm::raw_ostream &os, const Artifact &artifact,
                      const std::map<std::string, RunStats> &programs);

/// One CSV row per (program, llm op source) of `costs`: commands, busy
/// cycles per unit kind, span, DRAM bytes and MACs.
void writeCommandCSV(llvm::raw_ostream &os, const Artifact &artifact,
                     const std::vector<RunStats::CommandCost> &costs);

/// The `top` llm ops of `costs` that take the most time (busy cycles of
/// their commands, all units), per program, as Vela's per-layer table:
/// commands, busy cycles per unit kind, DRAM bytes, MACs, the op's bound
/// (max of its MACs at the array's rate, its DRAM bytes at the port's, its
/// vector elements at the lanes') and time over bound.
void printOpTable(llvm::raw_ostream &os, const Artifact &artifact,
                  const std::vector<RunStats::CommandCost> &costs, size_t top);

/// `costs` as a Chrome/Perfetto trace (JSON trace event format): one track
/// per unit (each DMA engine, matrix, vector, scalar), one complete event
/// per command named after the llm op it came from, in microseconds of
/// the device's clock, runs one after another.
void writeTrace(llvm::raw_ostream &os, const Artifact &artifact,
                const std::vector<RunStats::CommandCost> &costs);

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_REPORT_H

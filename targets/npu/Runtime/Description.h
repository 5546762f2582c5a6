//===- Description.h - a reference NPU, as its description file says ---*- C++ -*-===//
//
// The parametric reference NPU the `npu` target compiles for and its
// simulator runs (docs/npu.md): clock, matrix unit, vector unit and the
// operations it has, SRAM, DRAM and DMA engines. A description is a JSON
// file (targets/npu/configs/*.json; the bundled ones are built into the
// tools and named by their `name`). The same description is read by the
// compiler (tiling, SRAM capacity, accumulation) and by the simulator
// (timing), and is recorded in every artifact. No MLIR: the simulator
// links it alone.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_DESCRIPTION_H
#define LLMC_TARGETS_NPU_RUNTIME_DESCRIPTION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace llmc::npu {

/// Where FP16 products are summed.
enum class Accumulation { F16, F32 };

/// Vector-unit operations a description may list (docs/npu.md states each
/// one's FP16 semantics and rounding).
constexpr const char *kVectorOps[] = {"add",        "sub",   "mul",        "div",        "max",
                                      "min",        "exp",   "reciprocal", "rsqrt",
                                      "compare",    "select", "reduce_sum", "reduce_max",
                                      "convert"};

struct Description {
  std::string name;
  std::string summary;
  double clockMHz = 0;
  /// The matrix unit: a rows x cols array, one MAC per cell per cycle.
  int64_t matrixRows = 0, matrixCols = 0;
  Accumulation accumulation = Accumulation::F16;
  /// The vector unit: lanes elements per cycle, and its operations.
  int64_t vectorLanes = 0;
  std::set<std::string> vectorOps;
  int64_t sramBytes = 0, sramBanks = 0;
  double dramGBPerS = 0, dramLatencyNs = 0;
  int64_t dmaEngines = 0;

  int64_t macsPerCycle() const { return matrixRows * matrixCols; }
  /// FP16 tera-operations per second (a MAC is two).
  double teraOps() const { return 2.0 * double(macsPerCycle()) * clockMHz * 1e6 / 1e12; }
  /// DRAM bytes per clock cycle.
  double dramBytesPerCycle() const { return dramGBPerS * 1e9 / (clockMHz * 1e6); }
  int64_t dramLatencyCycles() const { return int64_t(dramLatencyNs * clockMHz / 1e3 + 0.5); }
  bool hasVectorOp(llvm::StringRef op) const { return vectorOps.count(op.str()); }

  /// The description as JSON (what an artifact records; parse() reads it
  /// back to an equal description).
  std::string toJSON() const;
};

/// The description in `text` (JSON); `source` names it in errors, which say
/// which field is wrong and why.
llvm::Expected<Description> parseDescription(llvm::StringRef text, llvm::StringRef source);

/// A bundled description by name ("phone", "tv"), else the JSON file at
/// `nameOrPath`.
llvm::Expected<Description> loadDescription(llvm::StringRef nameOrPath);

/// The names of the bundled descriptions.
std::vector<std::string> bundledDescriptionNames();

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_DESCRIPTION_H

//===- MemoryPlanReport.h - a memory plan for people and tools --*- C++ -*-===//
//
// What llm-plan-memory decided, in the form its report, JSON dump and SVG
// picture print (MemoryPlanReport.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_MEMORYPLANREPORT_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_MEMORYPLANREPORT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmc::llm {

struct PlannedBuffer {
  std::string value; ///< what defines it: "llm.linear (model.mlir:12:5)"
  std::string pool;
  int64_t offset = 0, size = 0;
  int64_t first = 0, last = 0; ///< steps
};

/// One pool of one program.
struct PoolFigures {
  int64_t peak = 0;       ///< bytes the plan uses
  int64_t lowerBound = 0; ///< most bytes live at one step
  int64_t naive = 0;      ///< every buffer its own bytes
  int64_t buffers = 0;
  int64_t ordersTried = 0;
};

struct ProgramPlan {
  std::string name;
  int64_t steps = 0;
  std::map<std::string, PoolFigures> pools; ///< scratch pools (dram, sram)
  int64_t spilledBytes = 0;                 ///< scratch that did not fit sram
  int64_t ioBytes = 0;
  std::vector<PlannedBuffer> buffers;
  double seconds = 0;
};

struct ModulePlan {
  int64_t alignment = 0;
  std::map<std::string, int64_t> poolSizes;
  std::vector<ProgramPlan> programs;
};

/// The table `--print-memory-plan` prints.
void printMemoryPlan(const ModulePlan &plan, llvm::raw_ostream &os);
/// The plan as JSON (pools, programs, every buffer).
void writeMemoryPlanJSON(const ModulePlan &plan, llvm::raw_ostream &os);
/// The plan as SVG: a panel per program, offset against step, a rectangle
/// per buffer coloured by pool.
void writeMemoryPlanSVG(const ModulePlan &plan, llvm::raw_ostream &os);

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_MEMORYPLANREPORT_H

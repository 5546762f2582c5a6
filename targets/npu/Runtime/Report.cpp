//===- Report.cpp - what an NPU artifact costs, as tables -----------------===//
#include "Report.h"

#include "llvm/Support/Path.h"

#include <algorithm>
#include <map>
#include <cstdarg>
#include <cstdio>

using namespace llmc;
using namespace llmc::npu;

namespace {

/// printf into a string (columns of mixed types), of any length.
__attribute__((format(printf, 1, 2))) std::string formatted(const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int length = vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out(std::max(length, 0), '\0');
  vsnprintf(out.data(), out.size() + 1, format, again);
  va_end(again);
  return out;
}

int64_t viewEnd(const npub::View *view) {
  if (!view || !view->address() || view->address()->memory() != npub::Memory::SRAM)
    return 0;
  std::optional<int64_t> end = viewExtent(*view);
  return end ? *end : 0;
}

std::string mib(int64_t bytes) {
  char buffer[32];
  if (bytes >= (int64_t(1) << 20))
    snprintf(buffer, sizeof buffer, "%.2f MiB", double(bytes) / double(1 << 20));
  else if (bytes >= 1024)
    snprintf(buffer, sizeof buffer, "%.1f KiB", double(bytes) / 1024.0);
  else
    snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
  return buffer;
}

/// The bytes of a program's cache inputs: what a run must read of the KV
/// cache at most.
int64_t cacheBytes(const npub::Program &program) {
  int64_t bytes = 0;
  if (program.inputs())
    for (const npub::Tensor *t : *program.inputs())
      if (t->address()->memory() == npub::Memory::Cache) {
        int64_t n = elementBytes(t->type());
        for (int64_t d : *t->shape())
          n *= d;
        bytes += n;
      }
  return bytes;
}

} // namespace

int64_t npu::sramHighWater(const npub::Program &program) {
  int64_t high = 0;
  for (const npub::Command *c : *program.commands()) {
    auto note = [&](const npub::View *v) { high = std::max(high, viewEnd(v)); };
    switch (c->operation_type()) {
    case npub::Operation::Copy:
      note(c->operation_as_Copy()->src());
      note(c->operation_as_Copy()->dst());
      break;
    case npub::Operation::MatMul:
      note(c->operation_as_MatMul()->a());
      note(c->operation_as_MatMul()->b());
      note(c->operation_as_MatMul()->c());
      break;
    case npub::Operation::Vector:
      note(c->operation_as_Vector()->dst());
      note(c->operation_as_Vector()->src0());
      note(c->operation_as_Vector()->src1());
      note(c->operation_as_Vector()->src2());
      break;
    case npub::Operation::Reduce:
      note(c->operation_as_Reduce()->dst());
      note(c->operation_as_Reduce()->src());
      break;
    default:
      break;
    }
  }
  return high;
}

void npu::printSummary(llvm::raw_ostream &os, const Artifact &artifact,
                       const std::map<std::string, RunStats> &programs,
                       const ReportContext &context) {
  const Description &d = artifact.description();
  os << "NPU " << d.name << ": " << d.summary << "\n";
  os << formatted("  clock %.0f MHz; matrix %lldx%lld (%s accumulation, %.2f TOPS); vector "
                     "%lld lanes; SRAM %s; DRAM %.0f GB/s, %.0f ns; %lld DMA engines\n",
                     d.clockMHz, static_cast<long long>(d.matrixRows),
                     static_cast<long long>(d.matrixCols),
                     d.accumulation == Accumulation::F32 ? "f32" : "f16",
                     d.teraOps(),
                     static_cast<long long>(d.vectorLanes), mib(d.sramBytes).c_str(), d.dramGBPerS,
                     d.dramLatencyNs, static_cast<long long>(d.dmaEngines));
  os << "  memories: weights " << mib(artifact.regionBytes(npub::Memory::Weights)) << ", cache "
     << mib(artifact.regionBytes(npub::Memory::Cache)) << ", io "
     << mib(artifact.regionBytes(npub::Memory::IO)) << ", scratch "
     << mib(artifact.regionBytes(npub::Memory::Scratch)) << ", const "
     << mib(artifact.regionBytes(npub::Memory::Const)) << "\n";
  if (context.npuOps >= 0) {
    int64_t all = context.npuOps + context.hostOps;
    os << formatted("  op split: %lld llm ops on the NPU, %lld on the host (%.1f %% NPU)\n",
                       static_cast<long long>(context.npuOps),
                       static_cast<long long>(context.hostOps),
                       all ? 100.0 * double(context.npuOps) / double(all) : 100.0);
  }
  os << "  " << context.kind << " cost per program run"
     << (context.kind == "estimated" ? " (the simulator's timing of a run at position 0, every "
                                       "token real)"
                                     : "")
     << ":\n";
  os << formatted("  %-12s %5s %9s %10s %12s %10s %11s %11s %11s %9s %9s\n", "program",
                     "runs", "commands", "SRAM peak", "cycles", "time us", "DRAM read",
                     "DRAM write", "w+KV bytes", "DRAM/w+KV", "MAC util");
  int64_t weights = artifact.regionBytes(npub::Memory::Weights);
  for (const npub::Program *p : *artifact.root().programs()) {
    auto it = programs.find(p->name()->str());
    if (it == programs.end() || it->second.runs == 0)
      continue;
    // Per run: a decode program runs once per token.
    const RunStats &s = it->second;
    int64_t runs = s.runs;
    int64_t floor = weights + cacheBytes(*p);
    int64_t read = s.dramBytesRead / runs;
    os << formatted("  %-12s %5lld %9lld %10s %12lld %10.1f %11s %11s %11s %8.2fx %8.1f%%\n",
                       p->name()->c_str(), static_cast<long long>(runs),
                       static_cast<long long>(s.commands / runs), mib(sramHighWater(*p)).c_str(),
                       static_cast<long long>(s.cycles / runs), s.seconds(d) * 1e6 / double(runs),
                       mib(read).c_str(), mib(s.dramBytesWritten / runs).c_str(),
                       mib(floor).c_str(), floor ? double(read) / double(floor) : 0.0,
                       100.0 * s.matrixUtilisation(d));
  }
  os << "  (per run; w+KV bytes: the weights and the KV caches a run may read, a floor of its "
        "DRAM reads when they do not fit the SRAM)\n";
}

void npu::writeSummaryJSON(llvm::raw_ostream &os, const Artifact &artifact,
                           const std::map<std::string, RunStats> &programs) {
  const Description &d = artifact.description();
  auto region = [&](npub::Memory m) { return static_cast<long long>(artifact.regionBytes(m)); };
  os << formatted("{\"device\": {\"name\": \"%s\", \"clock_mhz\": %.6g, \"macs_per_cycle\": %lld, "
                  "\"dram_bytes_per_cycle\": %.6g, \"vector_lanes\": %lld, \"sram_bytes\": %lld},\n",
                  d.name.c_str(), d.clockMHz, static_cast<long long>(d.macsPerCycle()),
                  d.dramBytesPerCycle(), static_cast<long long>(d.vectorLanes),
                  static_cast<long long>(d.sramBytes));
  os << formatted(" \"regions\": {\"weights\": %lld, \"cache\": %lld, \"io\": %lld, "
                  "\"scratch\": %lld, \"const\": %lld},\n \"programs\": {",
                  region(npub::Memory::Weights), region(npub::Memory::Cache),
                  region(npub::Memory::IO), region(npub::Memory::Scratch),
                  region(npub::Memory::Const));
  bool first = true;
  for (const npub::Program *p : *artifact.root().programs()) {
    auto it = programs.find(p->name()->str());
    if (it == programs.end())
      continue;
    const RunStats &s = it->second;
    os << formatted("%s\n  \"%s\": {\"tokens\": %lld, \"runs\": %lld, \"commands\": %lld, "
                    "\"cycles\": %lld, \"dram_read\": %lld, \"dram_written\": %lld, "
                    "\"macs\": %lld, \"sram_peak\": %lld, \"cache_bytes\": %lld}",
                    first ? "" : ",", p->name()->c_str(), static_cast<long long>(p->tokens()),
                    static_cast<long long>(s.runs), static_cast<long long>(s.commands),
                    static_cast<long long>(s.cycles), static_cast<long long>(s.dramBytesRead),
                    static_cast<long long>(s.dramBytesWritten), static_cast<long long>(s.macs),
                    static_cast<long long>(sramHighWater(*p)),
                    static_cast<long long>(cacheBytes(*p)));
    first = false;
  }
  os << "\n }}\n";
}

namespace {

/// Costs summed per (program, llm op source), in the order first met.
struct OpRow {
  std::string program, source;
  int64_t commands = 0, first = -1, last = 0, dramBytes = 0, macs = 0, elements = 0;
  std::map<std::string, int64_t> busy;

  int64_t busyOf(const char *unit) const {
    auto it = busy.find(unit);
    return it == busy.end() ? 0 : it->second;
  }
  int64_t busyTotal() const {
    int64_t n = 0;
    for (const auto &[unit, cycles] : busy)
      n += cycles;
    return n;
  }
  /// Its busiest unit kind's cycles: the time the op needs at the least.
  int64_t critical() const {
    int64_t n = 0;
    for (const auto &[unit, cycles] : busy)
      n = std::max(n, cycles);
    return n;
  }
  /// The fewest cycles the device could take for this op's work.
  double bound(const Description &d) const {
    return std::max({double(macs) / double(d.macsPerCycle()),
                     double(dramBytes) / d.dramBytesPerCycle(),
                     double(elements) / double(d.vectorLanes)});
  }
};

std::vector<OpRow> rowsOf(const std::vector<RunStats::CommandCost> &costs) {
  std::vector<OpRow> rows;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const RunStats::CommandCost &c : costs) {
    const npub::Command *command = c.program->commands()->Get(c.index);
    std::string source = command->source() ? command->source()->str() : "";
    auto [it, added] = index.try_emplace({c.program->name()->str(), source}, rows.size());
    if (added) {
      rows.emplace_back();
      rows.back().program = c.program->name()->str();
      rows.back().source = source;
    }
    OpRow &r = rows[it->second];
    ++r.commands;
    r.first = r.first < 0 ? c.start : std::min(r.first, c.start);
    r.last = std::max(r.last, c.end);
    r.dramBytes += c.dramBytes;
    r.macs += c.macs;
    r.elements += command->unit() == npub::Unit::Vector ? c.elements : 0;
    const char *unit = "scalar";
    switch (command->unit()) {
    case npub::Unit::DMA: unit = "dma"; break;
    case npub::Unit::Matrix: unit = "matrix"; break;
    case npub::Unit::Vector: unit = "vector"; break;
    case npub::Unit::Scalar: unit = "scalar"; break;
    }
    r.busy[unit] += c.end - c.start;
  }
  return rows;
}

} // namespace

void npu::writeCommandCSV(llvm::raw_ostream &os, const Artifact &artifact,
                          const std::vector<RunStats::CommandCost> &costs) {
  const Description &d = artifact.description();
  os << "program,source,commands,dma_cycles,matrix_cycles,vector_cycles,scalar_cycles,"
        "first_start,last_end,dram_bytes,macs,matrix_utilisation,vector_elements,bound_cycles\n";
  for (const OpRow &r : rowsOf(costs)) {
    std::string source;
    for (char c : r.source)
      source += c == '"' ? std::string("\"\"") : std::string(1, c);
    int64_t matrix = r.busyOf("matrix");
    os << r.program << ",\"" << source << "\"," << r.commands << "," << r.busyOf("dma") << ","
       << matrix << "," << r.busyOf("vector") << "," << r.busyOf("scalar") << "," << r.first
       << "," << r.last << "," << r.dramBytes << "," << r.macs << ","
       << formatted("%.4f", matrix ? double(r.macs) / (double(matrix) * double(d.macsPerCycle()))
                                  : 0.0)
       << "," << r.elements << "," << formatted("%.0f", r.bound(d)) << "\n";
  }
}

void npu::printOpTable(llvm::raw_ostream &os, const Artifact &artifact,
                       const std::vector<RunStats::CommandCost> &costs, size_t top) {
  const Description &d = artifact.description();
  std::vector<OpRow> rows = rowsOf(costs);
  std::stable_sort(rows.begin(), rows.end(), [](const OpRow &a, const OpRow &b) {
    return a.busyTotal() > b.busyTotal();
  });
  int64_t all = 0;
  for (const OpRow &r : rows)
    all += r.busyTotal();
  os << "  llm ops by busy cycles (all runs; bound: the op's MACs, DRAM bytes or vector elements "
        "at the device's rate; x: its busiest unit's cycles over the bound):\n";
  os << formatted("  %-11s %-44s %6s %7s %11s %11s %11s %11s %10s %6s\n", "program", "op",
                  "share", "cmds", "dma", "matrix", "vector", "DRAM", "bound", "x");
  for (size_t i = 0; i < rows.size() && i < top; ++i) {
    const OpRow &r = rows[i];
    // "llm.linear model.mlir:76": the op and its file's name.
    llvm::StringRef full(r.source);
    auto [op, place] = full.split(' ');
    std::string source = (op + " " + llvm::sys::path::filename(place)).str();
    if (source.size() > 44)
      source = source.substr(0, 41) + "...";
    double bound = r.bound(d);
    os << formatted("  %-11s %-44s %5.1f%% %7lld %11lld %11lld %11lld %11lld %10.0f %6.2f\n",
                    r.program.c_str(), source.c_str(),
                    all ? 100.0 * double(r.busyTotal()) / double(all) : 0.0,
                    static_cast<long long>(r.commands), static_cast<long long>(r.busyOf("dma")),
                    static_cast<long long>(r.busyOf("matrix")),
                    static_cast<long long>(r.busyOf("vector")),
                    static_cast<long long>(r.dramBytes), bound,
                    bound > 0 ? double(r.critical()) / bound : 0.0);
  }
}

void npu::writeTrace(llvm::raw_ostream &os, const Artifact &artifact,
                     const std::vector<RunStats::CommandCost> &costs) {
  const Description &d = artifact.description();
  auto escaped = [](llvm::StringRef text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\')
        out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20)
        out += c;
    }
    return out;
  };
  double perMicrosecond = d.clockMHz;
  os << "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  os << formatted("{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, "
                  "\"args\": {\"name\": \"NPU %s\"}}",
                  escaped(d.name).c_str());
  // Tracks: the device's units (Artifact.h's numbering).
  for (int unit = 0; unit < unitCount(d); ++unit) {
    std::string name = unitName(unit, d);
    os << formatted(",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %lld, "
                    "\"args\": {\"name\": \"%s\"}}",
                    static_cast<long long>(unit), name.c_str());
  }
  for (const RunStats::CommandCost &c : costs) {
    const npub::Command *command = c.program->commands()->Get(c.index);
    std::string source = command->source() ? command->source()->str() : "";
    std::string name = source.substr(0, source.find(' '));
    if (name.empty())
      name = "command";
    os << formatted(",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                    "\"tid\": %lld, \"ts\": %.4f, \"dur\": %.4f, \"args\": {\"command\": %u, "
                    "\"source\": \"%s\", \"dram_bytes\": %lld, \"macs\": %lld}}",
                    escaped(name).c_str(), escaped(c.program->name()->str()).c_str(),
                    static_cast<long long>(unitIndex(command->unit(), command->engine(), d)),
                    double(c.runStart + c.start) / perMicrosecond,
                    double(c.end - c.start) / perMicrosecond, c.index, escaped(source).c_str(),
                    static_cast<long long>(c.dramBytes), static_cast<long long>(c.macs));
  }
  os << "\n]}\n";
}

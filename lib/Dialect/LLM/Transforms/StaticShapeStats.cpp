//===- StaticShapeStats.cpp - what static programs cost a prompt ----------===//
#include "StaticShapeStats.h"

#include "llmc/Runtime/PrefillSchedule.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <string>

using namespace mlir;
using namespace llmc::llm;
using llmc::runtime::PrefillCall;
using llmc::runtime::schedulePrefill;

namespace {

/// One scheme: the programs it may call, and its totals.
struct Scheme {
  std::string name;
  SmallVector<int64_t> programs;
  std::optional<int64_t> chunk;
  double executed = 0;
  int64_t calls = 0;
};

std::string cell(double flops, double unit, int64_t calls) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.3f", flops / unit) << " (" << calls << (calls == 1 ? " call)" : " calls)");
  return text;
}

} // namespace

LogicalResult llmc::llm::printStaticShapeStats(raw_ostream &os, const StaticShapeConfig &config,
                                               ArrayRef<int64_t> promptLengths,
                                               ProgramFlops programFlops, NeededFlops neededFlops) {
  int64_t room = config.maxSeqLen - config.prefixLength;
  SmallVector<Scheme> schemes;
  schemes.push_back({"pad to max", {room}, std::nullopt});
  if (!config.buckets.empty())
    schemes.push_back({"buckets", SmallVector<int64_t>(config.buckets), std::nullopt});
  if (config.chunk)
    schemes.push_back({"chunks", {*config.chunk}, config.chunk});
  if (!config.buckets.empty() && config.chunk) {
    SmallVector<int64_t> all(config.buckets);
    all.push_back(*config.chunk);
    schemes.push_back({"buckets + chunk", all, config.chunk});
  }

  // The rows first (in FLOPs), then one unit for the table.
  struct Row {
    int64_t length;
    double needed;
    SmallVector<std::pair<double, int64_t>> perScheme;
  };
  SmallVector<Row> rows;
  double neededTotal = 0;
  for (int64_t length : promptLengths) {
    assert(length > 0 && length <= room && "the caller checks the lengths");
    std::optional<double> needed = neededFlops(length);
    if (!needed)
      return failure();
    Row row{length, *needed, {}};
    neededTotal += *needed;
    for (Scheme &scheme : schemes) {
      double executed = 0;
      SmallVector<PrefillCall> calls = schedulePrefill(length, scheme.programs, scheme.chunk);
      for (const PrefillCall &call : calls) {
        std::optional<double> flops = programFlops(call.programTokens);
        if (!flops)
          return failure();
        executed += *flops;
      }
      scheme.executed += executed;
      scheme.calls += int64_t(calls.size());
      row.perScheme.push_back({executed, int64_t(calls.size())});
    }
    rows.push_back(std::move(row));
  }
  // The largest unit that keeps 4 significant digits left of the point in
  // the largest figure, a total.
  double largest = neededTotal;
  for (const Scheme &scheme : schemes)
    largest = std::max(largest, scheme.executed);
  static constexpr const char *unitNames[] = {"FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP"};
  double unit = 1;
  unsigned unitIndex = 0;
  while (largest / unit >= 1e6 && unitIndex + 1 < std::size(unitNames)) {
    unit *= 1000;
    ++unitIndex;
  }
  StringRef unitName = unitNames[unitIndex];

  os << "llm-static-shapes stats: prefill " << unitName << " per prompt (calls), max-seq-len "
     << config.maxSeqLen << ", buckets ["
     << llvm::join(llvm::map_range(config.buckets, [](int64_t n) { return std::to_string(n); }),
                   ",")
     << "], chunk " << (config.chunk ? std::to_string(*config.chunk) : "-")
     << ", baked prefix " << config.prefixLength << " tokens\n";
  auto columns = [&](StringRef first, StringRef second, ArrayRef<std::string> rest) {
    os << llvm::left_justify(first, 8) << " " << llvm::left_justify(second, 20);
    for (const std::string &text : rest)
      os << " " << llvm::left_justify(text, 22);
    os << "\n";
  };
  SmallVector<std::string> header, totals, ratios;
  for (const Scheme &scheme : schemes) {
    header.push_back(scheme.name);
    totals.push_back(cell(scheme.executed, unit, scheme.calls));
    ratios.push_back(std::to_string(int(100.0 * neededTotal / scheme.executed + 0.5)) + "%");
  }
  columns("prompt", "needed", header);
  for (const Row &row : rows) {
    SmallVector<std::string> cells;
    for (auto [flops, calls] : row.perScheme)
      cells.push_back(cell(flops, unit, calls));
    columns(std::to_string(row.length), cell(row.needed, unit, 1), cells);
  }
  columns("total", cell(neededTotal, unit, int64_t(rows.size())), totals);
  columns("needed %", "", ratios);
  std::optional<double> decode = programFlops(1);
  if (!decode)
    return failure();
  os << "decode: " << llvm::format("%.3f", *decode / unit) << " " << unitName
     << " per generated token (attends over all " << config.maxSeqLen << " slots)\n";
  return success();
}

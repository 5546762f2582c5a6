//===- MemoryPlanReport.cpp - a memory plan for people and tools ----------===//
#include "MemoryPlanReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace llmc::llm;

/// `text` with XML's special characters escaped.
static std::string escapeXML(llvm::StringRef text) {
  std::string out;
  for (char c : text)
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  return out;
}

void llmc::llm::printMemoryPlan(const ModulePlan &plan, llvm::raw_ostream &os) {
  os << "llm-plan-memory: pools (bytes):";
  int64_t total = 0;
  for (auto &[pool, size] : plan.poolSizes) {
    os << " " << pool << " " << size;
    total += size;
  }
  os << " (total " << total << "); alignment " << plan.alignment
     << "; the programs share one scratch arena (the largest program's); naive sum: every "
        "buffer its own bytes, no reuse\n";
  os << "  program        pool          peak  lower bound peak/bound    naive sum  buffers   orders   "
        "time ms\n";
  for (const ProgramPlan &p : plan.programs) {
    for (auto &[pool, f] : p.pools)
      os << llvm::format("  %-14s %-5s %12lld %12lld %10.3f %12lld %8lld %8lld %9.2f\n",
                         p.name.c_str(), pool.c_str(), (long long)f.peak,
                         (long long)f.lowerBound,
                         f.lowerBound ? double(f.peak) / double(f.lowerBound) : 1.0,
                         (long long)f.naive, (long long)f.buffers, (long long)f.ordersTried,
                         p.seconds * 1e3);
    if (p.spilledBytes)
      os << "  " << p.name << ": " << p.spilledBytes << " bytes of scratch did not fit sram\n";
  }
  for (const ProgramPlan &p : plan.programs) {
    std::vector<const PlannedBuffer *> largest;
    for (const PlannedBuffer &b : p.buffers)
      if (b.pool != "cache" && b.pool != "io")
        largest.push_back(&b);
    std::sort(largest.begin(), largest.end(), [](const PlannedBuffer *a, const PlannedBuffer *b) {
      return std::make_pair(-a->size, a->first) < std::make_pair(-b->size, b->first);
    });
    if (largest.empty())
      continue;
    os << "  largest buffers of " << p.name << ":";
    for (size_t i = 0; i < std::min<size_t>(3, largest.size()); ++i)
      os << (i ? ";" : "") << " " << largest[i]->size << " B " << largest[i]->value << " in "
         << largest[i]->pool << ", steps " << largest[i]->first << ".." << largest[i]->last;
    os << "\n";
  }
}

void llmc::llm::writeMemoryPlanJSON(const ModulePlan &plan, llvm::raw_ostream &os) {
  llvm::json::OStream json(os, 1);
  json.object([&] {
    json.attribute("alignment", plan.alignment);
    json.attributeObject("pools", [&] {
      for (auto &[pool, size] : plan.poolSizes)
        json.attribute(pool, size);
    });
    json.attributeArray("programs", [&] {
      for (const ProgramPlan &p : plan.programs)
        json.object([&] {
          json.attribute("name", p.name);
          json.attribute("steps", p.steps);
          json.attribute("io_bytes", p.ioBytes);
          json.attribute("spilled_bytes", p.spilledBytes);
          json.attribute("planning_seconds", p.seconds);
          json.attributeObject("scratch", [&] {
            for (auto &entry : p.pools)
              json.attributeObject(entry.first, [&, &f = entry.second] {
                json.attribute("peak", f.peak);
                json.attribute("lower_bound", f.lowerBound);
                json.attribute("naive", f.naive);
                json.attribute("buffers", f.buffers);
                json.attribute("orders_tried", f.ordersTried);
              });
          });
          json.attributeArray("buffers", [&] {
            for (const PlannedBuffer &b : p.buffers)
              json.object([&] {
                json.attribute("value", b.value);
                json.attribute("pool", b.pool);
                json.attribute("offset", b.offset);
                json.attribute("size", b.size);
                json.attribute("first", b.first);
                json.attribute("last", b.last);
              });
          });
        });
    });
  });
  os << "\n";
}

void llmc::llm::writeMemoryPlanSVG(const ModulePlan &plan, llvm::raw_ostream &os) {
  // A panel per program and scratch pool: steps to the right, offsets down.
  const double width = 900, panel = 220, margin = 40;
  std::vector<std::pair<const ProgramPlan *, std::string>> panels;
  for (const ProgramPlan &p : plan.programs)
    for (auto &[pool, f] : p.pools)
      panels.push_back({&p, pool});
  double height = margin + panels.size() * (panel + margin);
  os << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                     "font-family=\"sans-serif\" font-size=\"12\">\n",
                     width + 2 * margin, height);
  double top = margin;
  for (auto &entry : panels) {
    const ProgramPlan *p = entry.first;
    const std::string &pool = entry.second;
    const PoolFigures &f = p->pools.at(pool);
    double sx = width / double(std::max<int64_t>(1, p->steps + 1));
    double sy = panel / double(std::max<int64_t>(1, f.peak));
    os << llvm::format("<text x=\"%.0f\" y=\"%.0f\">", margin, top - 8) << escapeXML(p->name) << " " << pool
       << ": peak " << f.peak << " B, lower bound " << f.lowerBound << " B, naive " << f.naive
       << " B (offset down, step right)</text>\n";
    os << llvm::format("<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                       "stroke=\"#999\"/>\n",
                       margin, top, width, panel);
    for (const PlannedBuffer &b : p->buffers) {
      if (b.pool != pool)
        continue;
      os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"%s\" fill-opacity=\"0.7\" stroke=\"#333\" stroke-width=\"0.3\">",
                         margin + b.first * sx, top + b.offset * sy,
                         std::max(1.0, (b.last - b.first + 1) * sx), std::max(0.5, b.size * sy),
                         pool == "sram" ? static_cast<const char *>("#e8a33d") : "#4a7fb5");
      os << "<title>" << escapeXML(b.value) << ": " << b.size << " B at " << b.offset << ", steps " << b.first
         << ".." << b.last << "</title></rect>\n";
    }
    top += panel + margin;
  }
  os << "</svg>\n";
}

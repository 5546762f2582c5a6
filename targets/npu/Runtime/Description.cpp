//===- Description.cpp - a reference NPU, as its description file says ---===//
#include "Description.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace llmc;
using namespace llmc::npu;

namespace {

/// The bundled descriptions, built in from targets/npu/configs/*.json.
struct Bundled {
  const char *name;
  const char *json;
};
#include "BundledDescriptions.inc"

llvm::Error failure(llvm::StringRef source, const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 source + ": " + what);
}

/// Reads the fields of one JSON object, remembering the first problem.
class Reader {
public:
  Reader(const llvm::json::Object &object, std::string path, std::string &problem)
      : object(object), path(std::move(path)), problem(problem) {}

  const llvm::json::Object *object_(llvm::StringRef key) {
    const llvm::json::Object *o = object.getObject(key);
    if (!o)
      fail(key, "expected an object");
    return o;
  }
  std::string string(llvm::StringRef key, bool required = true) {
    std::optional<llvm::StringRef> s = object.getString(key);
    if (!s && (required || object.get(key)))
      fail(key, "expected a string");
    return s ? s->str() : "";
  }
  /// A number in [min, max].
  double number(llvm::StringRef key, double min, double max) {
    std::optional<double> v = object.getNumber(key);
    if (!v || !std::isfinite(*v) || *v < min || *v > max) {
      fail(key, "expected a number from " + formatNumber(min) + " to " + formatNumber(max));
      return 1;
    }
    return *v;
  }
  /// A positive integer no larger than `max`.
  int64_t count(llvm::StringRef key, int64_t max) {
    std::optional<int64_t> v = object.getInteger(key);
    if (!v || *v <= 0 || *v > max) {
      fail(key, "expected a positive integer no larger than " + std::to_string(max));
      return 1;
    }
    return *v;
  }
  const llvm::json::Array *array(llvm::StringRef key) {
    const llvm::json::Array *a = object.getArray(key);
    if (!a)
      fail(key, "expected an array");
    return a;
  }
  /// Fields the format does not have are errors (a misspelt field would
  /// otherwise be ignored).
  void only(std::initializer_list<llvm::StringRef> keys) {
    for (const auto &entry : object)
      if (!llvm::is_contained(keys, llvm::StringRef(entry.first)))
        fail(entry.first, "is not a field of the description");
  }
  void fail(llvm::StringRef key, const llvm::Twine &why) {
    if (problem.empty())
      problem = (path.empty() ? key.str() : path + "." + key.str()) + ": " + why.str();
  }

private:
  static std::string formatNumber(double v) {
    if (v == std::floor(v))
      return std::to_string(int64_t(v));
    std::string text = std::to_string(v);
    while (text.back() == '0')
      text.pop_back();
    return text;
  }
  const llvm::json::Object &object;
  std::string path;
  std::string &problem;
};

} // namespace

llvm::Expected<Description> npu::parseDescription(llvm::StringRef text,
                                                  llvm::StringRef source) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return failure(source, "not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return failure(source, "expected a JSON object");
  std::string problem;
  Reader top(*root, "", problem);
  top.only({"name", "summary", "clock_mhz", "matrix", "vector", "sram", "dram", "dma"});
  Description d;
  d.name = top.string("name");
  d.summary = top.string("summary", /*required=*/false);
  d.clockMHz = top.number("clock_mhz", 1, 1e5);
  if (const llvm::json::Object *m = top.object_("matrix")) {
    Reader r(*m, "matrix", problem);
    r.only({"rows", "cols", "accumulate"});
    d.matrixRows = r.count("rows", 4096);
    d.matrixCols = r.count("cols", 4096);
    std::string acc = r.string("accumulate");
    if (acc == "f16")
      d.accumulation = Accumulation::F16;
    else if (acc == "f32")
      d.accumulation = Accumulation::F32;
    else if (!acc.empty())
      r.fail("accumulate", "expected \"f16\" or \"f32\", not \"" + acc + "\"");
  }
  if (const llvm::json::Object *v = top.object_("vector")) {
    Reader r(*v, "vector", problem);
    r.only({"lanes", "ops"});
    d.vectorLanes = r.count("lanes", 65536);
    if (const llvm::json::Array *ops = r.array("ops"))
      for (const llvm::json::Value &op : *ops) {
        std::optional<llvm::StringRef> name = op.getAsString();
        if (!name || !llvm::is_contained(kVectorOps, *name)) {
          r.fail("ops", "unknown operation " +
                            (name ? "\"" + name->str() + "\"" : std::string("(not a string)")) +
                            " (see docs/npu.md)");
          break;
        }
        d.vectorOps.insert(name->str());
      }
  }
  if (const llvm::json::Object *s = top.object_("sram")) {
    Reader r(*s, "sram", problem);
    r.only({"bytes", "banks"});
    d.sramBytes = r.count("bytes", int64_t(1) << 40);
    d.sramBanks = r.count("banks", 1024);
  }
  if (const llvm::json::Object *m = top.object_("dram")) {
    Reader r(*m, "dram", problem);
    r.only({"gb_per_s", "latency_ns"});
    d.dramGBPerS = r.number("gb_per_s", 0.001, 1e5);
    d.dramLatencyNs = r.number("latency_ns", 0, 1e7);
  }
  if (const llvm::json::Object *m = top.object_("dma")) {
    Reader r(*m, "dma", problem);
    r.only({"engines"});
    d.dmaEngines = r.count("engines", 64);
  }
  if (problem.empty() && d.name.empty())
    problem = "name: expected a non-empty string";
  if (!problem.empty())
    return failure(source, problem);
  return d;
}

std::string Description::toJSON() const {
  llvm::json::Array ops;
  for (const std::string &op : vectorOps)
    ops.push_back(op);
  llvm::json::Object json{
      {"name", name},
      {"summary", summary},
      {"clock_mhz", clockMHz},
      {"matrix", llvm::json::Object{{"rows", matrixRows},
                                    {"cols", matrixCols},
                                    {"accumulate", accumulation == Accumulation::F32 ? "f32" : "f16"}}},
      {"vector", llvm::json::Object{{"lanes", vectorLanes}, {"ops", std::move(ops)}}},
      {"sram", llvm::json::Object{{"bytes", sramBytes}, {"banks", sramBanks}}},
      {"dram", llvm::json::Object{{"gb_per_s", dramGBPerS}, {"latency_ns", dramLatencyNs}}},
      {"dma", llvm::json::Object{{"engines", dmaEngines}}},
  };
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(json));
  return text;
}

llvm::Expected<Description> npu::loadDescription(llvm::StringRef nameOrPath) {
  for (const Bundled &b : kBundled)
    if (nameOrPath == b.name)
      return parseDescription(b.json, std::string("bundled NPU description '") + b.name + "'");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(nameOrPath, /*IsText=*/true);
  if (!file) {
    std::string names;
    for (const Bundled &b : kBundled)
      names += (names.empty() ? "" : ", ") + std::string(b.name);
    return failure(nameOrPath, "not a bundled NPU description (" + names +
                                   ") and cannot be read: " + file.getError().message());
  }
  // A description is a few hundred bytes: a large file is not one.
  if ((*file)->getBufferSize() > (1 << 20))
    return failure(nameOrPath, "larger than 1 MiB: not an NPU description");
  return parseDescription((*file)->getBuffer(), nameOrPath);
}

std::vector<std::string> npu::bundledDescriptionNames() {
  std::vector<std::string> names;
  for (const Bundled &b : kBundled)
    names.push_back(b.name);
  return names;
}

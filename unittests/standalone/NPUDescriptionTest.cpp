//===- NPUDescriptionTest.cpp - the reference NPU's description files ----===//
#include "targets/npu/Runtime/Description.h"

#include <gtest/gtest.h>

using namespace llmc::npu;

namespace {

std::string errorOf(llvm::StringRef json) {
  llvm::Expected<Description> d = parseDescription(json, "test.json");
  if (d)
    return "";
  return llvm::toString(d.takeError());
}

const char *kValid = R"({"name": "t", "clock_mhz": 500, "matrix": {"rows": 8, "cols": 16,
  "accumulate": "f32"}, "vector": {"lanes": 32, "ops": ["add", "exp"]}, "sram": {"bytes": 65536,
  "banks": 4}, "dram": {"gb_per_s": 8, "latency_ns": 100}, "dma": {"engines": 1}})";

TEST(NPUDescription, BundledOnesLoadByName) {
  std::vector<std::string> names = bundledDescriptionNames();
  ASSERT_EQ(names, (std::vector<std::string>{"phone", "tv"}));
  for (const std::string &name : names) {
    llvm::Expected<Description> d = loadDescription(name);
    ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
    EXPECT_EQ(d->name, name);
    EXPECT_EQ(d->vectorOps.size(), std::size(kVectorOps));
  }
  // The phone class the issue names: about 1 MiB of SRAM, 16 GB/s, 2 TOPS.
  Description phone = *loadDescription("phone");
  EXPECT_EQ(phone.sramBytes, 1 << 20);
  EXPECT_NEAR(phone.teraOps(), 2.0, 0.1);
  EXPECT_DOUBLE_EQ(phone.dramBytesPerCycle(), 16.0);
  EXPECT_EQ(phone.accumulation, Accumulation::F16);
  EXPECT_EQ(loadDescription("tv")->accumulation, Accumulation::F32);
}

TEST(NPUDescription, ParsesAndRoundTrips) {
  llvm::Expected<Description> d = parseDescription(kValid, "test.json");
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->macsPerCycle(), 128);
  EXPECT_EQ(d->dramLatencyCycles(), 50);
  EXPECT_TRUE(d->hasVectorOp("exp"));
  EXPECT_FALSE(d->hasVectorOp("rsqrt"));
  llvm::Expected<Description> again = parseDescription(d->toJSON(), "round trip");
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_EQ(again->toJSON(), d->toJSON());
}

TEST(NPUDescription, ErrorsNameTheField) {
  EXPECT_EQ(errorOf("{"), "test.json: not JSON: [1:1, byte=1]: Expected object key");
  EXPECT_EQ(errorOf("[]"), "test.json: expected a JSON object");
  std::string text = kValid;
  auto with = [&](llvm::StringRef from, llvm::StringRef to) {
    std::string t = text;
    size_t at = t.find(from.str());
    EXPECT_NE(at, std::string::npos) << from.str();
    return t.replace(at, from.size(), to.str());
  };
  EXPECT_EQ(errorOf(with("\"rows\": 8", "\"rows\": 0")),
            "test.json: matrix.rows: expected a positive integer no larger than 4096");
  EXPECT_EQ(errorOf(with("\"f32\"", "\"f64\"")),
            "test.json: matrix.accumulate: expected \"f16\" or \"f32\", not \"f64\"");
  EXPECT_EQ(errorOf(with("\"exp\"", "\"tanh\"")),
            "test.json: vector.ops: unknown operation \"tanh\" (see docs/npu.md)");
  EXPECT_EQ(errorOf(with("\"gb_per_s\": 8", "\"gb_per_s\": -8")),
            "test.json: dram.gb_per_s: expected a number from 0.001 to 100000");
  EXPECT_EQ(errorOf(with("\"banks\": 4", "\"bank\": 4")),
            "test.json: sram.bank: is not a field of the description");
  EXPECT_EQ(errorOf(with("\"dma\": {\"engines\": 1}", "\"dma\": 1")),
            "test.json: dma: expected an object");
  EXPECT_EQ(errorOf(with("\"name\": \"t\"", "\"name\": \"\"")),
            "test.json: name: expected a non-empty string");
  llvm::Expected<Description> missing = loadDescription("/nonexistent/npu.json");
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "/nonexistent/npu.json: not a bundled NPU description (phone, tv) and cannot be "
            "read: No such file or directory");
}

} // namespace

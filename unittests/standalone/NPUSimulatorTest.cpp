//===- NPUSimulatorTest.cpp - the NPU artifact and its simulator ---------===//
//
// Hand-built artifacts (the lowering comes later): loading rejects what is
// malformed with a clear message, and the simulator computes what
// docs/npu.md says, checks the waits, and times the commands.
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Runtime/Artifact.h"
#include "targets/npu/Runtime/Simulator.h"

#include "llmc/Support/DType.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace llmc;
using namespace llmc::npu;
namespace fb = flatbuffers;

namespace {

/// Builds one artifact of one program command by command.
class Builder {
public:
  explicit Builder(std::string config = "phone") : config(std::move(config)) {}

  fb::Offset<npub::View> view(npub::Memory memory, int64_t offset, std::vector<int64_t> shape,
                              npub::ElementType type = npub::ElementType::F16, int reg = -1,
                              int64_t scale = 0) {
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t d = shape.size(); d-- > 1;)
      strides[d - 1] = strides[d] * shape[d];
    auto address = npub::CreateAddress(b, memory, offset, reg, scale);
    return npub::CreateView(b, address, type, b.CreateVector(shape), b.CreateVector(strides));
  }
  void command(npub::Unit unit, npub::Operation type, fb::Offset<void> op,
               std::vector<uint32_t> waits = {}, uint8_t engine = 0) {
    commands.push_back(npub::CreateCommand(b, unit, engine, type, op, b.CreateVector(waits)));
  }
  void copy(fb::Offset<npub::View> src, fb::Offset<npub::View> dst, std::vector<uint32_t> waits = {},
            uint8_t engine = 0) {
    command(npub::Unit::DMA, npub::Operation::Copy, npub::CreateCopy(b, src, dst).Union(), waits,
            engine);
  }
  void vector(npub::VectorOp op, fb::Offset<npub::View> dst, fb::Offset<npub::View> x,
              fb::Offset<npub::View> y, std::vector<uint32_t> waits = {}) {
    command(npub::Unit::Vector, npub::Operation::Vector,
            npub::CreateVector(b, op, npub::Comparison::EQ, dst, x, y).Union(), waits);
  }
  void region(npub::Memory memory, int64_t bytes) {
    regions.push_back(npub::CreateRegion(b, memory, bytes));
  }
  std::vector<uint8_t> finish(uint64_t hash = schemaHash(), int64_t weights = 0) {
    auto program = npub::CreateProgram(b, b.CreateString("p"), b.CreateString("decode"), 1, 0, 0,
                                       b.CreateVector(commands));
    npub::Version version(kFormatMajor, kFormatMinor, 0);
    auto root = npub::CreateArtifact(
        b, &version, hash, b.CreateString(loadDescription(config)->toJSON()), 8,
        b.CreateVector(regions), b.CreateVector(std::vector<fb::Offset<npub::Program>>{program}),
        0, 0, 0, 0, weights);
    finishArtifact(b, root);
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  }

  fb::FlatBufferBuilder b;
  std::string config;
  std::vector<fb::Offset<npub::Command>> commands;
  std::vector<fb::Offset<npub::Region>> regions;
};

std::string loadError(std::vector<uint8_t> bytes) {
  llvm::Expected<Artifact> a = Artifact::fromBytes(std::move(bytes), "a.npub");
  return a ? "" : llvm::toString(a.takeError());
}

void putHalves(llvm::MutableArrayRef<uint8_t> memory, int64_t offset, std::vector<float> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    uint16_t bits = floatToHalfBits(values[i]);
    std::memcpy(&memory[offset + 2 * i], &bits, 2);
  }
}
std::vector<float> getHalves(llvm::ArrayRef<uint8_t> memory, int64_t offset, int n) {
  std::vector<float> values;
  for (int i = 0; i < n; ++i) {
    uint16_t bits;
    std::memcpy(&bits, &memory[offset + 2 * i], 2);
    values.push_back(halfBitsToFloat(bits));
  }
  return values;
}

/// io[0..8) + io[8..16) -> io[16..24), through SRAM.
Builder addProgram(bool waitForLoads = true) {
  Builder p;
  p.region(npub::Memory::IO, 24);
  p.region(npub::Memory::SRAM, 24);
  auto io = [&](int64_t at) { return p.view(npub::Memory::IO, at, {4}); };
  auto sram = [&](int64_t at) { return p.view(npub::Memory::SRAM, at, {4}); };
  p.copy(io(0), sram(0));
  p.copy(io(8), sram(8), {}, /*engine=*/1);
  p.vector(npub::VectorOp::Add, sram(16), sram(0), sram(8),
           waitForLoads ? std::vector<uint32_t>{0, 1} : std::vector<uint32_t>{0});
  p.copy(sram(16), io(16), {2});
  return p;
}

TEST(NPUArtifact, RejectsWhatIsNotOne) {
  EXPECT_EQ(loadError({1, 2, 3}), "a.npub: not an NPU artifact (no NPUB identifier)");
  // (A size prefix and a root offset, no identifier: once read past the end.)
  EXPECT_EQ(loadError({8, 0, 0, 0, 4, 0, 0, 0}), "a.npub: not an NPU artifact (no NPUB identifier)");
  std::vector<uint8_t> good = addProgram().finish();
  EXPECT_EQ(loadError(good), "");
  // Truncated: every cut is caught by the identifier or the verifier.
  for (size_t cut : {good.size() / 2, good.size() - 1}) {
    std::string e = loadError(std::vector<uint8_t>(good.begin(), good.begin() + cut));
    EXPECT_NE(e.find("a.npub: "), std::string::npos) << cut;
    EXPECT_NE(e, "") << cut;
  }
  // Random byte flips never crash: each load is an error or a valid artifact.
  for (size_t at = 8; at < good.size(); at += 7) {
    std::vector<uint8_t> bad = good;
    bad[at] ^= 0x5a;
    (void)loadError(bad);
  }
  EXPECT_EQ(loadError(addProgram().finish(/*hash=*/42)),
            "a.npub: written with another schema (hash mismatch): recompile it");
}

TEST(NPUArtifact, ChecksCommandsAgainstRegionsAndUnits) {
  Builder outside;
  outside.region(npub::Memory::IO, 8);
  outside.region(npub::Memory::SRAM, 8);
  outside.copy(outside.view(npub::Memory::IO, 0, {4}), outside.view(npub::Memory::SRAM, 4, {4}));
  EXPECT_EQ(loadError(outside.finish()),
            "a.npub: program p command #0 dst: view reaches byte 12 of memory SRAM, which has 8");
  Builder engine;
  engine.region(npub::Memory::IO, 8);
  engine.copy(engine.view(npub::Memory::IO, 0, {4}), engine.view(npub::Memory::IO, 0, {4}), {}, 5);
  EXPECT_EQ(loadError(engine.finish()),
            "a.npub: program p command #0: DMA engine 5 does not exist (the phone NPU has 2)");
  Builder later;
  later.region(npub::Memory::IO, 8);
  later.copy(later.view(npub::Memory::IO, 0, {4}), later.view(npub::Memory::IO, 0, {4}), {0});
  EXPECT_EQ(loadError(later.finish()),
            "a.npub: program p command #0: waits for command 0, which does not come before it");
  Builder noRegion;
  noRegion.region(npub::Memory::IO, 8);
  noRegion.copy(noRegion.view(npub::Memory::IO, 0, {4}), noRegion.view(npub::Memory::SRAM, 0, {4}));
  EXPECT_EQ(loadError(noRegion.finish()),
            "a.npub: program p command #0 dst: memory SRAM has no region in the artifact");
  Builder tooMuchSRAM;
  tooMuchSRAM.region(npub::Memory::SRAM, 2 << 20);
  EXPECT_EQ(loadError(tooMuchSRAM.finish()),
            "a.npub: uses 2097152 bytes of SRAM; the phone NPU has 1048576");
}

TEST(NPUSimulator, AddsInFP16AndTimesTheCommands) {
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(addProgram().finish(), "add");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine)) << llvm::toString(machine.takeError());
  llvm::MutableArrayRef<uint8_t> io = machine->memory(npub::Memory::IO);
  // 2048 + 1 is not an f16 (spacing 2 there): ties to even, 2048. 65504 +
  // 32 rounds to infinity.
  putHalves(io, 0, {1.5f, 2048.0f, 65504.0f, -0.0f});
  putHalves(io, 8, {0.25f, 1.0f, 32.0f, 0.0f});
  RunStats stats;
  ASSERT_FALSE(bool(machine->run("p", &stats)));
  std::vector<float> sum = getHalves(io, 16, 4);
  EXPECT_EQ(sum[0], 1.75f);
  EXPECT_EQ(sum[1], 2048.0f);
  EXPECT_TRUE(std::isinf(sum[2]));
  EXPECT_EQ(sum[3], 0.0f);
  EXPECT_EQ(stats.infinities, 1);
  EXPECT_EQ(stats.nans, 0);
  EXPECT_EQ(stats.dramBytes["IO"], 24);
  EXPECT_EQ(stats.dramBytesRead, 16);
  EXPECT_EQ(stats.dramBytesWritten, 8);
  // Two 8-byte loads on two engines: latencies overlap (150 cycles), data
  // phases share 16 B/cycle (1 cycle each); the add (4 elements, one
  // cycle + 4) waits for both; the store waits for the add.
  const Description &d = artifact->description();
  int64_t loads = d.dramLatencyCycles() + 2;
  int64_t add = loads + 1 + 4;
  EXPECT_EQ(stats.cycles, add + d.dramLatencyCycles() + 1);
  EXPECT_EQ(stats.busy["vector"], 5);
  EXPECT_GT(stats.stallCycles, 0);
}

TEST(NPUSimulator, RejectsAMissingWait) {
  llvm::Expected<Artifact> artifact =
      Artifact::fromBytes(addProgram(/*waitForLoads=*/false).finish(), "add");
  ASSERT_TRUE(bool(artifact));
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine));
  llvm::Error e = machine->run("p");
  EXPECT_EQ(llvm::toString(std::move(e)),
            "program p command #2 touches bytes [8, 16) of memory SRAM that command #1 on dma1 "
            "writes without waiting for it");
}

TEST(NPUSimulator, MatMulAccumulatesAsTheDeviceSays) {
  // [1, 3] x [3, 1]: 2048 + 1 + 1. In f16 each partial sum rounds (2048 +
  // 1 -> 2048, twice); in f32 the sum is exact, 2050.
  for (const char *config : {"phone", "tv"}) {
    Builder p(config);
    bool f32 = std::string(config) == "tv";
    npub::ElementType acc = f32 ? npub::ElementType::F32 : npub::ElementType::F16;
    p.region(npub::Memory::SRAM, 64);
    auto a = p.view(npub::Memory::SRAM, 0, {1, 3});
    auto b = p.view(npub::Memory::SRAM, 8, {3, 1});
    auto c = p.view(npub::Memory::SRAM, 16, {1, 1}, acc);
    p.command(npub::Unit::Matrix, npub::Operation::MatMul,
              npub::CreateMatMul(p.b, a, b, c, false, false).Union());
    llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(), config);
    ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
    llvm::Expected<Machine> machine = Machine::create(*artifact, {});
    ASSERT_TRUE(bool(machine));
    llvm::MutableArrayRef<uint8_t> sram = machine->memory(npub::Memory::SRAM);
    putHalves(sram, 0, {2048, 1, 1});
    putHalves(sram, 8, {1, 1, 1});
    RunStats stats;
    ASSERT_FALSE(bool(machine->run("p", &stats)));
    float result;
    if (f32)
      std::memcpy(&result, &sram[16], 4);
    else
      result = getHalves(sram, 16, 1)[0];
    EXPECT_EQ(result, f32 ? 2050.0f : 2048.0f) << config;
    EXPECT_EQ(stats.macs, 3);
    const Description &d = artifact->description();
    EXPECT_EQ(stats.cycles, 3 + d.matrixRows + d.matrixCols);
  }
}

TEST(NPUSimulator, AddressesFollowScalarRegisters) {
  // s0 = the position (an i64 in io); the embedding row at s0 * 8 bytes is
  // copied to io[8..16).
  Builder p;
  p.region(npub::Memory::IO, 16);
  p.region(npub::Memory::Weights, 32);
  auto load = npub::CreateScalar(p.b, npub::ScalarOp::Load, 0, -1, -1, 0,
                                 npub::CreateAddress(p.b, npub::Memory::IO, 0, -1, 0));
  p.command(npub::Unit::Scalar, npub::Operation::Scalar, load.Union());
  p.copy(p.view(npub::Memory::Weights, 0, {4}, npub::ElementType::F16, /*reg=*/0, /*scale=*/8),
         p.view(npub::Memory::IO, 8, {4}), {0});
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(schemaHash(), 32), "lookup");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  std::vector<uint8_t> weights(32);
  putHalves(weights, 0, {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33});
  llvm::Expected<Machine> machine = Machine::create(*artifact, weights);
  ASSERT_TRUE(bool(machine));
  llvm::MutableArrayRef<uint8_t> io = machine->memory(npub::Memory::IO);
  int64_t position = 2;
  std::memcpy(io.data(), &position, 8);
  ASSERT_FALSE(bool(machine->run("p")));
  EXPECT_EQ(getHalves(io, 8, 4), (std::vector<float>{20, 21, 22, 23}));
  // Past the table: a clear error, no read outside.
  position = 4;
  std::memcpy(io.data(), &position, 8);
  EXPECT_EQ(llvm::toString(machine->run("p")),
            "program p command #1: src [32, 40) lies outside memory Weights (32 bytes) with s0 = 4");
}

TEST(NPUArtifact, ChecksEachCommandsRulesOnLoad) {
  auto oneCommand = [](auto make) {
    Builder p;
    p.region(npub::Memory::IO, 64);
    p.region(npub::Memory::SRAM, 64);
    p.region(npub::Memory::Weights, 64);
    make(p);
    return loadError(p.finish(schemaHash(), 64));
  };
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.copy(p.view(npub::Memory::IO, 0, {4}), p.view(npub::Memory::Weights, 0, {4}));
            }),
            "a.npub: program p command #0 dst: memory Weights is read-only");
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.copy(p.view(npub::Memory::IO, 0, {4}),
                     p.view(npub::Memory::SRAM, 0, {4}, npub::ElementType::F32));
            }),
            "a.npub: program p command #0: a copy moves elements of one type between views of as "
            "many");
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.vector(npub::VectorOp::Add, p.view(npub::Memory::IO, 0, {4}),
                       p.view(npub::Memory::SRAM, 0, {4}), p.view(npub::Memory::SRAM, 8, {4}));
            }),
            "a.npub: program p command #0: the matrix and vector units read and write SRAM only");
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.vector(npub::VectorOp::Add, p.view(npub::Memory::SRAM, 0, {4}),
                       p.view(npub::Memory::SRAM, 0, {4}),
                       p.view(npub::Memory::SRAM, 8, {4}, npub::ElementType::I64));
            }),
            "a.npub: program p command #0: element types do not fit vector add");
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.vector(npub::VectorOp::Add, p.view(npub::Memory::SRAM, 0, {2, 4}),
                       p.view(npub::Memory::SRAM, 0, {2, 4}), p.view(npub::Memory::SRAM, 16, {3, 4}));
            }),
            "a.npub: program p command #0: operands must have the destination's shape, or 1 in a "
            "dimension");
  EXPECT_EQ(oneCommand([](Builder &p) {
              // An operation whose table is missing (the verifier allows it).
              p.commands.push_back(npub::CreateCommand(p.b, npub::Unit::DMA, 0,
                                                       npub::Operation::Copy, 0));
            }),
            "a.npub: program p command #0: no operation");
  EXPECT_EQ(oneCommand([](Builder &p) {
              // 2^40 elements in 2 bytes: a stride of 0 repeats them.
              auto address = npub::CreateAddress(p.b, npub::Memory::SRAM, 0, -1, 0);
              auto huge = npub::CreateView(p.b, address, npub::ElementType::F16,
                                           p.b.CreateVector(std::vector<int64_t>{int64_t(1) << 40}),
                                           p.b.CreateVector(std::vector<int64_t>{0}));
              p.copy(huge, p.view(npub::Memory::SRAM, 8, {4}));
            }).substr(0, 48),
            "a.npub: program p command #0 src: malformed view");
  EXPECT_EQ(oneCommand([](Builder &p) {
              auto load = npub::CreateScalar(p.b, npub::ScalarOp::Load, 0, -1, -1, 0,
                                             npub::CreateAddress(p.b, npub::Memory::Weights, 0));
              p.command(npub::Unit::Scalar, npub::Operation::Scalar, load.Union());
            }),
            "a.npub: program p command #0: a scalar load reads the io memory or the sram");
  EXPECT_EQ(oneCommand([](Builder &p) {
              p.copy(p.view(npub::Memory::Weights, 0, {4}, npub::ElementType::F16, 0, int64_t(1) << 30),
                     p.view(npub::Memory::SRAM, 0, {4}));
            }),
            "a.npub: program p command #0 src: register scale 1073741824 is out of range");
}

TEST(NPUSimulator, RegistersAreOrderedLikeMemory) {
  // s0 set on the scalar unit, then used by a DMA address without waiting.
  Builder p;
  p.region(npub::Memory::IO, 16);
  p.region(npub::Memory::SRAM, 16);
  auto set = npub::CreateScalar(p.b, npub::ScalarOp::Set, 0, -1, -1, 1);
  p.command(npub::Unit::Scalar, npub::Operation::Scalar, set.Union());
  p.copy(p.view(npub::Memory::IO, 0, {4}, npub::ElementType::F16, 0, 8),
         p.view(npub::Memory::SRAM, 0, {4}));
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(), "regs");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine));
  EXPECT_EQ(llvm::toString(machine->run("p")),
            "program p command #1 touches register s0 that command #0 on scalar writes without "
            "waiting for it");
}

TEST(NPUSimulator, DisjointHalvesOfATileAreNoHazard) {
  // Two engines write the left and right halves of a [4, 8] f16 tile: the
  // rows interleave in memory but share no byte.
  Builder p;
  p.region(npub::Memory::IO, 64);
  p.region(npub::Memory::SRAM, 64);
  auto half = [&](int64_t column) {
    auto address = npub::CreateAddress(p.b, npub::Memory::SRAM, column * 2, -1, 0);
    return npub::CreateView(p.b, address, npub::ElementType::F16,
                            p.b.CreateVector(std::vector<int64_t>{4, 4}),
                            p.b.CreateVector(std::vector<int64_t>{8, 1}));
  };
  p.copy(p.view(npub::Memory::IO, 0, {16}), half(0), {}, 0);
  p.copy(p.view(npub::Memory::IO, 32, {16}), half(4), {}, 1);
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(), "halves");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine));
  EXPECT_FALSE(bool(machine->run("p")));
}

TEST(NPUSimulator, TheDRAMPortServesTransfersInTimeOrder) {
  // dma0's store waits for a long vector op; dma1's independent load comes
  // later in the list but earlier in time: it is not queued behind.
  Builder p;
  p.region(npub::Memory::IO, 1 << 16);
  p.region(npub::Memory::SRAM, 1 << 16);
  p.vector(npub::VectorOp::Exp, p.view(npub::Memory::SRAM, 0, {16384}),
           p.view(npub::Memory::SRAM, 0, {16384}), {});
  p.copy(p.view(npub::Memory::SRAM, 0, {4}), p.view(npub::Memory::IO, 0, {4}), {0}, 0);
  p.copy(p.view(npub::Memory::IO, 1024, {4}), p.view(npub::Memory::SRAM, 40000, {4}), {}, 1);
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(), "port");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine));
  RunStats stats;
  ASSERT_FALSE(bool(machine->run("p", &stats)));
  const Description &d = artifact->description();
  int64_t exp = 16384 / d.vectorLanes + 8;
  // The load: its latency, one cycle of data; the store after the exp.
  EXPECT_EQ(stats.busy["dma1"], d.dramLatencyCycles() + 1);
  EXPECT_EQ(stats.cycles, exp + d.dramLatencyCycles() + 1);
}

TEST(NPUSimulator, RegistersBoundCopiesAndFeedComparisons) {
  // A prefill of 4 rows with a run-time length of 3 writes 3 cache rows;
  // a mask of slots below position + length compares a slot-index table
  // with a register.
  Builder p;
  p.region(npub::Memory::IO, 64);
  p.region(npub::Memory::SRAM, 64);
  p.region(npub::Memory::Cache, 64);
  auto length = npub::CreateScalar(p.b, npub::ScalarOp::Load, 0, -1, -1, 0,
                                   npub::CreateAddress(p.b, npub::Memory::IO, 0));
  p.command(npub::Unit::Scalar, npub::Operation::Scalar, length.Union()); // #0: s0 = length
  auto rows = npub::CreateCopy(p.b, p.view(npub::Memory::IO, 8, {4, 2}),
                               p.view(npub::Memory::Cache, 0, {4, 2}), /*count_register=*/0);
  p.command(npub::Unit::DMA, npub::Operation::Copy, rows.Union(), {0}); // #1
  p.copy(p.view(npub::Memory::IO, 32, {4}, npub::ElementType::I64),
         p.view(npub::Memory::SRAM, 0, {4}, npub::ElementType::I64)); // #2: slots 0..3
  auto mask = npub::CreateVector(p.b, npub::VectorOp::Compare, npub::Comparison::LT,
                                 p.view(npub::Memory::SRAM, 32, {4}, npub::ElementType::Bool),
                                 p.view(npub::Memory::SRAM, 0, {4}, npub::ElementType::I64), 0, 0,
                                 0.0, /*has_scalar=*/true, /*scalar_register=*/0);
  p.command(npub::Unit::Vector, npub::Operation::Vector, mask.Union(), {0, 2}); // #3
  llvm::Expected<Artifact> artifact = Artifact::fromBytes(p.finish(), "registers");
  ASSERT_TRUE(bool(artifact)) << llvm::toString(artifact.takeError());
  llvm::Expected<Machine> machine = Machine::create(*artifact, {});
  ASSERT_TRUE(bool(machine));
  llvm::MutableArrayRef<uint8_t> io = machine->memory(npub::Memory::IO);
  int64_t n = 3;
  std::memcpy(io.data(), &n, 8);
  putHalves(io, 8, {1, 2, 3, 4, 5, 6, 7, 8});
  for (int64_t slot = 0; slot < 4; ++slot)
    std::memcpy(io.data() + 32 + 8 * slot, &slot, 8);
  ASSERT_FALSE(bool(machine->run("p")));
  EXPECT_EQ(getHalves(machine->memory(npub::Memory::Cache), 0, 8),
            (std::vector<float>{1, 2, 3, 4, 5, 6, 0, 0}));
  llvm::MutableArrayRef<uint8_t> sram = machine->memory(npub::Memory::SRAM);
  EXPECT_EQ((std::vector<int>{sram[32], sram[33], sram[34], sram[35]}),
            (std::vector<int>{1, 1, 1, 0}));
}

} // namespace

//===- Artifact.h - an NPU artifact, loaded and verified --------*- C++ -*-===//
//
// The `.npub` file (schema/npub.fbs, docs/npu.md): loading runs the
// FlatBuffers verifier, then checks what the schema cannot say (the format
// version and schema hash, the description, regions, that each command's
// operation fits its unit, views inside their memories, waits on earlier
// commands), so that a truncated or corrupted artifact is a clear error and
// the simulator never reads outside what it checked. No MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_RUNTIME_ARTIFACT_H
#define LLMC_TARGETS_NPU_RUNTIME_ARTIFACT_H

#include "Description.h"

#include "Schema.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmc::npu {

/// The artifact format this build writes and reads.
constexpr uint16_t kFormatMajor = 0;
constexpr uint16_t kFormatMinor = 1;
/// The hash of schema/npub.fbs this build was generated from.
uint64_t schemaHash();

/// Scalar registers a command may use.
constexpr int kScalarRegisters = 16;
/// Views have at most this many dimensions ...
constexpr int kMaxRank = 4;
/// ... and this many elements (2^32: a tile, a row of a cache, a weight).
constexpr int64_t kMaxElements = int64_t(1) << 32;
/// A memory region has at most this many bytes (64 GiB).
constexpr int64_t kMaxRegionBytes = int64_t(1) << 36;
/// A register-relative address's scale is at most this in magnitude ...
constexpr int64_t kMaxScale = int64_t(1) << 20;
/// ... and the register's value (checked as the command runs).
constexpr int64_t kMaxRegisterValue = int64_t(1) << 40;
/// A program has at most this many commands.
constexpr int64_t kMaxCommands = int64_t(1) << 24;

/// Bytes per element of `type`.
int64_t elementBytes(npub::ElementType type);
/// Whether `type` is f16 or f32.
/// A device's units as timelines: its DMA engines 0..E-1, then the matrix,
/// vector and scalar units (the simulator's clocks and counters, the
/// lowering's waits, a trace's tracks).
int unitCount(const Description &d);
int unitIndex(npub::Unit unit, int engine, const Description &d);
/// "dma0".., "matrix", "vector", "scalar".
std::string unitName(int index, const Description &d);

inline bool isFloatElement(npub::ElementType type) {
  return type == npub::ElementType::F16 || type == npub::ElementType::F32;
}

/// The byte extent of `view` from its address: one past its farthest
/// element; none for a malformed view (negative sizes, more than
/// kMaxElements elements, overflow, a misaligned vector).
std::optional<int64_t> viewExtent(const npub::View &view);

class Artifact {
public:
  /// The artifact in `path`.
  static llvm::Expected<Artifact> load(llvm::StringRef path);
  /// The artifact in `bytes` (as written: size-prefixed); `source` names it
  /// in errors.
  static llvm::Expected<Artifact> fromBytes(std::vector<uint8_t> bytes, llvm::StringRef source);

  const npub::Artifact &root() const;
  const Description &description() const { return desc; }
  /// The bytes of a region (0 when the artifact has none).
  int64_t regionBytes(npub::Memory memory) const;
  /// The program called `name`, or null.
  const npub::Program *program(llvm::StringRef name) const;

private:
  std::vector<uint8_t> bytes;
  Description desc;
  std::map<npub::Memory, int64_t> regions;
};

/// Finishes `builder` with `root` as a size-prefixed artifact (the form
/// Artifact reads).
void finishArtifact(flatbuffers::FlatBufferBuilder &builder,
                    flatbuffers::Offset<npub::Artifact> root);

} // namespace llmc::npu

#endif // LLMC_TARGETS_NPU_RUNTIME_ARTIFACT_H

//===- Emitter.h - building an npu command stream ----------------*- C++ -*-===//
//
// What every kernel of the lowering builds on: tensor views (a memory, an
// address, strides; slicing, permuting and broadcasting them costs nothing),
// and an Emitter that appends commands to a program and works out their
// waits. A command waits for exactly the earlier commands on other units
// that write bytes (or a register) it touches, or read bytes it writes: the
// same rule the simulator checks (docs/npu.md, "Commands"), kept here as a
// shadow of each memory with vector clocks, so kernels never state a wait
// and DMA overlaps compute wherever their buffers allow. The emitter also
// hands out the SRAM workspace (the part of the SRAM the memory plan left to
// the kernels), scalar registers and DMA engines.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_LOWERING_EMITTER_H
#define LLMC_TARGETS_NPU_LOWERING_EMITTER_H

#include "targets/npu/IR/NPUDialect.h"
#include "targets/npu/Runtime/Artifact.h"
#include "targets/npu/Runtime/Description.h"
#include "targets/npu/Runtime/Hazards.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace llmc::npu::lowering {

/// A tensor in one of the NPU's memories: `offset` bytes (plus `s[reg] *
/// scale` when `reg >= 0`), element type, shape and strides in elements (0:
/// a broadcast dimension). Any rank; commands get at most 4 dimensions
/// after coalescing.
struct View {
  npub::Memory memory = npub::Memory::SRAM;
  int64_t offset = 0;
  int reg = -1;
  int64_t scale = 0;
  mlir::Type type;
  llvm::SmallVector<int64_t, 4> shape, strides;

  /// A row-major view of `shape` at `offset`.
  static View dense(npub::Memory memory, int64_t offset, mlir::Type type,
                    llvm::ArrayRef<int64_t> shape);

  int64_t rank() const { return int64_t(shape.size()); }
  int64_t count() const;
  int64_t elementBytes() const;
  /// Row-major with no gaps.
  bool isDense() const;

  /// `size` indices of `dim` from `start`.
  View slice(int64_t dim, int64_t start, int64_t size) const;
  /// Every `step`-th index of `dim`.
  View step(int64_t dim, int64_t step) const;
  /// Dimension i of the result is dimension `permutation[i]` of this one.
  View permute(llvm::ArrayRef<int64_t> permutation) const;
  /// This view, read as `shape` (its elements in row-major order), when its
  /// strides allow it without a copy.
  std::optional<View> reshape(llvm::ArrayRef<int64_t> shape) const;
  /// NumPy broadcasting to `shape`: leading dimensions added, size-1
  /// dimensions repeated with stride 0.
  View broadcastTo(llvm::ArrayRef<int64_t> shape) const;
  /// The same bytes as another element type (the last dimension rescaled).
  View withType(mlir::Type type) const;
  /// Plus `s[reg] * scale` bytes.
  View withRegister(int reg, int64_t scale) const;

  /// The bytes it may touch: [first, last) (the whole memory when its
  /// address depends on a register).
  std::pair<int64_t, int64_t> byteRange() const;
  ViewAttr attr(mlir::MLIRContext *context) const;
};

/// Views of one shape, dimensions merged where every view allows it, size-1
/// dimensions dropped; `keep` leading dimensions are left alone.
llvm::SmallVector<View> coalesce(llvm::ArrayRef<View> views, int64_t keep = 0);

/// Whether `a` and `b` name the same elements in the same order.
bool sameElements(const View &a, const View &b);

/// A memory's name in the IR ("sram", "weights", ...).
llvm::StringRef memoryName(npub::Memory memory);

class Emitter {
public:
  /// Appends to `builder`'s insertion point; the kernels' workspace is SRAM
  /// bytes [workspaceBegin, workspaceEnd).
  Emitter(mlir::OpBuilder &builder, const Description &device, int64_t workspaceBegin,
          int64_t workspaceEnd);

  const Description &device() const { return dev; }
  mlir::MLIRContext *context() const { return builder.getContext(); }
  /// The location of the commands emitted next (the llm op they lower).
  void setLocation(mlir::Location location) { loc = location; }
  int64_t commandCount() const { return int64_t(clocks.size()); }

  // Commands. Views of any rank: operands of one command are coalesced
  // together (and split into several commands past 4 dimensions).

  /// DMA: `src` into `dst` (one shape, one element type). With
  /// `countRegister`, only the first min(shape[0], s[countRegister]) rows.
  void copy(const View &src, const View &dst, int countRegister = -1);
  /// `c (+)= a x b` (b read [n, k] with `transposeB`); 2-D views.
  void matmul(const View &a, const View &b, const View &c, bool transposeB, bool accumulate);
  /// An elementwise vector operation over `dst`'s shape; `srcs` (1 to 3)
  /// have that shape (broadcast ones through stride 0). `scalar`: the
  /// immediate second operand (or select's first choice), `s[scalarReg]`
  /// when `scalarReg >= 0`.
  void vector(llvm::StringRef kind, const View &dst, llvm::ArrayRef<View> srcs,
              std::optional<double> scalar = std::nullopt, int scalarReg = -1,
              llvm::StringRef comparison = "eq");
  /// `sum` or `max` of `src` along its last dimension into `dst` (src's
  /// shape with the last dimension 1).
  void reduce(llvm::StringRef kind, const View &src, const View &dst);
  /// `s[dst] = s[a] kind (b >= 0 ? s[b] : immediate)`; `set`: the immediate.
  void scalar(llvm::StringRef kind, int dst, int a, int b, int64_t immediate);
  /// A register holding the i64 at `at` (io or sram).
  int load(const View &at);
  /// A register holding `value`.
  int constant(int64_t value);

  // Resources.

  /// A free register (they are reused round robin; the waits order a
  /// reuse after the commands that read the old value).
  int allocateRegister();
  /// Workspace bytes for a dense `shape` of `type`, handed out from a mark
  /// the kernel resets. When they do not fit, the emitter is `exhausted()`
  /// (the lowering then fails at the op) and the view is a placeholder.
  View allocate(mlir::Type type, llvm::ArrayRef<int64_t> shape);
  /// Whether an allocation did not fit since the last `clearExhausted()`.
  bool exhausted() const { return overflowed; }
  void clearExhausted() { overflowed = false; }
  int64_t workspaceMark() const { return next; }
  void resetWorkspace(int64_t mark) { next = mark; }
  int64_t workspaceFree() const { return end - next; }
  int64_t workspaceEnd() const { return end; }
  /// The highest SRAM byte the workspace has used.
  int64_t workspacePeak() const { return peak; }

private:
  struct Access {
    int memory;
    int64_t begin, end;
    bool write;
  };
  /// Creates the op, its waits worked out from `accesses`.
  void append(int unit, llvm::ArrayRef<Access> accesses,
              llvm::function_ref<mlir::Operation *(mlir::ValueRange waits)> build);
  void accessesOf(const View &view, bool write, llvm::SmallVectorImpl<Access> &out) const;
  int unitCount() const { return npu::unitCount(dev); }
  int matrixUnit() const { return unitIndex(npub::Unit::Matrix, 0, dev); }
  int vectorUnit() const { return unitIndex(npub::Unit::Vector, 0, dev); }
  int scalarUnit() const { return unitIndex(npub::Unit::Scalar, 0, dev); }

  mlir::OpBuilder &builder;
  const Description &dev;
  mlir::Location loc;
  int64_t begin, end, next, peak;
  int nextRegister = 0, nextEngine = 0;
  bool overflowed = false;

  // The waits: each command's vector clock (per unit, the latest command
  // of that unit it comes after) and the shadow of who touched what.
  std::vector<std::vector<int64_t>> clocks;
  std::vector<mlir::Value> tokens;
  std::vector<int64_t> lastOnUnit;
  HazardShadow shadow;
};

} // namespace llmc::npu::lowering

#endif // LLMC_TARGETS_NPU_LOWERING_EMITTER_H

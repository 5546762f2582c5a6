//===- Kernels.h - llm ops as npu commands -----------------------*- C++ -*-===//
//
// The kernels of the lowering (docs/npu.md, "The lowering"): each turns one
// planned `llm` op into commands over the views of its operands and result,
// tiling through the SRAM workspace whatever does not sit in the SRAM
// already. Elementwise.cpp: elementwise ops, activations, norms, softmax and
// reductions on the vector unit; Matrix.cpp: linear layers, matmuls and
// attention on the matrix unit; Movement.cpp: reshapes, slices, concats,
// transposes, embeddings, cache writes and RoPE by DMA and registers.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_TARGETS_NPU_LOWERING_KERNELS_H
#define LLMC_TARGETS_NPU_LOWERING_KERNELS_H

#include "targets/npu/Lowering/Emitter.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <vector>

namespace llmc::npu::lowering {

/// The bytes of the `const` region, each piece added once.
class ConstantPool {
public:
  /// The offset of `bytes` in the region (64-byte aligned).
  int64_t add(llvm::ArrayRef<uint8_t> bytes);
  const std::vector<uint8_t> &bytes() const { return data; }

private:
  std::vector<uint8_t> data;
  std::map<std::vector<uint8_t>, int64_t> offsets;
};

/// What the kernels of one program share.
struct Lowering {
  Emitter &em;
  /// Where each value of the program is (planned buffers, weights,
  /// constants; fusion groups' intermediates in their scratch).
  llvm::DenseMap<mlir::Value, View> &views;
  ConstantPool &constants;
  /// The static programs' cache slots (RoPE tables cover them).
  int64_t maxSeqLen;
  /// The most tokens a program takes (RoPE tables cover padding rows).
  int64_t maxTokens;
  /// A prefill or decode program's position and length inputs: the cache
  /// slots at and past position + length hold none of its tokens.
  std::optional<View> position = std::nullopt, length = std::nullopt;

  View viewOf(mlir::Value value) const { return views.lookup(value); }
};

/// Commands for `op`, whose operands' and results' views are known; an
/// error at the op when it has no lowering or does not fit the device.
mlir::LogicalResult lowerOp(Lowering &l, mlir::Operation *op);

// The families (each returns failure() after reporting, or success; an op
// it does not handle is `std::nullopt`).
std::optional<mlir::LogicalResult> lowerElementwise(Lowering &l, mlir::Operation *op);
std::optional<mlir::LogicalResult> lowerMatrix(Lowering &l, mlir::Operation *op);
std::optional<mlir::LogicalResult> lowerMovement(Lowering &l, mlir::Operation *op);

/// Runs `body` over tiles of `views` (one logical shape; the first is the
/// destination), each tile in SRAM: operands outside the SRAM are copied in
/// (through the workspace), a destination outside it is written back after.
/// The last `wholeDims` dimensions are never split (a row a kernel reduces).
/// `tempsPerElement`: workspace bytes `body` needs per element of a tile,
/// `tempsPerRow` per row of its last dimension (row statistics).
/// Tiles alternate between two halves of the workspace, so that the copies
/// of one overlap the computation of the other. Fails (false) when one
/// unsplittable tile does not fit.
bool forEachTile(Lowering &l, llvm::ArrayRef<View> views, int64_t wholeDims,
                 int64_t tempsPerElement,
                 llvm::function_ref<void(llvm::ArrayRef<View> tiles)> body,
                 int64_t tempsPerRow = 0);

} // namespace llmc::npu::lowering

#endif // LLMC_TARGETS_NPU_LOWERING_KERNELS_H

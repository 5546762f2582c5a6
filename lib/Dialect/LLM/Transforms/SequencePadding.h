//===- SequencePadding.h - lengths of the cache, padded to its capacity -*- C++ -*-===//
//
// A static program knows one run-time quantity of an imported graph's
// shapes: the position (the past cache length, P). Whatever the graph sizes
// by it (the total length P + S of its keys, a `Range(P, P + S)`, a causal
// mask `[S, P + S]` built from Range/Trilu/a sliced buffer, the zeros of
// `[S, P]` it concatenates in front) has a static bound, the cache's
// capacity M, and is computed padded to M: the first `P + k` entries are
// the graph's, the rest are padding that the program keeps finite and out
// of every reduction (masked before softmax, sums, maxima and contractions;
// attention excludes slots past the real tokens through its mask). This is
// XLA's "dynamic padder" applied to one symbol, done while ShapeRefinement
// recomputes the program's types.
//
// Integer scalars and shape vectors are tracked as `scale * P + offset`
// (P in [0, M - 1]), which decides comparisons, minima and `where`s of
// shape arithmetic that a plain constant folder cannot.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SEQUENCEPADDING_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SEQUENCEPADDING_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>

namespace llmc::llm {

/// The program's run-time position and the capacity its lengths pad to.
struct SequencePaddingOptions {
  mlir::Value position; ///< 0-D i64: the past length P
  int64_t capacity = 0; ///< M: P + tokens never exceeds it for real tokens
  /// The program's tokens N and its 0-D i64 `length` (the real ones among
  /// them): a length P + k (k <= N) holds P + min(k, length) real entries,
  /// the rest are the padding tokens' (never written to a cache).
  int64_t tokens = 0;
  mlir::Value length;
  /// The cache arguments, [B, H, M, D]: M slots of which the first P are
  /// the past.
  llvm::SmallVector<mlir::Value> caches;
  /// Values that stand for a value of the dynamic entry with this type (a
  /// view of a cache in the entry's layout): a reshape without a shape
  /// reads its dynamic dimensions from it.
  llvm::DenseMap<mlir::Value, mlir::Type> writtenTypes;
};

/// `scale * P + offset`.
struct PositionAffine {
  int64_t scale = 0, offset = 0;
  bool isConstant() const { return scale == 0; }
  bool operator==(const PositionAffine &o) const {
    return scale == o.scale && offset == o.offset;
  }
};

/// What the padder knows of the values of one program, op by op.
class SequencePadder {
public:
  explicit SequencePadder(SequencePaddingOptions options);

  /// Before `op`'s type is refined: rewrites what would stay dynamic into
  /// the padded form (new ops before `op`; `op` itself may be replaced by a
  /// value, `replacement`, and erased). Errors at the op when its padded
  /// form is not known.
  mlir::LogicalResult rewrite(mlir::Operation *op, mlir::Value &replacement);

  /// After `op`'s type is refined and not folded: records what its results
  /// are (integer values in terms of P, dimensions padded to M). Errors at
  /// the op when it reads a padded dimension in a way with no padded form.
  mlir::LogicalResult record(mlir::Operation *op);

  /// Drops what is known of `value` (its op is gone).
  void forget(mlir::Value value) {
    affine.erase(value);
    padded.erase(value);
    positionDerived.erase(value);
  }
  /// `from` (gone) was replaced by `to`: what was known of it holds for `to`
  /// (a broadcast of zeros over P + k folded into a constant is still
  /// padded).
  void replace(mlir::Value from, mlir::Value to) {
    auto it = padded.find(from);
    if (it != padded.end() && !padded.count(to)) {
      PaddedDims dims = it->second;
      padded[to] = dims;
    }
    if (positionDerived.contains(from))
      positionDerived.insert(to);
    forget(from);
  }

  /// The integer elements of `value` in terms of P, if known.
  std::optional<llvm::SmallVector<PositionAffine>> affineValues(mlir::Value value) const;

private:
  using PaddedDims = llvm::SmallVector<std::optional<PositionAffine>>;

  const PaddedDims *paddedDims(mlir::Value value) const;
  bool isPadded(mlir::Value value) const;
  bool isPaddedAt(mlir::Value value, int64_t dim) const;
  void setPadded(mlir::Value value, PaddedDims dims);
  /// The real length of dimension `dim` of `value` (its size if not padded).
  PositionAffine realSize(mlir::Value value, int64_t dim) const;
  /// Whether `a < b` (or `a <= b`) holds for every P in [0, M - 1]:
  /// true, false, or unknown.
  std::optional<bool> alwaysLess(PositionAffine a, PositionAffine b, bool orEqual) const;

  mlir::Value materialize(mlir::OpBuilder &b, mlir::Location loc, PositionAffine value);
  mlir::Value constantI64(mlir::OpBuilder &b, mlir::Location loc,
                          llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> values) const;
  /// 0..size-1 along `dim` of a rank-`rank` tensor (1 elsewhere).
  mlir::Value iotaAlong(mlir::OpBuilder &b, mlir::Location loc, int64_t size, int64_t dim,
                        int64_t rank) const;
  /// How many of a padded dimension's `real` entries are real: P + k, or
  /// P + min(k, length) in a program with padding tokens.
  mlir::Value realEntries(mlir::OpBuilder &b, mlir::Location loc, PositionAffine real);
  /// `x` with the entries past its real length along `dim` replaced by `fill`.
  mlir::Value maskPadding(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, int64_t dim,
                          double fill);

  mlir::LogicalResult rewriteDynamicSlice(mlir::Operation *op, mlir::Value &replacement);
  mlir::LogicalResult rewriteConcat(mlir::Operation *op, mlir::Value &replacement);
  mlir::LogicalResult maskReducedOperands(mlir::Operation *op, mlir::Value &replacement);
  /// Clamps `indices` into a table of `rows` rows when they are computed
  /// from the position and not proven within it.
  void clampIndices(mlir::OpBuilder &b, mlir::Location loc, mlir::OpOperand &indices,
                    int64_t rows);
  /// Whether `size` is a length padded to M (P + k); else an error at `op`.
  mlir::LogicalResult checkLength(mlir::Operation *op, PositionAffine size) const;
  void recordAffine(mlir::Operation *op);
  mlir::LogicalResult recordPadded(mlir::Operation *op);

  SequencePaddingOptions options;
  llvm::DenseMap<mlir::Value, llvm::SmallVector<PositionAffine>> affine;
  llvm::DenseMap<mlir::Value, PaddedDims> padded;
  /// Values computed from the position (indices a padding row may push
  /// past a table).
  llvm::DenseSet<mlir::Value> positionDerived;
};

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SEQUENCEPADDING_H

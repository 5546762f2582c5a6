//===- SymbolicSizes.h - run-time sizes as linear expressions ---*- C++ -*-===//
//
// Private to the llm transforms. A dynamic graph computes its sizes at run
// time (`llm.dim`, shape vectors built by concat, arithmetic on them); the
// facts a rewrite needs are linear ones ("the mask has as many rows as there
// are queries", "the key index never passes the query's position"). This
// file names them: a `Linear` is an integer affine expression over atoms
// (the size of an axis of a value, an opaque run-time scalar, or an index
// into a tensor's elements); `SymbolicSizes` derives the size of any axis
// of any value, and the value of any small integer vector, as such an
// expression; `LinearFacts` proves that a set of linear constraints has no
// integer solution (Fourier-Motzkin elimination with integer tightening:
// a proof when it says so, "unknown" otherwise).
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_LIB_DIALECT_LLM_TRANSFORMS_SYMBOLICSIZES_H
#define LLMC_LIB_DIALECT_LLM_TRANSFORMS_SYMBOLICSIZES_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/DenseMap.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace llmc::llm {

/// What a linear expression is over.
struct Atom {
  enum class Kind {
    Size,   ///< the size of axis `axis` of `value` (never negative)
    Scalar, ///< the run-time value of a one-element integer tensor
    Index,  ///< the index along axis `axis` of an element (see MaskAlgebra)
  };
  Kind kind;
  const void *value; ///< the mlir::Value's opaque pointer (null for Index)
  int64_t axis;

  static Atom size(mlir::Value v, int64_t axis) {
    return {Kind::Size, v.getAsOpaquePointer(), axis};
  }
  static Atom scalar(mlir::Value v) { return {Kind::Scalar, v.getAsOpaquePointer(), 0}; }
  static Atom index(int64_t axis) { return {Kind::Index, nullptr, axis}; }
  /// The query (row) and key (column) indices of attention scores.
  static Atom query() { return index(-1); }
  static Atom key() { return index(-2); }
  bool operator<(const Atom &o) const {
    return std::tie(kind, value, axis) < std::tie(o.kind, o.value, o.axis);
  }
  bool operator==(const Atom &o) const {
    return kind == o.kind && value == o.value && axis == o.axis;
  }
};

/// sum(coefficient * atom) + constant, over the integers.
class Linear {
public:
  Linear(int64_t constant = 0) : constant(constant) {}
  static Linear of(Atom atom, int64_t coefficient = 1);

  int64_t constantTerm() const { return constant; }
  const std::map<Atom, int64_t> &terms() const { return coefficients; }
  bool isConstant() const { return coefficients.empty() && !overflowed; }
  /// Whether an operation on it left int64's range: it then means nothing,
  /// and no fact about it is proved.
  bool hasOverflowed() const { return overflowed; }
  int64_t coefficientOf(Atom atom) const;
  bool mentions(Atom::Kind kind) const;

  Linear operator+(const Linear &o) const;
  Linear operator-(const Linear &o) const;
  Linear operator*(int64_t factor) const;
  bool operator==(const Linear &o) const {
    return !overflowed && !o.overflowed && constant == o.constant &&
           coefficients == o.coefficients;
  }
  /// This expression with `atom` replaced by `by`.
  Linear substitute(Atom atom, const Linear &by) const;
  /// `3 + 2*i - size(%arg1, 2)`, for reasons given to people.
  std::string str() const;

private:
  std::map<Atom, int64_t> coefficients; ///< no zero entries
  int64_t constant;
  bool overflowed = false;
};

/// Constraints `expression >= 0` over integer atoms.
class LinearFacts {
public:
  void require(const Linear &atLeastZero) { constraints.push_back(atLeastZero); }
  void requireLess(const Linear &a, const Linear &b) { require(b - a - Linear(1)); }
  void requireAtMost(const Linear &a, const Linear &b) { require(b - a); }
  const std::vector<Linear> &all() const { return constraints; }
  /// Every Size atom the constraints mention, and each of `alsoSizes` they
  /// mention, is at least 0.
  void addSizeBounds(const std::vector<Atom> &alsoSizes = {});
  /// True when no integer assignment satisfies every constraint (a proof);
  /// false when one may (including when the elimination grows too large).
  bool infeasible() const;
  /// True when the constraints imply `expression >= 0`.
  bool implies(const Linear &atLeastZero) const;

private:
  std::vector<Linear> constraints;
};

/// The sizes and small integer values a function computes, as linear
/// expressions over the sizes of its arguments' axes (and opaque values
/// where nothing better is known). Results are memoized; the analysis reads
/// the IR as it is when asked.
class SymbolicSizes {
public:
  /// The size of axis `axis` of `value` (a ranked tensor). Always an
  /// expression: a size no rule derives is its own Size atom.
  Linear dim(mlir::Value value, int64_t axis);
  /// The value of a one-element integer tensor, or nothing.
  std::optional<Linear> scalar(mlir::Value value);
  /// Element `k` of a static 1-D (or one-element) integer tensor.
  std::optional<Linear> entry(mlir::Value value, int64_t k);
  /// Whether element `k` of a static boolean tensor is known.
  std::optional<bool> truth(mlir::Value value, int64_t k);
  /// True when `expression >= 0` follows from sizes being non-negative.
  bool provablyNonNegative(const Linear &expression);
  /// Adds to `facts` that each size they mention is at least 0: Size atoms,
  /// and opaque scalars found to be the size of an axis.
  void addSizeBounds(LinearFacts &facts) const;

private:
  std::optional<Linear> derivedDim(mlir::Value value, int64_t axis);
  std::optional<Linear> derivedEntry(mlir::Value value, int64_t k);
  /// Size of the axis of `operand` aligned with result axis `axis` of a
  /// broadcasting op of result rank `rank`, unless it is a static 1.
  std::optional<Linear> alignedDim(mlir::Value operand, int64_t rank, int64_t axis);

  std::map<std::pair<const void *, int64_t>, Linear> dims;
  std::map<std::pair<const void *, int64_t>, std::optional<Linear>> entries;
  /// Opaque scalars (e.g. a reshape target divided out at run time) that
  /// some axis has as its size, hence never negative.
  std::vector<Atom> sizeScalars;
};

} // namespace llmc::llm

#endif // LLMC_LIB_DIALECT_LLM_TRANSFORMS_SYMBOLICSIZES_H

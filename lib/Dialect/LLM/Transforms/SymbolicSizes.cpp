//===- SymbolicSizes.cpp - run-time sizes as linear expressions -----------===//
#include "SymbolicSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace llmc::llm;


//===----------------------------------------------------------------------===//
// Linear
//===----------------------------------------------------------------------===//

Linear Linear::of(Atom atom, int64_t coefficient) {
  Linear l;
  if (coefficient != 0)
    l.coefficients[atom] = coefficient;
  return l;
}

int64_t Linear::coefficientOf(Atom atom) const {
  auto it = coefficients.find(atom);
  return it == coefficients.end() ? 0 : it->second;
}

bool Linear::mentions(Atom::Kind kind) const {
  return llvm::any_of(coefficients, [&](const auto &t) { return t.first.kind == kind; });
}

Linear Linear::operator+(const Linear &o) const {
  Linear sum = *this;
  sum.overflowed |= o.overflowed || __builtin_add_overflow(sum.constant, o.constant, &sum.constant);
  for (const auto &[atom, c] : o.coefficients) {
    int64_t &term = sum.coefficients[atom];
    sum.overflowed |= __builtin_add_overflow(term, c, &term);
    if (term == 0)
      sum.coefficients.erase(atom);
  }
  return sum;
}

Linear Linear::operator-(const Linear &o) const { return *this + o * -1; }

Linear Linear::operator*(int64_t factor) const {
  if (factor == 0)
    return Linear(0);
  Linear product = *this;
  product.overflowed |= __builtin_mul_overflow(product.constant, factor, &product.constant);
  for (auto &term : product.coefficients)
    product.overflowed |= __builtin_mul_overflow(term.second, factor, &term.second);
  return product;
}

Linear Linear::substitute(Atom atom, const Linear &by) const {
  int64_t c = coefficientOf(atom);
  if (c == 0)
    return *this;
  Linear rest = *this;
  rest.coefficients.erase(atom);
  return rest + by * c;
}

std::string Linear::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  bool first = true;
  for (const auto &[atom, c] : coefficients) {
    if (!first || c < 0)
      os << (c < 0 ? (first ? "-" : " - ") : " + ");
    if (std::abs(c) != 1)
      os << std::abs(c) << "*";
    switch (atom.kind) {
    case Atom::Kind::Index:
      if (atom == Atom::query() || atom == Atom::key())
        os << (atom == Atom::query() ? "i" : "j");
      else
        os << "index" << atom.axis;
      break;
    case Atom::Kind::Size:
    case Atom::Kind::Scalar: {
      Value v = Value::getFromOpaquePointer(atom.value);
      std::string name;
      llvm::raw_string_ostream ns(name);
      v.printAsOperand(ns, OpPrintingFlags());
      if (atom.kind == Atom::Kind::Size)
        os << "size(" << name << ", " << atom.axis << ")";
      else
        os << name;
      break;
    }
    }
    first = false;
  }
  if (first)
    os << constant;
  else if (constant != 0)
    os << (constant < 0 ? " - " : " + ") << std::abs(constant);
  return text;
}

//===----------------------------------------------------------------------===//
// LinearFacts
//===----------------------------------------------------------------------===//

namespace {

/// Beyond this many constraints an elimination step gives up ("unknown").
constexpr size_t kMaxConstraints = 400;

/// `e >= 0` divided by the gcd of its coefficients, the constant rounded
/// down: the same integer solutions, a tighter rational relaxation.
Linear tightened(const Linear &e) {
  int64_t g = 0;
  for (const auto &[atom, c] : e.terms()) {
    if (c == std::numeric_limits<int64_t>::min())
      return e; // (fitsComfortably rejects it)
    g = std::gcd(g, std::abs(c));
  }
  if (g <= 1)
    return e;
  Linear out = Linear(llvm::divideFloorSigned(e.constantTerm(), g));
  for (const auto &[atom, c] : e.terms())
    out = out + Linear::of(atom, c / g);
  return out;
}

bool fitsComfortably(const Linear &e) {
  constexpr int64_t kLimit = int64_t(1) << 40;
  auto small = [](int64_t v) { return v > -kLimit && v < kLimit; };
  if (e.hasOverflowed() || !small(e.constantTerm()))
    return false;
  return llvm::all_of(e.terms(), [&](const auto &t) { return small(t.second); });
}


} // namespace

void LinearFacts::addSizeBounds(const std::vector<Atom> &alsoSizes) {
  std::vector<Atom> sizes;
  for (const Linear &c : constraints)
    for (const auto &[atom, coefficient] : c.terms())
      if ((atom.kind == Atom::Kind::Size || llvm::is_contained(alsoSizes, atom)) &&
          !llvm::is_contained(sizes, atom))
        sizes.push_back(atom);
  for (Atom atom : sizes)
    require(Linear::of(atom));
}

bool LinearFacts::infeasible() const {
  std::vector<Linear> system;
  for (const Linear &c : constraints) {
    if (!fitsComfortably(c))
      return false; // a constraint that means nothing proves nothing
    system.push_back(tightened(c));
  }
  while (true) {
    for (const Linear &c : system)
      if (c.isConstant() && c.constantTerm() < 0)
        return true;
    // Eliminate the atom that creates the fewest new constraints.
    std::optional<Atom> best;
    size_t bestCost = 0;
    std::map<Atom, std::pair<size_t, size_t>> signs;
    for (const Linear &c : system)
      for (const auto &[atom, coefficient] : c.terms())
        (coefficient > 0 ? signs[atom].first : signs[atom].second)++;
    for (const auto &[atom, counts] : signs) {
      size_t cost = counts.first * counts.second;
      if (!best || cost < bestCost) {
        best = atom;
        bestCost = cost;
      }
    }
    if (!best)
      return false; // only constants left, all non-negative
    std::vector<Linear> lower, upper, next;
    for (const Linear &c : system) {
      int64_t coefficient = c.coefficientOf(*best);
      if (coefficient > 0)
        lower.push_back(c);
      else if (coefficient < 0)
        upper.push_back(c);
      else
        next.push_back(c);
    }
    for (const Linear &l : lower)
      for (const Linear &u : upper) {
        Linear combined = l * -u.coefficientOf(*best) + u * l.coefficientOf(*best);
        if (!fitsComfortably(combined))
          return false;
        Linear t = tightened(combined);
        if (!llvm::is_contained(next, t))
          next.push_back(t);
      }
    if (next.size() > kMaxConstraints)
      return false;
    system = std::move(next);
  }
}

bool LinearFacts::implies(const Linear &atLeastZero) const {
  LinearFacts negated = *this;
  negated.require(atLeastZero * -1 - Linear(1)); // expression <= -1
  return negated.infeasible();
}

//===----------------------------------------------------------------------===//
// SymbolicSizes
//===----------------------------------------------------------------------===//

namespace {

RankedTensorType rankedType(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

/// The one-element integer tensors and static vectors `entry` reads.
bool isSmallIntegerVector(Value v) {
  auto type = rankedType(v);
  return type && type.hasStaticShape() && type.getRank() <= 1 &&
         isa<IntegerType>(type.getElementType()) && type.getNumElements() <= 64;
}

bool isOneElement(Value v) {
  auto type = rankedType(v);
  return type && type.hasStaticShape() && type.getNumElements() == 1;
}

} // namespace

bool SymbolicSizes::provablyNonNegative(const Linear &expression) {
  if (expression.hasOverflowed())
    return false;
  if (expression.isConstant())
    return expression.constantTerm() >= 0;
  LinearFacts facts;
  facts.require(expression);
  addSizeBounds(facts);
  LinearFacts bounds;
  for (const Linear &c : llvm::ArrayRef(facts.all()).drop_front())
    bounds.require(c);
  return bounds.implies(expression);
}

void SymbolicSizes::addSizeBounds(LinearFacts &facts) const { facts.addSizeBounds(sizeScalars); }

Linear SymbolicSizes::dim(Value value, int64_t axis) {
  auto type = rankedType(value);
  if (type && axis >= 0 && axis < type.getRank() && !type.isDynamicDim(axis))
    return Linear(type.getDimSize(axis));
  auto key = std::make_pair(value.getAsOpaquePointer(), axis);
  if (auto it = dims.find(key); it != dims.end())
    return it->second;
  Linear result = derivedDim(value, axis).value_or(Linear::of(Atom::size(value, axis)));
  dims[key] = result;
  if (result.constantTerm() == 0 && result.terms().size() == 1) {
    const auto &[atom, coefficient] = *result.terms().begin();
    if (atom.kind == Atom::Kind::Scalar && coefficient == 1 &&
        !llvm::is_contained(sizeScalars, atom))
      sizeScalars.push_back(atom);
  }
  return result;
}

std::optional<Linear> SymbolicSizes::alignedDim(Value operand, int64_t rank, int64_t axis) {
  auto type = rankedType(operand);
  if (!type)
    return std::nullopt;
  int64_t a = axis - (rank - type.getRank());
  if (a < 0 || (!type.isDynamicDim(a) && type.getDimSize(a) == 1))
    return std::nullopt;
  return dim(operand, a);
}

std::optional<Linear> SymbolicSizes::derivedDim(Value value, int64_t axis) {
  Operation *op = value.getDefiningOp();
  auto type = rankedType(value);
  if (!op || !type)
    return std::nullopt;
  int64_t rank = type.getRank();
  using Result = std::optional<Linear>;
  auto sameAsOperand = [&](unsigned operand) -> Result { return dim(op->getOperand(operand), axis); };
  if (isBroadcastingElementwise(op) || isa<SoftmaxOp>(op)) {
    // Operands whose aligned size is not a static 1 agree with the result.
    std::optional<Linear> agreed;
    for (Value operand : op->getOperands()) {
      std::optional<Linear> d = alignedDim(operand, rank, axis);
      if (!d)
        continue;
      if (agreed && !(*agreed == *d))
        return std::nullopt;
      agreed = d;
    }
    return agreed ? agreed : std::optional<Linear>(Linear(1));
  }
  if (isa<RMSNormOp, LayerNormOp, GeluOp, SiluOp, SwiGLUOp, RopeOp>(op))
    return sameAsOperand(0);
  if (isa<LinearOp>(op))
    return axis < rank - 1 ? sameAsOperand(0) : std::nullopt;
  if (auto embedding = dyn_cast<EmbeddingOp>(op))
    return axis < rank - 1 ? Result(dim(embedding.getIds(), axis)) : std::nullopt;
  if (auto transpose = dyn_cast<TransposeOp>(op))
    return dim(transpose.getInput(), transpose.getPermutation()[axis]);
  if (auto append = dyn_cast<KVAppendOp>(op))
    return axis == 2 ? dim(append.getCache(), 2) + dim(append.getUpdate(), 2)
                     : dim(append.getCache(), axis);
  if (auto attention = dyn_cast<AttentionOp>(op))
    return axis < 3 ? Result(dim(attention.getQuery(), axis)) : std::nullopt;
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    if (int64_t(concat.getDim()) != axis)
      return dim(concat.getInputs().front(), axis);
    Linear sum;
    for (Value input : concat.getInputs())
      sum = sum + dim(input, axis);
    return sum;
  }
  // Slices keep the axes they do not slice.
  if (auto slice = dyn_cast<SliceOp>(op))
    return llvm::is_contained(slice.getDims(), axis) ? std::nullopt
                                                     : Result(dim(slice.getInput(), axis));
  if (auto slice = dyn_cast<DynamicSliceOp>(op))
    return llvm::is_contained(slice.getDims(), axis) ? std::nullopt
                                                     : Result(dim(slice.getInput(), axis));
  if (auto iota = dyn_cast<IotaOp>(op))
    return scalar(iota.getCount());
  if (auto matmul = dyn_cast<MatmulOp>(op)) {
    if (axis == rank - 1)
      return dim(matmul.getRhs(), rankedType(matmul.getRhs()).getRank() - 1);
    Value side = matmul.getLhs();
    std::optional<Linear> d = alignedDim(side, rank, axis);
    if (axis == rank - 2)
      return d ? d : std::optional<Linear>(Linear(1));
    std::optional<Linear> r = alignedDim(matmul.getRhs(), rank, axis);
    if (d && r && !(*d == *r))
      return std::nullopt;
    return d ? d : r ? r : std::optional<Linear>(Linear(1));
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    int64_t d = gather.getDim();
    int64_t indexRank = rankedType(gather.getIndices()).getRank();
    if (axis < d)
      return dim(gather.getInput(), axis);
    if (axis < d + indexRank)
      return dim(gather.getIndices(), axis - d);
    return dim(gather.getInput(), axis - indexRank + 1);
  }
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    if (Value shape = reshape.getShape())
      return entry(shape, axis);
    // The k-th dynamic result dimension is the k-th dynamic input one.
    int64_t k = llvm::count_if(type.getShape().take_front(axis), ShapedType::isDynamic);
    auto input = rankedType(reshape.getInput());
    for (int64_t a = 0; a < input.getRank(); ++a)
      if (input.isDynamicDim(a) && k-- == 0)
        return dim(reshape.getInput(), a);
    return std::nullopt;
  }
  if (auto broadcast = dyn_cast<BroadcastToOp>(op)) {
    // With a shape, each result dimension is its entry (the input's is 1
    // or equal to it); without, a dynamic result dimension is the input's.
    if (Value shape = broadcast.getShape())
      return entry(shape, axis);
    return alignedDim(broadcast.getInput(), rank, axis);
  }
  return std::nullopt;
}

std::optional<Linear> SymbolicSizes::scalar(Value value) {
  if (!isOneElement(value))
    return std::nullopt;
  return entry(value, 0);
}

std::optional<Linear> SymbolicSizes::entry(Value value, int64_t k) {
  if (!isSmallIntegerVector(value))
    return std::nullopt;
  auto key = std::make_pair(value.getAsOpaquePointer(), k);
  if (auto it = entries.find(key); it != entries.end())
    return it->second;
  std::optional<Linear> result = derivedEntry(value, k);
  if (!result && isOneElement(value))
    result = Linear::of(Atom::scalar(value));
  entries[key] = result;
  return result;
}

std::optional<Linear> SymbolicSizes::derivedEntry(Value value, int64_t k) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  int64_t n = rankedType(value).getNumElements();
  if (k < 0 || k >= n)
    return std::nullopt;
  // Element k of an operand broadcast to n elements.
  auto operandEntry = [&](Value operand) -> std::optional<Linear> {
    if (!isSmallIntegerVector(operand))
      return std::nullopt;
    int64_t m = rankedType(operand).getNumElements();
    return entry(operand, m == 1 ? 0 : k);
  };
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue());
    if (!dense)
      return std::nullopt;
    return Linear(dense.isSplat() ? dense.getSplatValue<APInt>().getSExtValue()
                                  : (*(dense.value_begin<APInt>() + k)).getSExtValue());
  }
  if (auto d = dyn_cast<DimOp>(op))
    return dim(d.getInput(), d.getDim());
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    return isSmallIntegerVector(reshape.getInput()) ? entry(reshape.getInput(), k) : std::nullopt;
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    for (Value input : concat.getInputs()) {
      int64_t size = rankedType(input).getNumElements();
      if (k < size)
        return entry(input, k);
      k -= size;
    }
    return std::nullopt;
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    auto input = rankedType(slice.getInput());
    if (input.getRank() != 1 || !input.hasStaticShape() ||
        slice.getDims() != ArrayRef<int64_t>{0})
      return std::nullopt;
    int64_t size = input.getDimSize(0);
    int64_t start = slice.getStarts()[0];
    start = std::clamp<int64_t>(start < 0 ? start + size : start, 0, size);
    int64_t step = slice.getSteps() ? (*slice.getSteps())[0] : 1;
    return entry(slice.getInput(), start + k * step);
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    auto input = rankedType(gather.getInput());
    std::optional<Linear> index = operandEntry(gather.getIndices());
    if (input.getRank() != 1 || !input.hasStaticShape() || !index || !index->isConstant())
      return std::nullopt;
    int64_t i = index->constantTerm();
    return entry(gather.getInput(), i < 0 ? i + input.getDimSize(0) : i);
  }
  if (isa<AddOp, SubOp, MulOp, MaximumOp, MinimumOp>(op)) {
    std::optional<Linear> a = operandEntry(op->getOperand(0));
    std::optional<Linear> b = operandEntry(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    if (isa<AddOp>(op))
      return *a + *b;
    if (isa<SubOp>(op))
      return *a - *b;
    if (isa<MulOp>(op)) {
      if (a->isConstant())
        return *b * a->constantTerm();
      if (b->isConstant())
        return *a * b->constantTerm();
      return std::nullopt;
    }
    bool aAtLeastB = provablyNonNegative(*a - *b), bAtLeastA = provablyNonNegative(*b - *a);
    if (isa<MaximumOp>(op))
      return aAtLeastB ? a : bAtLeastA ? b : std::nullopt;
    return aAtLeastB ? b : bAtLeastA ? a : std::nullopt;
  }
  if (auto where = dyn_cast<WhereOp>(op)) {
    auto cond = rankedType(where.getCondition());
    std::optional<bool> c =
        cond.hasStaticShape() ? truth(where.getCondition(), cond.getNumElements() == 1 ? 0 : k)
                              : std::nullopt;
    std::optional<Linear> onTrue = operandEntry(where.getOnTrue());
    std::optional<Linear> onFalse = operandEntry(where.getOnFalse());
    if (c)
      return *c ? onTrue : onFalse;
    if (onTrue && onFalse && *onTrue == *onFalse)
      return onTrue;
    return std::nullopt;
  }
  if (auto cast = dyn_cast<CastOp>(op)) {
    if (isSmallIntegerVector(cast.getInput()) &&
        !rankedType(cast.getInput()).getElementType().isInteger(1))
      return operandEntry(cast.getInput());
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<bool> SymbolicSizes::truth(Value value, int64_t k) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue());
    if (!dense || !dense.getElementType().isInteger(1))
      return std::nullopt;
    return dense.isSplat() ? dense.getSplatValue<bool>() : *(dense.value_begin<bool>() + k);
  }
  auto compare = dyn_cast<CompareOp>(op);
  if (!compare)
    return std::nullopt;
  auto at = [&](Value operand) -> std::optional<Linear> {
    if (!isSmallIntegerVector(operand))
      return std::nullopt;
    return entry(operand, rankedType(operand).getNumElements() == 1 ? 0 : k);
  };
  std::optional<Linear> a = at(compare.getLhs()), b = at(compare.getRhs());
  if (!a || !b)
    return std::nullopt;
  Linear d = *a - *b;
  bool nonNegative = provablyNonNegative(d), nonPositive = provablyNonNegative(d * -1);
  bool positive = provablyNonNegative(d - Linear(1)), negative = provablyNonNegative(d * -1 - Linear(1));
  auto decide = [](bool yes, bool no) -> std::optional<bool> {
    return yes ? std::optional<bool>(true) : no ? std::optional<bool>(false) : std::nullopt;
  };
  switch (compare.getDirection()) {
  case CompareDirection::eq:
    return decide(nonNegative && nonPositive, positive || negative);
  case CompareDirection::ne:
    return decide(positive || negative, nonNegative && nonPositive);
  case CompareDirection::lt:
    return decide(negative, nonNegative);
  case CompareDirection::le:
    return decide(nonPositive, positive);
  case CompareDirection::gt:
    return decide(positive, nonPositive);
  case CompareDirection::ge:
    return decide(nonNegative, negative);
  }
  return std::nullopt;
}

//===- MaskAlgebra.cpp - what an attention mask computes ------------------===//
#include "MaskAlgebra.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <functional>
#include <memory>

using namespace mlir;
using namespace llmc::llm;

namespace {

//===----------------------------------------------------------------------===//
// Element expressions
//===----------------------------------------------------------------------===//

/// The value of an element as a function of its indices (Index atoms, one
/// per axis of the tensor it describes). Immutable and shared.
struct Node;
using Ref = std::shared_ptr<const Node>;

struct Node {
  enum class Kind {
    Integer,     ///< `linear`, exactly (integers, and integer-valued floats)
    Float,       ///< the constant `number`
    Truth,       ///< the constant `truth`
    AtLeastZero, ///< the boolean `linear >= 0`
    Select,      ///< `condition ? onTrue : onFalse`
    Invalid,     ///< a case the ops' contracts rule out (the program stops)
  };
  explicit Node(Kind kind, Linear linear = Linear()) : kind(kind), linear(std::move(linear)) {}
  Kind kind;
  Linear linear;
  double number = 0;
  bool truth = false;
  Ref condition, onTrue, onFalse;
};

Ref integer(Linear l) { return std::make_shared<Node>(Node::Kind::Integer, std::move(l)); }
Ref number(double d) {
  Node n(Node::Kind::Float);
  n.number = d;
  return std::make_shared<Node>(n);
}
Ref truth(bool b) {
  Node n(Node::Kind::Truth);
  n.truth = b;
  return std::make_shared<Node>(n);
}
Ref atLeastZero(Linear l) {
  if (l.isConstant())
    return truth(l.constantTerm() >= 0);
  return std::make_shared<Node>(Node::Kind::AtLeastZero, std::move(l));
}
Ref select(Ref c, Ref t, Ref f) {
  if (c->kind == Node::Kind::Truth)
    return c->truth ? t : f;
  Node n(Node::Kind::Select);
  n.condition = std::move(c);
  n.onTrue = std::move(t);
  n.onFalse = std::move(f);
  return std::make_shared<Node>(n);
}

Ref invalid() { return std::make_shared<Node>(Node::Kind::Invalid); }

/// `a == b ? onEqual : otherwise`.
Ref ifEqual(const Linear &a, const Linear &b, Ref onEqual, Ref otherwise) {
  return select(atLeastZero(a - b), select(atLeastZero(b - a), onEqual, otherwise), otherwise);
}

bool isBoolean(const Ref &e) {
  return e->kind == Node::Kind::Truth || e->kind == Node::Kind::AtLeastZero ||
         e->kind == Node::Kind::Invalid ||
         (e->kind == Node::Kind::Select && isBoolean(e->onTrue) && isBoolean(e->onFalse));
}

/// `e` with every linear expression rewritten by `f`.
Ref mapLinear(const Ref &e, const std::function<Linear(const Linear &)> &f) {
  switch (e->kind) {
  case Node::Kind::Integer:
    return integer(f(e->linear));
  case Node::Kind::AtLeastZero:
    return atLeastZero(f(e->linear));
  case Node::Kind::Select:
    return select(mapLinear(e->condition, f), mapLinear(e->onTrue, f), mapLinear(e->onFalse, f));
  default:
    return e;
  }
}

bool mentionsAtom(const Ref &e, Atom atom) {
  switch (e->kind) {
  case Node::Kind::Integer:
  case Node::Kind::AtLeastZero:
    return e->linear.coefficientOf(atom) != 0;
  case Node::Kind::Select:
    return mentionsAtom(e->condition, atom) || mentionsAtom(e->onTrue, atom) ||
           mentionsAtom(e->onFalse, atom);
  default:
    return false;
  }
}

/// Index(a) renamed to a placeholder of its own, so that renaming axis a to
/// b and b to c do not mix (see `reindex`).
constexpr int64_t kPlaceholder = int64_t(1) << 40;
Atom placeholder(int64_t axis) { return Atom::index(kPlaceholder + axis); }

Ref toPlaceholders(const Ref &e, int64_t rank) {
  return mapLinear(e, [&](const Linear &l) {
    Linear out = l;
    for (int64_t a = 0; a < rank; ++a)
      out = out.substitute(Atom::index(a), Linear::of(placeholder(a)));
    return out;
  });
}

Ref substitute(const Ref &e, Atom atom, const Linear &by) {
  return mapLinear(e, [&](const Linear &l) { return l.substitute(atom, by); });
}

/// True when `e` depends on an element's indices.
bool mentionsIndex(const Ref &e) {
  switch (e->kind) {
  case Node::Kind::Integer:
  case Node::Kind::AtLeastZero:
    return e->linear.mentions(Atom::Kind::Index);
  case Node::Kind::Select:
    return mentionsIndex(e->condition) || mentionsIndex(e->onTrue) || mentionsIndex(e->onFalse);
  default:
    return false;
  }
}

/// Indices renamed: Index(a) becomes `to[a]` (a linear expression over the
/// new indices).
Ref reindex(const Ref &e, const std::vector<Linear> &to) {
  Ref out = toPlaceholders(e, to.size());
  for (size_t a = 0; a < to.size(); ++a)
    out = substitute(out, placeholder(a), to[a]);
  return out;
}

/// A leaf function lifted over selections on either side.
using LeafFn = std::function<std::optional<Ref>(const Ref &, const Ref &)>;
std::optional<Ref> lift(const Ref &a, const Ref &b, const LeafFn &leaf) {
  for (bool left : {true, false}) {
    const Ref &s = left ? a : b;
    if (s->kind != Node::Kind::Select || isBoolean(s))
      continue;
    std::optional<Ref> t = left ? lift(s->onTrue, b, leaf) : lift(a, s->onTrue, leaf);
    std::optional<Ref> f = left ? lift(s->onFalse, b, leaf) : lift(a, s->onFalse, leaf);
    if (!t || !f)
      return std::nullopt;
    return select(s->condition, *t, *f);
  }
  return leaf(a, b);
}

std::optional<double> numeric(const Ref &e) {
  if (e->kind == Node::Kind::Float)
    return e->number;
  if (e->kind == Node::Kind::Integer && e->linear.isConstant())
    return double(e->linear.constantTerm());
  return std::nullopt;
}

std::optional<Ref> arithmetic(Operation *op, const Ref &a, const Ref &b) {
  return lift(a, b, [op](const Ref &x, const Ref &y) -> std::optional<Ref> {
    if (x->kind == Node::Kind::Integer && y->kind == Node::Kind::Integer) {
      const Linear &l = x->linear, &r = y->linear;
      if (isa<AddOp>(op))
        return integer(l + r);
      if (isa<SubOp>(op))
        return integer(l - r);
      if (isa<MulOp>(op) && (l.isConstant() || r.isConstant()))
        return integer(l.isConstant() ? r * l.constantTerm() : l * r.constantTerm());
      if (isa<MaximumOp>(op))
        return select(atLeastZero(l - r), x, y);
      if (isa<MinimumOp>(op))
        return select(atLeastZero(l - r), y, x);
    }
    std::optional<double> u = numeric(x), v = numeric(y);
    if (!u || !v)
      return std::nullopt;
    if (isa<AddOp>(op))
      return number(*u + *v);
    if (isa<SubOp>(op))
      return number(*u - *v);
    if (isa<MulOp>(op))
      return number(*u * *v);
    if (isa<DivOp>(op)) {
      // An integer division is exact here or not read (it truncates).
      bool integerDivision =
          isa<IntegerType>(cast<RankedTensorType>(op->getResult(0).getType()).getElementType());
      if (*v == 0 || (integerDivision && std::fmod(*u, *v) != 0))
        return std::nullopt;
      return number(*u / *v);
    }
    // llm.maximum/minimum propagate NaN.
    if (std::isnan(*u) || std::isnan(*v))
      return number(std::nan(""));
    if (isa<MaximumOp>(op))
      return number(std::max(*u, *v));
    if (isa<MinimumOp>(op))
      return number(std::min(*u, *v));
    return std::nullopt;
  });
}

std::optional<Ref> comparison(CompareDirection direction, const Ref &a, const Ref &b) {
  return lift(a, b, [direction](const Ref &x, const Ref &y) -> std::optional<Ref> {
    if (x->kind == Node::Kind::Integer && y->kind == Node::Kind::Integer) {
      Linear d = x->linear - y->linear; // compare d with 0
      switch (direction) {
      case CompareDirection::lt:
        return atLeastZero(d * -1 - Linear(1));
      case CompareDirection::le:
        return atLeastZero(d * -1);
      case CompareDirection::gt:
        return atLeastZero(d - Linear(1));
      case CompareDirection::ge:
        return atLeastZero(d);
      case CompareDirection::eq:
        return select(atLeastZero(d), atLeastZero(d * -1), truth(false));
      case CompareDirection::ne:
        return select(atLeastZero(d), atLeastZero(d - Linear(1)), truth(true));
      }
    }
    std::optional<double> u = numeric(x), v = numeric(y);
    if (!u || !v)
      return std::nullopt;
    switch (direction) {
    case CompareDirection::lt:
      return truth(*u < *v);
    case CompareDirection::le:
      return truth(*u <= *v);
    case CompareDirection::gt:
      return truth(*u > *v);
    case CompareDirection::ge:
      return truth(*u >= *v);
    case CompareDirection::eq:
      return truth(*u == *v);
    case CompareDirection::ne:
      return truth(*u != *v);
    }
    return std::nullopt;
  });
}

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

bool isStaticOne(RankedTensorType type, int64_t axis) {
  return !type.isDynamicDim(axis) && type.getDimSize(axis) == 1;
}

/// Reads the elements of values, memoized; `why` keeps the first reason a
/// value could not be read.
class ElementReader {
public:
  ElementReader(SymbolicSizes &sizes) : sizes(sizes) {}

  std::optional<Ref> read(Value v) {
    auto key = v.getAsOpaquePointer();
    if (auto it = memo.find(key); it != memo.end())
      return it->second;
    if (++visited > kMaxValues) {
      fail(v, "the mask's computation is too large to follow");
      return std::nullopt;
    }
    std::optional<Ref> e = derive(v);
    memo[key] = e;
    return e;
  }

  std::string why;

private:
  static constexpr int kMaxValues = 256;

  std::optional<Ref> fail(Value v, llvm::StringRef reason) {
    if (why.empty()) {
      std::string name = "a block argument";
      if (Operation *op = v.getDefiningOp())
        name = op->getName().getStringRef().str();
      why = (reason + " (at " + name + ")").str();
    }
    return std::nullopt;
  }

  /// The elements of `operand` of a broadcasting op of result `result`:
  /// its axes aligned at the end; see `stretch`.
  std::optional<Ref> aligned(Value operand, Value result) {
    std::optional<Ref> e = read(operand);
    if (!e)
      return std::nullopt;
    RankedTensorType in = typeOf(operand);
    int64_t offset = typeOf(result).getRank() - in.getRank();
    std::vector<Linear> sizesTo;
    for (int64_t a = 0; a < in.getRank(); ++a)
      sizesTo.push_back(sizes.dim(result, a + offset));
    std::vector<Linear> indicesTo;
    for (int64_t a = 0; a < in.getRank(); ++a)
      indicesTo.push_back(Linear::of(Atom::index(a + offset)));
    return stretch(*e, operand, sizesTo, indicesTo);
  }

public:
  /// `e`, the elements of `operand`, read at axes of sizes `sizesTo` and
  /// indices `indicesTo` by the broadcasting rule: an axis of size 1 reads
  /// index 0; another must have the size it is read at (the program stops
  /// otherwise), so where its size is not provably that one, both cases are
  /// kept: size 1, or the same size, or an invalid program.
  Ref stretch(const Ref &e, Value operand, const std::vector<Linear> &sizesTo,
              const std::vector<Linear> &indicesTo) {
    RankedTensorType in = typeOf(operand);
    Ref out = toPlaceholders(e, in.getRank());
    for (int64_t a = 0; a < in.getRank(); ++a) {
      Linear from = sizes.dim(operand, a);
      if (isStaticOne(in, a))
        out = substitute(out, placeholder(a), Linear(0));
      else if (from == sizesTo[a])
        out = substitute(out, placeholder(a), indicesTo[a]);
      else
        out = ifEqual(from, Linear(1), substitute(out, placeholder(a), Linear(0)),
                      ifEqual(from, sizesTo[a], substitute(out, placeholder(a), indicesTo[a]),
                              invalid()));
    }
    return out;
  }

private:
  std::optional<Ref> derive(Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type)
      return fail(v, "not a ranked tensor");
    Type elementType = type.getElementType();
    // One-element integers: the sizes' arithmetic.
    if (isa<IntegerType>(elementType) && !elementType.isInteger(1) && type.hasStaticShape() &&
        type.getNumElements() == 1)
      if (std::optional<Linear> s = sizes.scalar(v))
        return integer(*s);
    Operation *op = v.getDefiningOp();
    if (!op)
      return fail(v, "a value of the function's arguments");
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || !dense.isSplat())
        return fail(v, "a constant that is not one repeated value");
      if (elementType.isInteger(1))
        return truth(dense.getSplatValue<bool>());
      if (isa<FloatType>(elementType))
        return number(dense.getSplatValue<APFloat>().convertToDouble());
      return integer(Linear(dense.getSplatValue<APInt>().getSExtValue()));
    }
    if (isa<IotaOp>(op))
      return integer(Linear::of(Atom::index(0)));
    if (auto where = dyn_cast<WhereOp>(op)) {
      std::optional<Ref> c = aligned(where.getCondition(), v);
      std::optional<Ref> t = aligned(where.getOnTrue(), v);
      std::optional<Ref> f = aligned(where.getOnFalse(), v);
      if (!c || !t || !f)
        return std::nullopt;
      if (!isBoolean(*c))
        return fail(v, "a condition that is not boolean");
      return select(*c, *t, *f);
    }
    if (auto compare = dyn_cast<CompareOp>(op)) {
      std::optional<Ref> a = aligned(compare.getLhs(), v), b = aligned(compare.getRhs(), v);
      if (!a || !b)
        return std::nullopt;
      std::optional<Ref> r = comparison(compare.getDirection(), *a, *b);
      return r ? r : fail(v, "a comparison of values that are not integers or constants");
    }
    if (isa<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp>(op)) {
      std::optional<Ref> a = aligned(op->getOperand(0), v), b = aligned(op->getOperand(1), v);
      if (!a || !b)
        return std::nullopt;
      std::optional<Ref> r = arithmetic(op, *a, *b);
      return r ? r : fail(v, "arithmetic on values that are not integers or constants");
    }
    if (auto neg = dyn_cast<NegOp>(op)) {
      std::optional<Ref> a = read(neg.getInput());
      if (!a)
        return std::nullopt;
      std::optional<Ref> r = arithmetic(op, integer(Linear(0)), *a);
      return r ? r : fail(v, "a negation of a value that is not an integer or a constant");
    }
    if (auto cast = dyn_cast<CastOp>(op)) {
      std::optional<Ref> a = read(cast.getInput());
      if (!a)
        return std::nullopt;
      if (elementType.isInteger(1)) // != 0
        return isBoolean(*a) ? *a
                             : comparison(CompareDirection::ne, *a, integer(Linear(0)));
      if (isBoolean(*a))
        return select(*a, integer(Linear(1)), integer(Linear(0)));
      return castValues(*a, elementType, v);
    }
    if (auto broadcast = dyn_cast<BroadcastToOp>(op))
      return aligned(broadcast.getInput(), v);
    if (auto transpose = dyn_cast<TransposeOp>(op)) {
      std::optional<Ref> e = read(transpose.getInput());
      if (!e)
        return std::nullopt;
      std::vector<Linear> to(type.getRank());
      for (auto [a, p] : llvm::enumerate(transpose.getPermutation()))
        to[p] = Linear::of(Atom::index(a));
      return reindex(*e, to);
    }
    if (auto reshape = dyn_cast<ReshapeOp>(op))
      return unitReshape(reshape);
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      int64_t d = concat.getDim();
      Atom index = Atom::index(d);
      std::optional<Ref> result;
      Linear offset;
      SmallVector<std::pair<Linear, Ref>> pieces;
      for (Value input : concat.getInputs()) {
        std::optional<Ref> e = read(input);
        if (!e)
          return std::nullopt;
        Linear start = offset;
        offset = offset + sizes.dim(input, d);
        std::vector<Linear> to;
        for (int64_t a = 0; a < type.getRank(); ++a)
          to.push_back(a == d ? Linear::of(index) - start : Linear::of(Atom::index(a)));
        pieces.push_back({offset, reindex(*e, to)});
      }
      // index < end of piece k ? piece k : the later pieces
      Ref e = pieces.back().second;
      for (int k = int(pieces.size()) - 2; k >= 0; --k)
        e = select(atLeastZero(pieces[k].first - Linear::of(index) - Linear(1)), pieces[k].second, e);
      return e;
    }
    if (auto slice = dyn_cast<SliceOp>(op)) {
      std::optional<Ref> e = read(slice.getInput());
      if (!e)
        return std::nullopt;
      std::vector<Linear> to;
      for (int64_t a = 0; a < type.getRank(); ++a)
        to.push_back(Linear::of(Atom::index(a)));
      for (auto [k, d] : llvm::enumerate(slice.getDims())) {
        int64_t start = slice.getStarts()[k];
        int64_t step = slice.getSteps() ? (*slice.getSteps())[k] : 1;
        if (start < 0)
          return fail(v, "a slice from the end of a dimension");
        to[d] = Linear::of(Atom::index(d), step) + Linear(start);
      }
      return reindex(*e, to);
    }
    return fail(v, "an op the mask algebra does not read");
  }

  /// `e`'s values cast to `to`: exact for the index arithmetic a mask does
  /// in 32 bits or more (sizes below 2^31 and 2^24 are what models have);
  /// constants rounded as the cast rounds them; anything else is not read
  /// (a narrow float loses indices above 2048 for f16, 256 for bf16; a
  /// narrow integer wraps).
  std::optional<Ref> castValues(const Ref &e, Type to, Value v) {
    unsigned width = to.getIntOrFloatBitWidth();
    bool indicesExact = width >= 32;
    std::function<std::optional<Ref>(const Ref &)> leaf = [&](const Ref &x) -> std::optional<Ref> {
      switch (x->kind) {
      case Node::Kind::Select: {
        std::optional<Ref> t = leaf(x->onTrue), f = leaf(x->onFalse);
        if (!t || !f)
          return std::nullopt;
        return select(x->condition, *t, *f);
      }
      case Node::Kind::Integer:
        if (!x->linear.isConstant())
          return indicesExact ? std::optional<Ref>(x) : std::nullopt;
        [[fallthrough]];
      case Node::Kind::Float: {
        std::optional<double> value = numeric(x);
        if (auto floatType = dyn_cast<FloatType>(to)) {
          llvm::APFloat rounded(*value);
          bool lost;
          rounded.convert(floatType.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
          return number(rounded.convertToDouble());
        }
        // To an integer: truncated toward zero, within 32 bits.
        double truncated = std::trunc(*value);
        if (!indicesExact || !(std::fabs(truncated) < 2147483648.0))
          return std::nullopt;
        return integer(Linear(int64_t(truncated)));
      }
      default:
        return x;
      }
    };
    std::optional<Ref> result = leaf(e);
    return result ? result : fail(v, "a cast the mask algebra cannot follow exactly");
  }

  /// A reshape that only inserts or drops axes of size 1: the other axes,
  /// in order, keep their sizes.
  std::optional<Ref> unitReshape(ReshapeOp reshape) {
    Value in = reshape.getInput(), out = reshape.getResult();
    std::optional<Ref> e = read(in);
    if (!e)
      return std::nullopt;
    // The same value everywhere (e.g. a padding mask of all ones): any
    // reshape keeps it.
    if (!mentionsIndex(*e))
      return e;
    RankedTensorType inType = typeOf(in), outType = typeOf(out);
    SmallVector<int64_t> kept;
    for (int64_t b = 0; b < outType.getRank(); ++b)
      if (!isStaticOne(outType, b))
        kept.push_back(b);
    std::vector<Linear> to;
    size_t next = 0;
    for (int64_t a = 0; a < inType.getRank(); ++a) {
      if (isStaticOne(inType, a)) {
        to.push_back(Linear(0));
        continue;
      }
      if (next == kept.size() || !(sizes.dim(in, a) == sizes.dim(out, kept[next])))
        return fail(out, "a reshape that does more than insert or drop axes of size 1");
      to.push_back(Linear::of(Atom::index(kept[next++])));
    }
    if (next != kept.size())
      return fail(out, "a reshape that does more than insert or drop axes of size 1");
    return reindex(*e, to);
  }

  SymbolicSizes &sizes;
  llvm::DenseMap<void *, std::optional<Ref>> memo;
  int visited = 0;
};

//===----------------------------------------------------------------------===//
// The causal proof
//===----------------------------------------------------------------------===//

const Atom kQuery = Atom::query();
const Atom kKey = Atom::key();

/// A case of the mask: the conditions under which the element is `value`.
struct Case {
  std::vector<Linear> conditions; ///< each >= 0
  Ref value;                      ///< a leaf (not a selection)
};

/// The cases of `e`, or nothing when there are more than `limit`.
bool enumerateCases(const Ref &e, std::vector<Linear> &conditions, std::vector<Case> &out,
                    size_t limit) {
  if (out.size() > limit)
    return false;
  if (e->kind != Node::Kind::Select) {
    out.push_back({conditions, e});
    return true;
  }
  // The condition's own cases, each taking one branch.
  std::vector<Case> conditionCases;
  std::vector<Linear> none;
  if (!enumerateCases(e->condition, none, conditionCases, limit))
    return false;
  for (const Case &c : conditionCases) {
    size_t depth = conditions.size();
    conditions.insert(conditions.end(), c.conditions.begin(), c.conditions.end());
    bool ok = true;
    if (c.value->kind == Node::Kind::Truth) {
      ok = enumerateCases(c.value->truth ? e->onTrue : e->onFalse, conditions, out, limit);
    } else { // AtLeastZero
      conditions.push_back(c.value->linear);
      ok = enumerateCases(e->onTrue, conditions, out, limit);
      conditions.back() = c.value->linear * -1 - Linear(1);
      ok = ok && enumerateCases(e->onFalse, conditions, out, limit);
    }
    conditions.resize(depth);
    if (!ok)
      return false;
  }
  return true;
}

std::string describe(const std::vector<Linear> &conditions) {
  std::string text;
  for (const Linear &c : conditions)
    text += (text.empty() ? "" : ", ") + c.str() + " >= 0";
  return text.empty() ? "everywhere" : "where " + text;
}

} // namespace

LogicalResult llmc::llm::proveMask(Value mask, MaskMeaning meaning, MaskRule rule,
                                   const Linear &queries, const Linear &keys, SymbolicSizes &sizes,
                                   std::string &why) {
  auto type = dyn_cast<RankedTensorType>(mask.getType());
  if (!type || type.getRank() < 2) {
    why = "the mask has fewer than two axes";
    return failure();
  }
  ElementReader reader(sizes);
  std::optional<Ref> read = reader.read(mask);
  if (!read) {
    why = "the mask's elements are not known: " + reader.why;
    return failure();
  }
  // Leading axes must not matter; the last two become the query and key
  // (or stretch over them).
  int64_t rank = type.getRank();
  for (int64_t a = 0; a + 2 < rank; ++a)
    if (!isStaticOne(type, a) && mentionsAtom(*read, Atom::index(a))) {
      why = "the mask differs along axis " + std::to_string(a) + " (batch or head)";
      return failure();
    }
  std::vector<Linear> sizesTo, indicesTo;
  for (int64_t a = 0; a + 2 < rank; ++a) {
    sizesTo.push_back(sizes.dim(mask, a));
    indicesTo.push_back(Linear(0));
  }
  sizesTo.push_back(queries);
  indicesTo.push_back(Linear::of(kQuery));
  sizesTo.push_back(keys);
  indicesTo.push_back(Linear::of(kKey));
  Ref element = reader.stretch(*read, mask, sizesTo, indicesTo);

  std::vector<Case> cases;
  std::vector<Linear> conditions;
  if (!enumerateCases(element, conditions, cases, /*limit=*/256)) {
    why = "the mask has too many cases to check";
    return failure();
  }
  // Within the scores: 0 <= i < queries, 0 <= j < keys.
  LinearFacts scores;
  Linear i = Linear::of(kQuery), j = Linear::of(kKey);
  scores.require(i);
  scores.requireLess(i, queries);
  scores.require(j);
  scores.requireLess(j, keys);
  Linear causalSlack = keys - queries + i - j; // >= 0 where the rule keeps key j
  for (const Case &c : cases) {
    if (c.value->kind == Node::Kind::Invalid)
      continue; // the program stops before it computes such an element
    // Split a boolean leaf of an i1 mask into its true and false cases.
    std::vector<std::pair<std::vector<Linear>, std::optional<bool>>> kept;
    if (meaning == MaskMeaning::Additive) {
      std::optional<double> v = numeric(c.value);
      std::optional<bool> keeps;
      if (v && *v == 0.0)
        keeps = true;
      else if (v && *v <= kExclusionFill)
        keeps = false;
      kept.push_back({c.conditions, keeps});
    } else if (c.value->kind == Node::Kind::Truth) {
      kept.push_back({c.conditions, c.value->truth == (meaning == MaskMeaning::Allowed)});
    } else if (c.value->kind == Node::Kind::AtLeastZero) {
      bool allowedWhenTrue = meaning == MaskMeaning::Allowed;
      std::vector<Linear> yes = c.conditions, no = c.conditions;
      yes.push_back(c.value->linear);
      no.push_back(c.value->linear * -1 - Linear(1));
      kept.push_back({yes, allowedWhenTrue});
      kept.push_back({no, !allowedWhenTrue});
    } else {
      kept.push_back({c.conditions, std::nullopt});
    }
    for (const auto &[where, keeps] : kept) {
      LinearFacts facts = scores;
      for (const Linear &l : where)
        facts.require(l);
      sizes.addSizeBounds(facts);
      if (facts.infeasible())
        continue; // no element of the scores is in this case
      if (!keeps) {
        why = "the mask holds a value that neither keeps nor excludes a key (" +
              describe(where) + ")";
        return failure();
      }
      if (rule == MaskRule::KeepsAll) {
        if (!*keeps) {
          why = "the mask excludes keys (" + describe(where) + ")";
          return failure();
        }
        continue;
      }
      if (*keeps ? !facts.implies(causalSlack) : !facts.implies(causalSlack * -1 - Linear(1))) {
        why = std::string("the mask ") + (*keeps ? "keeps" : "excludes") +
              " keys the causal rule j <= " + (keys - queries + i).str() + " would not (" +
              describe(where) + ")";
        return failure();
      }
    }
  }
  return success();
}

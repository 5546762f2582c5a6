//===- Elementwise.cpp - vector-unit kernels ------------------------------===//
//
// Elementwise ops, activations, norms, softmax and reductions as vector
// commands over tiles (docs/npu.md, "The lowering"). Where the reference
// kernels round a statistic or an intermediate, the commands round it the
// same way (one command per rounding); activations without a command of
// their own are built from exp, div, mul and add, which docs/npu.md's
// tolerance accounts for.
//
//===----------------------------------------------------------------------===//
#include "targets/npu/Lowering/Kernels.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::npu;
using namespace llmc::npu::lowering;
using namespace llmc::llm;

namespace {

ArrayRef<int64_t> shapeOf(Value value) { return cast<RankedTensorType>(value.getType()).getShape(); }

/// Runs `body(dst, srcs, temps)` over tiles of the result and the operands
/// broadcast to it; `temps` workspace tiles of the result's shape (and
/// `tempType`) come with each tile.
LogicalResult overTiles(Lowering &l, Operation *op, View dst, ArrayRef<View> srcs, int temps,
                        Type tempType, int64_t wholeDims,
                        function_ref<void(const View &, ArrayRef<View>, ArrayRef<View>)> body) {
  SmallVector<View> views{dst};
  views.append(srcs.begin(), srcs.end());
  View probe = View::dense(npub::Memory::SRAM, 0, tempType, {1});
  // A row kernel holds up to two statistics per row (f32 at most), each
  // with a converted copy.
  bool fits = forEachTile(
      l, views, wholeDims, temps * probe.elementBytes(),
      [&](ArrayRef<View> tiles) {
        SmallVector<View> t;
        for (int i = 0; i < temps; ++i)
          t.push_back(l.em.allocate(tempType, tiles[0].shape));
        body(tiles[0], tiles.drop_front(), t);
      },
      wholeDims > 0 ? 16 : 0);
  if (!fits)
    return op->emitError() << "a row of this op does not fit the NPU's SRAM workspace ("
                           << l.em.workspaceFree() << " bytes)";
  return success();
}

/// One vector command per unary op, or a short sequence for activations.
void unary(Emitter &em, Operation *op, const View &d, const View &x, ArrayRef<View> t) {
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](NegOp) { em.vector("mul", d, {x}, -1.0); })
      .Case([&](AbsOp) {
        em.vector("mul", t[0], {x}, -1.0);
        em.vector("max", d, {x, t[0]});
      })
      .Case([&](ExpOp) { em.vector("exp", d, {x}); })
      .Case([&](RsqrtOp) { em.vector("rsqrt", d, {x}); })
      .Case([&](ReciprocalOp) { em.vector("reciprocal", d, {x}); })
      // sqrt(0) = 1 / inf = 0.
      .Case([&](SqrtOp) {
        em.vector("rsqrt", t[0], {x});
        em.vector("reciprocal", d, {t[0]});
      })
      // sigmoid(x) = 1 / (1 + exp(-x)).
      .Case([&](SigmoidOp) {
        em.vector("mul", t[0], {x}, -1.0);
        em.vector("exp", t[0], {t[0]});
        em.vector("add", t[0], {t[0]}, 1.0);
        em.vector("reciprocal", d, {t[0]});
      })
      // tanh(x) = 1 - 2 / (1 + exp(2x)).
      .Case([&](TanhOp) {
        em.vector("mul", t[0], {x}, 2.0);
        em.vector("exp", t[0], {t[0]});
        em.vector("add", t[0], {t[0]}, 1.0);
        em.vector("reciprocal", t[0], {t[0]});
        em.vector("mul", t[0], {t[0]}, -2.0);
        em.vector("add", d, {t[0]}, 1.0);
      })
      // silu(x) = x / (1 + exp(-x)).
      .Case([&](SiluOp) {
        em.vector("mul", t[0], {x}, -1.0);
        em.vector("exp", t[0], {t[0]});
        em.vector("add", t[0], {t[0]}, 1.0);
        em.vector("div", d, {x, t[0]});
      })
      // Both forms as x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3):
      // the tanh form exactly, the erf form within 3e-4 (docs/npu.md).
      .Case([&](GeluOp) {
        em.vector("mul", t[0], {x, x});
        em.vector("mul", t[0], {t[0], x});
        em.vector("mul", t[0], {t[0]}, 0.044715);
        em.vector("add", t[0], {t[0], x});
        em.vector("mul", t[0], {t[0]}, -2.0 * std::sqrt(2.0 / M_PI));
        em.vector("exp", t[0], {t[0]});
        em.vector("add", t[0], {t[0]}, 1.0);
        em.vector("div", d, {x, t[0]});
      })
      .Case([&](CastOp) { em.vector("convert", d, {x}); });
}

bool isUnary(Operation *op) {
  return isa<NegOp, AbsOp, ExpOp, RsqrtOp, ReciprocalOp, SqrtOp, SigmoidOp, TanhOp, SiluOp,
             GeluOp, CastOp>(op);
}

int unaryTemps(Operation *op) {
  return isa<NegOp, ExpOp, RsqrtOp, ReciprocalOp, CastOp>(op) ? 0 : 1;
}

/// The vector operation of a binary op, if it is one.
std::optional<StringRef> binaryKind(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<StringRef>>(op)
      .Case([](AddOp) { return StringRef("add"); })
      .Case([](SubOp) { return StringRef("sub"); })
      .Case([](MulOp) { return StringRef("mul"); })
      .Case([](DivOp) { return StringRef("div"); })
      .Case([](MaximumOp) { return StringRef("max"); })
      .Case([](MinimumOp) { return StringRef("min"); })
      .Case([](CompareOp) { return StringRef("compare"); })
      .Default([](Operation *) { return std::nullopt; });
}

LogicalResult lowerBinary(Lowering &l, Operation *op, StringRef kind) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1), result = op->getResult(0);
  ArrayRef<int64_t> shape = shapeOf(result);
  StringRef comparison = "eq";
  if (auto compare = dyn_cast<CompareOp>(op))
    comparison = stringifyCompareDirection(compare.getDirection());
  bool commutes = kind == "add" || kind == "mul" || kind == "max" || kind == "min";
  // A splat operand is an immediate (the second one; the first when the
  // op commutes).
  std::optional<double> scalar = splatValueOf(rhs);
  if (!scalar && commutes && (scalar = splatValueOf(lhs)))
    std::swap(lhs, rhs);
  View dst = l.viewOf(result);
  View a = l.viewOf(lhs).broadcastTo(shape);
  if (scalar)
    return overTiles(l, op, dst, {a}, 0, dst.type, 0,
                     [&](const View &d, ArrayRef<View> s, ArrayRef<View>) {
                       l.em.vector(kind, d, {s[0]}, *scalar, -1, comparison);
                     });
  View b = l.viewOf(rhs).broadcastTo(shape);
  return overTiles(l, op, dst, {a, b}, 0, dst.type, 0,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View>) {
                     l.em.vector(kind, d, {s[0], s[1]}, std::nullopt, -1, comparison);
                   });
}

/// x^2, x^1, x^0.5 (what models write as pow); other exponents have no
/// lowering.
std::optional<LogicalResult> lowerPow(Lowering &l, PowOp op) {
  std::optional<double> exponent = splatValueOf(op.getRhs());
  if (!exponent || (*exponent != 2.0 && *exponent != 1.0 && *exponent != 0.5))
    return std::nullopt;
  View dst = l.viewOf(op.getResult());
  View x = l.viewOf(op.getLhs()).broadcastTo(dst.shape);
  return overTiles(l, op, dst, {x}, 1, dst.type, 0,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View> t) {
                     if (*exponent == 2.0) {
                       l.em.vector("mul", d, {s[0], s[0]});
                     } else if (*exponent == 1.0) {
                       l.em.vector("max", d, {s[0], s[0]});
                     } else {
                       l.em.vector("rsqrt", t[0], {s[0]});
                       l.em.vector("reciprocal", d, {t[0]});
                     }
                   });
}

LogicalResult lowerWhere(Lowering &l, WhereOp op) {
  View dst = l.viewOf(op.getResult());
  View c = l.viewOf(op.getCondition()).broadcastTo(dst.shape);
  View f = l.viewOf(op.getOnFalse()).broadcastTo(dst.shape);
  if (std::optional<double> scalar = splatValueOf(op.getOnTrue()))
    return overTiles(l, op, dst, {c, f}, 0, dst.type, 0,
                     [&](const View &d, ArrayRef<View> s, ArrayRef<View>) {
                       l.em.vector("select", d, {s[0], s[1]}, *scalar);
                     });
  View t = l.viewOf(op.getOnTrue()).broadcastTo(dst.shape);
  return overTiles(l, op, dst, {c, t, f}, 0, dst.type, 0,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View>) {
                     l.em.vector("select", d, {s[0], s[1], s[2]});
                   });
}

/// The row statistics of a norm as the reference kernels hold them:
/// `inverse = 1 / sqrt(mean + eps)` (rsqrt: one rounding where the
/// reference has two).
void inverseRoot(Emitter &em, const View &stat, int64_t length, double epsilon) {
  em.vector("div", stat, {stat}, double(length));
  em.vector("add", stat, {stat}, epsilon);
  em.vector("rsqrt", stat, {stat});
}

View rowStat(const View &tile) {
  View v = tile;
  v.shape.back() = 1;
  return v;
}

/// Whether row statistics are kept in f32: a device that accumulates in
/// f32 (llm-fp16-safety leaves its norms alone, trusting that).
bool wideStatistics(Lowering &l) {
  return l.em.device().accumulation == Accumulation::F32;
}

LogicalResult lowerRMSNorm(Lowering &l, RMSNormOp op) {
  View dst = l.viewOf(op.getResult());
  View x = l.viewOf(op.getInput());
  View w = l.viewOf(op.getWeight()).broadcastTo(dst.shape);
  int64_t D = dst.shape.back();
  double eps = op.getEpsilon().convertToDouble();
  bool wide = wideStatistics(l);
  Type statType = wide ? Type(Builder(op.getContext()).getF32Type()) : dst.type;
  // Temps: the squares (in the statistics' type), and a column for them.
  return overTiles(l, op, dst, {x, w}, 1, statType, 1,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View> t) {
                     View stat = l.em.allocate(statType, rowStat(d).shape);
                     View squares = t[0];
                     if (wide) {
                       l.em.vector("convert", squares, {s[0]});
                       l.em.vector("mul", squares, {squares, squares});
                     } else {
                       l.em.vector("mul", squares, {s[0], s[0]});
                     }
                     l.em.reduce("sum", squares, stat);
                     inverseRoot(l.em, stat, D, eps);
                     View inverse = stat;
                     if (wide) {
                       inverse = l.em.allocate(dst.type, rowStat(d).shape);
                       l.em.vector("convert", inverse, {stat});
                     }
                     l.em.vector("mul", d, {s[0], inverse.broadcastTo(d.shape)});
                     l.em.vector("mul", d, {d, s[1]});
                   });
}

LogicalResult lowerLayerNorm(Lowering &l, LayerNormOp op) {
  View dst = l.viewOf(op.getResult());
  View x = l.viewOf(op.getInput());
  SmallVector<View> srcs{x, l.viewOf(op.getWeight()).broadcastTo(dst.shape)};
  if (op.getBias())
    srcs.push_back(l.viewOf(op.getBias()).broadcastTo(dst.shape));
  int64_t D = dst.shape.back();
  double eps = op.getEpsilon().convertToDouble();
  bool wide = wideStatistics(l);
  Type statType = wide ? Type(Builder(op.getContext()).getF32Type()) : dst.type;
  return overTiles(l, op, dst, srcs, 2, statType, 1,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View> t) {
                     View mean = l.em.allocate(statType, rowStat(d).shape);
                     View var = l.em.allocate(statType, rowStat(d).shape);
                     View input = s[0];
                     if (wide) {
                       l.em.vector("convert", t[1], {s[0]});
                       input = t[1];
                     }
                     l.em.reduce("sum", input, mean);
                     l.em.vector("div", mean, {mean}, double(D));
                     l.em.vector("sub", t[0], {input, mean.broadcastTo(d.shape)});
                     l.em.vector("mul", t[1], {t[0], t[0]});
                     l.em.reduce("sum", t[1], var);
                     inverseRoot(l.em, var, D, eps);
                     l.em.vector("mul", t[0], {t[0], var.broadcastTo(d.shape)});
                     View centred = t[0];
                     if (wide) {
                       // The normalised row back in f16 (t[1] read as f16).
                       centred = View::dense(npub::Memory::SRAM, t[1].offset, dst.type, d.shape);
                       l.em.vector("convert", centred, {t[0]});
                     }
                     if (s.size() > 2) {
                       l.em.vector("mul", centred, {centred, s[1]});
                       l.em.vector("add", d, {centred, s[2]});
                     } else {
                       l.em.vector("mul", d, {centred, s[1]});
                     }
                   });
}

/// `dims` of `shape` moved last, in order.
SmallVector<int64_t> reducedLast(int64_t rank, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> order;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(dims, i))
      order.push_back(i);
  order.append(dims.begin(), dims.end());
  return order;
}

/// A softmax row: max, exp(x - max), its sum, and the quotient.
void softmaxRows(Emitter &em, const View &d, const View &x, const View &t) {
  View stat = em.allocate(d.type, rowStat(d).shape);
  em.reduce("max", x, stat);
  em.vector("sub", t, {x, stat.broadcastTo(d.shape)});
  em.vector("exp", t, {t});
  em.reduce("sum", t, stat);
  em.vector("div", d, {t, stat.broadcastTo(d.shape)});
}

LogicalResult lowerSoftmax(Lowering &l, SoftmaxOp op) {
  int64_t rank = shapeOf(op.getResult()).size();
  int64_t dim = op.getDim() < 0 ? op.getDim() + rank : op.getDim();
  SmallVector<int64_t> order = reducedLast(rank, {dim});
  View dst = l.viewOf(op.getResult()).permute(order);
  View x = l.viewOf(op.getInput()).permute(order);
  return overTiles(l, op, dst, {x}, 1, dst.type, 1,
                   [&](const View &d, ArrayRef<View> s, ArrayRef<View> t) {
                     softmaxRows(l.em, d, s[0], t[0]);
                   });
}

/// sum, mean and max along `dims` (min through negation): the reduced
/// dimensions moved last and read as one (when their strides allow, else
/// one after another).
template <typename Op>
LogicalResult lowerReduction(Lowering &l, Op op, StringRef kind) {
  Value input = op.getInput();
  ArrayRef<int64_t> inShape = shapeOf(input);
  int64_t rank = inShape.size();
  SmallVector<int64_t> dims;
  for (int64_t d : op.getDims())
    dims.push_back(d < 0 ? d + rank : d);
  llvm::sort(dims);
  SmallVector<int64_t> order = reducedLast(rank, dims);
  View x = l.viewOf(input).permute(order);
  // The result as the kept dimensions followed by one reduced (size 1).
  SmallVector<int64_t> kept;
  int64_t reduced = 1;
  for (int64_t i = 0; i < rank; ++i)
    if (llvm::is_contained(dims, i))
      reduced *= inShape[i];
    else
      kept.push_back(inShape[i]);
  SmallVector<int64_t> xShape = kept;
  xShape.push_back(reduced);
  std::optional<View> flat = x.reshape(xShape);
  if (!flat)
    return op.emitError() << "the NPU reduces dimensions its view reads as one; these are not";
  SmallVector<int64_t> outShape = kept;
  outShape.push_back(1);
  View dst = *l.viewOf(op.getResult()).reshape(outShape);
  bool isMin = kind == "min", isMean = kind == "mean";
  StringRef command = kind == "max" || isMin ? "max" : "sum";
  // Tiles over the kept dimensions: the result read as the source's shape
  // (stride 0 along the reduced dimension), cut back to 1 in each tile.
  bool fits = forEachTile(l, {dst.broadcastTo(xShape), *flat}, 1, 2 * flat->elementBytes(),
                          [&](ArrayRef<View> tiles) {
                            View out = tiles[0];
                            out.shape.back() = 1;
                            View in = tiles[1];
                            if (isMin) {
                              View t = l.em.allocate(in.type, in.shape);
                              l.em.vector("mul", t, {in}, -1.0);
                              in = t;
                            }
                            l.em.reduce(command, in, out);
                            if (isMin)
                              l.em.vector("mul", out, {out}, -1.0);
                            if (isMean)
                              l.em.vector("div", out, {out}, double(reduced));
                          });
  if (!fits)
    return op.emitError() << "a row of this reduction does not fit the NPU's SRAM workspace";
  return success();
}

} // namespace

std::optional<LogicalResult> lowering::lowerElementwise(Lowering &l, Operation *op) {
  if (isUnary(op)) {
    View dst = l.viewOf(op->getResult(0));
    View x = l.viewOf(op->getOperand(0));
    Type temp = isa<CastOp>(op) ? x.type : dst.type;
    return overTiles(l, op, dst, {x}, unaryTemps(op), temp, 0,
                     [&](const View &d, ArrayRef<View> s, ArrayRef<View> t) {
                       unary(l.em, op, d, s[0], t);
                     });
  }
  if (std::optional<StringRef> kind = binaryKind(op))
    return lowerBinary(l, op, *kind);
  return llvm::TypeSwitch<Operation *, std::optional<LogicalResult>>(op)
      .Case([&](PowOp p) { return lowerPow(l, p); })
      .Case([&](WhereOp w) { return lowerWhere(l, w); })
      .Case([&](SwiGLUOp s) -> LogicalResult {
        View dst = l.viewOf(s.getResult());
        View g = l.viewOf(s.getGate()).broadcastTo(dst.shape);
        View u = l.viewOf(s.getUp()).broadcastTo(dst.shape);
        // silu(gate) * up, silu as above.
        return overTiles(l, op, dst, {g, u}, 1, dst.type, 0,
                         [&](const View &d, ArrayRef<View> x, ArrayRef<View> t) {
                           l.em.vector("mul", t[0], {x[0]}, -1.0);
                           l.em.vector("exp", t[0], {t[0]});
                           l.em.vector("add", t[0], {t[0]}, 1.0);
                           l.em.vector("div", t[0], {x[0], t[0]});
                           l.em.vector("mul", d, {t[0], x[1]});
                         });
      })
      .Case([&](RMSNormOp n) { return lowerRMSNorm(l, n); })
      .Case([&](LayerNormOp n) { return lowerLayerNorm(l, n); })
      .Case([&](SoftmaxOp s) { return lowerSoftmax(l, s); })
      .Case([&](ReduceSumOp r) { return lowerReduction(l, r, "sum"); })
      .Case([&](ReduceMeanOp r) { return lowerReduction(l, r, "mean"); })
      .Case([&](ReduceMaxOp r) { return lowerReduction(l, r, "max"); })
      .Case([&](ReduceMinOp r) { return lowerReduction(l, r, "min"); })
      .Default([](Operation *) { return std::nullopt; });
}

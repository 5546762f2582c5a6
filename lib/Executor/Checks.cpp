//===- Checks.cpp - the check dialect's assertions ------------------------===//
#include "OpDispatch.h"

#include "llmc/Dialect/Check/IR/CheckOps.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace llmc;
using namespace llmc::exec;

bool exec::isCheck(Operation *op) { return isa<check::ExpectEqOp, check::ExpectCloseOp>(op); }

namespace {

/// Element `i` as a double (integers converted).
double element(const Tensor &t, int64_t i) {
  return t.isFloat() ? double(t.floats()[i]) : double(t.ints()[i]);
}

bool equal(double a, double e) { return a == e || (std::isnan(a) && std::isnan(e)); }

/// Element `i` for a message: integers exactly, floats to 9 digits.
std::string show(const Tensor &t, int64_t i) {
  if (!t.isFloat())
    return std::to_string(t.ints()[i]);
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.9g", t.floats()[i]);
  return text;
}

} // namespace

std::optional<std::string> exec::evaluateCheck(Operation *op, llvm::ArrayRef<Tensor> operands) {
  const Tensor &actual = operands[0];
  auto close = dyn_cast<check::ExpectCloseOp>(op);
  ElementsAttr attr = close ? close.getExpected() : cast<check::ExpectEqOp>(op).getExpected();
  std::optional<Tensor> expected =
      tensorFromAttr(attr, cast<RankedTensorType>(op->getOperand(0).getType()));
  if (!expected)
    return std::string("the expected values are not a dense constant");
  if (actual.shape() != expected->shape())
    return "the value is " + actual.describe() + ", expected " + expected->describe();
  double atol = close ? close.getAtol().convertToDouble() : 0.0;
  double rtol = close ? close.getRtol().convertToDouble() : 0.0;
  int64_t failures = 0, first = -1;
  for (int64_t i = 0; i < actual.size(); ++i) {
    bool holds;
    if (!actual.isFloat() && !close) {
      holds = actual.ints()[i] == expected->ints()[i]; // exactly, beyond 2^53 too
    } else {
      double a = element(actual, i), e = element(*expected, i);
      holds = equal(a, e) || (close && std::fabs(a - e) <= atol + rtol * std::fabs(e));
    }
    if (!holds && failures++ == 0)
      first = i;
  }
  if (failures == 0)
    return std::nullopt;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << failures << " of " << actual.size() << " elements differ; element " << first << " is "
     << show(actual, first) << ", expected " << show(*expected, first);
  if (close)
    os << llvm::format(" (atol %g, rtol %g)", atol, rtol);
  return text;
}

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
    double a = element(actual, i), e = element(*expected, i);
    bool holds = close ? equal(a, e) || std::fabs(a - e) <= atol + rtol * std::fabs(e)
                       : equal(a, e);
    if (!holds && failures++ == 0)
      first = i;
  }
  if (failures == 0)
    return std::nullopt;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << failures << " of " << actual.size() << " elements differ; element " << first << " is "
     << llvm::format("%.9g", element(actual, first)) << ", expected "
     << llvm::format("%.9g", element(*expected, first));
  if (close)
    os << llvm::format(" (atol %g, rtol %g)", atol, rtol);
  return text;
}

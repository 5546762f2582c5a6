//===- SymbolicSizesTest.cpp - linear facts and derived sizes -------------===//
//
// The prover under MaskAlgebra: Fourier-Motzkin infeasibility with integer
// tightening (what it proves, and that it does not prove what is false),
// and SymbolicSizes on a parsed function (sizes through concat, reshape
// shape vectors, max(n, 0) and kv_append).
//
//===----------------------------------------------------------------------===//
#include "../lib/Dialect/LLM/Transforms/SymbolicSizes.h"

#include "llmc/Dialect/LLM/IR/LLMOps.h"
#include "llmc/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <limits>

using namespace mlir;
using namespace llmc::llm;

namespace {

Linear var(int64_t k) { return Linear::of(Atom::index(k)); }

TEST(LinearTest, ArithmeticCancelsTerms) {
  Linear a = var(0) * 2 + var(1) + Linear(3);
  Linear b = a - var(0) * 2 - Linear(3);
  EXPECT_EQ(b, var(1));
  EXPECT_TRUE((a - a).isConstant());
  EXPECT_EQ(a.substitute(Atom::index(0), var(1) + Linear(1)), var(1) * 3 + Linear(5));
}

TEST(LinearFactsTest, ContradictoryBoundsAreInfeasible) {
  LinearFacts f;
  f.require(var(0));                // x >= 0
  f.requireLess(var(0), Linear(0)); // x < 0
  EXPECT_TRUE(f.infeasible());
}

TEST(LinearFactsTest, SatisfiableSystemIsNotReportedInfeasible) {
  LinearFacts f;
  f.require(var(0));                     // x >= 0
  f.requireAtMost(var(0), var(1));       // x <= y
  f.requireLess(var(1), Linear(10));     // y < 10
  EXPECT_FALSE(f.infeasible());
}

TEST(LinearFactsTest, IntegerTighteningRulesOutHalves) {
  // 2x >= 1 and 2x <= 1 has the rational solution 1/2 and no integer one.
  LinearFacts f;
  f.require(var(0) * 2 - Linear(1));
  f.require(Linear(1) - var(0) * 2);
  EXPECT_TRUE(f.infeasible());
}

TEST(LinearFactsTest, ImpliesTheCausalRuleOfAConcatenatedMask) {
  // Keys j < p (the past) and i, j within p + s keys of s queries:
  // j <= (p + s) - s + i.
  Linear i = var(0), j = var(1), s = var(2), p = var(3);
  LinearFacts f;
  f.require(i);
  f.requireLess(i, s);
  f.require(j);
  f.requireLess(j, p);
  EXPECT_TRUE(f.implies((p + s) - s + i - j));
  // Not: j <= i (the past is not below the diagonal).
  EXPECT_FALSE(f.implies(i - j));
}

TEST(LinearFactsTest, OverflowProvesNothing) {
  // x >= 0 and x <= -1 is infeasible; the same with a wrapped constant
  // must not be taken as a proof of anything.
  Linear huge = Linear(std::numeric_limits<int64_t>::max()) + Linear(1);
  EXPECT_TRUE(huge.hasOverflowed());
  EXPECT_FALSE(huge == huge);
  LinearFacts f;
  f.require(var(0));
  f.require(huge - var(0));
  EXPECT_FALSE(f.infeasible());
  Linear big = var(0) * (int64_t(1) << 62);
  EXPECT_TRUE((big * 4).hasOverflowed());
}

constexpr const char *kModule = R"mlir(
func.func @f(%ids: tensor<1x?xi64>, %past: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<?xi64> {
  %kv = llm.kv_append %past, %k : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %s = llm.dim %ids[1] : tensor<1x?xi64>
  %p = llm.dim %past[2] : tensor<1x2x?x8xf32>
  %n = llm.add %s, %p : tensor<i64>
  %zero = llm.constant dense<0> : tensor<i64>
  %count = llm.maximum %n, %zero : tensor<i64>
  %iota = llm.iota %count : tensor<i64>
  %one = llm.constant dense<1> : tensor<1xi64>
  %n1 = llm.reshape %n : tensor<i64> to tensor<1xi64>
  %shape = llm.concat %one, %n1 dim 0 : tensor<1xi64>, tensor<1xi64>
  %row = llm.reshape %iota, %shape : tensor<?xi64>, tensor<2xi64> to tensor<1x?xi64>
  %both = llm.concat %row, %ids dim 1 : tensor<1x?xi64>, tensor<1x?xi64>
  return %iota : tensor<?xi64>
}
)mlir";

TEST(SymbolicSizesTest, SizesThroughShapeArithmetic) {
  DialectRegistry registry;
  llmc::registerAllDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  auto f = cast<func::FuncOp>(module->getBody()->front());
  auto ops = f.getBody().front().without_terminator();
  auto find = [&](StringRef name, int nth = 0) -> Value {
    for (Operation &op : ops)
      if (op.getName().getStringRef() == name && nth-- == 0)
        return op.getResult(0);
    return nullptr;
  };
  Value ids = f.getArgument(0), past = f.getArgument(1), k = f.getArgument(2);
  SymbolicSizes sizes;
  Linear s = Linear::of(Atom::size(ids, 1)), p = Linear::of(Atom::size(past, 2));
  EXPECT_EQ(sizes.dim(find("llm.kv_append"), 2), p + Linear::of(Atom::size(k, 2)));
  // iota(max(s + p, 0)) has s + p elements: sizes are never negative.
  EXPECT_EQ(sizes.dim(find("llm.iota"), 0), s + p);
  // The reshape's shape vector gives its sizes; the concat adds them.
  EXPECT_EQ(sizes.dim(find("llm.reshape", 1), 1), s + p);
  EXPECT_EQ(sizes.dim(find("llm.concat", 1), 1), s * 2 + p);
  EXPECT_EQ(sizes.dim(find("llm.concat", 1), 0), Linear(1));
  EXPECT_TRUE(sizes.provablyNonNegative(s + p));
  EXPECT_FALSE(sizes.provablyNonNegative(s - p));
}

} // namespace

//===- CheckOps.td - assertions for op specifications ------*- tablegen -*-===//
//
// The `check` dialect: assertions that turn a function of llm ops on
// constants into a specification test of those ops' semantics, run by the
// reference executor (`llmc-run --check`). Test-only, as StableHLO's
// `check` dialect is for its interpreter.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_DIALECT_CHECK_IR_CHECKOPS_TD
#define LLMC_DIALECT_CHECK_IR_CHECKOPS_TD

include "mlir/IR/OpBase.td"

def Check_Dialect : Dialect {
  let name = "check";
  let cppNamespace = "::llmc::check";
  let summary = "Assertions on values, for specification tests of llm ops.";
  let description = [{
    `llmc-run --check module.mlir` runs every function of the module that
    takes no argument on the reference executor (with `--fp16`, on the
    modelled FP16 device) and reports, per function, whether each `check`
    op held. A failed check does not stop the function: every failure is
    reported with the first element that differs.

    ```mlir
    func.func @add() {
      %a = llm.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %b = llm.constant dense<[0.5, 0.25]> : tensor<2xf32>
      %sum = llm.add %a, %b : tensor<2xf32>, tensor<2xf32>
      check.expect_eq %sum, dense<[1.5, 2.25]> : tensor<2xf32>
      return
    }
    ```
  }];
}

class Check_Op<string mnemonic, list<Trait> traits = []>
    : Op<Check_Dialect, mnemonic, traits>;

def Check_ExpectEqOp : Check_Op<"expect_eq", [AllTypesMatch<["actual", "expected"]>]> {
  let summary = "The value equals the expected constant, element by element";
  let description = [{
    Holds when every element of `actual` equals the element of `expected`
    (floats compared as values: `-0.0` equals `0.0`, a NaN equals a NaN).
    The expected values are an attribute, not a computed value, so that on
    the modelled FP16 device (`--fp16`) they are not rounded like the
    values under test.

    ```mlir
    check.expect_eq %ids, dense<[1, 4, 5]> : tensor<3xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$actual, ElementsAttr:$expected);
  let assemblyFormat = "$actual `,` $expected attr-dict";
}

def Check_ExpectCloseOp
    : Check_Op<"expect_close", [AllTypesMatch<["actual", "expected"]>]> {
  let summary = "The value is within a tolerance of the expected constant";
  let description = [{
    Holds when every element satisfies
    `|actual - expected| <= atol + rtol * |expected|` (equal infinities
    and NaNs match themselves). `atol` defaults to 0, `rtol` to 1e-6.

    ```mlir
    check.expect_close %y, dense<[0.5, 1.5]> : tensor<2xf32> {rtol = 1.0e-3}
    ```
  }];
  let arguments = (ins AnyRankedTensor:$actual, ElementsAttr:$expected,
                       DefaultValuedAttr<F64Attr, "0.0">:$atol,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$rtol);
  let assemblyFormat = "$actual `,` $expected attr-dict";
}

#endif // LLMC_DIALECT_CHECK_IR_CHECKOPS_TD

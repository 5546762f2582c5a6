//===- Passes.td - llm dialect passes ----------------------*- tablegen -*-===//
#ifndef LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD
#define LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModelSummary : Pass<"llm-model-summary", "::mlir::ModuleOp"> {
  let summary = "Print the parameters, weight bytes and op mix of a model";
  let description = [{
    An analysis that changes nothing. For the module it prints the weights
    file, the number of distinct weights and parameters (a weight read twice,
    like a tied LM head, counts once), their bytes per element type, and for
    each function its signature size and how many of each `llm` op it holds.
    Deployment engineers use it to see what a model costs before compiling
    it; tests use it to check what an importer produced.

    ```
    llmc-opt --llm-model-summary models/gpt2-tiny.mlir -o /dev/null
    ```
  }];
  let options = [
    Option<"outputFile", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the summary ('-' is stdout)">,
  ];
}

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

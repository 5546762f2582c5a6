//===- Passes.td - compile-time evaluation passes ----------*- tablegen -*-===//
//
// Passes that evaluate part of a model at compile time with the reference
// executor, so the numbers they bake in follow the ops' one definition.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_CONSTEVAL_PASSES_TD
#define LLMC_CONSTEVAL_PASSES_TD

include "mlir/Pass/PassBase.td"

def BakePrefix : Pass<"llm-bake-prefix", "::mlir::ModuleOp"> {
  let summary = "Compute a fixed prompt prefix's KV caches at compile time";
  let description = [{
    Runs `@forward` (or an imported `@main`) on the prefix `ids` (positions `0 .. P-1`, empty
    caches) on the reference executor, in f32, and adds their caches to
    the module as the results of

    ```
    func.func @prefix_cache() -> (caches [B, H, P, D]...)
        attributes {llm.phase = #llm.phase<prefix>, llm.tokens = P, llm.prefix_ids = array<i64: ids>}
    ```

    whose values are `dense_resource` constants (held in the module's
    resource section, not in the weights file the checkpoint owns). A
    runner starts generation from these caches at position `P`; the prompt
    it is given is what follows the prefix. `llm-static-shapes`, run after
    this pass, turns `@prefix_cache` into the initial value of its
    fixed-size cache buffers. A system prompt baked this way costs no
    prefill at run time.

    The weights are read from `llm.weights`, resolved against `model-dir`
    (the directory of the `.mlir` file; `llmc` sets it).
  }];
  let options = [
    ListOption<"ids", "ids", "int64_t", "the prefix's token ids; required">,
    Option<"modelDir", "model-dir", "std::string", "\".\"",
           "the directory the module's llm.weights path is relative to">,
  ];
}

def CalibrateRanges : Pass<"llm-calibrate-ranges", "::mlir::ModuleOp"> {
  let summary = "Record the value range each op takes on calibration prompts";
  let description = [{
    Runs the model on calibration prompts with the reference executor, in
    f32, and records on each op with a float result the smallest and
    largest value it produced over all of them:

    ```
    %h = llm.rms_norm %x, %w {llm.observed = array<f64: -3.2, 41.7>, ...}
    ```

    Each prompt is prefilled from empty caches (or the module's baked
    prefix), then `generate` tokens are decoded greedily, so the ranges of
    both phases are seen. The module can be the dynamic `@forward` (or an
    imported `@main`) or the static programs of `llm-static-shapes`; the
    observations are attributes of the ops, so the programs
    `llm-static-shapes` clones from a calibrated `@forward` carry them.

    `llm-fp16-safety` prints observed ranges beside the proven ones, and
    its `static` norm strategy chooses its pre-scale from them. Observed
    ranges are evidence, not proof: an input unlike the calibration prompts
    can exceed them.

    `inputs` is a text file with one prompt per line, token ids separated
    by spaces or commas; blank lines and lines starting with `#` are
    skipped. The weights are read from `llm.weights`, resolved against
    `model-dir`.

    ```
    llmc-opt --llm-calibrate-ranges="inputs=prompts.txt model-dir=models" model.mlir
    ```
  }];
  let options = [
    Option<"inputs", "inputs", "std::string", "\"\"",
           "text file of calibration prompts (token ids, one prompt per line); required">,
    Option<"generate", "generate", "unsigned", "4",
           "tokens decoded greedily after each prompt">,
    Option<"modelDir", "model-dir", "std::string", "\".\"",
           "the directory the module's llm.weights path is relative to">,
  ];
}

#endif // LLMC_CONSTEVAL_PASSES_TD

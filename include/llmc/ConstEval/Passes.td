//===- Passes.td - compile-time evaluation passes ----------*- tablegen -*-===//
//
// Passes that evaluate part of a model at compile time with the reference
// executor, so the numbers they bake in follow the ops' one definition.
//
//===----------------------------------------------------------------------===//
#ifndef LLMC_CONSTEVAL_PASSES_TD
#define LLMC_CONSTEVAL_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConstEvalWeights : Pass<"llm-const-eval-weights", "::mlir::ModuleOp"> {
  let summary = "Compute at compile time what the program computes from weights alone";
  let description = [{
    Every value a program computes from weights and constants alone
    (transposes, reshapes, slices, concatenations and casts of weights,
    products of weights, ...) is evaluated once, at compile time, with the
    reference executor, and written to a new weights file; the program then
    reads it as an `llm.weight` and the module's `llm.weights` lists the new
    file after its checkpoint's. A target thus receives its weights in the
    form it computes with (fused projections concatenated, MLA's absorbed
    products precomputed, layouts transposed) instead of recomputing them on
    every call.

    What is hoisted: the values, computed by pure llm ops with static
    shapes from `llm.weight`s (and `llm.constant`s), that an op which is not
    itself computed from weights alone uses. Not hoisted: values computed
    from constants alone (the canonicalizer folds them), values larger than
    the tensors they are computed from (a broadcast stays a cheap run-time
    op rather than a larger file), and reshapes of one weight (the same
    bytes in another shape). The same computation in several programs
    (`@decode` and each `@prefill_N`) is written once.

    Weights the programs read unchanged keep pointing at the checkpoint's
    bytes. With `dtype=f16` (or `bf16`, `f32`) the hoisted tensors are
    stored in that type, and so is every weight stored in another type
    (converted into the new file): the deployment chooses the stored type;
    the programs' types are unchanged. The file is written one tensor at a
    time (peak memory near the largest tensor produced, not the model),
    in a deterministic order with deterministic bytes; nothing is written
    when nothing is hoisted, so a second run on its output changes nothing.

    Without the weights (a module compiled away from its checkpoint), it
    warns and leaves the programs as they are: they compute the same values
    at run time; with a `dtype` to store, that is an error.

    `output` is the new file's path, relative to `model-dir` (as the module's
    `llm.weights` paths are) unless absolute; by default
    `<checkpoint file stem>.consteval.safetensors` beside the checkpoint.
  }];
  let options = [
    Option<"output", "output", "std::string", "\"\"",
           "the weights file to write (default: <checkpoint stem>.consteval.safetensors)">,
    Option<"dtype", "dtype", "std::string", "\"keep\"",
           "stored type of the written tensors: keep, f32, f16 or bf16">,
    Option<"modelDir", "model-dir", "std::string", "\".\"",
           "the directory the module's llm.weights paths are relative to">,
  ];
}

def BakePrefix : Pass<"llm-bake-prefix", "::mlir::ModuleOp"> {
  let summary = "Compute a fixed prompt prefix's KV caches at compile time";
  let description = [{
    Runs `@forward` (or an imported `@main`) on the prefix `ids` (positions `0 .. P-1`, empty
    caches) on the reference executor, with the module's own types (an f16
    model computes in f16), and adds their caches to the module as the
    results of

    ```
    func.func @prefix_cache() -> (caches [B, H, P, D]...)
        attributes {llm.phase = #llm.phase<prefix>, llm.tokens = P, llm.prefix_ids = array<i64: ids>}
    ```

    whose values are `dense_resource` constants of the caches' element
    type (held in the module's resource section, not in the weights file
    the checkpoint owns). A
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

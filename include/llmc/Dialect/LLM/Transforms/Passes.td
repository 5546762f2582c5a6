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

def Raise : Pass<"llm-raise"> {
  let summary = "Recognise transformer ops in generic tensor ops";
  let description = [{
    Rewrites the primitive subgraphs an importer produces (an ONNX export
    has hundreds of them) into the transformer-level ops the static-shape,
    FP16-safety and fusion passes understand. Each pattern replaces a
    subgraph by an op that computes the same function (as the op
    descriptions define it); what is not recognised stays as it is, so the
    module still runs.

    * `x * sigmoid(x)` -> `llm.silu`; `silu(g) * u` -> `llm.swiglu`
    * GELU, tanh form (`0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`)
      and erf form (`0.5 x (1 + erf(x / sqrt(2)))`) -> `llm.gelu`
    * `w * (x / sqrt(mean(x^2) + eps))` in its exported spellings (pow or
      x*x, div by sqrt, reciprocal, rsqrt) -> `llm.rms_norm`
    * `(x - mean) / sqrt(var + eps) * w + b` -> `llm.layer_norm`
    * `matmul(x, W) (+ b)` with a 2-D weight -> `llm.linear` (`in_out`
      layout), folding the reshapes to and from 2-D around it
    * `x * C + rotate_half(x) * S` -> `llm.rope <half_split>`, where C, S
      are cos/sin of in-graph angles `positions * inv_freq` (times a
      magnitude), or rows of cos/sin tables gathered by position (a
      prefix slice of the table, or folded to constants in a static
      export); the frequencies become `theta` when some theta gives them,
      explicit `inv_freq` otherwise (YaRN). Tables are read from
      `llm.constant`s, or from weights when the caller supplies them (the
      ONNX importer does). DeepSeek's de-interleaving permutation stays
      in front of the raised op.
    * `softmax(scale * q k^T, masked) v`, with `repeat_kv` ->
      `llm.attention`. A mask becomes `causal` when it is proved to be the
      causal rule (key j of query i excluded exactly when j > Skv - Sq + i)
      for all sizes: its elements are read as functions of their indices
      (iota, comparisons, where/fill/cast arithmetic, concat, broadcasts,
      unit reshapes) and the rule is checked case by case with linear
      facts about the sizes (lib/Dialect/LLM/Transforms/MaskAlgebra.h);
      constant causal masks and HF GPT-2's lower-triangular buffer sliced
      by position count too. A `where` fill or additive value of `-inf`
      or at or below -1e4 (finfo.min, -1e9) counts as exclusion. Other
      masks stay the op's i1 or additive `mask` (where masks are raised
      last), and `report-failures` says what was not shown.
    * attention over keys and values decompressed from a latent
      (`kv_b_proj(latent)`, split per head, with a broadcast shared RoPE
      key) -> `llm.mla_attention` over the latent (a `[B, S, R]` latent is
      read through a unit head axis)
    * `concat(past, new)` along the sequence axis of a cache argument ->
      `llm.kv_append`
    * `gather(table, ids)` of a 2-D parameter -> `llm.embedding`

    With `report-failures`, the pass says why what is left was not raised:
    each pattern is tried once more on every op of the result, and each one
    that does not match emits a remark at the op naming the op it would
    have built and what it expected and did not find (the reason of the
    alternative, such as an operand order, that matched the most):

    ```
    llmc-opt model.mlir --llm-raise=report-failures -o /dev/null
    model.mlir:9:8: remark: llm.rms_norm: the mean of x^2 is not over the last dimension alone
    ```
  }];
  let options = [
    Option<"reportFailures", "report-failures", "bool", /*default=*/"false",
           "Emit a remark at each op of the result for each pattern that does not match it, "
           "saying why">,
  ];
}

def StaticShapes : Pass<"llm-static-shapes", "mlir::ModuleOp"> {
  let summary = "Static prefill and decode programs over fixed-size KV caches";
  let description = [{
    Replaces the dynamic `@forward`, or an imported graph's `@main` (see
    "Model modules and inference phases"), by static programs that an NPU
    toolchain accepts:

    ```
    @decode, @prefill_<N> (N = each bucket, and the chunk size):
      (%ids [B, N], %position: tensor<i64>, %length: tensor<i64>,
       caches [B, H, M, D]...)
        -> (logits [B, 1, V], caches [B, H, M, D] {llm.aliases = 3 + i}...)
        attributes {llm.phase = #llm.phase<decode | prefill>, llm.tokens = N}
    ```

    `M = max-seq-len` cache slots per layer (per KV head for grouped-query
    attention; latent and RoPE key for MLA). A call processes the tokens
    `ids[:, 0 .. length-1]` at positions `position .. position+length-1`;
    tokens from `length` to `N` are padding. Each `llm.kv_append` becomes
    an `llm.cache_update` of the argument cache (update-slice semantics;
    the result is marked `llm.aliases = <argument index>`, so it is written
    in place and no program copies or concatenates a cache). Attention
    over the whole cache is masked by an i1 mask computed from the
    position and length scalars: query row `i` sees the slots
    `j <= position + min(i, length - 1)`, so a padding row attends like the
    last real token (finite, and never over unwritten slots). The LM head
    (and the final norm) runs for the last real token only, `length - 1`.

    In `@main`, the past length `llm.dim %past[2]` is `position`, and every
    other `llm.dim` has a static size; the shape arithmetic an exported
    graph builds on them (concat, gather, iota, a reshape's run-time
    target) folds to constants, by the reference executor's semantics
    (the llm dialect's constant folder), so the programs hold no run-time
    shapes. What the graph sizes by the past length instead (the total
    key length `P + S`, a `Range` or `Trilu` over it, a mask buffer sliced
    by it, the `zeros[S, P]` an additive mask is concatenated from) is
    computed padded to `M` slots, whatever it computes: integer values are
    followed as `scale * position + offset`, which also decides the
    comparisons and minima of shape arithmetic; a run-time slice becomes a
    gather of clamped indices; a concat along a padded axis selects each
    part at its real offset; padded entries are -inf before a softmax or
    maximum and 0 in sums and contractions; attention keeps a graph's own
    mask (boolean, or additive with -inf outside) within the real keys
    `j < position + length`. A padded axis merged with another by a
    reshape, or cut by a static slice, is an error naming the op.

    A past cache may be laid out otherwise than `[B, H, P, D]`: its
    sequence axis is where the graph appends to it (`llm.kv_append`, or a
    `concat` after the past), as in `[B, P, H, D]` or DeepSeek's latent
    `[B, P, C]`. The programs hold it as `[B, prod(before), M,
    prod(after)]` (the same elements in the same order), read through a
    reshape to the graph's layout, with the append an in-place
    `llm.cache_update`. A graph without past caches (a prefill-only export)
    is an error that says so.

    A caller runs a prompt of `L` tokens with the smallest bucket that
    holds what is left, or, when none does, chunks of `prefill-chunk`
    tokens (of the largest bucket when no chunk size is given), then
    `@decode` once per generated token. Programs carry `llm.phase`
    (`#llm.phase<prefill>` / `#llm.phase<decode>`) and `llm.tokens` (N);
    the module carries `llm.max_seq_len` (M) and, when given,
    `llm.prefill_chunk`. These attributes are the programs' ABI, verified
    by the dialect and read through `ProgramABI.h` (the dialect's "The
    static programs' ABI"). A baked prefix (`@prefix_cache`, from
    `llm-bake-prefix`) keeps its attributes and returns the initial value
    of the `[B, H, M, D]` caches, its first `llm.tokens` slots written.

    Latent attention (`llm.mla_attention`) is lowered per program in one of
    two forms that compute the same function. The naive form (the op as
    defined) decompresses all `M` cached latents into per-head keys and
    values: `2*M*R*H*(Dn+Dv)` FLOPs whatever the number of queries. The
    absorbed form folds `Wk` into the query and `Wv` into the output and
    attends over the cached latent as one shared KV head of width
    `R + Dr`: no decompression, but each query costs `2*M*H*(2R+Dr)`
    instead of `2*M*H*(Dn+Dr+Dv)`. `mla-form=auto` takes the form with fewer
    FLOPs for each program's shapes: absorbed for decode (one query over
    the whole cache), naive for long prefill buckets (for DeepSeek-V2's
    sizes, beyond about 170 tokens); `naive` or `absorbed` forces one.

    `stats-prompt-lengths=L1,L2,...` prints, for prompts of those lengths
    (the tokens after a baked prefix, if any), the prefill FLOPs the
    dynamic model needs (`@forward` on exactly `L` tokens) against the
    FLOPs static programs execute, following the runner's schedule: one
    program padded to the free slots, the buckets alone, the chunk
    program alone, and buckets + chunk; then the totals, their ratio, and
    the FLOPs of one decode step. A multiply-add counts 2, other computing
    ops one per result element, data movement nothing.

    ```
    llmc-opt model.mlir -o /dev/null \
      --llm-static-shapes="max-seq-len=2048 prefill-buckets=64,256 prefill-chunk=256 stats-prompt-lengths=20,100,700"
    ```
  }];
  let options = [
    Option<"maxSeqLen", "max-seq-len", "int64_t", "0",
           "cache slots per layer (the longest sequence); required">,
    ListOption<"prefillBuckets", "prefill-buckets", "int64_t",
               "static prefill lengths to compile">,
    Option<"prefillChunk", "prefill-chunk", "int64_t", "0",
           "the prefill program long prompts are run through in chunks">,
    Option<"batch", "batch", "int64_t", "1", "sequences per call">,
    Option<"mlaForm", "mla-form", "std::string", "\"auto\"",
           "latent attention: naive, absorbed, or auto (the fewer FLOPs per program)">,
    ListOption<"statsPromptLengths", "stats-prompt-lengths", "int64_t",
               "print the prefill FLOPs report (to stderr) for prompts of these lengths">,
  ];
}

def CacheType : Pass<"llm-cache-type", "::mlir::ModuleOp"> {
  let summary = "Store the static programs' KV caches in another float type";
  let description = [{
    The KV caches are the largest tensors a device keeps between calls and
    every decode step reads them whole, so a device stores them in its own
    type (an FP16 NPU in f16), not the checkpoint's. On a module of static
    programs (`llm-static-shapes`), each float cache of every program, and
    the baked prefix's initial caches, become `type`:

    * the programs take and return the caches in `type` (still written in
      place: `llm.aliases` is kept);
    * what a program writes into a cache is converted first
      (`llm.cast` to `type`: round to nearest even, as the device stores it);
    * attention (`llm.attention`'s keys and values, `llm.mla_attention`'s
      caches) reads the stored cache as it is (an f32 attention may read
      f16/bf16 keys and values exactly); any other reader reads a copy
      converted back to the type the model computes in. The computation is
      unchanged but for the rounding of the stored entries.

    A device that computes in FP16 anyway (`--fp16` on the reference
    executor) gets the same numbers with half the cache bytes; a CPU keeping
    f32 arithmetic and f16 caches (as llama.cpp does by default) differs
    by the rounding of the stored keys and values. Caches already of
    `type` are left as they are; a dynamic module is an error (its caches
    are not fixed buffers).

    ```
    llmc-opt --llm-cache-type=type=f16 static.mlir
    llmc model.mlir -target=mlir --max-seq-len=256 --cache-dtype=f16
    ```
  }];
  let options = [
    Option<"type", "type", "std::string", /*default=*/"\"f16\"",
           "Element type of the stored caches: f32, f16 or bf16">,
  ];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def PlanMemory : Pass<"llm-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every value of the static programs in a memory pool";
  let description = [{
    Decides, at compile time, where each value of the static programs lives
    and when its bytes are reused (the rules are MemoryPlan.h's; the dialect
    verifies a plan whenever the module carries `llm.memory_pools`):

    * liveness at the granularity a target materialises: the results of
      top-level ops and fusion groups (nothing inside a group); views
      (`llm.reshape`, contiguous `llm.slice`) share their source's bytes;
      an elementwise op writes its result over an operand of the same type
      whose buffer is dead after it; `llm.cache_update` writes its cache;
    * regions: weights and constants are read-only (no buffer); the KV
      caches are one persistent `cache` pool shared by every program (a
      cache's argument, updates and aliasing result at one offset); the
      program's other arguments and its logits are in `io`; everything else
      is scratch, in one arena the programs share (they never run at once:
      it is as large as the largest program's);
    * pools: with `sram-bytes` (the device's on-chip memory) scratch values
      go to `sram` as far as they fit and the rest spill to `dram`; without,
      all scratch is `dram`;
    * allocation: greedy by size with best fit, then hill climbing over the
      placement order that stops at the live-set lower bound (the most
      bytes live at one step), per program and pool
      (include/llmc/Planning/Allocator.h).

    The plan is recorded in the IR: `llm.buffers = [#llm.buffer<pool = ...,
    offset = ..., size = ...>, ...]` on ops (one per result), `llm.buffer`
    on arguments, `llm.memory_plan` per program (each scratch pool's peak
    and lower bound, the naive sum) and `llm.memory_pools` on the module
    (alignment and pool sizes). Planning an already planned module plans it
    again. With `report`, prints the pools and their total, and per program
    and pool the peak, the lower bound, their ratio, the naive sum (every
    buffer its own bytes, no reuse; a view or an in-place result is part of
    its source's buffer) and the largest buffers; `json` writes the plan for
    tools, `svg` draws it (offset against step, a rectangle per buffer).

    On a device with sram, each fusion group's working set (its values not
    returned) is reserved there at the group's step first
    (`llm.group_scratch`); a group that does not fit is an error. A cache
    that is read as it was after its update cannot be updated in place: an
    error naming the result. A result returned again, as part of a buffer or
    read-only is copied out by the caller (a baked prefix returning one value
    for two caches computes it into the first).

    ```
    llmc-opt --llm-plan-memory="sram-bytes=1048576 report=1" static.mlir
    llmc model.mlir -target=mlir --max-seq-len=256 --print-memory-plan
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Every buffer starts at a multiple of this many bytes (a power of two)">,
    Option<"sramBytes", "sram-bytes", "int64_t", /*default=*/"0",
           "The device's on-chip memory for scratch values (0: all scratch in dram)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print each program's peak, lower bound, naive sum and largest buffers">,
    Option<"jsonFile", "json", "std::string", /*default=*/"\"\"",
           "Write the plan as JSON to this file">,
    Option<"svgFile", "svg", "std::string", /*default=*/"\"\"",
           "Draw the plan (offset against step) as SVG into this file">,
  ];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def ComputeType : Pass<"llm-compute-type", "::mlir::ModuleOp"> {
  let summary = "The static programs' float values in the device's type (f16 for an FP16 NPU)";
  let description = [{
    A device that stores and computes in FP16 holds every float value as
    f16, so its memory plan must size every buffer in f16. This pass gives
    each f32 value of the static programs (arguments, op results, the
    caches, the logits) the element type `type`; a weight or constant keeps
    its stored type and is converted by an `llm.cast` after it (which the
    weights' const-evaluation and the constant folder turn into stored f16
    values). The ops mean the same on the new types, so the programs, run as
    an FP16 device (`llmc-run --fp16`), give the original programs' numbers
    bit for bit; run exactly, they compute as a device that rounds each
    result to f16.

    ```
    llmc-opt --llm-compute-type=type=f16 static.mlir
    ```
  }];
  let options = [
    Option<"type", "type", "std::string", /*default=*/"\"f16\"",
           "The float type the programs compute in: f16 or bf16">,
  ];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def FP16Safety : Pass<"llm-fp16-safety", "::mlir::ModuleOp"> {
  let summary = "Rewrite ops whose FP16 evaluation can overflow into range-safe forms";
  let description = [{
    Makes a model correct on a device that computes only in FP16 (largest
    finite value 65504), by rewriting each op whose naive FP16 evaluation
    can overflow into a form that computes the same function (as the op
    descriptions define it) and cannot.

    **Norms** (`norm-strategy`). A naive RMSNorm squares its input (inf
    once |x| > 255.9) and sums the squares (inf once the RMS passes
    65504 / D); real models carry residual outliers in the thousands, so
    the norm becomes inf, its reciprocal 0, and the model outputs zeros.
    `dynamic` (the default) uses the norm's scale invariance: with
    `m = max(max_k |x[k]|, floor)` per row,

    ```
    rms_norm(x, w, eps)   = y * sqrt(D) / sqrt(sum y^2 + D eps / m^2) * w,  y = x / m
    layer_norm(x, w, b, eps) = d * sqrt(D) / sqrt(sum d^2 + D eps / m^2) * w + b,
                               d = y - sum(y) / D
    ```

    spelled out in `llm` ops. `|y| <= 1`, so no square or sum can overflow
    for any finite input. The sums are pairwise trees (reshape to
    `[..., 2, D/2]` and add the halves, log2(D) levels: log2(D) roundings
    per sum instead of the D - 1 of a running FP16 sum). Epsilon appears
    only as `(sqrt(D eps) / m)^2`, never as itself (1e-6 is below FP16's
    smallest normal, 6.1e-5, and vanishes on devices without subnormals).
    The floor `m >= max(sqrt(D eps) / 128, 2^-14)` bounds that term by
    2^14 and keeps an all-zero row finite (its result is 0). The width must
    be static and at most 49120.

    `static` multiplies by a power of two `2^e` chosen at compile time from
    the range the norm's input took on calibration prompts (`llm.observed`,
    recorded by `llm-calibrate-ranges`): no extra reduction, and the
    rescaled epsilon `D eps 4^e` is a constant (below 2^-14 it may flush to
    0 on a device without subnormals; the radicand's floor keeps the result
    finite). `e` is the largest with `2^e max|x| sqrt(D) <= sqrt(65504) / 2`
    (a row twice the calibrated maximum still cannot overflow; the report
    prints the limit) and `D eps 4^e <= 2^14`. A row whose scaled mean
    square falls below FP16's normal range (RMS below `2^(-7-e)`) would
    lose precision, so a norm whose calibrated rows went below that
    (`llm.observed_row_rms`) keeps the dynamic form, and the report says
    so. A norm without a calibrated input range is an error.

    `none` leaves the norms alone: for targets that accumulate in FP32.

    **Attention scores** (`llm.attention`, and `llm.mla_attention`, whose
    decompressed keys are bounded through its `kv_up` weight). An FP16
    device rounds each raw score `q.k`
    before multiplying it by the softmax scale, so the raw scores can
    overflow when the scaled ones would not. Where the proven raw scores
    can pass 65504 but the scaled ones cannot, the query is multiplied by
    the scale first (`llm.mul`; both query parts of latent attention) and
    the scale set to 1: the same function
    (`test/models/Inputs/check_fp16_safety.py` checks it in f32 too).

    **Exclusion fills.** Exporters exclude entries (masked scores, padded
    keys) with a fill of their dtype's lowest value, `finfo(float32).min`
    or -1e9: -inf on an FP16 device, where a row with every entry excluded
    turns from uniform weights (f32) into -inf minus -inf. A uniform
    constant below -65504 is written as -65504, FP16's lowest (what
    `finfo(float16).min` means to the same model code), which excludes as
    well (`exp(-65504 - max)` is 0), and is reported.

    **Range analysis.** Which ops need a rewrite is decided by interval
    propagation (`ValueRanges.cpp`): from the weights' values (read from
    `llm.weights`, relative to `model-dir`; the largest L1 norm of one
    output's weights bounds a linear layer) and what each op can do (a
    norm's output is at most `sqrt(D) max|w|`, attention stays in its
    values' hull, softmax in [0, 1], a cache holds what was appended),
    every value gets a proven interval. A norm whose naive sum of squares
    can pass 65504 is rewritten; one that provably cannot is left alone.
    Without readable weights every bound is unknown, and every norm is
    rewritten. With `report`, the pass prints each hazard (an op's sum of
    squares, attention or latent attention scores, a linear layer's
    accumulation, a result that can leave FP16's range, a constant or
    weight beyond 65504, or a cos/sin angle past 4 rad, which FP16 holds
    less precisely than the cosine: a RoPE table built from primitive ops),
    with the proven ranges that give it, the
    same bound computed from the calibrated ranges when the module has them
    (`llm.observed`), and whether it was fixed:

    ```
    llm-fp16-safety: FP16 hazards of @forward (proven ranges, weights read)
      model.mlir:12:10: llm.rms_norm: sum of squares up to 2.56e+08 (input [-0.434, 2e+03]); observed 2.56e+08 (input [-0.409, 2e+03]): fixed (rows scaled by their max |x|)
      model.mlir:73:11: llm.linear: accumulation up to 6.92e+04 (input [-6.9e+03, 6.9e+03]); observed 2.78 (input [-5.5, 7.4]): not fixed
      ...
      8 hazards: 7 fixed, 1 not fixed
    ```

    Which ops are rewritten is decided by the proven ranges only:
    calibrated ranges are evidence about typical inputs, not a bound.

    The rewritten forms are checked in `test/Dialect/LLM/Transforms/`
    (structure), `test/models/fp16-norms.test` (property test: random rows
    over the whole finite FP16 range, evaluated by `llmc-run --fp16`,
    against float64) and `test/models/pytorch/fp16.test` (the massive
    activation model).

    ```
    llmc-opt --llm-fp16-safety model.mlir
    ```
  }];
  let options = [
    Option<"normStrategy", "norm-strategy", "std::string", /*default=*/"\"\"",
           "How norms are made FP16-safe: dynamic (scale each row by its max |x|), static "
           "(a power-of-two pre-scale from calibrated ranges) or none; default: none when "
           "the module's llm.device accumulates in FP32, dynamic otherwise">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the FP16 hazards found, with their proven ranges, and what was fixed">,
    Option<"modelDir", "model-dir", "std::string", /*default=*/"\".\"",
           "Directory llm.weights is relative to (the ranges read the weights)">,
  ];
}

def SetDevice : Pass<"llm-set-device", "::mlir::ModuleOp"> {
  let summary = "Record the device the module is compiled for (llm.device)";
  let description = [{
    Sets the module attribute `llm.device = #llm.device<name = ...,
    accumulates_in_fp32 = ..., sram_bytes = ...>` from the options. The
    deployment pipeline runs it with the target's device description before
    the passes that read the device from the module (today
    `llm-fp16-safety`); a lit test of such a pass writes the attribute
    instead.

    ```
    llmc-opt --llm-set-device="name=npu sram-bytes=4194304" model.mlir
    ```
  }];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
  let options = [
    Option<"name", "name", "std::string", /*default=*/"\"\"", "The target's name">,
    Option<"accumulatesInFP32", "accumulates-in-fp32", "bool", /*default=*/"false",
           "FP16 products and sums accumulate in FP32">,
    Option<"sramBytes", "sram-bytes", "int64_t", /*default=*/"0",
           "On-chip memory the planner may place tensors in (0: none)">,
  ];
}

def FuseHorizontal : Pass<"llm-fuse-horizontal"> {
  let summary = "One linear for the linears that read the same input";
  let description = [{
    Linears that read the same input (Q, K and V, including grouped-query
    attention's narrower K and V; SwiGLU's gate and up; MLA's q_a and kv_a)
    become one linear over their concatenated weights (and biases), whose
    result is sliced back into the original outputs:

    ```
    %q = llm.linear %x, %wq      %qkv = llm.linear %x, concat(%wq, %wk, %wv)
    %k = llm.linear %x, %wk  ->  %q = llm.slice %qkv [0, Nq)
    %v = llm.linear %x, %wv      %k = llm.slice %qkv [Nq, Nq + Nk) ...
    ```

    A device then reads the input once and runs one matrix product instead
    of three; each output element is the same sum as before, so the numbers
    do not change. The concatenated weights are computed from weights
    alone, so `llm-const-eval-weights` stores them as one tensor.

    Fused together: linears in one block with the same input, weight
    layout and element type, all with a bias or all without, whose weights
    and biases are computed from `llm.weight`s and `llm.constant`s (a
    weight passed in at run time would be concatenated on every call). The
    weights' computations move before the first linear of the group.
  }];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def FoldNormWeights : Pass<"llm-fold-norm-weights", "::mlir::ModuleOp"> {
  let summary = "Fold a norm's per-channel weight (and bias) into the linears it feeds";
  let description = [{
    An RMSNorm or LayerNorm whose output feeds only linears hands its scale
    to them: for `y = n(x) * g + b` and `z = y W^T + c`,
    `z = n(x) (W diag(g))^T + (W b + c)`, so the linears take `W diag(g)`
    (and the bias `W b + c`) and the norm multiplies by ones. The norm then
    ends in what a device can fuse into the next linear's prologue, and the
    folded weights are computed from weights alone (`llm-const-eval-weights`
    stores them). The numbers change by rounding only (the product
    `x g w` is associated differently).

    On an FP16-only device the folded weights must stay in range: a norm is
    folded only where the weights' statistics prove
    `max |W| * max |g| <= 65504` for every linear (and, with a bias,
    `max |c| + max_n sum_k |W[n, k]| * max |b| <= 65504`), which needs the
    weights (read from `llm.weights` under `model-dir`). Otherwise the norm
    is left as it is; `report` prints each norm folded or refused, and why.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Print each norm folded or refused, and why">,
    Option<"modelDir", "model-dir", "std::string", /*default=*/"\".\"",
           "Directory llm.weights is relative to (the FP16 proof reads the weights)">,
  ];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def FormFusionGroups : Pass<"llm-form-fusion-groups"> {
  let summary = "Wrap what the device runs as one kernel in llm.fusion_group";
  let description = [{
    For each linear, the ops the device declared it fuses with it (`kinds`,
    from the target's `DeviceDescription::fusionKinds`) go into one
    `llm.fusion_group`. A kind is named by its parts around the linear:

    * `norm-`: the RMSNorm or LayerNorm whose only user is the linear (its
      output then never leaves the chip: the norm is the linear's
      prologue);
    * `residual-norm-`: also the residual add the norm reads (the add's
      sum, which the next block needs too, is written out once and read by
      the norm on chip; it stays where it is when the previous linear's
      epilogue took it);
    * `-epilogue`: the chain of elementwise ops after the linear, each the
      only user of the one before (a bias, an activation, the residual add).

    The kinds are `norm-linear`, `linear-epilogue`, `norm-linear-epilogue`,
    `residual-norm-linear` and `residual-norm-linear-epilogue`; a device
    that runs a kind runs each kind with fewer parts, and each linear gets
    the largest group so covered. The group returns the last op's value and
    every value of it used outside (a group's result is placed where its
    last op was: a value used before that keeps the part out).

    A group is its body (the reference executor runs it so), so the numbers
    do not change; `llm-fusion-stats` counts the bytes that stay inside.
    With no kinds, nothing changes. With `sram-bytes` (the device's on-chip
    memory), a group whose intermediates (the values computed inside and
    not yielded, with static shapes) would not fit is not formed (a smaller
    one may be): the device could not keep them on chip.
  }];
  let options = [
    ListOption<"kinds", "kinds", "std::string",
               "Fusion group kinds to form (norm-linear, linear-epilogue, norm-linear-epilogue, "
               "residual-norm-linear, residual-norm-linear-epilogue)">,
    Option<"sramBytes", "sram-bytes", "int64_t", /*default=*/"0",
           "On-chip memory a group's intermediates must fit in (0: no limit)">,
  ];
  let dependentDialects = ["::llmc::llm::LLMDialect"];
}

def FusionStats : Pass<"llm-fusion-stats", "::mlir::ModuleOp"> {
  let summary = "Print what the fusion passes save per program";
  let description = [{
    Runs the fusion passes (`addFusionPasses`: `llm-fold-norm-weights` with
    `fold-norm-weights`, then `llm-fuse-horizontal`)
    on a copy of the module and prints, for each function, before and
    after:

    * kernels: ops that compute (every op but `llm.weight`, `llm.constant`,
      `llm.dim` and the views `llm.reshape` and `llm.slice`, which a
      kernel reads through);
    * activation bytes read: the bytes of the operands kernels read that
      are not computed from weights alone (a dynamic dimension counts as 1:
      per token for a dynamic sequence);
    * weight tensors the kernels read (a concatenation of weights is one:
      `llm-const-eval-weights` stores it as one);
    * with `groups`, after `llm-form-fusion-groups` of those kinds: a group
      is one kernel, and the bytes of the values computed inside groups and
      not yielded stay on chip (printed as KiB kept on chip).

    The module itself is left as it is.

    ```
    llmc-opt --llm-fusion-stats=model-dir=models model.mlir -o /dev/null
    llmc model.mlir -target=mlir --max-seq-len=64 --print-fusion-stats
    ```
  }];
  let options = [
    ListOption<"groups", "groups", "std::string",
               "Fusion group kinds the device runs as one kernel (formed after the fusions)">,
    Option<"foldNormWeights", "fold-norm-weights", "bool", /*default=*/"false",
           "Measure llm-fold-norm-weights too">,
    Option<"modelDir", "model-dir", "std::string", /*default=*/"\".\"",
           "Directory llm.weights is relative to (norm folding's FP16 proof reads the weights)">,
  ];
}

#endif // LLMC_DIALECT_LLM_TRANSFORMS_PASSES_TD

//===- LLMBase.td - llm dialect, type constraints, attributes -*- tablegen -*-===//
//
// The `llm` dialect is the contract between llmc's frontends, passes and
// targets. This file holds what every op definition shares: the dialect, the
// tensor type constraints, the enums and the attributes.
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMBASE_TD
#define LLMC_DIALECT_LLM_IR_LLMBASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def LLM_Dialect : Dialect {
  let name = "llm";
  let cppNamespace = "::llmc::llm";
  let summary = "Decoder-only language models at the level of transformer blocks.";
  let description = [{
    The `llm` dialect expresses decoder-only language models (GPT-2,
    Llama/Qwen2 with grouped-query attention, DeepSeek-V2/V3 multi-head latent
    attention) as pure functions on ranked tensors whose sequence dimensions
    may be dynamic. It has two layers of ops:

    * **Transformer ops** (`llm.rms_norm`, `llm.rope`, `llm.attention`,
      `llm.mla_attention`, `llm.kv_append`, ...) that name the structure the
      static-shape, FP16-safety, buffer-planning and fusion passes reason
      about.
    * **Generic tensor ops** (`llm.matmul`, `llm.add`, `llm.reduce_sum`,
      `llm.reshape`, ...) for what an importer does not recognise, so that
      any imported graph stays executable.

    Each op's description is the reference for its semantics: the reference
    executor implements exactly that text, and every pass and target is
    checked against the executor.

    ## Tensors and shapes

    Values are ranked tensors. Activations are `f32`, `f16` or `bf16`;
    ids and positions `i64` (or `i32`); masks `i1`. Weights may also be
    `i8`, for quantized models to come. A dimension may be dynamic (`?`);
    ops state how result dimensions follow from operand dimensions, and
    each op's result type is inferred from its operands (the custom syntax
    does not repeat it). Where a dynamic dimension meets another dimension
    that must equal it, the verifier accepts it and the executor checks it
    at run time.

    **Broadcasting** (binary ops, `llm.compare`, `llm.where`, attention
    masks): shapes are aligned at their last dimension; missing leading
    dimensions count as 1; two dimensions are compatible when they are
    equal or one of them is 1, and the result takes the other. A dynamic
    dimension is compatible with anything; against a static size other than
    1 the result takes that size.

    **Layouts**: activations `[B, S, D]`; per-head tensors `[B, H, S, Dh]`;
    KV caches `[B, Hkv, S, Dh]`, extended along axis 2 by `llm.kv_append`.
    Multi-head latent attention caches its normalised latent `[B, 1, S, R]`
    and its rotated shared RoPE key `[B, 1, S, Dr]`.

    ## Model modules and inference phases

    A model is a module whose `llm.weights` attribute names its weights
    file (a string, relative to the directory of the `.mlir` file; tools
    that write the module elsewhere rewrite it) and whose entry point is

    ```
    func.func @forward(%ids: [B, S], %positions: [B, S],
                       past caches [B, H, P, D] per layer, in layer order)
        -> (logits [B, S, V], present caches [B, H, P + S, D] per layer)
    ```

    One dynamic function expresses both phases: a prefill is `S` = prompt
    length with `P = 0` (empty caches) or `P` = a cached prefix; a decode
    step is `S = 1`. Positions are `P .. P + S - 1`. The static-shape pass
    turns this into fixed-shape prefill and decode programs over
    persistent cache buffers.

    An imported generation graph (an ONNX export) has the entry point

    ```
    func.func @main(%ids: [B, S], past caches [B, H, P, D]...)
        -> (logits [B, S, V], present caches [B, H, P + S, D]...)
    ```

    which computes its positions itself from the past length
    (`llm.dim %past[2]`). Its caches may be laid out otherwise (`[B, P, H,
    D]`, a latent `[B, P, C]`): a cache's sequence axis is the one the graph
    appends along (`llm.kv_append`, or a `llm.concat` after the past). The
    passes and tools that drive generation
    (`llm-static-shapes`, `llm-bake-prefix`, `llmc-run --generate`) take
    either form; `@forward` wins when a module has both.

    A module may also hold a **baked prefix** (`llm-bake-prefix`): the
    caches of a fixed prompt prefix, computed at compile time, returned by

    ```
    func.func @prefix_cache() -> (caches...)
        attributes {llm.phase = #llm.phase<prefix>, llm.tokens = P,
                    llm.prefix_ids = array<i64: ...>}
    ```

    whose results are the initial value of the programs' caches (`[B, H,
    P, D]` for `@forward`, `[B, H, M, D]` with the first `P` slots written
    for static programs). Generation then starts at position `P`, and the
    prompt a caller passes is what follows the prefix.

    ### The static programs' ABI

    `llm-static-shapes` turns the dynamic entry point into a **module of
    static programs**, the contract the planner, the targets and every
    runtime read (`include/llmc/Dialect/LLM/IR/ProgramABI.h` reads and
    writes it; nothing else spells these attributes):

    ```
    module attributes {llm.max_seq_len = M, llm.prefill_chunk = C} {
      func.func @decode / @prefill_<N>(%ids: [B, N] integer,
          %position: tensor<i64>, %length: tensor<i64>, caches...)
          -> (logits [B, 1, V], caches {llm.aliases = 3 + i}...)
          attributes {llm.phase = #llm.phase<decode | prefill>, llm.tokens = N}
    }
    ```

    A call processes the tokens `ids[:, 0 .. length-1]` at positions
    `position ..`; the rest are padding. The attributes, all verified:

    * `llm.phase = #llm.phase<prefill | decode | prefix>`, only on a
      `func.func`, marks a static program; a program carries `llm.tokens`.
      A module holds at most one decode and one prefix program, and one
      prefill program per token count.
    * `llm.tokens`, a positive integer, only on a program: `N` of a
      prefill, 1 for decode, the prefix length `P`.
    * A prefill or decode program belongs in a module with
      `llm.max_seq_len`, fits it (`N <= M`) and has the signature above:
      the ids `[B, N]` of an integer type, position and length 0-d integer
      tensors, then the caches; the logits `[B, 1, V]` (floats) and one
      result per cache argument. Every program takes the decode program's
      caches.
    * `llm.aliases = <argument index>`, only on a `func.func` result: the
      result is written in place of that argument, which has the result's
      type; no two results name one argument. Cache result `1 + i` of a
      program carries `llm.aliases = 3 + i`.
    * `llm.max_seq_len = M`, positive, only on a `builtin.module`: the
      cache slots of each cache (`[B, H, M, D]`). Such a module has a
      decode program.
    * `llm.prefill_chunk = C`, positive, only on a module with
      `llm.max_seq_len`: the prefill program (`llm.tokens = C`, which
      must exist) that chunks a prompt no program holds.
    * A prefix program (`#llm.phase<prefix>`) takes no arguments; in a
      module of static programs it returns the decode program's caches and
      leaves a slot free (`P < M`). `llm.prefix_ids`, an `array<i64>` of
      `llm.tokens` ids, only on a prefix program, records its tokens.

    Other `llm.*` attributes of function arguments and results are errors.

    ## Numerics

    Each op is defined as the exact real-valued function of its operand
    values, rounded once to the result element type (round to nearest
    even). Accumulations (the sums inside `llm.linear`, `llm.matmul`,
    `llm.attention`, `llm.mla_attention`, the norms, the reductions and
    softmax) are part of that exact function; the reference kernels carry
    them in double precision, which is exact for models' values but not
    for cancellations beyond it (`1e30 + 1 - 1e30`). Integer ops compute
    in two's complement and wrap to their element type (`i8`, `i32`,
    `i64`); comparisons, reductions and `argmax` of integers are exact. An FP16-only device rounds float accumulations as it
    goes; the reference executor's FP16 mode models that
    (`llmc/Reference/Numerics.h`), and the FP16-safety pass rewrites ops
    so that such rounding cannot overflow.

    ## Calibration

    `llm-calibrate-ranges` records on each op with a float result the
    range its result took on calibration prompts, as the discardable
    attribute `llm.observed = array<f64: lo, hi>`, and on each norm the
    range of its input rows' root mean square (LayerNorm: standard
    deviation) as `llm.observed_row_rms = array<f64: lo, hi>`. It is evidence about the
    model's values, not part of any op's semantics: passes may use it to
    choose how to compute (the FP16-safety pass's static pre-scale), never
    what is computed.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    /// Name of the module attribute describing the device the module is
    /// compiled for (#llm.device).
    static constexpr ::llvm::StringLiteral getDeviceAttrName() {
      return ::llvm::StringLiteral("llm.device");
    }
    /// Name of the module attribute that names the weights file (a string,
    /// resolved relative to the directory of the `.mlir` file).
    static constexpr ::llvm::StringLiteral getWeightsAttrName() {
      return ::llvm::StringLiteral("llm.weights");
    }
    /// Name of the op attribute holding the range of values its result took
    /// on calibration prompts (`array<f64: lo, hi>`, llm-calibrate-ranges).
    static constexpr ::llvm::StringLiteral getObservedRangeAttrName() {
      return ::llvm::StringLiteral("llm.observed");
    }
    /// Name of a norm's attribute holding the smallest and largest root mean
    /// square (LayerNorm: standard deviation) of its input rows on
    /// calibration prompts (`array<f64: lo, hi>`).
    static constexpr ::llvm::StringLiteral getObservedRowRMSAttrName() {
      return ::llvm::StringLiteral("llm.observed_row_rms");
    }

    // The static programs' ABI ("Model modules and inference phases"; read
    // and written through include/llmc/Dialect/LLM/IR/ProgramABI.h).

    // The memory plan (MemoryPlan.h; llm-plan-memory).

    /// Name of an op's buffers (an array of #llm.buffer, one per result)
    /// and of an argument's (one #llm.buffer).
    static constexpr ::llvm::StringLiteral getBuffersAttrName() {
      return ::llvm::StringLiteral("llm.buffers");
    }
    static constexpr ::llvm::StringLiteral getBufferAttrName() {
      return ::llvm::StringLiteral("llm.buffer");
    }
    /// Name of a fusion group's on-chip working set (a #llm.buffer in sram,
    /// live at the group's step).
    static constexpr ::llvm::StringLiteral getGroupScratchAttrName() {
      return ::llvm::StringLiteral("llm.group_scratch");
    }
    /// Name of the module attribute giving the planned pools' sizes and the
    /// alignment (a dictionary of i64: alignment, cache, io, dram, sram).
    static constexpr ::llvm::StringLiteral getMemoryPoolsAttrName() {
      return ::llvm::StringLiteral("llm.memory_pools");
    }
    /// Name of a planned program's figures (a dictionary of i64: each
    /// scratch pool's peak and lower bound).
    static constexpr ::llvm::StringLiteral getMemoryPlanAttrName() {
      return ::llvm::StringLiteral("llm.memory_plan");
    }

    /// Name of a static program's phase (`#llm.phase<...>`, on a func.func).
    static constexpr ::llvm::StringLiteral getPhaseAttrName() {
      return ::llvm::StringLiteral("llm.phase");
    }
    /// Name of a static program's token count (a positive integer: N of a
    /// prefill, 1 for decode, the prefix length P of a prefix).
    static constexpr ::llvm::StringLiteral getTokensAttrName() {
      return ::llvm::StringLiteral("llm.tokens");
    }
    /// Name of the result attribute naming the argument a result is
    /// written in place of (an integer argument index).
    static constexpr ::llvm::StringLiteral getAliasesAttrName() {
      return ::llvm::StringLiteral("llm.aliases");
    }
    /// Name of the module attribute holding the static programs' cache
    /// slots (a positive integer).
    static constexpr ::llvm::StringLiteral getMaxSeqLenAttrName() {
      return ::llvm::StringLiteral("llm.max_seq_len");
    }
    /// Name of the module attribute naming the prefill program that chunks
    /// a long prompt (its token count).
    static constexpr ::llvm::StringLiteral getPrefillChunkAttrName() {
      return ::llvm::StringLiteral("llm.prefill_chunk");
    }
    /// Name of a prefix program's token ids (`array<i64>`).
    static constexpr ::llvm::StringLiteral getPrefixIdsAttrName() {
      return ::llvm::StringLiteral("llm.prefix_ids");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Element types of activations. Quantized weights (int8/int4 with scales)
// will enter as `llm.weight` results of integer element type consumed by a
// dequantizing op; activations stay floating point.
def LLM_Float : AnyTypeOf<[F32, F16, BF16]>;
def LLM_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def LLM_IndexTensor : RankedTensorOf<[I32, I64]>;
def LLM_BoolTensor : RankedTensorOf<[I1]>;
// A run-time scalar (a position, a length): a 0-d i64 tensor.
def LLM_I64Scalar : Type<And<[RankedTensorOf<[I64]>.predicate,
                              CPred<"::llvm::cast<::mlir::RankedTensorType>($_self).getRank() == 0">]>,
                         "0-d i64 tensor", "::mlir::RankedTensorType">,
                    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getI64Type())">;
def LLM_Tensor : RankedTensorOf<[F32, F16, BF16, I1, I8, I32, I64]>;
def LLM_WeightTensor : RankedTensorOf<[F32, F16, BF16, I8]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

class LLM_EnumAttr<EnumAttrInfo info, string mnemonic>
    : EnumAttr<LLM_Dialect, info, mnemonic> {
  // Printed as a bare keyword inside op formats: `llm.gelu <tanh> %x`.
  let assemblyFormat = "`<` $value `>`";
}

def LLM_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "form of the GELU activation", [
      I32EnumAttrCase<"erf", 0>,
      I32EnumAttrCase<"tanh", 1>,
    ]> {
  let cppNamespace = "::llmc::llm";
  let genSpecializedAttr = 0;
}
def LLM_GeluApproximationAttr
    : LLM_EnumAttr<LLM_GeluApproximation, "gelu_approximation">;

def LLM_RopeLayout : I32EnumAttr<"RopeLayout",
    "which feature dimensions RoPE rotates together", [
      I32EnumAttrCase<"half_split", 0>,
      I32EnumAttrCase<"interleaved", 1>,
    ]> {
  let cppNamespace = "::llmc::llm";
  let genSpecializedAttr = 0;
}
def LLM_RopeLayoutAttr : LLM_EnumAttr<LLM_RopeLayout, "rope_layout">;

def LLM_WeightLayout : I32EnumAttr<"WeightLayout",
    "storage order of a linear layer's weight", [
      I32EnumAttrCase<"out_in", 0>,
      I32EnumAttrCase<"in_out", 1>,
    ]> {
  let cppNamespace = "::llmc::llm";
  let genSpecializedAttr = 0;
}
def LLM_WeightLayoutAttr : LLM_EnumAttr<LLM_WeightLayout, "weight_layout">;

def LLM_CompareDirection : I32EnumAttr<"CompareDirection",
    "comparison predicate", [
      I32EnumAttrCase<"eq", 0>,
      I32EnumAttrCase<"ne", 1>,
      I32EnumAttrCase<"lt", 2>,
      I32EnumAttrCase<"le", 3>,
      I32EnumAttrCase<"gt", 4>,
      I32EnumAttrCase<"ge", 5>,
    ]> {
  let cppNamespace = "::llmc::llm";
  let genSpecializedAttr = 0;
}
def LLM_CompareDirectionAttr
    : LLM_EnumAttr<LLM_CompareDirection, "compare_direction">;

def LLM_Phase : I32EnumAttr<"Phase",
    "the inference phase a static program runs", [
      I32EnumAttrCase<"prefill", 0>,
      I32EnumAttrCase<"decode", 1>,
      I32EnumAttrCase<"prefix", 2>,
    ]> {
  let cppNamespace = "::llmc::llm";
  let genSpecializedAttr = 0;
}
// `llm.phase = #llm.phase<decode>` on a static program (see "Model modules
// and inference phases"; ProgramABI.h reads and writes it).
def LLM_PhaseAttr : LLM_EnumAttr<LLM_Phase, "phase">;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class LLM_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<LLM_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// A double-precision attribute parameter written as a plain number.
class LLM_F64Parameter<string desc> : APFloatParameter<desc> {
  let parser = [{ ::llmc::llm::parseF64Parameter($_parser) }];
  let printer = [{ $_printer << $_self.convertToDouble() }];
}

def LLM_YarnAttr : LLM_Attr<"Yarn", "yarn"> {
  let summary = "YaRN context-extension parameters of a RoPE";
  let description = [{
    The `rope_scaling = {type = "yarn", ...}` parameters of DeepSeek-V2/V3
    (and other YaRN models). With `d` the rotary dimension, `b` the base
    `theta` and `f_i = b^(-2i/d)` for `i` in `[0, d/2)`:

    ```
    low  = max(floor(d * ln(original_max_position / (beta_fast * 2*pi)) / (2 ln b)), 0)
    high = min(ceil (d * ln(original_max_position / (beta_slow * 2*pi)) / (2 ln b)), d - 1)
    ramp_i = clamp((i - low) / max(high - low, 0.001), 0, 1)
    inv_freq_i = f_i / factor * ramp_i + f_i * (1 - ramp_i)
    m(s) = 0.1 * s * ln(factor) + 1           (s = mscale or mscale_all_dim)
    ```

    (`low`/`high` come from `beta_fast`/`beta_slow`; `factor >= 1`, so `m`
    needs no special case) and cos/sin are multiplied by
    `m(mscale) / m(mscale_all_dim)`. The
    softmax-scale correction `m(mscale_all_dim)^2` is not part of this
    attribute: it is folded into the `scale` of the attention op that
    consumes the rotated tensors.
  }];
  let parameters = (ins
    LLM_F64Parameter<"length multiplier">:$factor,
    "int64_t":$original_max_position,
    LLM_F64Parameter<"fast-rotation boundary">:$beta_fast,
    LLM_F64Parameter<"slow-rotation boundary">:$beta_slow,
    LLM_F64Parameter<"magnitude parameter">:$mscale,
    LLM_F64Parameter<"magnitude normaliser">:$mscale_all_dim
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def LLM_DeviceAttr : LLM_Attr<"Device", "device"> {
  let summary = "What passes may know of the device a module is compiled for";
  let description = [{
    The module attribute `llm.device = #llm.device<...>` describes the
    device a target compiles for, as far as passes need it; the deployment
    pipeline records it (`llm-set-device`) before the passes that read it,
    so a lit test gives a pass its device by writing the attribute:

    ```mlir
    module attributes {llm.device = #llm.device<name = "arm",
                                                 accumulates_in_fp32 = true,
                                                 sram_bytes = 0>} { ... }
    ```

    * `name`: the target's name.
    * `accumulates_in_fp32`: FP16 products and sums accumulate in FP32 (an
      FP32 accumulator, or a CPU computing in f32), so a norm's sum of
      squares cannot overflow; false for a device that computes only in
      FP16 (llm-fp16-safety's default norm strategy follows it).
    * `sram_bytes`: on-chip memory the buffer planner may place tensors in
      (0: none the compiler manages).
  }];
  let parameters = (ins
    StringRefParameter<"the target's name">:$name,
    "bool":$accumulates_in_fp32,
    "int64_t":$sram_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def LLM_BufferAttr : LLM_Attr<"Buffer", "buffer"> {
  let summary = "Where a value of a planned program lives";
  let description = [{
    The memory plan (`llm-plan-memory`) gives each value a static program
    materialises `#llm.buffer<pool = "dram", offset = 128, size = 64>`: its
    `size` bytes start `offset` bytes into `pool`. On an op it is one entry
    per result of `llm.buffers = [...]`; on a program argument, the argument
    attribute `llm.buffer`. The pools:

    * `cache`: the KV caches, persistent and shared by every program of the
      module (a cache's argument, its in-place updates and the result that
      aliases it share one buffer);
    * `io`: the program's other arguments (ids, position, length) and its
      logits;
    * `dram`, `sram`: the scratch arena the programs share (they never run
      at once, so each program's offsets start at 0 and the arena is the
      largest program's); `sram` is the device's on-chip memory, `dram`
      takes what does not fit there.

    Weights and constants are read-only and have no buffer. A view
    (`llm.reshape`, an `llm.slice` of contiguous bytes) lies inside its
    source's buffer; an elementwise op may write its result over an operand
    of the same type whose buffer is dead after it (in place).
  }];
  let parameters = (ins
    StringRefParameter<"cache, io, dram or sram">:$pool,
    "int64_t":$offset,
    "int64_t":$size
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Op base class
//===----------------------------------------------------------------------===//

class LLM_Op<string mnemonic, list<Trait> traits = []>
    : Op<LLM_Dialect, mnemonic, traits>;

#endif // LLMC_DIALECT_LLM_IR_LLMBASE_TD

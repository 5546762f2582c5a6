//===- LLMTensorOps.td - generic tensor ops ----------------*- tablegen -*-===//
//
// Generic tensor ops: what an importer emits for a subgraph it does not
// recognise as a transformer op, so the module still runs. Semantics follow
// NumPy/ONNX where they agree; the broadcasting rule is in the dialect
// description (LLMBase.td).
//
//===----------------------------------------------------------------------===//

#ifndef LLMC_DIALECT_LLM_IR_LLMTENSOROPS_TD
#define LLMC_DIALECT_LLM_IR_LLMTENSOROPS_TD

def LLM_NumericTensor : RankedTensorOf<[F32, F16, BF16, I32, I64]>;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class LLM_UnaryOp<string mnemonic, string formula, string note = "">
    : LLM_KnownOp<mnemonic, [Pure, SameOperandsAndResultType, Elementwise]> {
  let summary = "elementwise " # formula;
  let description = "`result = " # formula # "`, elementwise."
    # !if(!empty(note), "", " " # note) # "\n\n"
    # "```mlir\n%y = llm." # mnemonic # " %x : tensor<4x?xf32>\n```";
  let arguments = (ins LLM_FloatTensor:$input);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LLM_NegOp : LLM_UnaryOp<"neg", "-x">;
def LLM_AbsOp : LLM_UnaryOp<"abs", "|x|">;
def LLM_ExpOp : LLM_UnaryOp<"exp", "exp(x)">;
def LLM_LogOp : LLM_UnaryOp<"log", "log(x)">;
def LLM_SqrtOp : LLM_UnaryOp<"sqrt", "sqrt(x)">;
def LLM_RsqrtOp : LLM_UnaryOp<"rsqrt", "1 / sqrt(x)">;
def LLM_ReciprocalOp : LLM_UnaryOp<"reciprocal", "1 / x">;
def LLM_TanhOp : LLM_UnaryOp<"tanh", "tanh(x)">;
def LLM_ErfOp : LLM_UnaryOp<"erf", "erf(x)">;
def LLM_SigmoidOp : LLM_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def LLM_CosOp : LLM_UnaryOp<"cos", "cos(x)">;
def LLM_SinOp : LLM_UnaryOp<"sin", "sin(x)">;
def LLM_FloorOp : LLM_UnaryOp<"floor", "floor(x)",
    "The largest integer not above `x`; integers, infinities, NaN and the "
    # "sign of zero are kept.">;
def LLM_CeilOp : LLM_UnaryOp<"ceil", "ceil(x)",
    "The smallest integer not below `x` (`ceil(-0.5) = -0.0`); integers, "
    # "infinities, NaN and the sign of zero are kept.">;
def LLM_RoundOp : LLM_UnaryOp<"round", "round(x)",
    "The nearest integer, halves to the even one (`round(2.5) = 2`, "
    # "`round(-0.5) = -0.0`), as ONNX `Round` and `numpy.round`; integers, "
    # "infinities, NaN and the sign of zero are kept.">;

class LLM_BinaryOp<string mnemonic, string formula, Type operandType,
                   string note = "">
    : LLM_KnownOp<mnemonic, [Pure, InferTypeOpAdaptor]> {
  // x + 0, x - 0, x * 1 and x / 1 fold to x (when that keeps the type).
  let hasFolder = !or(!eq(mnemonic, "add"), !eq(mnemonic, "sub"),
                      !eq(mnemonic, "mul"), !eq(mnemonic, "div"));
  let summary = "elementwise " # formula # " with broadcasting";
  let description = "`result = " # formula # "` elementwise, with `lhs` and "
    # "`rhs` broadcast to a common shape (see \"Broadcasting\" in the "
    # "dialect description). Both operands have the same element type. "
    # note # "\n\n"
    # "The types are written once when they are equal:\n\n```mlir\n"
    # "%y = llm." # mnemonic # " %a, %b : tensor<1x?x64xf32>\n"
    # "%z = llm." # mnemonic # " %a, %c : tensor<1x?x64xf32>, tensor<64xf32>\n```";
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` custom<OperandTypes>(type($lhs), type($rhs))
  }];
}

def LLM_AddOp : LLM_BinaryOp<"add", "lhs + rhs", LLM_NumericTensor>;
def LLM_SubOp : LLM_BinaryOp<"sub", "lhs - rhs", LLM_NumericTensor>;
def LLM_MulOp : LLM_BinaryOp<"mul", "lhs * rhs", LLM_NumericTensor>;
def LLM_DivOp : LLM_BinaryOp<"div", "lhs / rhs", LLM_NumericTensor,
    "Integer division truncates toward zero; an integer division by zero is "
    # "a run-time error.">;
def LLM_MaximumOp : LLM_BinaryOp<"maximum", "max(lhs, rhs)", LLM_NumericTensor,
    "NaN if either operand is NaN (as `torch.maximum`).">;
def LLM_MinimumOp : LLM_BinaryOp<"minimum", "min(lhs, rhs)", LLM_NumericTensor,
    "NaN if either operand is NaN (as `torch.minimum`).">;
def LLM_PowOp : LLM_BinaryOp<"pow", "lhs ^ rhs", LLM_NumericTensor,
    "Floats: as C's `pow` (a negative base with a non-integer exponent "
    # "gives NaN). Integers: the exact power wrapped to the element type "
    # "(two's complement, like repeated `llm.mul`); `x ^ 0 = 1` (also "
    # "`0 ^ 0`); a negative exponent gives the truncated quotient `1 / x ^ "
    # "-rhs`: 1 for base 1, 1 or -1 (even or odd exponent) for base -1, 0 for "
    # "any other base (as ONNX Runtime); base 0 with a negative exponent is a "
    # "run-time error, like an integer division by zero.">;

def LLM_CompareOp : LLM_KnownOp<"compare", [Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise comparison with broadcasting";
  let description = [{
    `result = lhs <direction> rhs` as an `i1` tensor of the broadcast shape.
    Comparisons with NaN are false except `ne`, which is true.

    ```mlir
    %m = llm.compare <lt>, %a, %b : tensor<1x?xi64>
    ```
  }];
  let arguments = (ins LLM_CompareDirectionAttr:$direction,
                       LLM_NumericTensor:$lhs, LLM_NumericTensor:$rhs);
  let results = (outs LLM_BoolTensor:$result);
  let assemblyFormat = [{
    $direction `,` $lhs `,` $rhs attr-dict `:`
    custom<OperandTypes>(type($lhs), type($rhs))
  }];
}

def LLM_WhereOp : LLM_KnownOp<"where", [Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise selection with broadcasting";
  let description = [{
    `result = condition ? on_true : on_false`, the three operands broadcast
    to a common shape; `on_true` and `on_false` have the same element type.

    ```mlir
    %y = llm.where %m, %a, %b : tensor<1x1x?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins LLM_BoolTensor:$condition, LLM_Tensor:$on_true,
                       LLM_Tensor:$on_false);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` type($condition) `,`
    type($on_true) `,` type($on_false)
  }];
}

def LLM_CastOp : LLM_KnownOp<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise element-type conversion";
  let description = [{
    Converts each element to the result element type: float to float
    rounds to nearest even (values beyond the target's range become inf);
    float to integer truncates toward zero (NaN and out-of-range values are
    a run-time error); integer to float rounds to nearest even; integer
    to a narrower integer keeps the low bits (two's complement); to `i1`
    means `!= 0`; from `i1` gives 0 or 1.

    ```mlir
    %h = llm.cast %x : tensor<1x?x64xf32> to tensor<1x?x64xf16>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contractions and reductions
//===----------------------------------------------------------------------===//

def LLM_MatmulOp : LLM_KnownOp<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "batched matrix product";
  let description = [{
    For `lhs [..., M, K]` and `rhs [..., K, N]` (rank at least 2 each; the
    leading batch dimensions broadcast):
    `result[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n]`.
    Both operands have the same element type; the sum is an accumulation.

    ```mlir
    %s = llm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$lhs, LLM_FloatTensor:$rhs);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
}

def LLM_SoftmaxOp : LLM_KnownOp<"softmax",
    [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one dimension";
  let description = [{
    `result = exp(x - max) / sum(exp(x - max))` along dimension `dim`
    (`0 <= dim < rank`). A slice that is entirely `-inf` yields zeros.

    ```mlir
    %p = llm.softmax %s dim 3 : tensor<1x4x?x?xf32>
    ```
  }];
  let arguments = (ins LLM_FloatTensor:$input, I64Attr:$dim);
  let results = (outs LLM_FloatTensor:$result);
  let assemblyFormat = "$input `dim` $dim attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class LLM_ReduceOp<string mnemonic, string what, Type elementType>
    : LLM_KnownOp<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = what # " over some dimensions";
  let description = "The " # what # " of `input` over the dimensions listed "
    # "in `dims` (distinct, in `[0, rank)`). With `keep_dims` the reduced "
    # "dimensions stay with size 1, otherwise they are removed.\n\n"
    # "```mlir\n%r = llm." # mnemonic # " %x dims [2] keep_dims : tensor<1x?x64xf32>\n```";
  let arguments = (ins elementType:$input, DenseI64ArrayAttr:$dims,
                       UnitAttr:$keep_dims);
  let results = (outs elementType:$result);
  let assemblyFormat = [{
    $input `dims` $dims (`keep_dims` $keep_dims^)? attr-dict `:` type($input)
  }];
}

def LLM_ReduceSumOp : LLM_ReduceOp<"reduce_sum", "sum", LLM_NumericTensor>;
def LLM_ReduceMeanOp : LLM_ReduceOp<"reduce_mean", "arithmetic mean", LLM_FloatTensor>;
def LLM_ReduceMaxOp : LLM_ReduceOp<"reduce_max", "maximum", LLM_NumericTensor>;
def LLM_ReduceMinOp : LLM_ReduceOp<"reduce_min", "minimum", LLM_NumericTensor>;

def LLM_ArgMaxOp : LLM_KnownOp<"argmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "index of the largest element along one dimension";
  let description = [{
    The `i64` index of the largest element along `dim`; ties go to the
    lowest index (greedy decoding depends on this). With `keep_dims` the
    dimension stays with size 1.

    ```mlir
    %id = llm.argmax %logits dim 2 : tensor<1x1x512xf32>
    ```
  }];
  let arguments = (ins LLM_NumericTensor:$input, I64Attr:$dim,
                       UnitAttr:$keep_dims);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $input `dim` $dim (`keep_dims` $keep_dims^)? attr-dict `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def LLM_ReshapeOp : LLM_KnownOp<"reshape", [Pure]> {
  let summary = "same elements in row-major order, another shape";
  let description = [{
    Reinterprets the row-major element sequence of `input` with the result
    shape; the element counts are equal.

    Without `shape`, the dynamic dimensions pass through: the result has as
    many dynamic dimensions as the input, and the k-th dynamic result
    dimension has the size of the k-th dynamic input dimension; the products
    of the static dimensions are equal. This covers splitting and merging
    heads (`[B, S, H*D] <-> [B, S, H, D]`) with a dynamic sequence length.

    With `shape` (a 1-D `i64` tensor with one entry per result dimension,
    computed at run time, e.g. from `llm.dim`), the result dimensions are
    its entries; a static result dimension must equal its entry at run time.
    This is the form of an imported reshape whose target shape is only known
    at run time; the static-shape pass folds it away.

    ```mlir
    %h = llm.reshape %x : tensor<1x?x64xf32> to tensor<1x?x4x16xf32>
    %f = llm.reshape %x, %s : tensor<?x?x64xf32>, tensor<2xi64> to tensor<?x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Optional<RankedTensorOf<[I64]>>:$shape);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $shape^)? attr-dict `:` type($input) (`,` type($shape)^)? `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$input), [{
      build($_builder, $_state, result, input, ::mlir::Value());
    }]>
  ];
}

def LLM_TransposeOp : LLM_KnownOp<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "permutation of dimensions";
  let description = [{
    `result` dimension `i` is `input` dimension `permutation[i]`:
    `result[i_0, ..., i_n] = input[j]` with `j[permutation[k]] = i_k`.

    ```mlir
    %t = llm.transpose %x [0, 2, 1, 3] : tensor<1x?x4x16xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$input $permutation attr-dict `:` type($input)";
  let hasFolder = 1;
}

def LLM_ConcatOp : LLM_KnownOp<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "concatenation along one dimension";
  let description = [{
    Joins one or more tensors of equal rank and element type along `dim`;
    every other dimension must agree.

    ```mlir
    %k = llm.concat %a, %b dim 3 : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
    ```
  }];
  let arguments = (ins Variadic<LLM_Tensor>:$inputs, I64Attr:$dim);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = "$inputs `dim` $dim attr-dict `:` type($inputs)";
}

def LLM_SliceOp : LLM_KnownOp<"slice", [Pure]> {
  let summary = "strided slice of some dimensions, with static bounds";
  let description = [{
    Slices the dimensions listed in `dims` (distinct, in `[0, rank)`) and
    keeps the others whole (ONNX `Slice` with `axes`). For the k-th listed
    dimension, of size `n`: the elements `starts[k], starts[k] + steps[k],
    ...` below `limits[k]`, where a negative start or limit counts from the
    end (`n + value`) and both are then clamped to `[0, n]`; steps are
    positive (default 1). The sliced size is
    `max(0, ceil((limit - start) / step))`. For a static input dimension
    the result dimension must equal that size; for a dynamic one it may be
    dynamic, or a static size the executor checks.

    ```mlir
    %q = llm.slice %qkv dims [2] starts [0] limits [64] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
    %e = llm.slice %t dims [1] starts [0] limits [8] steps [2] : tensor<4x8xf32> to tensor<4x4xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, DenseI64ArrayAttr:$dims,
                       DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$limits,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input `dims` $dims `starts` $starts `limits` $limits (`steps` $steps^)?
    attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  // A slice that takes one input of a concat along the same dimension is
  // that input (shape vectors built by exporters: Shape -> Concat -> Slice).
  let hasFolder = 1;
}

def LLM_DynamicSliceOp : LLM_KnownOp<"dynamic_slice", [Pure]> {
  let summary = "strided slice of some dimensions, with run-time bounds";
  let description = [{
    `llm.slice` with `starts` and `limits` given as 1-D `i64` operands (one
    entry per listed dim) computed at run time, with the same rules:
    negative values count from the end, both are clamped to `[0, n]`, steps
    are positive. Sliced result dimensions may be dynamic; a static one is
    checked at run time. What an imported `Slice` whose bounds depend on
    run-time sizes becomes (e.g. a causal-mask buffer sliced by position).

    ```mlir
    %m = llm.dynamic_slice %buffer, %starts, %limits dims [2, 3]
           : tensor<1x1x128x128xi1>, tensor<2xi64>, tensor<2xi64> to tensor<1x1x?x?xi1>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, RankedTensorOf<[I64]>:$starts,
                       RankedTensorOf<[I64]>:$limits, DenseI64ArrayAttr:$dims,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $starts `,` $limits `dims` $dims (`steps` $steps^)? attr-dict `:`
    type($input) `,` type($starts) `,` type($limits) `to` type($result)
  }];
  let hasVerifier = 1;
}

def LLM_GatherOp : LLM_KnownOp<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "selection of slices along one dimension by index";
  let description = [{
    `result[p..., i..., q...] = input[p..., indices[i...], q...]` where `p`
    indexes the dimensions before `dim` and `q` those after: the result
    shape is `input.shape[:dim] + indices.shape + input.shape[dim+1:]`
    (ONNX `Gather`). A negative index counts from the end; an index outside
    `[-n, n)` is a run-time error.

    ```mlir
    %r = llm.gather %x[%i] dim 1 : tensor<4x8xf32>, tensor<2xi64>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, LLM_IndexTensor:$indices,
                       I64Attr:$dim);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input `[` $indices `]` `dim` $dim attr-dict `:` type($input) `,`
    type($indices)
  }];
}

def LLM_BroadcastToOp : LLM_KnownOp<"broadcast_to", [Pure]> {
  let summary = "broadcast to a larger shape";
  let description = [{
    Repeats `input` along its size-1 dimensions (and prepends dimensions)
    to the result shape, by the broadcasting rule.

    Without `shape`, a dynamic result dimension must come from a dynamic
    input dimension (its size is not otherwise known); a static result
    dimension takes an input dimension of size 1, of the same size, or
    dynamic (checked at run time).

    With `shape` (a 1-D `i64` tensor, one entry per result dimension,
    computed at run time), the result dimensions are its entries; each input
    dimension must be 1 or equal to its entry, checked at run time.

    ```mlir
    %k = llm.broadcast_to %x : tensor<1x1x?x8xf32> to tensor<1x4x?x8xf32>
    %z = llm.broadcast_to %zero, %s : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, Optional<RankedTensorOf<[I64]>>:$shape);
  let results = (outs LLM_Tensor:$result);
  let assemblyFormat = [{
    $input (`,` $shape^)? attr-dict `:` type($input) (`,` type($shape)^)? `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$input), [{
      build($_builder, $_state, result, input, ::mlir::Value());
    }]>
  ];
}

def LLM_DimOp : LLM_KnownOp<"dim", [Pure, InferTypeOpAdaptor]> {
  let summary = "the size of one dimension, as a value";
  let description = [{
    The size of dimension `dim` of `input` as a 0-D `i64` tensor: how an
    imported `Shape` of a dynamic dimension reads it at run time. Folds to a
    constant for a static dimension.

    ```mlir
    %s = llm.dim %x[1] : tensor<1x?x64xf32>
    ```
  }];
  let arguments = (ins LLM_Tensor:$input, I64Attr:$dim);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input `[` $dim `]` attr-dict `:` type($input)";
  let hasFolder = 1;
}

def LLM_IotaOp : LLM_KnownOp<"iota", [Pure, InferTypeOpAdaptor]> {
  let summary = "0, 1, ..., n-1 for a run-time n";
  let description = [{
    The 1-D `i64` tensor `[0, 1, ..., n - 1]` for the 0-D `i64` `count`
    (a negative count is a run-time error): positions and masks of an
    imported graph whose sequence length is only known at run time.

    ```mlir
    %p = llm.iota %n : tensor<i64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I64]>:$count);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$count attr-dict `:` type($count)";
}

#endif // LLMC_DIALECT_LLM_IR_LLMTENSOROPS_TD

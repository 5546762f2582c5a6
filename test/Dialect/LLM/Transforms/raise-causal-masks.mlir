// llm-raise turns an attention mask into `causal` when it proves the mask
// is the causal rule (key j of query i excluded exactly when
// j > Skv - Sq + i), whatever ops compute it: the mask's elements are read
// as functions of their indices and the rule is proved over all sizes
// (lib/Dialect/LLM/Transforms/MaskAlgebra.h). Near misses keep their mask,
// and llm-raise{report-failures} says why (WHY).
// RUN: llmc-opt %s -split-input-file --llm-raise | FileCheck %s
// RUN: llmc-opt %s -split-input-file --llm-raise=report-failures -o /dev/null 2>&1 | FileCheck %s --check-prefix=WHY
// The proved masks give no reason.
// WHY-NOT: the mask is kept explicit

// Llama/Qwen2 in HF's modeling code (`_make_causal_mask`): a triangle of
// finfo.min over the new tokens (iota < iota + 1), after zeros for the
// past, added to the scores.
// CHECK-LABEL: func.func @hf_llama_mask
// CHECK: llm.attention %{{.*}}, %[[KV:.*]], %[[KV]] scale(3.500000e-01) causal :
// CHECK-NOT: mask
func.func @hf_llama_mask(%q: tensor<1x2x?x8xf32>, %past: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %kv = llm.kv_append %past, %k : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %p = llm.dim %past[2] : tensor<1x2x?x8xf32>
  %one = llm.constant dense<1> : tensor<i64>
  %one1 = llm.constant dense<1> : tensor<1xi64>
  %s1 = llm.reshape %s : tensor<i64> to tensor<1xi64>
  %p1 = llm.reshape %p : tensor<i64> to tensor<1xi64>
  %ss = llm.concat %s1, %s1 dim 0 : tensor<1xi64>, tensor<1xi64>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %full = llm.broadcast_to %min, %ss : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
  %cols = llm.iota %s : tensor<i64>
  %next = llm.add %cols, %one : tensor<?xi64>, tensor<i64>
  %rowShape = llm.concat %s1, %one1 dim 0 : tensor<1xi64>, tensor<1xi64>
  %rows = llm.reshape %next, %rowShape : tensor<?xi64>, tensor<2xi64> to tensor<?x1xi64>
  %lower = llm.compare <lt>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %zero = llm.constant dense<0.0> : tensor<f32>
  %triangle = llm.where %lower, %zero, %full : tensor<?x?xi1>, tensor<f32>, tensor<?x?xf32>
  %sp = llm.concat %s1, %p1 dim 0 : tensor<1xi64>, tensor<1xi64>
  %zeros = llm.broadcast_to %zero, %sp : tensor<f32>, tensor<2xi64> to tensor<?x?xf32>
  %m = llm.concat %zeros, %triangle dim 1 : tensor<?x?xf32>, tensor<?x?xf32>
  %m4 = llm.reshape %m : tensor<?x?xf32> to tensor<1x1x?x?xf32>
  %o = llm.attention %q, %kv, %kv mask %m4 scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// The same mask built from another cache's past length (HF builds it once
// from layer 0's cache): the broadcast rule makes the two lengths equal in
// every program that runs (or the mask a single column, which is causal
// too), so the later layer's attention is causal as well.
// CHECK-LABEL: func.func @mask_from_another_cache
// CHECK: llm.attention {{.*}} causal :
// CHECK-NOT: mask
func.func @mask_from_another_cache(%q: tensor<1x2x?x8xf32>, %past0: tensor<1x2x?x8xf32>, %past1: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %kv = llm.kv_append %past1, %k : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %p = llm.dim %past0[2] : tensor<1x2x?x8xf32>
  %one = llm.constant dense<1> : tensor<i64>
  %sp = llm.add %s, %p : tensor<i64>
  %cols = llm.iota %sp : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %last = llm.add %rows, %p : tensor<?x1xi64>, tensor<i64>
  %allowed = llm.compare <le>, %cols, %last : tensor<?xi64>, tensor<?x1xi64>
  %m4 = llm.reshape %allowed : tensor<?x?xi1> to tensor<1x1x?x?xi1>
  %o = llm.attention %q, %kv, %kv mask %m4 scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Older HF code: (1 - allowed.float()) * finfo.min, the allowed keys those
// at or below the diagonal shifted by the past (j - i <= Skv - Sq), with
// the scores masked before the softmax: raised straight to causal.
// CHECK-LABEL: func.func @inverted_float_mask
// CHECK: llm.attention {{.*}} scale(1.000000e+00) causal :
// CHECK-NOT: llm.softmax
func.func @inverted_float_mask(%q: tensor<1x2x?x8xf32>, %past: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %kv = llm.kv_append %past, %k : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %nk = llm.dim %kv[2] : tensor<1x2x?x8xf32>
  %nq = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %nk : tensor<i64>
  %r = llm.iota %nq : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %shift = llm.sub %nk, %nq : tensor<i64>
  %d = llm.sub %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %allowed = llm.compare <le>, %d, %shift : tensor<?x?xi64>, tensor<i64>
  %f = llm.cast %allowed : tensor<?x?xi1> to tensor<?x?xf32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %inv = llm.sub %one, %f : tensor<f32>, tensor<?x?xf32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %add = llm.mul %inv, %min : tensor<?x?xf32>, tensor<f32>
  %kt = llm.transpose %kv [0, 1, 3, 2] : tensor<1x2x?x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>
  %m = llm.add %s, %add : tensor<1x2x?x?xf32>, tensor<?x?xf32>
  %p = llm.softmax %m dim 3 : tensor<1x2x?x?xf32>
  %o = llm.matmul %p, %kv : tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// HF GPT-2 with a caller's padding mask bound to all ones (what the ONNX
// importer binds attention_mask to): (1 - mask) * finfo.min is added after
// the causal where; it keeps every key, so it goes, and the where is causal.
// CHECK-LABEL: func.func @padding_mask_of_ones
// CHECK: llm.attention {{.*}} scale(1.000000e+00) causal :
// CHECK-NOT: mask
func.func @padding_mask_of_ones(%q: tensor<1x2x?x8xf32>, %past: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %kv = llm.kv_append %past, %k : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
  %nk = llm.dim %kv[2] : tensor<1x2x?x8xf32>
  %nq = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %nk : tensor<i64>
  %r = llm.iota %nq : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %shift = llm.sub %nk, %nq : tensor<i64>
  %last = llm.add %rows, %shift : tensor<?x1xi64>, tensor<i64>
  %allowed = llm.compare <le>, %cols, %last : tensor<?xi64>, tensor<?x1xi64>
  %kt = llm.transpose %kv [0, 1, 3, 2] : tensor<1x2x?x8xf32>
  %s = llm.matmul %q, %kt : tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %causal = llm.where %allowed, %s, %min : tensor<?x?xi1>, tensor<1x2x?x?xf32>, tensor<f32>
  %one = llm.constant dense<1> : tensor<i64>
  %b = llm.constant dense<1> : tensor<1xi64>
  %nk1 = llm.reshape %nk : tensor<i64> to tensor<1xi64>
  %shape = llm.concat %b, %nk1 dim 0 : tensor<1xi64>, tensor<1xi64>
  %ones = llm.broadcast_to %one, %shape : tensor<i64>, tensor<2xi64> to tensor<1x?xi64>
  %m4 = llm.reshape %ones : tensor<1x?xi64> to tensor<1x1x1x?xi64>
  %mf = llm.cast %m4 : tensor<1x1x1x?xi64> to tensor<1x1x1x?xf32>
  %onef = llm.constant dense<1.0> : tensor<f32>
  %inv = llm.sub %onef, %mf : tensor<f32>, tensor<1x1x1x?xf32>
  %pad = llm.mul %inv, %min : tensor<1x1x1x?xf32>, tensor<f32>
  %m = llm.add %causal, %pad : tensor<1x2x?x?xf32>, tensor<1x1x1x?xf32>
  %p = llm.softmax %m dim 3 : tensor<1x2x?x?xf32>
  %o = llm.matmul %p, %kv : tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: j < i excludes the diagonal (each token its own key).
// CHECK-LABEL: func.func @strict_triangle
// WHY: remark: llm.attention: the mask is kept explicit (static programs compute it), as it is not shown to be the causal rule: the mask excludes keys the causal rule j <=
// CHECK: llm.attention {{.*}} mask
func.func @strict_triangle(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %allowed = llm.compare <lt>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %o = llm.attention %q, %k, %k mask %allowed scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: a sliding window of 4 keys is causal and more.
// CHECK-LABEL: func.func @sliding_window
// WHY: remark: llm.attention: the mask is kept explicit {{.*}}: the mask excludes keys the causal rule j <=
// CHECK: llm.attention {{.*}} mask
func.func @sliding_window(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %causal = llm.compare <le>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %four = llm.constant dense<4> : tensor<i64>
  %start = llm.sub %rows, %four : tensor<?x1xi64>, tensor<i64>
  %recent = llm.compare <gt>, %cols, %start : tensor<?xi64>, tensor<?x1xi64>
  %false = llm.constant dense<false> : tensor<i1>
  %allowed = llm.where %causal, %recent, %false : tensor<?x?xi1>, tensor<?x?xi1>, tensor<i1>
  %o = llm.attention %q, %k, %k mask %allowed scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: a fill of -1 lowers a key's weight without excluding it.
// CHECK-LABEL: func.func @weak_fill
// WHY: remark: llm.attention: the mask is kept explicit {{.*}}: the mask holds a value that neither keeps nor excludes a key
// CHECK: llm.attention {{.*}} mask
func.func @weak_fill(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %later = llm.compare <gt>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %fill = llm.constant dense<-1.0> : tensor<f32>
  %zero = llm.constant dense<0.0> : tensor<f32>
  %m = llm.where %later, %fill, %zero : tensor<?x?xi1>, tensor<f32>, tensor<f32>
  %o = llm.attention %q, %k, %k mask %m scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<?x?xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: a padding mask from the caller (HF's attention_mask) joins
// the causal one: the keys it drops are not known.
// CHECK-LABEL: func.func @padding_mask
// WHY: remark: llm.attention: the mask is kept explicit {{.*}}: the mask's elements are not known: a value of the function's arguments
// CHECK: llm.attention {{.*}} mask
func.func @padding_mask(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %keep: tensor<?xi1>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %causal = llm.compare <le>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %false = llm.constant dense<false> : tensor<i1>
  %allowed = llm.where %causal, %keep, %false : tensor<?x?xi1>, tensor<?xi1>, tensor<i1>
  %o = llm.attention %q, %k, %k mask %allowed scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: the mask differs between heads.
// CHECK-LABEL: func.func @per_head_mask
// WHY: remark: llm.attention: the mask is kept explicit {{.*}}: the mask differs along axis 0 (batch or head)
// CHECK: llm.attention {{.*}} mask
func.func @per_head_mask(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %causal = llm.compare <le>, %cols, %rows : tensor<?xi64>, tensor<?x1xi64>
  %true = llm.constant dense<true> : tensor<i1>
  %c3 = llm.reshape %causal : tensor<?x?xi1> to tensor<1x?x?xi1>
  %all2 = llm.where %causal, %true, %true : tensor<?x?xi1>, tensor<i1>, tensor<i1>
  %a3 = llm.reshape %all2 : tensor<?x?xi1> to tensor<1x?x?xi1>
  %both = llm.concat %c3, %a3 dim 0 : tensor<1x?x?xi1>, tensor<1x?x?xi1>
  %o = llm.attention %q, %k, %k mask %both scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<2x?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Near miss: indices compared in bf16 (exact only up to 256: at 300 keys,
// key 257 rounds to 256 and query 256 would keep it); not the causal rule
// for every size.
// CHECK-LABEL: func.func @narrow_float_indices
// CHECK: llm.attention {{.*}} mask
// WHY: remark: llm.attention: the mask is kept explicit {{.*}}: the mask's elements are not known: a cast the mask algebra cannot follow exactly
func.func @narrow_float_indices(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %s = llm.dim %q[2] : tensor<1x2x?x8xf32>
  %cols = llm.iota %s : tensor<i64>
  %colsf = llm.cast %cols : tensor<?xi64> to tensor<?xbf16>
  %r = llm.iota %s : tensor<i64>
  %rows = llm.reshape %r : tensor<?xi64> to tensor<?x1xi64>
  %rowsf = llm.cast %rows : tensor<?x1xi64> to tensor<?x1xbf16>
  %allowed = llm.compare <le>, %colsf, %rowsf : tensor<?xbf16>, tensor<?x1xbf16>
  %o = llm.attention %q, %k, %k mask %allowed scale(0.35) : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<?x?xi1>
  return %o : tensor<1x2x?x8xf32>
}

//===- LLMFusionOps.td - groups a target runs as one kernel -*- tablegen -*-===//
//
// A fusion group marks ops a target runs as one kernel, its intermediates
// kept on chip. The group means what its body computes; it exists so that
// the planner, the reports and a target's lowering see the kernel
// boundaries the target declared (llm-form-fusion-groups).
//
//===----------------------------------------------------------------------===//

def LLM_FusionGroupOp : LLM_KnownOp<"fusion_group", [RecursiveMemoryEffects, SingleBlock]> {
  let summary = "ops a target runs as one kernel";
  let description = [{
    Runs the ops of its body in order (they may read any value defined
    above the group) and returns the values its `llm.yield` gives. It is
    its body: the reference executor runs it that way, and removing the
    group (inlining its body) changes no number. A target that declared
    the group's `kind` (`DeviceDescription::fusionKinds`) runs it as one
    kernel: the values computed inside and not yielded never leave the
    chip; a yielded value is written out once (the residual stream a group
    both updates and reads: it leaves the chip for the next block and feeds
    the norm inside without a round trip).

    Kinds (llm-form-fusion-groups), each named by its parts around one
    linear: `norm-linear` (a norm and the linear that reads it: the norm
    becomes the linear's prologue), `linear-epilogue` (a linear and the
    chain of elementwise ops applied to its result, each the only user of
    the previous one), `residual-norm-linear` (the residual add a norm
    reads, the norm, the linear), and the unions `norm-linear-epilogue`,
    `residual-norm-linear-epilogue`.

    ```mlir
    %y = llm.fusion_group "norm-linear" -> tensor<1x1x192xf32> {
      %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<1x1x64xf32>, tensor<64xf32>
      %l = llm.linear %n, %w : tensor<1x1x64xf32>, tensor<192x64xf32>
      llm.yield %l : tensor<1x1x192xf32>
    }
    %r, %q = llm.fusion_group "residual-norm-linear" -> tensor<1x1x64xf32>, tensor<1x1x192xf32> {
      %s = llm.add %h, %a : tensor<1x1x64xf32>
      %n = llm.rms_norm %s, %g epsilon(1.0e-06) : tensor<1x1x64xf32>, tensor<64xf32>
      %l = llm.linear %n, %w : tensor<1x1x64xf32>, tensor<192x64xf32>
      llm.yield %s, %l : tensor<1x1x64xf32>, tensor<1x1x192xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind);
  let results = (outs Variadic<LLM_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind attr-dict `->` type($results) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The body's terminator: what the group returns.
    YieldOp getYield();
  }];
}

def LLM_YieldOp : LLM_KnownOp<"yield", [Pure, Terminator,
    HasParent<"::llmc::llm::FusionGroupOp">]> {
  let summary = "the values a fusion group returns";
  let description = [{
    Ends a `llm.fusion_group`'s body; its operands are the group's results.
  }];
  let arguments = (ins Variadic<LLM_Tensor>:$values);
  let assemblyFormat = [{ $values attr-dict `:` type($values) }];
}

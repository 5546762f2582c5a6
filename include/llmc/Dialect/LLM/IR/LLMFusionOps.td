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
    above the group) and returns the value its `llm.yield` gives. It is
    its body: the reference executor runs it that way, and removing the
    group (inlining its body) changes no number. A target that declared
    the group's `kind` (`Target::getFusionKinds`) runs it as one kernel:
    the values computed inside and not yielded never leave the chip.

    Kinds (llm-form-fusion-groups): `norm-linear` (a norm and the linear
    that reads it: the norm becomes the linear's prologue), `linear-epilogue`
    (a linear and the chain of elementwise ops applied to its result, each
    the only user of the previous one), `norm-linear-epilogue` (both).

    ```mlir
    %y = llm.fusion_group "norm-linear" -> tensor<1x1x192xf32> {
      %n = llm.rms_norm %x, %g epsilon(1.0e-06) : tensor<1x1x64xf32>, tensor<64xf32>
      %l = llm.linear %n, %w : tensor<1x1x64xf32>, tensor<192x64xf32>
      llm.yield %l : tensor<1x1x192xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind);
  let results = (outs LLM_Tensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind attr-dict `->` type($result) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The value the body yields.
    ::mlir::Value getYielded();
  }];
}

def LLM_YieldOp : LLM_KnownOp<"yield", [Pure, Terminator,
    HasParent<"::llmc::llm::FusionGroupOp">]> {
  let summary = "the value a fusion group returns";
  let description = [{
    Ends a `llm.fusion_group`'s body; its operand is the group's result.
  }];
  let arguments = (ins LLM_Tensor:$value);
  let assemblyFormat = [{ $value attr-dict `:` type($value) }];
}

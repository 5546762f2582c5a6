#!/usr/bin/python3
"""Fusion and weight const-evaluation change no number (issue 14).

Compiles MODEL with `llmc -target=mlir FLAGS` twice, with --fuse=false
(the model's ops; llm-const-eval-weights still runs) and by default
(llm-fuse-horizontal, then llm-const-eval-weights storing the fused
weights), and for each prompt length compares the 16-token greedy traces
and the prompt's last-token logits (within 1e-5 relative) of the two; with
--fp16, both run as an FP16-only device (llmc-run --fp16): finite logits,
the same traces. Prints the fusion report and PASS:/FAIL: lines, ends with
`N failed`.

With --expect-fused, the decode program must have fewer kernels fused.

Usage: check_fusion.py LLMC LLMC_RUN MODEL WORK "FLAGS" [--fp16] [--expect-fused] LENGTH...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Comparison, compile_with_report, run_tool, test_prompt  # noqa: E402


def main(argv):
    llmc, llmc_run, model, work, flags = argv[:5]
    rest = argv[5:]
    fp16 = "--fp16" in rest
    expect_fused = "--expect-fused" in rest
    lengths = [int(a) for a in rest if not a.startswith("--")]
    os.makedirs(work, exist_ok=True)
    flags = flags.split()
    unfused = os.path.join(work, "unfused.mlir")
    fused = os.path.join(work, "fused.mlir")
    run_tool([llmc, model, "-target=mlir", *flags, "--fuse=false", "-o", unfused])
    report = compile_with_report(llmc, model, flags, fused, "--print-fusion-stats")
    failures = 0
    if expect_fused:
        # The report's @decode row: kernels before and after, ...
        row = next(line.split() for line in report.splitlines() if line.split()[:1] == ["@decode"])
        before, after = int(row[1]), int(row[2])
        ok = after < before
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: kernels per decode step {before} -> {after}")
    extra = ["--fp16"] if fp16 else []
    for length in lengths:
        c = Comparison(llmc_run, unfused, fused, test_prompt(length), work, extra)
        ok = c.same_trace and c.finite and (fp16 or c.error <= 1e-5)
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}{' --fp16' if fp16 else ''}: fused vs "
              f"unfused {c.describe()}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

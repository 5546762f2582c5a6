#!/usr/bin/python3
"""A planned module runs in its arena with the unplanned module's numbers (issue 15).

Compiles MODEL with `llmc -target=mlir FLAGS` planned (the default; the
report printed) and with --plan-memory=false, and for each prompt length
runs both with llmc-run (the planned one in one byte arena per pool, every
value at its planned offset: an overlap would change the numbers) and
requires identical last-token logits and the same 16-token greedy trace,
in f32 and as an FP16 device (--fp16). Prints the plan report, PASS:/FAIL:
lines and `N failed`.

Usage: check_memory_plan.py LLMC LLMC_RUN MODEL WORK "FLAGS" LENGTH...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Comparison, compile_with_report, run_tool, test_prompt  # noqa: E402


def main(argv):
    llmc, llmc_run, model, work, flags = argv[:5]
    lengths = [int(a) for a in argv[5:]]
    os.makedirs(work, exist_ok=True)
    flags = flags.split()
    planned = os.path.join(work, "planned.mlir")
    unplanned = os.path.join(work, "unplanned.mlir")
    run_tool([llmc, model, "-target=mlir", *flags, "--plan-memory=false", "-o", unplanned])
    compile_with_report(llmc, model, flags, planned, "--print-memory-plan")
    failures = 0
    for length in lengths:
        for extra in ([], ["--fp16"]):
            c = Comparison(llmc_run, unplanned, planned, test_prompt(length), work, extra)
            ok = c.same_trace and c.error == 0.0
            failures += not ok
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}{' --fp16' if extra else ''}: "
                  f"planned vs unplanned {c.describe()}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

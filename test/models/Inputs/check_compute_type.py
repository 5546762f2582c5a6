#!/usr/bin/python3
"""Programs retyped to the device's compute type change no number on that device.

Compiles MODEL with `llmc -target=mlir FLAGS` as it is and with the mlir
target's `compute-type=f16` (llm-compute-type: every f32 value f16, weights
and constants converted once), checks that the retyped decode program takes
and returns f16, and that as an FP16-only device (llmc-run --fp16) both give
identical last-token logits and 16-token traces for each prompt length.
Prints PASS:/FAIL: lines, ends with `N failed`.

Usage: check_compute_type.py LLMC LLMC_RUN MODEL WORK "FLAGS" LENGTH...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Comparison, run_tool, test_prompt  # noqa: E402


def main(argv):
    llmc, llmc_run, model, work, flags = argv[:5]
    lengths = [int(a) for a in argv[5:]]
    os.makedirs(work, exist_ok=True)
    flags = flags.split()
    base = os.path.join(work, "base.mlir")
    retyped = os.path.join(work, "f16.mlir")
    run_tool([llmc, model, "-target=mlir", *flags, "-o", base])
    run_tool([llmc, model, "-target=mlir", *flags, "--target-options=compute-type=f16", "-o", retyped])
    failures = 0
    with open(retyped) as f:
        decode = next(line for line in f if "func.func @decode(" in line)
    ok = "xf32>" not in decode and "xf16>" in decode
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'}: the decode program takes and returns f16, no f32")
    for length in lengths:
        c = Comparison(llmc_run, base, retyped, test_prompt(length), work, ["--fp16"])
        ok = c.same_trace and c.error == 0.0
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: prompt of {length} (--fp16): f16 programs vs the "
              f"model's: {c.describe()}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

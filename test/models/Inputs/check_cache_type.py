#!/usr/bin/python3
"""The caches in the device's type change only their rounding (issue 14).

Compiles MODEL with `llmc -target=mlir FLAGS` as it is and with
`--cache-dtype=TYPE` (llm-cache-type), checks that the second's decode
program takes and returns its caches in TYPE, and for each prompt length
compares the two's 16-token greedy traces and last-token logits:

* as an FP16-only device (llmc-run --fp16), where every value is rounded to
  FP16 already, f16 caches change nothing: identical logits and traces;
* computing in the model's f32 (a CPU with f16 caches, as llama.cpp keeps
  them), logits within REL_TOLERANCE relative of the f32 caches' and finite.
  Each stored key/value element is rounded by at most 2^-11 (f16) or 2^-8
  (bf16) of itself; the tolerance is the one llmc states for those caches.

Prints PASS:/FAIL: lines, ends with `N failed`.

Usage: check_cache_type.py LLMC LLMC_RUN MODEL WORK "FLAGS" TYPE LENGTH...
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Comparison, run_tool, test_prompt  # noqa: E402

REL_TOLERANCE = {"f16": 5e-3, "bf16": 5e-2}


def main(argv):
    llmc, llmc_run, model, work, flags, dtype = argv[:6]
    lengths = [int(a) for a in argv[6:]]
    os.makedirs(work, exist_ok=True)
    flags = flags.split()
    base = os.path.join(work, "base.mlir")
    stored = os.path.join(work, f"{dtype}.mlir")
    run_tool([llmc, model, "-target=mlir", *flags, "-o", base])
    run_tool([llmc, model, "-target=mlir", *flags, f"--cache-dtype={dtype}", "-o", stored])
    failures = 0
    with open(stored) as f:
        decode = next(line for line in f if "func.func @decode(" in line)
    # Arguments 3... are the caches (ProgramABI.h).
    caches = [t for i, t in re.findall(r"%arg(\d+): tensor<[0-9x]+x(\w+)>", decode) if int(i) >= 3]
    ok = bool(caches) and all(t == dtype for t in caches)
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'}: decode caches {', '.join(caches)}")
    for length in lengths:
        modes = [("--fp16", ["--fp16"])] if dtype == "f16" else []
        modes.append(("f32", []))
        for name, extra in modes:
            c = Comparison(llmc_run, base, stored, test_prompt(length), work, extra)
            if extra:
                ok = c.same_trace and c.error == 0.0
            else:
                ok = c.finite and c.error <= REL_TOLERANCE[dtype]
            failures += not ok
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length} ({name}): {dtype} caches vs "
                  f"{'f32' if extra else 'the model'}'s caches: {c.describe()}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

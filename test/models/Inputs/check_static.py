#!/usr/bin/python3
"""Compiles a bundled model into static programs (llm-static-shapes) and
checks them against the dynamic module on the reference executor: for each
prompt length, the prompt's last-token logits (1e-5 relative) and the
16-token greedy trace must be equal; with --fp16, the static programs'
logits must be finite.

The static module is written next to MODEL.mlir (its llm.weights path is
relative to that folder).

Usage: check_static.py LLMC_OPT LLMC_RUN MODEL.mlir NAME OPTIONS [--fp16] LENGTH...
"""
import os
import sys

import numpy as np

from runner import greedy, relative_error, run_tool


def main(opt, run, model, name, options, *rest):
    fp16 = "--fp16" in rest
    lengths = [int(n) for n in rest if n != "--fp16"]
    work = os.path.dirname(os.path.abspath(model))
    static = os.path.join(work, f"{name}.mlir")
    run_tool([opt, model, f"--llm-static-shapes={options}", "-o", static])
    failures = 0
    for length in lengths:
        prompt = [(7 * i + 3) % 97 + 1 for i in range(length)]
        trace, logits = greedy(run, model, prompt, work)
        static_trace, static_logits = greedy(run, static, prompt, work, ["--fp16"] if fp16 else [])
        if fp16:
            ok = bool(np.isfinite(static_logits).all())
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}: fp16 logits finite")
        else:
            error = relative_error(static_logits, logits)
            ok = error <= 1e-5 and trace == static_trace
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}: logits max relative error "
                  f"{error:.1e}, traces {'equal' if trace == static_trace else 'differ'}")
        failures += not ok
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

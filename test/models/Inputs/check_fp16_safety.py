#!/usr/bin/python3
"""Runs llm-fp16-safety on a model and compares, for each prompt, the
rewritten module evaluated as an FP16-only device (`llmc-run --fp16`) with
the unmodified module in f32: the 16-token greedy traces must be equal and
the prompt's last-token logits within 2e-2 relative (max |diff| / max
|reference|). The unmodified module under --fp16 is reported alongside
(that is where an overflow shows).

Usage: check_fp16_safety.py LLMC_OPT LLMC_RUN MODEL.mlir NAME PROMPT...
(PROMPT: comma-separated token ids)
"""
import os
import sys

import numpy as np

from runner import greedy, relative_error, run_tool

TOLERANCE = 2e-2


def describe(trace, logits, reference_trace, reference_logits):
    finite = bool(np.isfinite(logits).all())
    error = relative_error(logits, reference_logits) if finite else float("inf")
    return finite, error, trace == reference_trace


def main(opt, run, model, name, *prompts):
    work = os.path.dirname(os.path.abspath(model))
    safe = os.path.join(work, f"{name}.mlir")
    run_tool([opt, model, f"--llm-fp16-safety=model-dir={work}", "-o", safe])
    failures = 0
    for text in prompts:
        prompt = [int(t) for t in text.split(",")]
        trace, logits = greedy(run, model, prompt, work)
        naive = describe(*greedy(run, model, prompt, work, ["--fp16"]), trace, logits)
        fixed = describe(*greedy(run, safe, prompt, work, ["--fp16"]), trace, logits)
        same = describe(*greedy(run, safe, prompt, work), trace, logits)
        ok = fixed[0] and fixed[1] <= TOLERANCE and fixed[2] and same[1] <= 1e-5 and same[2]
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: prompt {text}: fp16 after the pass: logits error "
              f"{fixed[1]:.1e}, trace {'equal' if fixed[2] else 'differs'}; unmodified fp16: "
              f"{'finite' if naive[0] else 'not finite'}, logits error {naive[1]:.1e}, trace "
              f"{'equal' if naive[2] else 'differs'}; f32 after the pass: logits error "
              f"{same[1]:.1e}, trace {'equal' if same[2] else 'differs'}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

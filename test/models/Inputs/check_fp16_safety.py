#!/usr/bin/python3
"""Runs llm-fp16-safety on a model and compares, for each prompt, the
rewritten module evaluated as an FP16-only device (`llmc-run --fp16`) with
the unmodified module in f32: the 16-token greedy traces must be equal and
the prompt's last-token logits within 2e-2 relative (max |diff| / max
|reference|). The unmodified module under --fp16 is reported alongside
(that is where an overflow shows).

With --calibrate FILE, the module is first calibrated on the prompts of
FILE (llm-calibrate-ranges) and --strategy chooses the norm strategy
(static: a power-of-two pre-scale from the calibrated ranges).

Usage: check_fp16_safety.py [--calibrate FILE] [--strategy S] LLMC_OPT LLMC_RUN MODEL.mlir NAME
                            PROMPT...
(PROMPT: comma-separated token ids)
"""
import argparse
import os
import sys

import numpy as np

from runner import greedy, relative_error, run_tool

TOLERANCE = 2e-2


def describe(trace, logits, reference_trace, reference_logits):
    finite = bool(np.isfinite(logits).all())
    error = relative_error(logits, reference_logits) if finite else float("inf")
    return finite, error, trace == reference_trace


def main(opt, run, model, name, prompts, calibrate=None, strategy="dynamic"):
    work = os.path.dirname(os.path.abspath(model))
    safe = os.path.join(work, f"{name}.mlir")
    passes = [f"--llm-fp16-safety=model-dir={work} norm-strategy={strategy}"]
    if calibrate:
        passes.insert(0, f"--llm-calibrate-ranges=inputs={calibrate} model-dir={work}")
    run_tool([opt, model, *passes, "-o", safe])
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--calibrate")
    parser.add_argument("--strategy", default="dynamic")
    parser.add_argument("opt")
    parser.add_argument("run")
    parser.add_argument("model")
    parser.add_argument("name")
    parser.add_argument("prompts", nargs="+")
    args = parser.parse_args()
    sys.exit(main(args.opt, args.run, args.model, args.name, args.prompts, args.calibrate,
                  args.strategy))

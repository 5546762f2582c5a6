#!/usr/bin/python3
"""Compiles a bundled model into static programs (llm-static-shapes) and
checks them against the dynamic module on the reference executor: for each
prompt length, the prompt's last-token logits (1e-5 relative) and the
16-token greedy trace must be equal; with --fp16, the static programs'
logits must be finite.

Usage: check_static.py LLMC_OPT LLMC_RUN MODEL.mlir WORKDIR OPTIONS [--fp16] LENGTH...
"""
import os
import re
import subprocess
import sys

import numpy as np


def run_tool(command):
    """Runs a tool and returns its stdout; on failure, shows its stderr."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"{' '.join(command)}: exit code {result.returncode}")
    return result.stdout


def main(opt, run, model, work, options, *rest):
    fp16 = "--fp16" in rest
    lengths = [int(n) for n in rest if n != "--fp16"]
    os.makedirs(work, exist_ok=True)
    static = os.path.join(work, "static.mlir")
    failures = 0
    text = run_tool([opt, model, f"--llm-static-shapes={options}"])
    # llmc-opt keeps the weights path relative to the model's folder.
    weights = re.search(r'llm.weights = "([^"]*)"', text).group(1)
    absolute = os.path.join(os.path.dirname(os.path.abspath(model)), weights)
    with open(static, "w") as f:
        f.write(text.replace(f'llm.weights = "{weights}"', f'llm.weights = "{absolute}"'))
    for length in lengths:
        prompt = ",".join(str((7 * i + 3) % 97 + 1) for i in range(length))
        traces, logits = [], []
        for module, extra in ((model, []), (static, ["--fp16"] if fp16 else [])):
            path = os.path.join(work, f"logits_{len(traces)}.npy")
            out = run_tool([run, module, "--generate", "16", "--prompt-ids", prompt,
                            "--prompt-logits", path] + extra)
            traces.append(out.split())
            logits.append(np.load(path).astype(np.float64))
        if fp16:
            ok = bool(np.isfinite(logits[1]).all())
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}: fp16 logits finite")
        else:
            error = np.abs(logits[1] - logits[0]).max() / np.abs(logits[0]).max()
            ok = error <= 1e-5 and traces[0] == traces[1]
            print(f"{'PASS' if ok else 'FAIL'}: prompt of {length}: logits max relative error "
                  f"{error:.1e}, traces {'equal' if traces[0] == traces[1] else 'differ'}")
        failures += not ok
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

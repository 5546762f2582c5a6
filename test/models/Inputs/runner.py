"""Helpers shared by the model tests' scripts: running llmc tools and
greedy generation with llmc-run."""
import os
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


def greedy(run, module, prompt, work, extra=()):
    """16 greedy tokens after `prompt` (token ids), and the prompt's
    last-token logits (float64)."""
    path = os.path.join(work, "logits.npy")
    out = run_tool([run, module, "--generate", "16", "--prompt-ids", ",".join(map(str, prompt)),
                    "--prompt-logits", path, *extra])
    return out.split(), np.load(path).astype(np.float64)


def relative_error(logits, reference):
    return np.abs(logits - reference).max() / np.abs(reference).max()


def compile_with_report(llmc, model, flags, output, report_flag):
    """Compiles `model` with `llmc -target=mlir FLAGS REPORT_FLAG -o OUTPUT`,
    echoes the report (llmc's stderr) to stdout and returns it."""
    result = subprocess.run([llmc, model, "-target=mlir", *flags, report_flag, "-o", output],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"{model}: compile failed")
    sys.stdout.write(result.stderr)
    return result.stderr


def test_prompt(length):
    """The model tests' prompt of `length` token ids."""
    return [(7 * k + 3) % 97 + 1 for k in range(length)]


class Comparison:
    """Two modules' greedy traces and last-token logits on one prompt."""

    def __init__(self, run, want_module, got_module, prompt, work, extra=()):
        self.want_trace, want = greedy(run, want_module, prompt, work, extra)
        self.got_trace, got = greedy(run, got_module, prompt, work, extra)
        self.error = relative_error(got, want)
        self.finite = bool(np.isfinite(got).all())
        self.same_trace = self.got_trace == self.want_trace

    def describe(self):
        return (f"logits max relative error {self.error:.1e}, traces "
                f"{'equal' if self.same_trace else 'differ'}")

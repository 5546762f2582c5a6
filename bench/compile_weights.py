#!/usr/bin/python3
"""Compile time and peak memory of llmc's compile-time weight work on a
GPT-2-medium-shaped model (0.35B parameters, random weights, f32), against
its weight bytes: `llmc -target=mlir` to static programs (fusions and
llm-const-eval-weights included), with the weights kept (GPT-2 has nothing
to hoist: c_attn is one linear already, so this is the cost of the passes'
search) and with --weights-dtype=f16 (every weight converted and streamed
into the derived file, one tensor at a time). The bound: peak RSS stays
near the largest tensor written plus the compiler's own memory, not the
model (the memory-mapped checkpoint's pages count while they are read).
Also prints the fusion report of the decode program.

Usage: bench/compile_weights.py [--build BUILD_DIR] [--runs N]
Writes the checkpoint once under BUILD_DIR/bench/ and prints a table of
medians over the runs.
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from executor_memory import run_once  # noqa: E402


def largest_tensor_mib(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return max(end - begin for begin, end in (v["data_offsets"] for v in header.values())) / 2**20


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    bench = os.path.join(args.build, "bench")
    checkpoint = os.path.join(bench, "gpt2-medium")
    if not os.path.exists(os.path.join(checkpoint, "config.json")):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "models", "pytorch", "make_checkpoint.py"),
                        "gpt2_medium", checkpoint, "--no-reference"], check=True)
    model = os.path.join(bench, "gpt2-medium.mlir")
    subprocess.run([os.path.join(args.build, "bin", "llmc-import"), checkpoint, "-o", model], check=True)
    weights = os.path.join(checkpoint, "model.safetensors")
    weights_mib = os.path.getsize(weights) / 2**20
    llmc = os.path.join(args.build, "bin", "llmc")
    static = ["-target=mlir", "--max-seq-len=256", "--prefill-buckets=64"]
    rows = []
    for label, extra in (("keep", []), ("f16", ["--weights-dtype=f16"])):
        out = os.path.join(bench, f"gpt2-medium-{label}.mlir")
        command = [llmc, model, *static, *extra, "-o", out]
        times, peaks = [], []
        for _ in range(args.runs):
            elapsed, peak = run_once(command)
            times.append(elapsed)
            peaks.append(peak)
        derived = os.path.join(bench, f"gpt2-medium-{label}.consteval.safetensors")
        written = os.path.getsize(derived) / 2**20 if os.path.exists(derived) else 0.0
        largest = largest_tensor_mib(derived) if written else 0.0
        rows.append((label, statistics.median(times), statistics.median(peaks), written, largest))
    print("| weights dtype | checkpoint (MiB) | derived file (MiB) | largest tensor written (MiB) "
          "| peak RSS (MiB) | peak / checkpoint | wall (s) |")
    print("|---|---|---|---|---|---|---|")
    for label, t, peak, written, largest in rows:
        print(f"| {label} | {weights_mib:.0f} | {written:.0f} | {largest:.0f} | {peak:.0f} | "
              f"{peak / weights_mib:.2f} | {t:.1f} |")
    print(f"medians of {args.runs} runs of `llmc {' '.join(static)} [--weights-dtype=f16]`")
    report = subprocess.run([llmc, model, *static, "--print-fusion-stats", "-o", os.devnull],
                            capture_output=True, text=True, check=True).stderr
    print(report.rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Peak memory and speed of the reference executor on a GPT-2-medium-sized
model (0.35B parameters, random weights, f32): the executor must hold no more
than the memory-mapped weights plus a few hundred MB.

Usage: bench/executor_memory.py [--build BUILD_DIR] [--runs N] [--prompt N] [--tokens N]
Writes the checkpoint once under BUILD_DIR/bench/ and prints a table of
medians over the runs.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_once(command):
    """Wall time and peak resident memory (MiB) of one child process."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024.0


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prompt", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=8)
    args = parser.parse_args(argv)

    checkpoint = os.path.join(args.build, "bench", "gpt2-medium")
    if not os.path.exists(os.path.join(checkpoint, "config.json")):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "models", "pytorch", "make_checkpoint.py"),
                        "gpt2_medium", checkpoint, "--no-reference"], check=True)
    model = os.path.join(checkpoint, "..", "gpt2-medium.mlir")
    subprocess.run([os.path.join(args.build, "bin", "llmc-import"), checkpoint, "-o", model], check=True)
    weights_mib = os.path.getsize(os.path.join(checkpoint, "model.safetensors")) / 2**20
    prompt = ",".join(str(i * 37 % 50257) for i in range(args.prompt))
    command = [os.path.join(args.build, "bin", "llmc-run"), model, "--generate", str(args.tokens),
               "--prompt-ids", prompt]
    times, peaks = [], []
    for _ in range(args.runs):
        elapsed, peak = run_once(command)
        times.append(elapsed)
        peaks.append(peak)
    t, peak = statistics.median(times), statistics.median(peaks)
    print(f"| model | weights (MiB) | prompt | generated | peak RSS (MiB) | RSS - weights (MiB) | wall (s) | tokens/s |")
    print(f"|---|---|---|---|---|---|---|---|")
    print(f"| gpt2-medium f32 (0.35B) | {weights_mib:.0f} | {args.prompt} | {args.tokens} | {peak:.0f} | "
          f"{peak - weights_mib:.0f} | {t:.1f} | {(args.prompt + args.tokens) / t:.1f} |")
    print(f"medians of {args.runs} runs; tokens/s counts prompt and generated tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

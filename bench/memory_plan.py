#!/usr/bin/python3
"""The memory plan against its bounds (issue 15): for every bundled family's
static programs and a GPT-2-medium-shaped checkpoint (0.35B, random weights)
at max-seq-len 2048 with prefill buckets 128/512/2048, compiled by
`llmc -target=mlir` with --memory-plan-json: per program and scratch pool,
the peak the plan uses, the live-set lower bound (the most bytes live at
one step: no plan can go below it), their ratio (goal: at most 1.02), the
naive sum (every value its own buffer) and the planning time; per module,
the scratch arena (the largest program's) against the naive sum over all
programs, and the persistent cache pool. Optionally with an sram pool
(--sram-bytes) to show spills.

Usage: bench/memory_plan.py [--build BUILD_DIR] [--sram-bytes N] [--skip-medium]
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def kib(n):
    return f"{n / 2**10:.1f}"


def plan(llmc, model, flags, work, label):
    out = os.path.join(work, f"{label}.mlir")
    js = os.path.join(work, f"{label}.plan.json")
    start = time.monotonic()
    subprocess.run([llmc, model, "-target=mlir", *flags, f"--memory-plan-json={js}", "-o", out],
                   check=True)
    wall = time.monotonic() - start
    with open(js) as f:
        return json.load(f), wall


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sram-bytes", type=int, default=0)
    parser.add_argument("--skip-medium", action="store_true")
    args = parser.parse_args(argv)
    llmc = os.path.join(args.build, "bin", "llmc")
    work = os.path.join(args.build, "bench", "memory-plan")
    os.makedirs(work, exist_ok=True)
    extra = [f"--target-options=sram-bytes={args.sram_bytes}"] if args.sram_bytes else []

    cases = []
    small = ["--max-seq-len=128", "--prefill-buckets=16,64", "--prefill-chunk=64"]
    for family in ("gpt2-tiny", "llama-tiny", "qwen2-tiny", "deepseek-v2-tiny"):
        cases.append((family, os.path.join(ROOT, "models", f"{family}.mlir"), small))
    cases.append(("deepseek-v2-tiny naive", os.path.join(ROOT, "models", "deepseek-v2-tiny.mlir"),
                  small + ["--mla-form=naive"]))
    if not args.skip_medium:
        bench = os.path.join(args.build, "bench")
        # GPT-2-medium's shape with 2048 positions (its own table has 1024).
        checkpoint = os.path.join(bench, "gpt2-medium-2k")
        if not os.path.exists(os.path.join(checkpoint, "config.json")):
            subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "models", "pytorch", "make_checkpoint.py"),
                            "gpt2_medium", checkpoint, "--no-reference", "--set", "n_positions=2048"],
                           check=True)
        model = os.path.join(bench, "gpt2-medium-2k.mlir")
        if not os.path.exists(model):
            subprocess.run([os.path.join(args.build, "bin", "llmc-import"), checkpoint, "-o", model], check=True)
        cases.append(("gpt2-medium 0.35B", model,
                      ["--max-seq-len=2048", "--prefill-buckets=128,512,2048"]))

    print(f"{'model':24} {'program':14} {'pool':5} {'peak KiB':>10} {'bound KiB':>10} {'peak/bound':>10} "
          f"{'naive KiB':>10} {'buffers':>8} {'plan ms':>8}")
    summary = []
    for label, model, flags in cases:
        data, wall = plan(llmc, model, flags + extra, work, label.replace(" ", "-"))
        naive_total = 0
        planning = 0.0
        arena_by_pool = {}
        for p in data["programs"]:
            planning += p["planning_seconds"]
            for pool, f in p["scratch"].items():
                naive_total += f["naive"]
                arena_by_pool[pool] = max(arena_by_pool.get(pool, 0), f["peak"])
                ratio = f["peak"] / f["lower_bound"] if f["lower_bound"] else 1.0
                print(f"{label:24} {p['name']:14} {pool:5} {kib(f['peak']):>10} {kib(f['lower_bound']):>10} "
                      f"{ratio:>10.3f} {kib(f['naive']):>10} {f['buffers']:>8} {p['planning_seconds'] * 1e3:>8.1f}")
        # The arena: each scratch pool as large as the largest program's use.
        arena = sum(arena_by_pool.values())
        summary.append((label, arena, naive_total, data["pools"].get("cache", 0), planning, wall))
    print()
    print(f"{'model':24} {'arena KiB':>10} {'naive sum KiB':>14} {'arena/naive':>12} {'cache KiB':>10} "
          f"{'planning s':>11} {'compile s':>10}")
    for label, arena, naive, cache, planning, wall in summary:
        print(f"{label:24} {kib(arena):>10} {kib(naive):>14} {arena / naive if naive else 0:>12.4f} "
              f"{kib(cache):>10} {planning:>11.3f} {wall:>10.1f}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""How close the NPU target's programs come to the roofline of the simulated
device (issue 17's figure): for the Llama example and a GPT-2-medium-shaped
checkpoint (0.35B, random weights) at max-seq-len 2048, on the phone and tv
descriptions, each program's bound

    max(MACs / MACs per cycle,
        (weight bytes + KV bytes the run needs + logits) / DRAM bytes per cycle)

against the compiler's estimate of its cycles (the simulator's timing at
position 0 with every token real: the KV bytes a run needs are its own
tokens' rows), and the ratio. Decode should come within 1.15 of its bound
and read at most 1.05 x the bytes it must move; prefill within 1.3.

Usage: bench/npu_roofline.py [--build BUILD_DIR] [--skip-medium] [--max-seq-len M]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npu import checkpoint  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = {"decode": 1.15, "prefill": 1.3}


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--skip-medium", action="store_true")
    parser.add_argument("--max-seq-len", type=int, default=2048)
    args = parser.parse_args(argv)
    llmc = os.path.join(args.build, "bin", "llmc")
    bench = os.path.join(args.build, "bench")
    os.makedirs(bench, exist_ok=True)
    models = [("llama example", checkpoint("llama", os.path.join(bench, "llama-tiny")), "128")]
    if not args.skip_medium:
        # GPT-2-medium's shape with 2048 positions (its own table has 1024).
        models.append(("gpt2-medium 0.35B", checkpoint("gpt2_medium", os.path.join(bench, "gpt2-medium-2k"),
                                                       ["--set", "n_positions=2048"]), "128"))
    print(f"{'model':18} {'npu':6} {'program':12} {'bound by':8} {'bound cyc':>12} {'cycles':>12} "
          f"{'ratio':>6} {'target':>6} {'read/must':>9} {'MAC util':>8}")
    with tempfile.TemporaryDirectory(dir=bench) as work:
        for name, model, buckets in models:
            for config in ("phone", "tv"):
                report = os.path.join(work, "estimate.json")
                subprocess.run([llmc, model, "-target=npu",
                                f"--target-options=config={config} summary=false json={report}",
                                f"--max-seq-len={args.max_seq_len}", f"--prefill-buckets={buckets}",
                                "-o", os.path.join(work, "m.npub")], check=True)
                estimate = json.load(open(report))
                device, regions = estimate["device"], estimate["regions"]
                for program, p in estimate["programs"].items():
                    kv_per_token = p["cache_bytes"] / args.max_seq_len
                    logits = regions["io"]  # at most: the io region holds them
                    must = regions["weights"] + p["tokens"] * kv_per_token + logits
                    compute = p["macs"] / device["macs_per_cycle"]
                    memory = must / device["dram_bytes_per_cycle"]
                    bound = max(compute, memory)
                    kind = "decode" if program == "decode" else "prefill"
                    ratio = p["cycles"] / bound
                    util = p["macs"] / (p["cycles"] * device["macs_per_cycle"])
                    print(f"{name:18} {config:6} {program:12} {'DRAM' if memory >= compute else 'MACs':8} "
                          f"{bound:>12.0f} {p['cycles']:>12} {ratio:>6.2f} {TARGETS[kind]:>6.2f} "
                          f"{p['dram_read'] / must:>8.2f}x {100 * util:>7.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])

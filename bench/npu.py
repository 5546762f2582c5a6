#!/usr/bin/python3
"""What the NPU target's programs cost on the bundled NPUs (docs/npu.md).

For the Llama example and a GPT-2-medium-shaped checkpoint (0.35B, random
weights), on the phone and tv descriptions: a decode step and a prefill
bucket's cycles and time, DRAM bytes read against the weights and KV cache
a run may read, SRAM high-water mark against the SRAM, and matrix
utilisation, from the compiler's estimate (the simulator's timing of each
program, nothing computed); for the Llama example also the simulator's
measured run of a 16-token generation. Then the compile time and peak
memory of the 0.35B model to `.npub` (median of the runs, with min and
max: these machines are shared and noisy).

Usage: bench/npu.py [--build BUILD_DIR] [--runs N] [--skip-medium]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2}
ROW = re.compile(r"^\s+(\S+)\s+(\d+)\s+(\d+)\s+([\d.]+ \w+)\s+(\d+)\s+([\d.]+)\s+([\d.]+ \w+)\s+"
                 r"([\d.]+ \w+)\s+([\d.]+ \w+)\s+([\d.]+)x\s+([\d.]+)%$")
SRAM = re.compile(r"SRAM ([\d.]+ \w+);")


def size(text):
    number, unit = text.split()
    return float(number) * UNITS[unit]


def table(report):
    """The summary's per-program rows, and the device's SRAM bytes."""
    rows = {}
    sram = None
    for line in report.splitlines():
        if sram is None and (m := SRAM.search(line)):
            sram = size(m.group(1))
        if m := ROW.match(line):
            rows[m.group(1)] = {"runs": int(m.group(2)), "commands": int(m.group(3)),
                                "sram": size(m.group(4)), "cycles": int(m.group(5)),
                                "us": float(m.group(6)), "read": size(m.group(7)),
                                "floor": size(m.group(9)), "util": float(m.group(11))}
    return rows, sram


def timed(command):
    """Runs `command` under /usr/bin/time: (stderr, wall seconds, peak RSS bytes)."""
    result = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *command], capture_output=True,
                            text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    lines = result.stderr.splitlines()
    wall, rss = lines[-1].split()[1:]
    return "\n".join(lines[:-1]), float(wall), int(rss) * 1024


def checkpoint(family, folder, extra=()):
    """A seeded random checkpoint of `family` in `folder`, written once."""
    if not os.path.exists(os.path.join(folder, "config.json")):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "models", "pytorch", "make_checkpoint.py"),
                        family, folder, "--no-reference", *extra], check=True)
    return folder


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-medium", action="store_true")
    args = parser.parse_args(argv)
    llmc = os.path.join(args.build, "bin", "llmc")
    run = os.path.join(args.build, "bin", "llmc-run")
    bench = os.path.join(args.build, "bench")
    os.makedirs(bench, exist_ok=True)

    models = [("llama example", checkpoint("llama", os.path.join(bench, "llama-tiny")),
               ["--max-seq-len=64", "--prefill-buckets=16"])]
    if not args.skip_medium:
        models.append(("gpt2-medium 0.35B", checkpoint("gpt2_medium", os.path.join(bench, "gpt2-medium")),
                       ["--max-seq-len=1024", "--prefill-buckets=64"]))

    print(f"{'model':18} {'npu':6} {'program':11} {'kind':9} {'cycles':>11} {'time ms':>9} "
          f"{'DRAM read':>11} {'w+KV':>11} {'read/w+KV':>9} {'SRAM peak':>10} {'of SRAM':>8} "
          f"{'MAC util':>8}")
    compile_times = {}
    with tempfile.TemporaryDirectory(dir=bench) as work:
        for name, model, flags in models:
            for config in ("phone", "tv"):
                out = os.path.join(work, f"{config}.npub")
                walls, peaks = [], []
                report = ""
                runs = args.runs if name.startswith("gpt2") else 1
                for _ in range(runs):
                    report, wall, rss = timed([llmc, model, "-target=npu", f"--target-options=config={config}",
                                               *flags, "-o", out])
                    walls.append(wall)
                    peaks.append(rss)
                compile_times[(name, config)] = (walls, peaks)
                rows, sram = table(report)
                measured = {}
                if name.startswith("llama"):
                    result = subprocess.run([run, out, "--generate", "16", "--prompt-ids",
                                             ",".join(str(i) for i in range(1, 12)), "--npu-stats"],
                                            capture_output=True, text=True, check=True)
                    measured, _ = table(result.stderr)
                for program, row in rows.items():
                    for kind, r in (("estimated", row), ("measured", measured.get(program))):
                        if not r:
                            continue
                        print(f"{name:18} {config:6} {program:11} {kind:9} {r['cycles']:>11} "
                              f"{r['us'] / 1000:>9.3f} {r['read'] / 2**20:>9.2f}Mi {r['floor'] / 2**20:>9.2f}Mi "
                              f"{r['read'] / r['floor']:>8.2f}x {r['sram'] / 1024:>8.1f}Ki "
                              f"{100 * r['sram'] / sram:>7.1f}% {r['util']:>7.1f}%")
    print()
    print(f"{'compile to .npub':24} {'npu':6} {'wall s (min/median/max)':>26} {'peak RSS MiB (median)':>22}")
    for (name, config), (walls, peaks) in compile_times.items():
        print(f"{name:24} {config:6} {min(walls):>8.2f} {statistics.median(walls):>8.2f} {max(walls):>8.2f} "
              f"{statistics.median(peaks) / 2**20:>22.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])

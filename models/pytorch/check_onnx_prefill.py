#!/usr/bin/python3
"""Exports the prefill of a reference model to ONNX for prompts of 1, 7 and
33 tokens, runs each export through llmc-run (which imports it), and compares
the logits with the PyTorch reference data (max |diff| / max |reference|).

Usage: check_onnx_prefill.py --runner LLMC_RUN MODEL CHECKPOINT_DIR WORKDIR [--tolerance T]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True)
    parser.add_argument("model")
    parser.add_argument("checkpoint")
    parser.add_argument("work")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    failures = 0
    for length in (1, 7, 33):
        onnx_path = os.path.join(args.work, f"prefill_{length}.onnx")
        subprocess.run([sys.executable, os.path.join(HERE, "export_onnx.py"), args.model, args.checkpoint,
                        onnx_path, "--length", str(length)], check=True)
        out = os.path.join(args.work, f"out_{length}")
        reference = os.path.join(args.checkpoint, "reference")
        subprocess.run([args.runner, onnx_path, "--inputs", os.path.join(reference, f"prompt_{length}.npy"),
                        "--outputs", out], check=True)
        got = np.load(os.path.join(out, "output_0.npy")).astype(np.float64)
        want = np.load(os.path.join(reference, f"logits_{length}.npy")).astype(np.float64)
        error = np.abs(got - want).max() / np.abs(want).max() if got.shape == want.shape else float("inf")
        ok = error <= args.tolerance
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: ONNX prefill of {length}: max relative error {error:.2e} "
              f"(tolerance {args.tolerance:.0e})")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

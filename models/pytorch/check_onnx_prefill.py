#!/usr/bin/python3
"""Exports the prefill of a reference model to ONNX, runs the export through
llmc-run (which imports it) for prompts of 1, 7 and 33 tokens, and compares
the logits with the PyTorch reference data (max |diff| / max |reference|).

With --dynamic, one export with symbolic batch and sequence serves every
prompt length, and a batch of two prompts is checked too; otherwise each
length gets its own static export.

Usage: check_onnx_prefill.py --runner LLMC_RUN MODEL CHECKPOINT_DIR WORKDIR [--dynamic] [--tolerance T]
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
    parser.add_argument("--dynamic", action="store_true")
    args = parser.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    failures = 0
    reference = os.path.join(args.checkpoint, "reference")

    def export(path, length, dynamic):
        command = [sys.executable, os.path.join(HERE, "export_onnx.py"), args.model, args.checkpoint, path,
                   "--length", str(length)]
        subprocess.run(command + (["--dynamic"] if dynamic else []), check=True)

    def check(onnx_path, ids, want, label):
        nonlocal failures
        folder = os.path.join(args.work, f"run_{label.replace(' ', '_')}")
        os.makedirs(folder, exist_ok=True)
        np.save(os.path.join(folder, "ids.npy"), ids)
        subprocess.run([args.runner, onnx_path, "--inputs", os.path.join(folder, "ids.npy"),
                        "--outputs", folder], check=True)
        got = np.load(os.path.join(folder, "output_0.npy")).astype(np.float64)
        want = want.astype(np.float64)
        error = np.abs(got - want).max() / np.abs(want).max() if got.shape == want.shape else float("inf")
        ok = error <= args.tolerance
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: ONNX {label}: max relative error {error:.2e} "
              f"(tolerance {args.tolerance:.0e})")

    if args.dynamic:
        onnx_path = os.path.join(args.work, "prefill_dynamic.onnx")
        export(onnx_path, 7, True)
    for length in (1, 7, 33):
        if not args.dynamic:
            onnx_path = os.path.join(args.work, f"prefill_{length}.onnx")
            export(onnx_path, length, False)
        prompt = np.load(os.path.join(reference, f"prompt_{length}.npy"))
        check(onnx_path, prompt, np.load(os.path.join(reference, f"logits_{length}.npy")),
              f"prefill of {length}")
    if args.dynamic:
        prompts = np.concatenate([np.load(os.path.join(reference, "prompt_7.npy"))] * 2)
        logits = np.concatenate([np.load(os.path.join(reference, "logits_7.npy"))] * 2)
        check(onnx_path, prompts, logits, "batch of 2 prompts of 7")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

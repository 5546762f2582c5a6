#!/usr/bin/python3
"""Checks llmc-run on an imported model against the PyTorch reference data
written by make_checkpoint.py:

  logits      prefills of 1, 7 and 33 tokens from an empty cache: max |llmc - torch|
              / max |torch| <= --tolerance (default 1e-4)
  cache       the KV cache after the 7-token prefill, same measure
  decode      one decode step with the cache equals recomputing all 8 tokens
              (same measure, 1e-5, and the same argmax)
  greedy      16 greedy tokens with the cache are identical to PyTorch's

Usage: check_against_reference.py --runner LLMC_RUN MODEL.mlir REFERENCE_DIR [--fp16] [--tolerance T]
Prints one line per check and exits 1 if any fails.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

TYPES = {"f32": np.float32, "f16": np.float16, "bf16": np.float32}


def cache_shapes(model_path):
    """(heads, dim, dtype) of each cache argument of @forward, in order."""
    text = open(model_path).read()
    signature = re.search(r"func\.func @forward\((.*?)\)\s*->", text, re.S).group(1)
    types = re.findall(r"tensor<([^>]*)>", signature)[2:]
    shapes = []
    for t in types:
        parts = t.split("x")
        shapes.append((int(parts[1]), int(parts[3]), parts[4]))
    return shapes


class Runner:
    def __init__(self, binary, model, fp16, workdir):
        self.binary, self.model, self.fp16, self.workdir = binary, model, fp16, workdir
        self.caches = cache_shapes(model)
        self.calls = 0

    def forward(self, ids, start, caches=None):
        """Runs @forward on ids [1, S] at positions start.. with the given
        caches (empty by default); returns logits and the present caches."""
        self.calls += 1
        folder = os.path.join(self.workdir, f"call{self.calls}")
        os.makedirs(folder)
        positions = (np.arange(ids.shape[1]) + start)[None].astype(np.int64)
        if caches is None:
            caches = [np.zeros((1, h, 0, d), dtype=TYPES[t]) for h, d, t in self.caches]
        inputs = [ids.astype(np.int64), positions] + list(caches)
        paths = []
        for k, array in enumerate(inputs):
            paths.append(os.path.join(folder, f"input_{k}.npy"))
            np.save(paths[-1], array)
        command = [self.binary, self.model, "--inputs", *paths, "--outputs", folder]
        if self.fp16:
            command.append("--fp16")
        subprocess.run(command, check=True)
        outputs = [np.load(os.path.join(folder, f"output_{k}.npy")) for k in range(1 + len(self.caches))]
        return outputs[0], outputs[1:]

    def generate(self, prompt, steps):
        command = [self.binary, self.model, "--generate", str(steps),
                   "--prompt-ids", ",".join(str(int(t)) for t in prompt[0])]
        if self.fp16:
            command.append("--fp16")
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return [int(t) for t in out.strip().splitlines()[-1].split()]


def relative_error(actual, expected):
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    scale = max(np.abs(expected).max(), 1e-30)
    return float(np.abs(actual - expected).max() / scale)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True, help="the llmc-run binary")
    parser.add_argument("model")
    parser.add_argument("reference")
    parser.add_argument("--fp16", action="store_true")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--logits-only", action="store_true",
                        help="only compare logits (for programs whose weights were converted)")
    args = parser.parse_args(argv)
    ref = args.reference
    failures = 0

    def report(name, error, tolerance):
        nonlocal failures
        ok = error <= tolerance
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name}: max relative error {error:.2e} (tolerance {tolerance:.0e})")

    with tempfile.TemporaryDirectory() as workdir:
        run = Runner(args.runner, args.model, args.fp16, workdir)
        for length in (1, 7, 33):
            prompt = np.load(os.path.join(ref, f"prompt_{length}.npy"))
            logits, caches = run.forward(prompt, 0)
            report(f"logits, prompt of {length}", relative_error(logits, np.load(os.path.join(ref, f"logits_{length}.npy"))),
                   args.tolerance)
            if length != 7 or args.logits_only:
                continue
            names = ["k", "v"] if os.path.exists(os.path.join(ref, "cache_7_k0.npy")) else ["latent", "k_pe"]
            expected = [np.load(os.path.join(ref, f"cache_7_{n}{layer}.npy"))
                        for layer in range(len(caches) // 2) for n in names]
            report("KV cache after the 7-token prefill",
                   max(relative_error(a, e) for a, e in zip(caches, expected)), args.tolerance)

            trace = np.load(os.path.join(ref, "greedy_7.npy"))
            step = np.array([[trace[0]]])
            cached_logits, _ = run.forward(step, length, caches)
            full_logits, _ = run.forward(np.concatenate([prompt, step], axis=1), 0)
            error = relative_error(cached_logits[0, -1], full_logits[0, -1])
            same = int(cached_logits[0, -1].argmax()) == int(full_logits[0, -1].argmax())
            report("decode with the cache vs full recomputation", error if same else float("inf"),
                   min(args.tolerance, 1e-5))

            generated = run.generate(prompt, len(trace))
            ok = generated == trace.tolist()
            failures += not ok
            print(f"{'PASS' if ok else 'FAIL'}: 16-token greedy trace: llmc {generated}, torch {trace.tolist()}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

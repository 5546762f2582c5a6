#!/usr/bin/python3
"""Property test of llm-fp16-safety's norms: random rows spanning the whole
finite FP16 range (log-uniform magnitudes down to subnormals, one huge
outlier, all zeros, all subnormals, all 65504) go through rms_norm and
layer_norm before and after the pass, evaluated by `llmc-run --fp16` (every
value, product and partial sum an FP16 number), and are compared with the
float64 value of the op on the same (FP16) inputs.

Checks, per width and epsilon:
- the rewritten norms are finite everywhere and, row by row, within
  TOLERANCE of float64: max |out - ref| / max |ref|, where a difference
  within one FP16 subnormal step (2^-24) counts as none, since an output
  below FP16's smallest normal cannot be held closer; an all-zero row
  must give its exact result (0, or LayerNorm's bias). LayerNorm rows of
  equal elements ("all 65504") have an exact mean, so their result is the
  bias too; a row of nearly equal elements would be ill-conditioned in any
  finite precision and is not among the kinds;
- in f32 mode (no FP16 rounding) the rewrite computes the op's function
  (1e-5 of the op);
- control: the naive FP16 rms_norm is not finite on the outlier rows.

Usage: check_fp16_norms.py LLMC_OPT LLMC_RUN WORK_DIR
"""
import os
import sys

import numpy as np

from runner import run_tool

TOLERANCE = 2e-3
ROWS_PER_KIND = 64
FP16_MAX = 65504.0


def rows(width, rng):
    """Test rows of each kind, as FP16 values: (kind, [n, width])."""
    n = ROWS_PER_KIND
    sign = lambda shape: rng.choice([-1.0, 1.0], size=shape)
    kinds = {}
    # Magnitudes log-uniform over [2^-24, 65504]: subnormals to the maximum.
    kinds["log-uniform"] = sign((n, width)) * np.exp2(rng.uniform(-24, np.log2(FP16_MAX), (n, width)))
    # Ordinary activations with one huge outlier per row.
    outlier = rng.normal(0, 1, (n, width))
    outlier[np.arange(n), rng.integers(0, width, n)] = sign(n) * rng.uniform(300, FP16_MAX, n)
    kinds["one outlier"] = outlier
    # Every element large (the sum of squares of a naive norm overflows).
    kinds["all large"] = sign((n, width)) * rng.uniform(1000, FP16_MAX, (n, width))
    kinds["all 65504"] = np.full((n, width), FP16_MAX)
    kinds["normal(0,1)"] = rng.normal(0, 1, (n, width))
    kinds["all subnormal"] = sign((n, width)) * rng.uniform(2.0**-24, 2.0**-14, (n, width))
    kinds["tiny and zeros"] = np.where(rng.random((n, width)) < 0.9, 0.0,
                                       sign((n, width)) * 2.0**-24)
    kinds["all zero"] = np.zeros((n, width))
    return {kind: v.astype(np.float16) for kind, v in kinds.items()}


def reference(op, x, w, b, eps):
    x = x.astype(np.float64)
    if op == "rms_norm":
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w
    d = x - x.mean(axis=-1, keepdims=True)
    return d / np.sqrt(np.mean(d * d, axis=-1, keepdims=True) + eps) * w + b


def module(op, n, width, eps):
    t = f"tensor<{n}x{width}xf32>"
    v = f"tensor<{width}xf32>"
    if op == "rms_norm":
        body = f"%y = llm.rms_norm %x, %w epsilon({eps:e}) : {t}, {v}"
    else:
        body = f"%y = llm.layer_norm %x, %w, %b epsilon({eps:e}) : {t}, {v}, {v}"
    return (f"func.func @norm(%x: {t}, %w: {v}, %b: {v}) -> {t} {{\n"
            f"  {body}\n  return %y : {t}\n}}\n")


def run(llmc_run, path, inputs, work, fp16):
    out = os.path.join(work, "out")
    run_tool([llmc_run, path, "--entry", "norm", "--inputs", *inputs, "--outputs", out]
             + (["--fp16"] if fp16 else []))
    return np.load(os.path.join(out, "output_0.npy")).astype(np.float64)


def row_errors(out, ref):
    scale = np.abs(ref).max(axis=-1)
    diff = np.maximum(np.abs(out - ref) - 2.0**-24, 0).max(axis=-1)
    return np.where(scale > 0, diff / np.where(scale > 0, scale, 1), diff)


def check(opt, llmc_run, work, op, width, eps, rng):
    kinds = rows(width, rng)
    x = np.concatenate(list(kinds.values()))
    n = x.shape[0]
    w = rng.uniform(0.5, 1.5, width).astype(np.float16)
    b = rng.uniform(-0.5, 0.5, width).astype(np.float16)
    folder = os.path.join(work, f"{op}-{width}-{eps:g}")
    os.makedirs(folder, exist_ok=True)
    naive = os.path.join(folder, "naive.mlir")
    safe = os.path.join(folder, "safe.mlir")
    with open(naive, "w") as f:
        f.write(module(op, n, width, eps))
    run_tool([opt, naive, "--llm-fp16-safety", "-o", safe])
    inputs = []
    for name, value in (("x", x), ("w", w), ("b", b)):
        inputs.append(os.path.join(folder, f"{name}.npy"))
        np.save(inputs[-1], value.astype(np.float32))

    ref = reference(op, x, w.astype(np.float64), b.astype(np.float64), eps)
    fp16 = run(llmc_run, safe, inputs, folder, True)
    errors = row_errors(fp16, ref)
    finite = bool(np.isfinite(fp16).all())
    zero_rows = np.abs(x.astype(np.float64)).max(axis=-1) == 0
    zeros_exact = bool((fp16[zero_rows] == ref[zero_rows]).all())  # 0, or LayerNorm's bias
    failures = 0
    start = 0
    worst = {}
    for kind, v in kinds.items():
        worst[kind] = errors[start:start + len(v)].max()
        start += len(v)
    ok = finite and zeros_exact and errors.max() <= TOLERANCE
    failures += not ok
    detail = ", ".join(f"{k} {e:.1e}" for k, e in worst.items())
    print(f"{'PASS' if ok else 'FAIL'}: {op} D={width} eps={eps:g}: {n} rows, finite: {finite}, "
          f"max row error {errors.max():.2e} ({detail})")

    f32 = run(llmc_run, safe, inputs, folder, False)
    plain = run(llmc_run, naive, inputs, folder, False)
    f32_error = row_errors(f32, plain).max()
    ok = f32_error <= 1e-5
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'}: {op} D={width} eps={eps:g}: f32 rewrite = op "
          f"(max row error {f32_error:.1e})")

    if op == "rms_norm":
        naive16 = run(llmc_run, naive, inputs, folder, True)
        bad = int((~np.isfinite(naive16).all(axis=-1) | (np.abs(naive16).max(axis=-1) == 0)
                   & ~zero_rows).sum())
        print(f"control: naive fp16 {op} D={width}: {bad} of {n} rows inf, NaN or all zero")
    return failures


def main(opt, llmc_run, work):
    rng = np.random.default_rng(6)
    failures = 0
    for op in ("rms_norm", "layer_norm"):
        for width in (64, 896, 4096):
            for eps in (1e-6, 1e-5):
                failures += check(opt, llmc_run, work, op, width, eps, rng)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

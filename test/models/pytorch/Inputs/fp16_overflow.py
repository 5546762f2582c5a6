"""Counts the logit rows that collapse (non-finite, or all equal) when the
massive-activation model runs a prompt of massive tokens (ids that are
multiples of 7), in f32 and in --fp16 mode.

Usage: fp16_overflow.py LLMC_RUN MODEL.mlir WORKDIR"""
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
                                "models", "pytorch"))
from check_against_reference import cache_shapes  # noqa: E402

binary, model, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
caches = [(heads, dim) for heads, dim, _ in cache_shapes(model)]
ids = np.array([[7, 14, 21]], dtype=np.int64)
inputs = [ids, np.arange(3)[None].astype(np.int64)] + [np.zeros((1, h, 0, d), np.float32) for h, d in caches]
paths = []
for k, a in enumerate(inputs):
    paths.append(os.path.join(work, f"in{k}.npy"))
    np.save(paths[-1], a)
for mode, flags in (("f32", []), ("fp16", ["--fp16"])):
    out = os.path.join(work, mode)
    subprocess.run([binary, model, "--inputs", *paths, "--outputs", out, *flags], check=True)
    logits = np.load(os.path.join(out, "output_0.npy")).astype(np.float64)[0]
    collapsed = sum(not np.isfinite(row).all() or np.ptp(row) == 0 for row in logits)
    print(f"{mode}: {collapsed} of {len(logits)} logit rows collapsed")

"""Counts the logit rows that collapse (non-finite, or all equal) when the
massive-activation model runs a prompt of massive tokens (ids that are
multiples of 7), in f32 and in --fp16 mode.

Usage: fp16_overflow.py LLMC_RUN MODEL.mlir WORKDIR"""
import os
import re
import subprocess
import sys

import numpy as np

binary, model, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
signature = re.search(r"func\.func @forward\((.*?)\)\s*->", open(model).read(), re.S).group(1)
caches = [tuple(int(v) for v in (t.split("x")[1], t.split("x")[3]))
          for t in re.findall(r"tensor<([^>]*)>", signature)[2:]]
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

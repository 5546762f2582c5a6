#!/usr/bin/python3
"""Writes OUT_DIR/w.safetensors for fold-norm-weights.test: g, beta [4],
w [6, 4], wt [4, 6], c [6], big_g [4] (1000) and big_w [6, 4] (up to 100).

Usage: fold_norm_weights.py OUT_DIR
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..",
                                "models", "pytorch"))
import safetensors_io  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(0)
safetensors_io.write(os.path.join(out, "w.safetensors"), {
    "g": np.array([0.5, 1.5, -2.0, 0.75], np.float32),
    "beta": np.array([0.1, -0.2, 0.3, 0.05], np.float32),
    "w": rng.uniform(-1, 1, (6, 4)).astype(np.float32),
    "wt": rng.uniform(-1, 1, (4, 6)).astype(np.float32),
    "c": rng.uniform(-1, 1, (6,)).astype(np.float32),
    "big_g": np.full((4,), 1000.0, np.float32),
    "big_w": np.linspace(-100, 100, 24, dtype=np.float32).reshape(6, 4),
})

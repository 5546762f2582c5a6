"""Writes the .npy files of exit-status.test. Usage: make_npy.py DIR"""
import os
import sys

import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
np.save(f"{d}/ids.npy", np.array([[2, 0, 1]], dtype=np.int64))
np.save(f"{d}/bad-id.npy", np.array([[3]], dtype=np.int64))
np.save(f"{d}/ids-i32.npy", np.array([[2, 0]], dtype=np.int32))
np.save(f"{d}/rank1.npy", np.array([2, 0], dtype=np.int64))
np.save(f"{d}/x.npy", np.array([1.0, 2.0], dtype=np.float32))
raw = open(f"{d}/ids.npy", "rb").read()
open(f"{d}/truncated.npy", "wb").write(raw[:-5])
open(f"{d}/garbage.npy", "wb").write(b"not an npy file at all")

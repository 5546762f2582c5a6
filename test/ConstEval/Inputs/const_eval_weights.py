#!/usr/bin/python3
"""Writes OUT_DIR/w.safetensors for const-eval-weights.test: a [4, 6],
b [6, 4], c [1, 4] (f32) and d [4, 4] (f16), small distinct values; with
--inspect FILE instead, prints each tensor of FILE as `name dtype shape`
and checks the derived tensors against numpy.

Usage: const_eval_weights.py OUT_DIR | --inspect DERIVED WEIGHTS
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "models", "pytorch"))
import safetensors_io  # noqa: E402


def weights():
    a = (np.arange(24, dtype=np.float32).reshape(4, 6) - 11.5) / 8
    b = (np.arange(24, dtype=np.float32).reshape(6, 4) * 3 % 7 - 3) / 4
    c = np.array([[0.5, -1.0, 2.0, 0.25]], dtype=np.float32)
    d = (np.arange(16, dtype=np.float32).reshape(4, 4) - 8) / 16
    # Large enough (9 KiB) that the file spans pages; small enough (under
    # 16 KiB) that it is read into memory rather than mapped.
    e = (np.arange(48 * 48, dtype=np.float32).reshape(48, 48) % 13 - 6) / 8
    return a, b, c, d, e


def header(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n])


def main(argv):
    if argv[0] != "--inspect":
        a, b, c, d, e = weights()
        os.makedirs(argv[0], exist_ok=True)
        path = os.path.join(argv[0], "w.safetensors")
        # (safetensors_io.write stores one dtype; d is f16.)
        hdr, blobs, offset = {}, [], 0
        for name, array in (("a", a), ("b", b), ("c", c), ("d", d), ("e", e)):
            data = array.astype(np.float16 if name == "d" else np.float32).tobytes()
            hdr[name] = {"dtype": "F16" if name == "d" else "F32", "shape": list(array.shape),
                         "data_offsets": [offset, offset + len(data)]}
            blobs.append(data)
            offset += len(data)
        text = json.dumps(hdr, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
        return 0
    derived = argv[1]
    for name, info in sorted(header(derived).items()):
        print(name, info["dtype"], info["shape"])
    values = safetensors_io.read(derived)
    a, b, c, d, e = weights()
    expected = {"b.transpose": b.T, "a.matmul": a @ b, "c.slice": c, "e.transpose": e.T}
    for name, want in expected.items():
        if name in values:
            got = values[name].astype(np.float64)
            tolerance = 1e-3 if values[name].dtype == np.float16 else 1e-6
            error = float(np.abs(got - want.astype(np.float64)).max())
            print(f"{'PASS' if error <= tolerance else 'FAIL'}: {name} max error {error:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

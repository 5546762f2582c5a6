"""Minimal safetensors reading and writing with numpy (the `safetensors`
package is not in Debian 12). Format: 8-byte little-endian header length,
a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, ...} with
offsets relative to the end of the header, then the tensor bytes."""
import json
import struct

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "I8": np.int8}


def to_bf16_bits(array):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest even."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def write(path, tensors, metadata=None, dtype="F32"):
    """tensors: {name: np.ndarray of floats}; stored as `dtype` (F32, F16, BF16)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, array in tensors.items():
        if dtype == "BF16":
            data = to_bf16_bits(array).tobytes()
        else:
            data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keep the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        blob = raw[8 + n + begin:8 + n + end]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(blob, dtype=np.uint16).astype(np.uint32) << 16
            array = bits.view(np.float32)
        else:
            array = np.frombuffer(blob, dtype=DTYPES[info["dtype"]])
        out[name] = array.reshape(info["shape"])
    return out

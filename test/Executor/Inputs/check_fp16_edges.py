"""The ops an FP16-only device computes whole, at the edges of FP16's range:
each runs with `llmc-run --fp16` (the device the FP16-safety pass targets;
docs/executor.md) on inputs that break a naive FP16 evaluation, against
float64 of the op's description.

An op is range-safe in FP16 when every output is finite and within
2e-3 |expected| + 2^-24 (two FP16 roundings, or one subnormal step) of it;
softmax, attention and RoPE outputs, which sum several rounded terms, are
compared with the tensor's largest magnitude instead (2e-3 of it).

Usage: check_fp16_edges.py LLMC_RUN WORKDIR
"""
import math
import sys

import numpy as np

from check_ops import attention, rope, run, softmax, t

TOLERANCE = 2e-3
SUBNORMAL_STEP = 2.0 ** -24
FP16_MAX = 65504.0
erf = np.vectorize(math.erf)


def elementwise(got, expected):
    """Every element finite and within TOLERANCE |expected| + one subnormal step."""
    got = got.astype(np.float64)
    if not np.isfinite(got).all():
        return False, "not finite"
    used = float((np.abs(got - expected) / (TOLERANCE * np.abs(expected) + SUBNORMAL_STEP)).max())
    return used <= 1, f"finite, largest error {used:.2f} of the allowance"


def normalised(got, expected):
    """Every element finite and within TOLERANCE of the largest expected magnitude."""
    got = got.astype(np.float64)
    if not np.isfinite(got).all():
        return False, "not finite"
    error = float(np.abs(got - expected).max() / max(np.abs(expected).max(), SUBNORMAL_STEP))
    return error <= TOLERANCE, f"finite, max error {error:.1e} of the largest magnitude"


ELEMENTWISE, NORMALISED = [], []


def case(kind, name, signature, body, inputs, expected, result_type):
    kind.append((name, signature, body, inputs, np.asarray(expected, np.float64), result_type))


# Inputs across the whole finite range: the largest, exp's overflow point
# (11.09), small normals and subnormals, zeros.
edges = np.array([-FP16_MAX, -300.0, -11.1, -1.0, -6e-8, 0.0, 1e-7, 6.1e-5, 1.0, 11.1, 300.0, FP16_MAX],
                 np.float32)
x = edges.astype(np.float64)
sigmoid = 1 / (1 + np.exp(-np.clip(x, -700, 700)))
case(ELEMENTWISE, "silu over the FP16 range", [t([12])], f"llm.silu %a0 : {t([12])}", [edges],
     x * sigmoid, t([12]))
case(ELEMENTWISE, "gelu (erf) over the FP16 range", [t([12])], f"llm.gelu <erf> %a0 : {t([12])}", [edges],
     0.5 * x * (1 + erf(x / math.sqrt(2))), t([12]))
# The tanh form cubes its input: 65504^3 is far past FP16, the op is not.
inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
case(ELEMENTWISE, "gelu (tanh) over the FP16 range", [t([12])], f"llm.gelu <tanh> %a0 : {t([12])}", [edges],
     0.5 * x * (1 + np.tanh(inner)), t([12]))
gate, up = edges, np.full(12, 0.5, np.float32)
case(ELEMENTWISE, "swiglu with gates over the FP16 range", [t([12]), t([12])],
     f"llm.swiglu %a0, %a1 : {t([12])}", [gate, up], x * sigmoid * 0.5, t([12]))
case(ELEMENTWISE, "sigmoid over the FP16 range", [t([12])], f"llm.sigmoid %a0 : {t([12])}", [edges],
     sigmoid, t([12]))

# Softmax: a row whose exp overflows without the max subtracted (and holds
# -65504), one that is entirely -inf (fully masked: zeros, never NaN), and a
# wide row whose sum (4096) is exact in FP16.
rows = np.full((3, 4096), -np.inf, np.float32)
rows[0, :4] = [1000.0, 998.0, 995.5, -FP16_MAX]
rows[1, :] = -np.inf
rows[2, :] = 7.0
expected = np.zeros((3, 4096))
expected[0] = softmax(np.where(np.isinf(rows[0]), -np.inf, rows[0]).astype(np.float64), 0)
expected[2] = 1 / 4096
case(NORMALISED, "softmax: large, fully masked and wide rows", [t([3, 4096])],
     f"llm.softmax %a0 dim 1 : {t([3, 4096])}", [rows], expected, t([3, 4096]))

# Attention with scores near FP16's limit after scaling, an additive mask
# of -65504 (the finite FP16 mask value: score + mask overflows to -inf,
# which disallows) and a query row masked entirely (zeros).
rng = np.random.default_rng(1)
q = (rng.standard_normal((1, 1, 3, 8)) * 60).astype(np.float32)
k = (rng.standard_normal((1, 1, 4, 8)) * 60).astype(np.float32)
v = rng.standard_normal((1, 1, 4, 8)).astype(np.float32)
mask = np.zeros((3, 4), np.float32)
mask[0, 1] = -FP16_MAX
mask[2, :] = -np.inf
case(NORMALISED, "attention: large scores, -65504 mask, fully masked row",
     [t([1, 1, 3, 8]), t([1, 1, 4, 8]), t([1, 1, 4, 8]), t([3, 4])],
     f"llm.attention %a0, %a1, %a2 mask %a3 scale(0.0625) : {t([1, 1, 3, 8])}, {t([1, 1, 4, 8])}, "
     f"{t([1, 1, 4, 8])}, {t([3, 4])}",
     [q, k, v, mask], attention(q, k, v, 0.0625, False, lambda h: 0, mask), t([1, 1, 3, 8]))

# RoPE far into the sequence: position * inv_freq is computed in double and
# only cos/sin are rounded to FP16 (an FP16 angle would be off by up to 8
# radians at position 32767).
rx = rng.standard_normal((1, 1, 3, 8)).astype(np.float32)
rpos = np.array([[1, 4095, 32767]], np.int64)
inv_freq = [10000.0 ** (-2 * i / 8) for i in range(4)]
case(NORMALISED, "rope at positions up to 32767", [t([1, 1, 3, 8]), t([1, 3], "i64")],
     f"llm.rope <half_split> %a0, %a1 theta(10000.0) : {t([1, 1, 3, 8])}, {t([1, 3], 'i64')}",
     [rx, rpos], rope(rx, rpos, inv_freq, 1.0, 8, False), t([1, 1, 3, 8]))


def controls():
    """What the same checks say of naive FP16 evaluations (NumPy float16), so
    that a pass above means the op handles the edge, not that the inputs miss
    it."""
    with np.errstate(all="ignore"):
        row = rows[0].astype(np.float16)
        e = np.exp(row)  # no max subtracted: exp(1000) is inf
        print(f"CONTROL: naive FP16 softmax: {normalised((e / e.sum()).astype(np.float32), expected[0])[1]}")
        c = rx.astype(np.float64).copy()
        angles = (rpos[0].astype(np.float16)[:, None] * np.asarray(inv_freq, np.float16)).astype(np.float64)
        cos, sin = np.cos(angles), np.sin(angles)
        x1, x2 = c[0, 0, :, :4], c[0, 0, :, 4:]
        naive = np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)[None, None]
        reference = rope(rx, rpos, inv_freq, 1.0, 8, False)
        print(f"CONTROL: RoPE with FP16 angles: {normalised(naive.astype(np.float32), reference)[1]}")


def main(binary, workdir):
    controls()
    failed = run(binary, workdir + "/elementwise", ELEMENTWISE, ["--fp16"], elementwise)
    failed |= run(binary, workdir + "/normalised", NORMALISED, ["--fp16"], normalised)
    return failed


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

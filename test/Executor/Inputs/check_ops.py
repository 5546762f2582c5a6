"""Runs each llm op on random inputs with llmc-run and compares it with an
independent NumPy implementation of the op's description in LLMOps.td.

Usage: check_ops.py LLMC_RUN WORKDIR
Prints one line per case; exits 1 if any differs by more than 1e-5
(relative to the largest expected magnitude; integer results exactly).
"""
import math
import os
import subprocess
import sys

import numpy as np

rng = np.random.default_rng(0)
erf = np.vectorize(math.erf)


def t(shape, dtype="f32"):
    return f"tensor<{'x'.join(map(str, shape))}x{dtype}>" if shape else f"tensor<{dtype}>"


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention(q, k, v, scale, causal, head_of, mask=None):
    b, hq, sq, _ = q.shape
    skv = k.shape[2]
    out = np.zeros((b, hq, sq, v.shape[3]), np.float64)
    for h in range(hq):
        s = scale * q[:, h].astype(np.float64) @ k[:, head_of(h)].astype(np.float64).transpose(0, 2, 1)
        allowed = np.ones((b, sq, skv), bool)
        if causal:
            allowed &= np.arange(skv)[None, None, :] <= (skv - sq + np.arange(sq))[None, :, None]
        if mask is not None:
            m = np.broadcast_to(mask, (b, hq, sq, skv))[:, h]
            if m.dtype == bool:
                allowed &= m
            else:
                s = s + m
        s = np.where(allowed, s, -np.inf)
        mx = s.max(-1, keepdims=True)
        e = np.where(allowed, np.exp(s - np.where(np.isinf(mx), 0, mx)), 0)
        p = e / np.maximum(e.sum(-1, keepdims=True), 1e-300)
        out[:, h] = p @ v[:, head_of(h)]
    return out


CASES = []


def case(name, signature, body, inputs, expected, result_type):
    CASES.append((name, signature, body, inputs, expected, result_type))


def unary(op, fn, positive=False):
    x = np.abs(randn(3, 5)) + 0.1 if positive else randn(3, 5)
    case(op, [t([3, 5])], f"llm.{op} %a0 : {t([3, 5])}", [x], fn(x.astype(np.float64)), t([3, 5]))


for op, fn in [("neg", np.negative), ("abs", np.abs), ("exp", np.exp), ("tanh", np.tanh),
               ("erf", erf), ("sigmoid", lambda x: 1 / (1 + np.exp(-x))), ("cos", np.cos), ("sin", np.sin),
               ("floor", np.floor), ("ceil", np.ceil), ("round", np.round)]:
    unary(op, fn)
for op, fn in [("log", np.log), ("sqrt", np.sqrt), ("rsqrt", lambda x: 1 / np.sqrt(x)),
               ("reciprocal", lambda x: 1 / x)]:
    unary(op, fn, positive=True)

a, b = randn(2, 1, 4), randn(3, 1)
for op, fn in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("div", np.divide),
               ("maximum", np.maximum), ("minimum", np.minimum)]:
    case(f"{op} (broadcast)", [t([2, 1, 4]), t([3, 1])], f"llm.{op} %a0, %a1 : {t([2, 1, 4])}, {t([3, 1])}",
         [a, b], fn(a.astype(np.float64), b), t([2, 3, 4]))
pa = np.abs(a) + 0.5
case("pow", [t([2, 1, 4]), t([3, 1])], f"llm.pow %a0, %a1 : {t([2, 1, 4])}, {t([3, 1])}", [pa, b],
     np.power(pa.astype(np.float64), b), t([2, 3, 4]))
ia, ib = rng.integers(-9, 9, (4,)), rng.integers(1, 5, (2, 1))
case("div (i64, truncating)", [t([4], "i64"), t([2, 1], "i64")],
     f"llm.div %a0, %a1 : {t([4], 'i64')}, {t([2, 1], 'i64')}", [ia, ib],
     np.trunc(ia / ib).astype(np.int64), t([2, 4], "i64"))
case("compare le", [t([4], "i64"), t([2, 1], "i64")],
     f"llm.compare <le>, %a0, %a1 : {t([4], 'i64')}, {t([2, 1], 'i64')}", [ia, ib], ia <= ib, t([2, 4], "i1"))
cond = rng.integers(0, 2, (2, 4)).astype(bool)
wa, wb = randn(4), randn()
case("where", [t([2, 4], "i1"), t([4]), t([])],
     f"llm.where %a0, %a1, %a2 : {t([2, 4], 'i1')}, {t([4])}, {t([])}", [cond, wa, np.float32(wb)],
     np.where(cond, wa, wb), t([2, 4]))
ci = randn(6) * 10
case("cast f32 to i64", [t([6])], f"llm.cast %a0 : {t([6])} to {t([6], 'i64')}", [ci],
     np.trunc(ci).astype(np.int64), t([6], "i64"))
case("cast f32 to f16", [t([6])], f"llm.cast %a0 : {t([6])} to {t([6], 'f16')}", [ci],
     ci.astype(np.float16), t([6], "f16"))

ma, mb = randn(2, 1, 3, 5), randn(4, 5, 2)
case("matmul (batch broadcast)", [t([2, 1, 3, 5]), t([4, 5, 2])],
     f"llm.matmul %a0, %a1 : {t([2, 1, 3, 5])}, {t([4, 5, 2])}", [ma, mb],
     np.matmul(ma.astype(np.float64), mb), t([2, 4, 3, 2]))
x, w, bias = randn(2, 3, 8), randn(6, 8), randn(6)
case("linear out_in with bias", [t([2, 3, 8]), t([6, 8]), t([6])],
     f"llm.linear %a0, %a1, %a2 : {t([2, 3, 8])}, {t([6, 8])}, {t([6])}", [x, w, bias],
     x.astype(np.float64) @ w.T + bias, t([2, 3, 6]))
case("linear in_out", [t([2, 3, 8]), t([8, 6])],
     f"llm.linear %a0, %a1 {{weight_layout = #llm.weight_layout<in_out>}} : {t([2, 3, 8])}, {t([8, 6])}",
     [x, w.T.copy()], x.astype(np.float64) @ w.T, t([2, 3, 6]))
sx = randn(2, 3, 4)
case("softmax dim 1", [t([2, 3, 4])], f"llm.softmax %a0 dim 1 : {t([2, 3, 4])}", [sx],
     softmax(sx.astype(np.float64), 1), t([2, 3, 4]))
for op, fn in [("reduce_sum", np.sum), ("reduce_mean", np.mean), ("reduce_max", np.max), ("reduce_min", np.min)]:
    case(f"{op} dims [0, 2]", [t([2, 3, 4])], f"llm.{op} %a0 dims [0, 2] : {t([2, 3, 4])}", [sx],
         fn(sx.astype(np.float64), axis=(0, 2)), t([3]))
case("reduce_sum keep_dims", [t([2, 3, 4])], f"llm.reduce_sum %a0 dims [1] keep_dims : {t([2, 3, 4])}", [sx],
     sx.astype(np.float64).sum(1, keepdims=True), t([2, 1, 4]))
tie = np.array([[1.0, 3.0, 3.0, 0.0]], np.float32)
case("argmax (ties to the lowest index)", [t([1, 4])], f"llm.argmax %a0 dim 1 : {t([1, 4])}", [tie],
     np.array([1]), t([1], "i64"))
case("reshape", [t([2, 3, 4])], f"llm.reshape %a0 : {t([2, 3, 4])} to {t([6, 2, 2])}", [sx],
     sx.reshape(6, 2, 2), t([6, 2, 2]))
case("transpose", [t([2, 3, 4])], f"llm.transpose %a0 [2, 0, 1] : {t([2, 3, 4])}", [sx],
     sx.transpose(2, 0, 1), t([4, 2, 3]))
case("concat dim 1", [t([2, 3, 4]), t([2, 1, 4])],
     f"llm.concat %a0, %a1 dim 1 : {t([2, 3, 4])}, {t([2, 1, 4])}", [sx, sx[:, :1].copy()],
     np.concatenate([sx, sx[:, :1]], 1), t([2, 4, 4]))
case("slice with steps and negative start", [t([2, 3, 4])],
     f"llm.slice %a0 dims [2, 1] starts [-3, 0] limits [4, 3] steps [2, 2] : {t([2, 3, 4])} to {t([2, 2, 2])}",
     [sx], sx[:, 0:3:2, -3:4:2], t([2, 2, 2]))
gi = np.array([[0, -1], [2, 1]])
case("gather dim 1 (negative index)", [t([2, 3, 4]), t([2, 2], "i64")],
     f"llm.gather %a0[%a1] dim 1 : {t([2, 3, 4])}, {t([2, 2], 'i64')}", [sx, gi],
     np.take(sx, gi, axis=1), t([2, 2, 2, 4]))
bx = randn(1, 3, 1)
case("broadcast_to", [t([1, 3, 1])], f"llm.broadcast_to %a0 : {t([1, 3, 1])} to {t([2, 2, 3, 4])}", [bx],
     np.broadcast_to(bx, (2, 2, 3, 4)), t([2, 2, 3, 4]))
gx = randn(2, 5) * 3
case("gelu erf", [t([2, 5])], f"llm.gelu <erf> %a0 : {t([2, 5])}", [gx],
     0.5 * gx * (1 + erf(gx.astype(np.float64) / math.sqrt(2))), t([2, 5]))
case("gelu tanh", [t([2, 5])], f"llm.gelu <tanh> %a0 : {t([2, 5])}", [gx],
     0.5 * gx * (1 + np.tanh(math.sqrt(2 / math.pi) * (gx + 0.044715 * gx.astype(np.float64) ** 3))), t([2, 5]))
case("silu", [t([2, 5])], f"llm.silu %a0 : {t([2, 5])}", [gx], gx / (1 + np.exp(-gx.astype(np.float64))), t([2, 5]))
case("swiglu", [t([2, 5]), t([2, 5])], f"llm.swiglu %a0, %a1 : {t([2, 5])}", [gx, sx[0, :2, :].repeat(2, 1)[:, :5].copy()],
     gx / (1 + np.exp(-gx.astype(np.float64))) * sx[0, :2, :].repeat(2, 1)[:, :5], t([2, 5]))
table, ids = randn(7, 3), np.array([[6, 0, 2]])
case("embedding", [t([7, 3]), t([1, 3], "i64")], f"llm.embedding %a0[%a1] : {t([7, 3])}, {t([1, 3], 'i64')}",
     [table, ids], table[ids], t([1, 3, 3]))
nx, nw, nb = randn(2, 6) * 5, randn(6), randn(6)
case("rms_norm", [t([2, 6]), t([6])], f"llm.rms_norm %a0, %a1 epsilon(1.0e-05) : {t([2, 6])}, {t([6])}",
     [nx, nw], nx / np.sqrt((nx.astype(np.float64) ** 2).mean(-1, keepdims=True) + 1e-5) * nw, t([2, 6]))
mu = nx.astype(np.float64).mean(-1, keepdims=True)
var = ((nx - mu) ** 2).mean(-1, keepdims=True)
case("layer_norm", [t([2, 6]), t([6]), t([6])],
     f"llm.layer_norm %a0, %a1, %a2 epsilon(1.0e-05) : {t([2, 6])}, {t([6])}, {t([6])}",
     [nx, nw, nb], (nx - mu) / np.sqrt(var + 1e-5) * nw + nb, t([2, 6]))
past, new = randn(1, 2, 3, 4), randn(1, 2, 2, 4)
case("kv_append", [t([1, 2, 3, 4]), t([1, 2, 2, 4])],
     f"llm.kv_append %a0, %a1 : {t([1, 2, 3, 4])}, {t([1, 2, 2, 4])}", [past, new],
     np.concatenate([past, new], 2), t([1, 2, 5, 4]))
q, k, v = randn(1, 4, 3, 8), randn(1, 2, 5, 8), randn(1, 2, 5, 6)
case("attention causal GQA", [t([1, 4, 3, 8]), t([1, 2, 5, 8]), t([1, 2, 5, 6])],
     f"llm.attention %a0, %a1, %a2 scale(0.35) causal : {t([1, 4, 3, 8])}, {t([1, 2, 5, 8])}, {t([1, 2, 5, 6])}",
     [q, k, v], attention(q, k, v, 0.35, True, lambda h: h // 2), t([1, 4, 3, 6]))
bmask = rng.integers(0, 2, (1, 1, 3, 5)).astype(bool)
bmask[0, 0, 1, :] = False  # a row with no allowed key gives zeros
case("attention with head map and i1 mask", [t([1, 4, 3, 8]), t([1, 2, 5, 8]), t([1, 2, 5, 6]), t([1, 1, 3, 5], "i1")],
     f"llm.attention %a0, %a1, %a2 mask %a3 scale(0.35) {{kv_head_map = array<i64: 1, 1, 0, 1>}} : "
     f"{t([1, 4, 3, 8])}, {t([1, 2, 5, 8])}, {t([1, 2, 5, 6])}, {t([1, 1, 3, 5], 'i1')}",
     [q, k, v, bmask], attention(q, k, v, 0.35, False, lambda h: [1, 1, 0, 1][h], bmask), t([1, 4, 3, 6]))
fmask = randn(3, 5)
case("attention with additive mask", [t([1, 4, 3, 8]), t([1, 2, 5, 8]), t([1, 2, 5, 6]), t([3, 5])],
     f"llm.attention %a0, %a1, %a2 mask %a3 scale(0.35) causal : "
     f"{t([1, 4, 3, 8])}, {t([1, 2, 5, 8])}, {t([1, 2, 5, 6])}, {t([3, 5])}",
     [q, k, v, fmask], attention(q, k, v, 0.35, True, lambda h: h // 2, fmask), t([1, 4, 3, 6]))
def rope(x, positions, inv_freq, magnitude, rotary, interleaved):
    """llm.rope in float64: pairs (i, i + R/2) or (2i, 2i + 1) rotated."""
    out = x.astype(np.float64).copy()
    half = rotary // 2
    angles = positions[:, None, :, None].astype(np.float64) * np.asarray(inv_freq)  # [B,1,S,R/2]
    c, s = np.cos(angles) * magnitude, np.sin(angles) * magnitude
    first = np.arange(half) * 2 if interleaved else np.arange(half)
    second = first + 1 if interleaved else first + half
    x1, x2 = out[..., first].copy(), out[..., second].copy()
    out[..., first], out[..., second] = x1 * c - x2 * s, x2 * c + x1 * s
    return out


rx, rpos = randn(1, 2, 3, 8), np.array([[0, 5, 11]], dtype=np.int64)
case("rope half_split, partial rotary", [t([1, 2, 3, 8]), t([1, 3], "i64")],
     f"llm.rope <half_split> %a0, %a1 theta(100.0) {{rotary_dim = 4}} : {t([1, 2, 3, 8])}, {t([1, 3], 'i64')}",
     [rx, rpos], rope(rx, rpos, [1.0, 0.1], 1.0, 4, False), t([1, 2, 3, 8]))
case("rope interleaved, explicit frequencies", [t([1, 2, 3, 8]), t([1, 3], "i64")],
     f"llm.rope <interleaved> %a0, %a1 {{inv_freq = array<f64: 0.9, 0.3, 0.05, 0.001>, magnitude = 1.25 : f64}} : "
     f"{t([1, 2, 3, 8])}, {t([1, 3], 'i64')}",
     [rx, rpos], rope(rx, rpos, [0.9, 0.3, 0.05, 0.001], 1.25, 8, True), t([1, 2, 3, 8]))
dx = randn(2, 3, 4)
case("dim (run-time size)", [t([2, "?", 4])], f"llm.dim %a0 [1] : {t([2, '?', 4])}", [dx],
     np.array(3), t([], "i64"))
case("iota", [t([], "i64")], f"llm.iota %a0 : {t([], 'i64')}", [np.array(5, dtype=np.int64)],
     np.arange(5), t(["?"], "i64"))
case("reshape with a run-time shape", [t(["?", "?", 4]), t([2], "i64")],
     f"llm.reshape %a0, %a1 : {t(['?', '?', 4])}, {t([2], 'i64')} to {t(['?', 4])}",
     [dx, np.array([6, 4], dtype=np.int64)], dx.reshape(6, 4), t(["?", 4]))
case("broadcast_to a run-time shape", [t([1, 4]), t([3], "i64")],
     f"llm.broadcast_to %a0, %a1 : {t([1, 4])}, {t([3], 'i64')} to {t(['?', '?', 4])}",
     [dx[0, :1].copy(), np.array([2, 5, 4], dtype=np.int64)], np.broadcast_to(dx[0, :1], (2, 5, 4)),
     t(["?", "?", 4]))
case("dynamic_slice with run-time bounds", [t([2, 3, 4]), t([2], "i64"), t([2], "i64")],
     f"llm.dynamic_slice %a0, %a1, %a2 dims [2, 1] steps [2, 1] : {t([2, 3, 4])}, {t([2], 'i64')}, "
     f"{t([2], 'i64')} to {t([2, '?', '?'])}",
     [dx, np.array([-3, 1], dtype=np.int64), np.array([100, 3], dtype=np.int64)], dx[:, 1:3, -3::2],
     t([2, "?", "?"]))
case("constant", [], "llm.constant dense<[[1.5, -2.0]]> : tensor<1x2xf32>", [],
     np.array([[1.5, -2.0]]), t([1, 2]))


def run(binary, workdir, cases=None, extra=(), check=None):
    """Runs `cases` (default: this file's) with llmc-run `extra` flags; `check(got,
    expected)` -> (ok, detail) compares float results (default: 1e-5 relative to
    the largest expected magnitude; 1e-3 for f16 results)."""
    failures = 0
    cases = CASES if cases is None else cases
    for n, (name, signature, body, inputs, expected, result_type) in enumerate(cases):
        folder = os.path.join(workdir, f"case{n}")
        os.makedirs(folder, exist_ok=True)
        args = ", ".join(f"%a{i}: {ty}" for i, ty in enumerate(signature))
        with open(os.path.join(folder, "op.mlir"), "w") as f:
            f.write(f"func.func @f({args}) -> {result_type} {{\n  %r = {body}\n  return %r : {result_type}\n}}\n")
        paths = []
        for i, array in enumerate(inputs):
            paths.append(os.path.join(folder, f"in{i}.npy"))
            np.save(paths[-1], np.asarray(array))
        command = [binary, os.path.join(folder, "op.mlir"), "--entry", "f", "--outputs", folder,
                   *extra]
        if paths:
            command += ["--inputs", *paths]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAIL: {name}: llmc-run exited {result.returncode}: {result.stderr.strip()}")
            failures += 1
            continue
        got = np.load(os.path.join(folder, "output_0.npy"))
        expected = np.asarray(expected)
        if got.shape != expected.shape:
            ok, detail = False, f"shape {got.shape}, expected {expected.shape}"
        elif got.dtype.kind in "biu":
            ok, detail = bool((got == expected).all()), "exact"
        elif check:
            ok, detail = check(got, expected)
        else:
            error = float(np.abs(got.astype(np.float64) - expected).max() / max(np.abs(expected).max(), 1e-30))
            tolerance = 1e-3 if got.dtype == np.float16 else 1e-5
            ok, detail = error <= tolerance, f"max relative error {error:.1e}"
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name}: {detail}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2]))

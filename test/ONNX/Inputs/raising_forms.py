#!/usr/bin/python3
"""The RoPE and causal-mask spellings found in deployed PyTorch exports, each
as a small module: exported with dynamic sizes, imported (raised) by
llmc-import, and run by llmc-run against PyTorch.

For each form it prints the transformer ops of the raised module and the
primitives left (`<form>: ops ...; left ...`), then `PASS`/`FAIL` with the
max relative error of llmc-run's output (tolerance 1e-5).

Usage: raising_forms.py LLMC_IMPORT LLMC_RUN WORKDIR
"""
import math
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import torch

TRANSFORMER_OPS = ("rope", "attention", "causal")
PRIMITIVES = ("cos", "sin", "gather", "embedding", "softmax", "matmul", "where")


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class RopeTable(torch.nn.Module):
    """HF Llama <= 4.37: cos/sin tables cached as buffers, sliced to the
    sequence length and gathered by position_ids."""

    def __init__(self, dim=8, max_positions=64, base=10000.0):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
        freqs = torch.outer(torch.arange(max_positions).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self, x, positions):
        length = x.shape[2]
        cos = self.cos_cached[:length][positions].unsqueeze(1)
        sin = self.sin_cached[:length][positions].unsqueeze(1)
        return x * cos + rotate_half(x) * sin


class RopeScaled(torch.nn.Module):
    """In-graph angles with frequencies no theta gives (YaRN-like ramp) and
    a cos/sin magnitude, as DeepSeek's exports compute them."""

    def __init__(self, dim=8):
        super().__init__()
        base = 1.0 / (10000.0 ** (torch.arange(0, dim, 2).float() / dim))
        ramp = torch.linspace(0.0, 1.0, dim // 2)
        self.register_buffer("inv_freq", base / 4.0 * ramp + base * (1 - ramp), persistent=False)
        self.magnitude = 1.2

    def forward(self, x, positions):
        freqs = positions[..., None].float() * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = (emb.cos() * self.magnitude)[:, None], (emb.sin() * self.magnitude)[:, None]
        return x * cos + rotate_half(x) * sin


class MaskedAttention(torch.nn.Module):
    """Attention of queries that are the last Sq of Skv positions, masked in
    one of the ways exports spell it."""

    def __init__(self, form):
        super().__init__()
        self.form = form
        self.register_buffer("bias", torch.tril(torch.ones(32, 32, dtype=torch.bool)).view(1, 1, 32, 32),
                             persistent=False)

    def forward(self, q, k, v):
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        queries, keys = q.shape[-2], k.shape[-2]
        if self.form == "gpt2-buffer":
            # HF GPT-2: the `bias` buffer sliced by position, finfo.min fill.
            causal = self.bias[:, :, keys - queries:keys, :keys]
            scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min))
        elif self.form == "triu-additive":
            scores = scores + torch.triu(torch.full((queries, keys), float("-inf")), diagonal=1 + keys - queries)
        elif self.form == "tril-fill":
            allowed = torch.tril(torch.ones(queries, keys), diagonal=keys - queries)
            scores = scores.masked_fill(allowed == 0, -1e9)
        return torch.matmul(torch.softmax(scores, dim=-1), v)


def op_counts(mlir):
    counts = {op: len(re.findall(rf"= llm\.{op}\b", mlir)) for op in TRANSFORMER_OPS + PRIMITIVES}
    counts["causal"] = len(re.findall(r"= llm\.attention .* causal :", mlir))
    return counts


def main(importer, runner, work):
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    seq = {0: "batch", 2: "sequence"}
    cases = [
        # (Rows gather different positions; the table is sliced to the
        # sequence length, as HF does, so positions stay below it.)
        ("rope-table", RopeTable(), (torch.randn(2, 2, 7, 8), torch.stack([torch.arange(7), torch.arange(7).flip(0)])),
         {"x": seq, "positions": {0: "batch", 1: "sequence"}}),
        ("rope-scaled", RopeScaled(), (torch.randn(1, 2, 7, 8), torch.arange(20, 27)[None]),
         {"x": seq, "positions": {0: "batch", 1: "sequence"}}),
    ]
    keys = {0: "batch", 2: "keys"}
    for form in ("gpt2-buffer", "triu-additive", "tril-fill"):
        # 3 queries over 7 keys: a prefill that continues a cache; with
        # symbolic sizes, then static ones (the mask then folds to a constant).
        qkv = (torch.randn(1, 2, 3, 8), torch.randn(1, 2, 7, 8), torch.randn(1, 2, 7, 8))
        cases.append((form, MaskedAttention(form), qkv, {"q": seq, "k": keys, "v": keys}))
        cases.append((form + "-static", MaskedAttention(form), qkv, {"q": {}, "k": {}, "v": {}}))
    failures = 0
    for name, module, inputs, axes in cases:
        folder = os.path.join(work, name)
        os.makedirs(folder, exist_ok=True)
        onnx_path = os.path.join(folder, "model.onnx")
        names = list(axes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, inputs, onnx_path, input_names=names, opset_version=17,
                              dynamic_axes={k: v for k, v in axes.items() if v})
        mlir_path = os.path.join(folder, "model.mlir")
        subprocess.run([importer, onnx_path, "-o", mlir_path], check=True)
        counts = op_counts(open(mlir_path).read())
        ops = " ".join(f"{op}={counts[op]}" for op in TRANSFORMER_OPS if counts[op])
        left = " ".join(f"{op}={counts[op]}" for op in PRIMITIVES if counts[op]) or "none"
        print(f"{name}: ops {ops}; left {left}")
        args = []
        for i, tensor in enumerate(inputs):
            path = os.path.join(folder, f"input_{i}.npy")
            np.save(path, tensor.numpy())
            args.append(path)
        subprocess.run([runner, mlir_path, "--inputs", *args, "--outputs", folder], check=True)
        got = np.load(os.path.join(folder, "output_0.npy")).astype(np.float64)
        with torch.no_grad():
            want = module(*inputs).numpy().astype(np.float64)
        error = np.abs(got - want).max() / np.abs(want).max() if got.shape == want.shape else float("inf")
        ok = error <= 1e-5
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name}: max relative error {error:.1e}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

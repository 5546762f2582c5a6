"""Pieces shared by the reference models: HF-style activations, norms, RoPE
and the causal attention with a KV cache. Everything follows the Hugging Face
implementations of the same families, in float32."""
import math

import torch
from torch import nn


class ReferenceModel(nn.Module):
    """What make_checkpoint.py needs of a model besides forward(ids, cache)."""

    def checkpoint_tensors(self):
        """The tensors as a checkpoint stores them (a tied head is not stored)."""
        return dict(self.state_dict())

    @staticmethod
    def cache_tensors(cache):
        """The KV cache in llmc's layout, named k0, v0, k1, ..."""
        out = {}
        for i, (k, v) in enumerate(cache):
            out[f"k{i}"], out[f"v{i}"] = k, v
        return out


class SwiGLU(nn.Module):
    """The gated MLP of Llama, Qwen2 and DeepSeek: down(silu(gate(x)) * up(x))."""

    def __init__(self, width, inner):
        super().__init__()
        self.gate_proj = nn.Linear(width, inner, bias=False)
        self.up_proj = nn.Linear(width, inner, bias=False)
        self.down_proj = nn.Linear(inner, width, bias=False)

    def forward(self, x):
        return self.down_proj(torch.nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


def gelu_tanh(x):
    """GPT-2's gelu_new."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class RMSNorm(nn.Module):
    """As LlamaRMSNorm: statistics in float32, weight applied after."""

    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        h = x.to(torch.float32)
        variance = h.pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(variance + self.eps)
        return self.weight * h.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope_cos_sin(inv_freq, positions, magnitude=1.0):
    """cos/sin [B, 1, S, D] for positions [B, S], as HF (float32 angles)."""
    freqs = positions[..., None].to(torch.float32) * inv_freq[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return (emb.cos() * magnitude)[:, None], (emb.sin() * magnitude)[:, None]


def causal_attention(q, k, v, scale):
    """q [B, H, Sq, D]; k, v [B, H, Skv, *], the queries being the last Sq
    positions of the key sequence."""
    sq, skv = q.shape[2], k.shape[2]
    scores = torch.matmul(q, k.transpose(2, 3)) * scale
    i = torch.arange(sq)[:, None] + (skv - sq)
    j = torch.arange(skv)[None, :]
    scores = scores.masked_fill(j > i, float("-inf"))
    probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    return torch.matmul(probs, v)


def repeat_kv(x, groups):
    """[B, Hkv, S, D] -> [B, Hkv * groups, S, D], KV head j serving query heads j*groups .. ."""
    if groups == 1:
        return x
    b, h, s, d = x.shape
    return x[:, :, None].expand(b, h, groups, s, d).reshape(b, h * groups, s, d)


def positions_for(ids, past_length):
    return (torch.arange(ids.shape[1]) + past_length)[None].expand(ids.shape[0], -1)


@torch.no_grad()
def greedy(model, prompt, steps):
    """Greedy decoding with the KV cache: one prefill, then one token a step."""
    logits, cache = model(prompt, None)
    out = []
    token = logits[:, -1].argmax(-1)
    for _ in range(steps):
        out.append(int(token[0]))
        logits, cache = model(token[:, None], cache)
        token = logits[:, -1].argmax(-1)
    return out

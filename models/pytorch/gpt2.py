"""GPT-2 (GPT2LMHeadModel semantics and tensor names) written for llmc."""
import math

import torch
from torch import nn

from common import ReferenceModel, causal_attention, gelu_tanh, positions_for


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out]."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight).reshape(*x.shape[:-1], -1)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["n_embd"], cfg["layer_norm_epsilon"]
        inner = cfg.get("n_inner") or 4 * d
        self.n_head = cfg["n_head"]
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = nn.Module()
        self.attn.c_attn = Conv1D(d, 3 * d)
        self.attn.c_proj = Conv1D(d, d)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = nn.Module()
        self.mlp.c_fc = Conv1D(d, inner)
        self.mlp.c_proj = Conv1D(inner, d)

    def forward(self, h, past):
        b, s, d = h.shape
        hd = d // self.n_head
        q, k, v = self.attn.c_attn(self.ln_1(h)).split(d, dim=2)
        q, k, v = (t.view(b, s, self.n_head, hd).transpose(1, 2) for t in (q, k, v))
        if past is not None:
            k, v = torch.cat((past[0], k), dim=2), torch.cat((past[1], v), dim=2)
        o = causal_attention(q, k, v, 1.0 / math.sqrt(hd))
        h = h + self.attn.c_proj(o.transpose(1, 2).reshape(b, s, d))
        h = h + self.mlp.c_proj(gelu_tanh(self.mlp.c_fc(self.ln_2(h))))
        return h, (k, v)


class GPT2(ReferenceModel):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["n_embd"]
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(cfg["vocab_size"], d)
        self.transformer.wpe = nn.Embedding(cfg["n_positions"], d)
        self.transformer.h = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layer"]))
        self.transformer.ln_f = nn.LayerNorm(d, eps=cfg["layer_norm_epsilon"])

    def forward(self, ids, cache):
        """ids [B, S]; cache: list of (k, v) [B, H, P, Dh] or None."""
        past_length = 0 if cache is None else cache[0][0].shape[2]
        t = self.transformer
        h = t.wte(ids) + t.wpe(positions_for(ids, past_length))
        present = []
        for i, block in enumerate(t.h):
            h, kv = block(h, None if cache is None else cache[i])
            present.append(kv)
        logits = torch.matmul(t.ln_f(h), t.wte.weight.T)  # tied head
        return logits, present


def default_config():
    return {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 512, "n_positions": 128,
        "n_embd": 64, "n_layer": 2, "n_head": 4, "n_inner": None, "layer_norm_epsilon": 1e-5,
        "activation_function": "gelu_new", "tie_word_embeddings": True,
    }

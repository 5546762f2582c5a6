"""Llama / Qwen2 (LlamaForCausalLM / Qwen2ForCausalLM semantics and tensor
names) written for llmc: RMSNorm, half-split RoPE, grouped-query attention,
SwiGLU, optional QKV bias (Qwen2), tied or untied head."""
import math

import torch
from torch import nn

from common import ReferenceModel, RMSNorm, SwiGLU, causal_attention, positions_for, repeat_kv, rope_cos_sin, rotate_half


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.heads, self.kv_heads = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.hd = cfg.get("head_dim") or d // self.heads
        bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
        self.input_layernorm = RMSNorm(d, cfg["rms_norm_eps"])
        self.self_attn = nn.Module()
        self.self_attn.q_proj = nn.Linear(d, self.heads * self.hd, bias=bias)
        self.self_attn.k_proj = nn.Linear(d, self.kv_heads * self.hd, bias=bias)
        self.self_attn.v_proj = nn.Linear(d, self.kv_heads * self.hd, bias=bias)
        self.self_attn.o_proj = nn.Linear(self.heads * self.hd, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d, cfg["rms_norm_eps"])
        self.mlp = SwiGLU(d, cfg["intermediate_size"])

    def forward(self, h, cos, sin, past):
        b, s, _ = h.shape
        a = self.input_layernorm(h)
        sa = self.self_attn
        q = sa.q_proj(a).view(b, s, self.heads, self.hd).transpose(1, 2)
        k = sa.k_proj(a).view(b, s, self.kv_heads, self.hd).transpose(1, 2)
        v = sa.v_proj(a).view(b, s, self.kv_heads, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        if past is not None:
            k, v = torch.cat((past[0], k), dim=2), torch.cat((past[1], v), dim=2)
        groups = self.heads // self.kv_heads
        o = causal_attention(q, repeat_kv(k, groups), repeat_kv(v, groups), 1.0 / math.sqrt(self.hd))
        h = h + sa.o_proj(o.transpose(1, 2).reshape(b, s, -1))
        return h + self.mlp(self.post_attention_layernorm(h)), (k, v)


class Llama(ReferenceModel):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["hidden_size"]
        self.model = nn.Module()
        self.model.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
        self.model.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg["num_hidden_layers"]))
        self.model.norm = RMSNorm(d, cfg["rms_norm_eps"])
        if not cfg["tie_word_embeddings"]:
            self.lm_head = nn.Linear(d, cfg["vocab_size"], bias=False)
        hd = cfg.get("head_dim") or d // cfg["num_attention_heads"]
        self.inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))

    def forward(self, ids, cache):
        past_length = 0 if cache is None else cache[0][0].shape[2]
        h = self.model.embed_tokens(ids)
        cos, sin = rope_cos_sin(self.inv_freq, positions_for(ids, past_length))
        present = []
        for i, layer in enumerate(self.model.layers):
            h, kv = layer(h, cos, sin, None if cache is None else cache[i])
            present.append(kv)
        h = self.model.norm(h)
        head = self.model.embed_tokens.weight if self.cfg["tie_word_embeddings"] else self.lm_head.weight
        return torch.matmul(h, head.T), present


def llama_config():
    return {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 512, "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "rope_scaling": None, "hidden_act": "silu",
        "attention_bias": False, "tie_word_embeddings": False, "max_position_embeddings": 128,
    }


def qwen2_config():
    cfg = llama_config()
    cfg.update({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "rope_theta": 1000000.0,
                "tie_word_embeddings": True})
    del cfg["attention_bias"]
    return cfg

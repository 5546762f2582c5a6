"""DeepSeek-V2/V3 with dense MLPs (DeepseekV2ForCausalLM semantics and tensor
names) written for llmc: multi-head latent attention with an optional q
low-rank path, RMSNorm on the latents, decoupled RoPE key shared by all heads
in DeepSeek's interleaved pair layout, YaRN.

The KV cache kept here is what llmc caches: the normalised latent
[B, 1, S, kv_lora_rank] and the rotated RoPE key [B, 1, S, qk_rope_head_dim]
(HF's code caches full keys and values instead; the outputs are the same)."""
import math

import torch
from torch import nn

from common import ReferenceModel, RMSNorm, SwiGLU, causal_attention, positions_for, rope_cos_sin, rotate_half


def yarn_mscale(factor, mscale):
    return 1.0 if factor <= 1 else 0.1 * mscale * math.log(factor) + 1.0


def yarn_inv_freq(dim, base, scaling):
    """DeepseekV2YarnRotaryEmbedding's inverse frequencies and magnitude."""
    factor = scaling["factor"]
    orig = scaling["original_max_position_embeddings"]

    def correction_dim(rotations):
        return (dim * math.log(orig / (rotations * 2 * math.pi))) / (2 * math.log(base))

    low = max(math.floor(correction_dim(scaling["beta_fast"])), 0)
    high = min(math.ceil(correction_dim(scaling["beta_slow"])), dim - 1)
    if low == high:
        high += 0.001
    ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
    freq_extra = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    freq_inter = 1.0 / (factor * base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    mask = 1.0 - ramp
    inv_freq = freq_inter * (1 - mask) + freq_extra * mask
    magnitude = yarn_mscale(factor, scaling["mscale"]) / yarn_mscale(factor, scaling["mscale_all_dim"])
    return inv_freq, magnitude


def deinterleave(x):
    """HF DeepSeek: pairs (2i, 2i+1) -> half-split order, before rotate_half."""
    b, h, s, d = x.shape
    return x.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)


def interleave(x):
    """The inverse of deinterleave."""
    b, h, s, d = x.shape
    return x.view(b, h, s, 2, d // 2).transpose(4, 3).reshape(b, h, s, d)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.nope, self.rope, self.vd = cfg["qk_nope_head_dim"], cfg["qk_rope_head_dim"], cfg["v_head_dim"]
        self.kv_lora = cfg["kv_lora_rank"]
        qd = self.nope + self.rope
        self.q_lora = cfg["q_lora_rank"]
        if self.q_lora is None:
            self.q_proj = nn.Linear(d, self.heads * qd, bias=False)
        else:
            self.q_a_proj = nn.Linear(d, self.q_lora, bias=cfg.get("attention_bias", False))
            self.q_a_layernorm = RMSNorm(self.q_lora, cfg["rms_norm_eps"])
            self.q_b_proj = nn.Linear(self.q_lora, self.heads * qd, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(d, self.kv_lora + self.rope, bias=cfg.get("attention_bias", False))
        self.kv_a_layernorm = RMSNorm(self.kv_lora, cfg["rms_norm_eps"])
        self.kv_b_proj = nn.Linear(self.kv_lora, self.heads * (self.nope + self.vd), bias=False)
        self.o_proj = nn.Linear(self.heads * self.vd, d, bias=cfg.get("attention_bias", False))
        self.scale = qd ** -0.5
        scaling = cfg.get("rope_scaling")
        if scaling and scaling.get("mscale_all_dim"):
            m = yarn_mscale(scaling["factor"], scaling["mscale_all_dim"])
            self.scale *= m * m

    def forward(self, h, cos, sin, past):
        b, s, _ = h.shape
        if self.q_lora is None:
            q = self.q_proj(h)
        else:
            q = self.q_b_proj(self.q_a_layernorm(self.q_a_proj(h)))
        q = q.view(b, s, self.heads, self.nope + self.rope).transpose(1, 2)
        q_nope, q_pe = torch.split(q, [self.nope, self.rope], dim=-1)
        ckv = self.kv_a_proj_with_mqa(h)
        latent, k_pe = torch.split(ckv, [self.kv_lora, self.rope], dim=-1)
        latent = self.kv_a_layernorm(latent)[:, None]            # [B, 1, S, R]
        k_pe = k_pe.view(b, s, 1, self.rope).transpose(1, 2)      # [B, 1, S, Dr]
        q_pe, k_pe = deinterleave(q_pe), deinterleave(k_pe)
        q_pe = q_pe * cos + rotate_half(q_pe) * sin
        k_pe = k_pe * cos + rotate_half(k_pe) * sin
        if past is not None:
            latent = torch.cat((past[0], latent), dim=2)
            k_pe = torch.cat((past[1], k_pe), dim=2)
        kv = self.kv_b_proj(latent[:, 0]).view(b, -1, self.heads, self.nope + self.vd).transpose(1, 2)
        k_nope, v = torch.split(kv, [self.nope, self.vd], dim=-1)
        k = torch.cat((k_nope, k_pe.expand(-1, self.heads, -1, -1)), dim=-1)
        qf = torch.cat((q_nope, q_pe), dim=-1)
        o = causal_attention(qf, k, v, self.scale)
        return self.o_proj(o.transpose(1, 2).reshape(b, s, -1)), (latent, k_pe)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.input_layernorm = RMSNorm(d, cfg["rms_norm_eps"])
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(d, cfg["rms_norm_eps"])
        self.mlp = SwiGLU(d, cfg["intermediate_size"])

    def forward(self, h, cos, sin, past):
        o, cache = self.self_attn(self.input_layernorm(h), cos, sin, past)
        h = h + o
        return h + self.mlp(self.post_attention_layernorm(h)), cache


class DeepSeek(ReferenceModel):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.model = nn.Module()
        self.model.embed_tokens = nn.Embedding(cfg["vocab_size"], d)
        self.model.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg["num_hidden_layers"]))
        self.model.norm = RMSNorm(d, cfg["rms_norm_eps"])
        self.lm_head = nn.Linear(d, cfg["vocab_size"], bias=False)
        rope, theta = cfg["qk_rope_head_dim"], cfg["rope_theta"]
        scaling = cfg.get("rope_scaling")
        if scaling:
            self.inv_freq, self.magnitude = yarn_inv_freq(rope, theta, scaling)
        else:
            self.inv_freq = 1.0 / (theta ** (torch.arange(0, rope, 2, dtype=torch.float32) / rope))
            self.magnitude = 1.0

    def forward(self, ids, cache):
        past_length = 0 if cache is None else cache[0][0].shape[2]
        h = self.model.embed_tokens(ids)
        cos, sin = rope_cos_sin(self.inv_freq, positions_for(ids, past_length), self.magnitude)
        present = []
        for i, layer in enumerate(self.model.layers):
            h, kv = layer(h, cos, sin, None if cache is None else cache[i])
            present.append(kv)
        return self.lm_head(self.model.norm(h)), present

    @staticmethod
    def cache_tensors(cache):
        """llmc's layout: latent, and the RoPE key in the interleaved order."""
        out = {}
        for i, (latent, k_pe) in enumerate(cache):
            out[f"latent{i}"], out[f"k_pe{i}"] = latent, interleave(k_pe)
        return out


def deepseek_v2_config():
    return {
        "model_type": "deepseek_v2", "architectures": ["DeepseekV2ForCausalLM"], "vocab_size": 512,
        "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 4, "q_lora_rank": 32, "kv_lora_rank": 32, "qk_nope_head_dim": 16,
        "qk_rope_head_dim": 8, "v_head_dim": 12, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64,
                         "beta_fast": 32, "beta_slow": 1, "mscale": 0.707, "mscale_all_dim": 0.707},
        "max_position_embeddings": 256, "attention_bias": False, "hidden_act": "silu",
        "n_routed_experts": None, "n_shared_experts": None, "first_k_dense_replace": 0, "moe_layer_freq": 1,
        "tie_word_embeddings": False,
    }

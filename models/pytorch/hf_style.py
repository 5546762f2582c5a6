#!/usr/bin/python3
"""GPT-2, Llama/Qwen2 and DeepSeek-V2 written the way Hugging Face's modeling
code (transformers 4.2x-4.3x, and DeepSeek's modeling_deepseek.py) writes
them, independently of the project's reference models (gpt2.py, llama.py,
deepseek.py): what torch.onnx.export sees when people export their own
models. They load the checkpoints make_checkpoint.py writes.

Spellings kept on purpose (they are what the exports must survive):
- GPT-2: Conv1D (addmm over a 2-D view), the boolean `bias` buffer sliced by
  key/query length with torch.where(.., finfo.min), arange position ids,
  past as per-layer (key, value) [B, H, T, D] concatenated on dim -2.
- Llama/Qwen2: `_make_causal_mask` built in the graph and added to the
  scores, cos_cached/sin_cached tables [max_positions, head_dim] sliced
  to the key length and gathered by position, rotate_half, repeat_kv with
  expand + reshape, caches [B, H_kv, T, D]. Qwen2 = Llama + q/k/v biases.
- DeepSeek-V2 (MLA): the caches are the latent `compressed_kv` [B, T, R],
  taken after kv_a_layernorm (as the latent-cache versions of HF's
  modeling_deepseek.py and DeepSeek's own inference code cache it; the
  official HF file caches decompressed keys/values instead), and the
  shared, already rotated RoPE key `k_pe` [B, T, Dr] (de-interleaved order),
  both concatenated on dim 1; keys and values decompressed from the whole
  latent (kv_b_proj) every step; YaRN cos/sin tables with HF's mscale;
  the interleaved pair permutation with view/transpose; the same in-graph
  additive causal mask as Llama.

forward(input_ids, past_key_values=None, attention_mask=None, position_ids=None)
-> (logits, presents), presents a list of per-layer pairs: (key, value) or
(compressed_kv, k_pe). attention_mask [B, P + S] (1 = a real token) and
position_ids [B, S] are HF's optional inputs (Optimum's exports take them):
the padding mask is expanded with HF's `_expand_mask` ((1 - m) * finfo.min)
and added to the causal one (GPT-2: added to the scores after the causal
`where`); without them, position ids are P .. P + S - 1. Without
past_key_values the model traces as a prefill-only graph (HF's
`past_key_values_length == 0` branches); with it, the mask always gets the
past columns (HF concatenates only when past > 0: a traced graph must serve
an empty past too).

Usage: hf_style.py FAMILY CHECKPOINT_DIR [--massive VALUE]
  compares with CHECKPOINT_DIR/reference (logits of prompts 1, 7, 33 within
  1e-5 relative, the 16-token greedy trace).
FAMILY: gpt2, llama, qwen2, deepseek_v2 (llama_massive is read as llama).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

# The massive-activation mechanism of make_checkpoint.py (llama_massive):
# channel 5 of the embedding rows of every seventh token id.
MASSIVE_CHANNEL = 5


# --------------------------------------------------------------------------
# Shared pieces (the same code in HF's Llama, Qwen2 and DeepSeek files)

class RMSNorm(nn.Module):
    """LlamaRMSNorm / Qwen2RMSNorm / DeepseekV2RMSNorm."""

    def __init__(self, hidden_size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


def attend(attn_weights, attention_mask, value_states, bsz, q_len, width):
    """The eager attention tail of HF's Llama/Qwen2/DeepSeek files: the
    additive mask, a float32 softmax, the weighted values as [B, S, width]."""
    attn_weights = attn_weights + attention_mask
    attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(value_states.dtype)
    attn_output = torch.matmul(attn_weights, value_states)
    attn_output = attn_output.transpose(1, 2).contiguous()
    return attn_output.reshape(bsz, q_len, width)


class GatedMLP(nn.Module):
    """LlamaMLP / Qwen2MLP / DeepseekV2MLP (dense)."""

    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class RotaryEmbedding(nn.Module):
    """LlamaRotaryEmbedding (4.3x): cos/sin tables for max_position_embeddings
    positions, returned up to seq_len."""

    def __init__(self, dim, max_position_embeddings, base):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self._set_cos_sin_cache(max_position_embeddings)

    def _set_cos_sin_cache(self, seq_len, mscale=1.0):
        t = torch.arange(seq_len, dtype=self.inv_freq.dtype)
        freqs = torch.outer(t, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        if mscale == 1.0:
            cos, sin = emb.cos(), emb.sin()
        else:
            cos, sin = emb.cos() * mscale, emb.sin() * mscale
        self.register_buffer("cos_cached", cos, persistent=False)
        self.register_buffer("sin_cached", sin, persistent=False)

    def forward(self, x, seq_len):
        return self.cos_cached[:seq_len].to(dtype=x.dtype), self.sin_cached[:seq_len].to(dtype=x.dtype)


def apply_rotary_pos_emb(q, k, cos, sin, position_ids, unsqueeze_dim=1):
    cos = cos[position_ids].unsqueeze(unsqueeze_dim)
    sin = sin[position_ids].unsqueeze(unsqueeze_dim)
    q_embed = (q * cos) + (rotate_half(q) * sin)
    k_embed = (k * cos) + (rotate_half(k) * sin)
    return q_embed, k_embed


def make_causal_mask(input_ids_shape, dtype, past_key_values_length, has_past):
    """HF's _make_causal_mask: [B, 1, S, P + S], 0 where allowed, finfo.min
    elsewhere. HF concatenates the past columns `if past_key_values_length > 0`;
    here whenever the graph has past inputs, so that an empty past traces too."""
    bsz, tgt_len = input_ids_shape
    mask = torch.full((tgt_len, tgt_len), torch.finfo(dtype).min)
    mask_cond = torch.arange(mask.size(-1))
    mask.masked_fill_(mask_cond < (mask_cond + 1).view(mask.size(-1), 1), 0)
    mask = mask.to(dtype)
    if has_past:
        mask = torch.cat([torch.zeros(tgt_len, past_key_values_length, dtype=dtype), mask], dim=-1)
    return mask[None, None, :, :].expand(bsz, 1, tgt_len, tgt_len + past_key_values_length)


def expand_mask(mask, dtype, tgt_len):
    """HF's _expand_mask: [B, T] (1 = keep) -> [B, 1, S, T], 0 where kept,
    finfo.min where padded."""
    bsz, src_len = mask.size()
    expanded = mask[:, None, None, :].expand(bsz, 1, tgt_len, src_len).to(dtype)
    inverted = 1.0 - expanded
    return inverted.masked_fill(inverted.to(torch.bool), torch.finfo(dtype).min)


def position_ids_for(past_key_values_length, seq_length):
    position_ids = torch.arange(past_key_values_length, seq_length + past_key_values_length, dtype=torch.long)
    return position_ids.unsqueeze(0)


class DecoderLayer(nn.Module):
    """LlamaDecoderLayer / Qwen2DecoderLayer / DeepseekV2DecoderLayer (dense)."""

    def __init__(self, config, attention):
        super().__init__()
        self.self_attn = attention
        self.mlp = GatedMLP(config["hidden_size"], config["intermediate_size"])
        self.input_layernorm = RMSNorm(config["hidden_size"], eps=config["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(config["hidden_size"], eps=config["rms_norm_eps"])

    def forward(self, hidden_states, attention_mask, position_ids, past_key_value):
        residual = hidden_states
        hidden_states = self.input_layernorm(hidden_states)
        hidden_states, present = self.self_attn(hidden_states, attention_mask, position_ids, past_key_value)
        hidden_states = residual + hidden_states
        residual = hidden_states
        hidden_states = self.post_attention_layernorm(hidden_states)
        hidden_states = self.mlp(hidden_states)
        hidden_states = residual + hidden_states
        return hidden_states, present


class DecoderModel(nn.Module):
    """LlamaModel / Qwen2Model / DeepseekV2Model: embeddings, position ids,
    the 4-D causal mask, the layers, the final norm."""

    def __init__(self, config, attention_cls):
        super().__init__()
        self.embed_tokens = nn.Embedding(config["vocab_size"], config["hidden_size"])
        self.layers = nn.ModuleList(DecoderLayer(config, attention_cls(config, i))
                                    for i in range(config["num_hidden_layers"]))
        self.norm = RMSNorm(config["hidden_size"], eps=config["rms_norm_eps"])

    def forward(self, input_ids, past_key_values, past_axis, padding_mask=None, position_ids=None):
        batch_size, seq_length = input_ids.shape
        past_key_values_length = 0
        if past_key_values is not None:
            past_key_values_length = past_key_values[0][0].shape[past_axis]
        if position_ids is None:
            position_ids = position_ids_for(past_key_values_length, seq_length)
        inputs_embeds = self.embed_tokens(input_ids)
        attention_mask = make_causal_mask((batch_size, seq_length), inputs_embeds.dtype, past_key_values_length,
                                          past_key_values is not None)
        if padding_mask is not None:
            attention_mask = expand_mask(padding_mask, inputs_embeds.dtype, seq_length) + attention_mask
        hidden_states = inputs_embeds
        presents = []
        for idx, decoder_layer in enumerate(self.layers):
            past_key_value = past_key_values[idx] if past_key_values is not None else None
            hidden_states, present = decoder_layer(hidden_states, attention_mask, position_ids, past_key_value)
            presents.append(present)
        return self.norm(hidden_states), presents


class CausalLM(nn.Module):
    """...ForCausalLM: the decoder model and lm_head (tied when the config says)."""

    past_axis = 2

    def __init__(self, config, attention_cls):
        super().__init__()
        self.config = config
        self.model = DecoderModel(config, attention_cls)
        self.lm_head = nn.Linear(config["hidden_size"], config["vocab_size"], bias=False)
        if config.get("tie_word_embeddings", False):
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, input_ids, past_key_values=None, attention_mask=None, position_ids=None):
        hidden_states, presents = self.model(input_ids, past_key_values, self.past_axis, attention_mask,
                                             position_ids)
        logits = self.lm_head(hidden_states)
        logits = logits.float()
        return logits, presents


# --------------------------------------------------------------------------
# GPT-2 (modeling_gpt2.py)

class Conv1D(nn.Module):
    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        x = x.view(size_out)
        return x


class NewGELUActivation(nn.Module):
    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (input + 0.044715 * torch.pow(input, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        max_positions = config["n_positions"]
        self.register_buffer(
            "bias",
            torch.tril(torch.ones((max_positions, max_positions), dtype=torch.bool)).view(
                1, 1, max_positions, max_positions),
            persistent=False,
        )
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.embed_dim = config["n_embd"]
        self.num_heads = config["n_head"]
        self.head_dim = self.embed_dim // self.num_heads
        self.split_size = self.embed_dim
        self.c_attn = Conv1D(3 * self.embed_dim, self.embed_dim)
        self.c_proj = Conv1D(self.embed_dim, self.embed_dim)

    def _attn(self, query, key, value, attention_mask=None):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=attn_weights.dtype)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length: key_length, :key_length]
        mask_value = torch.finfo(attn_weights.dtype).min
        mask_value = torch.full([], mask_value, dtype=attn_weights.dtype)
        attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        return torch.matmul(attn_weights, value)

    def _split_heads(self, tensor, num_heads, attn_head_size):
        new_shape = tensor.size()[:-1] + (num_heads, attn_head_size)
        tensor = tensor.view(new_shape)
        return tensor.permute(0, 2, 1, 3)  # (batch, head, seq_length, head_features)

    def _merge_heads(self, tensor, num_heads, attn_head_size):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (num_heads * attn_head_size,)
        return tensor.view(new_shape)

    def forward(self, hidden_states, layer_past=None, attention_mask=None):
        query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        query = self._split_heads(query, self.num_heads, self.head_dim)
        key = self._split_heads(key, self.num_heads, self.head_dim)
        value = self._split_heads(value, self.num_heads, self.head_dim)
        if layer_past is not None:
            past_key, past_value = layer_past
            key = torch.cat((past_key, key), dim=-2)
            value = torch.cat((past_value, value), dim=-2)
        present = (key, value)
        attn_output = self._attn(query, key, value, attention_mask)
        attn_output = self._merge_heads(attn_output, self.num_heads, self.head_dim)
        return self.c_proj(attn_output), present


class GPT2MLP(nn.Module):
    def __init__(self, intermediate_size, config):
        super().__init__()
        self.c_fc = Conv1D(intermediate_size, config["n_embd"])
        self.c_proj = Conv1D(config["n_embd"], intermediate_size)
        self.act = NewGELUActivation()

    def forward(self, hidden_states):
        return self.c_proj(self.act(self.c_fc(hidden_states)))


class GPT2Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        hidden_size = config["n_embd"]
        inner_dim = config.get("n_inner") or 4 * hidden_size
        self.ln_1 = nn.LayerNorm(hidden_size, eps=config["layer_norm_epsilon"])
        self.attn = GPT2Attention(config)
        self.ln_2 = nn.LayerNorm(hidden_size, eps=config["layer_norm_epsilon"])
        self.mlp = GPT2MLP(inner_dim, config)

    def forward(self, hidden_states, layer_past=None, attention_mask=None):
        residual = hidden_states
        hidden_states = self.ln_1(hidden_states)
        attn_output, present = self.attn(hidden_states, layer_past=layer_past, attention_mask=attention_mask)
        hidden_states = attn_output + residual
        residual = hidden_states
        hidden_states = self.ln_2(hidden_states)
        hidden_states = residual + self.mlp(hidden_states)
        return hidden_states, present


class GPT2Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config["vocab_size"], config["n_embd"])
        self.wpe = nn.Embedding(config["n_positions"], config["n_embd"])
        self.h = nn.ModuleList([GPT2Block(config) for _ in range(config["n_layer"])])
        self.ln_f = nn.LayerNorm(config["n_embd"], eps=config["layer_norm_epsilon"])

    def forward(self, input_ids, past_key_values=None, attention_mask=None, position_ids=None):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        if past_key_values is None:
            past_length = 0
            past_key_values = tuple([None] * len(self.h))
        else:
            past_length = past_key_values[0][0].size(-2)
        if position_ids is None:
            position_ids = torch.arange(past_length, input_shape[-1] + past_length, dtype=torch.long)
            position_ids = position_ids.unsqueeze(0)
        inputs_embeds = self.wte(input_ids)
        if attention_mask is not None:
            attention_mask = attention_mask.view(input_ids.shape[0], -1)[:, None, None, :]
            attention_mask = attention_mask.to(inputs_embeds.dtype)
            attention_mask = (1.0 - attention_mask) * torch.finfo(inputs_embeds.dtype).min
        position_embeds = self.wpe(position_ids)
        hidden_states = inputs_embeds + position_embeds
        output_shape = (-1,) + input_shape[1:] + (hidden_states.size(-1),)
        presents = []
        for block, layer_past in zip(self.h, past_key_values):
            hidden_states, present = block(hidden_states, layer_past=layer_past, attention_mask=attention_mask)
            presents.append(present)
        hidden_states = self.ln_f(hidden_states)
        hidden_states = hidden_states.view(output_shape)
        return hidden_states, presents


class GPT2LMHeadModel(nn.Module):
    past_axis = 2

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = GPT2Model(config)
        self.lm_head = nn.Linear(config["n_embd"], config["vocab_size"], bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied

    def forward(self, input_ids, past_key_values=None, attention_mask=None, position_ids=None):
        hidden_states, presents = self.transformer(input_ids, past_key_values, attention_mask, position_ids)
        return self.lm_head(hidden_states), presents


# --------------------------------------------------------------------------
# Llama / Qwen2 (modeling_llama.py / modeling_qwen2.py)

def repeat_kv(hidden_states, n_rep):
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen, head_dim)


class LlamaAttention(nn.Module):
    def __init__(self, config, layer_idx):
        super().__init__()
        self.layer_idx = layer_idx
        self.hidden_size = config["hidden_size"]
        self.num_heads = config["num_attention_heads"]
        self.head_dim = config.get("head_dim") or self.hidden_size // self.num_heads
        self.num_key_value_heads = config["num_key_value_heads"]
        self.num_key_value_groups = self.num_heads // self.num_key_value_heads
        bias = True if config["model_type"] == "qwen2" else config.get("attention_bias", False)
        self.q_proj = nn.Linear(self.hidden_size, self.num_heads * self.head_dim, bias=bias)
        self.k_proj = nn.Linear(self.hidden_size, self.num_key_value_heads * self.head_dim, bias=bias)
        self.v_proj = nn.Linear(self.hidden_size, self.num_key_value_heads * self.head_dim, bias=bias)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, self.hidden_size, bias=False)
        self.rotary_emb = RotaryEmbedding(self.head_dim, config["max_position_embeddings"], config["rope_theta"])

    def forward(self, hidden_states, attention_mask, position_ids, past_key_value):
        bsz, q_len, _ = hidden_states.size()
        query_states = self.q_proj(hidden_states)
        key_states = self.k_proj(hidden_states)
        value_states = self.v_proj(hidden_states)
        query_states = query_states.view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        key_states = key_states.view(bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)
        value_states = value_states.view(bsz, q_len, self.num_key_value_heads, self.head_dim).transpose(1, 2)

        kv_seq_len = key_states.shape[-2]
        if past_key_value is not None:
            kv_seq_len += past_key_value[0].shape[-2]
        cos, sin = self.rotary_emb(value_states, seq_len=kv_seq_len)
        query_states, key_states = apply_rotary_pos_emb(query_states, key_states, cos, sin, position_ids)

        if past_key_value is not None:
            key_states = torch.cat([past_key_value[0], key_states], dim=2)
            value_states = torch.cat([past_key_value[1], value_states], dim=2)
        present = (key_states, value_states)

        key_states = repeat_kv(key_states, self.num_key_value_groups)
        value_states = repeat_kv(value_states, self.num_key_value_groups)

        attn_weights = torch.matmul(query_states, key_states.transpose(2, 3)) / math.sqrt(self.head_dim)
        return self.o_proj(attend(attn_weights, attention_mask, value_states, bsz, q_len,
                                  self.num_heads * self.head_dim)), present


class LlamaForCausalLM(CausalLM):
    def __init__(self, config):
        super().__init__(config, LlamaAttention)


# --------------------------------------------------------------------------
# DeepSeek-V2 (modeling_deepseek.py, latent cache)

def yarn_find_correction_dim(num_rotations, dim, base=10000, max_position_embeddings=2048):
    return (dim * math.log(max_position_embeddings / (num_rotations * 2 * math.pi))) / (2 * math.log(base))


def yarn_find_correction_range(low_rot, high_rot, dim, base=10000, max_position_embeddings=2048):
    low = math.floor(yarn_find_correction_dim(low_rot, dim, base, max_position_embeddings))
    high = math.ceil(yarn_find_correction_dim(high_rot, dim, base, max_position_embeddings))
    return max(low, 0), min(high, dim - 1)


def yarn_get_mscale(scale=1, mscale=1):
    if scale <= 1:
        return 1.0
    return 0.1 * mscale * math.log(scale) + 1.0


def yarn_linear_ramp_mask(min, max, dim):
    if min == max:
        max += 0.001  # Prevent singularity
    linear_func = (torch.arange(dim, dtype=torch.float32) - min) / (max - min)
    return torch.clamp(linear_func, 0, 1)


class DeepseekV2YarnRotaryEmbedding(RotaryEmbedding):
    def __init__(self, dim, max_position_embeddings, base, rope_scaling):
        nn.Module.__init__(self)
        factor = rope_scaling["factor"]
        freq_extra = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        freq_inter = 1.0 / (factor * base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        low, high = yarn_find_correction_range(rope_scaling.get("beta_fast", 32), rope_scaling.get("beta_slow", 1),
                                               dim, base, rope_scaling["original_max_position_embeddings"])
        inv_freq_mask = 1.0 - yarn_linear_ramp_mask(low, high, dim // 2).to(dtype=torch.float32)
        inv_freq = freq_inter * (1 - inv_freq_mask) + freq_extra * inv_freq_mask
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        _mscale = float(yarn_get_mscale(factor, rope_scaling.get("mscale", 1))
                        / yarn_get_mscale(factor, rope_scaling.get("mscale_all_dim", 0)))
        self._set_cos_sin_cache(max_position_embeddings, _mscale)


def apply_rotary_pos_emb_interleaved(q, k, cos, sin, position_ids, unsqueeze_dim=1):
    """DeepSeek's apply_rotary_pos_emb: pairs (2i, 2i+1) permuted to the
    half-split order, then rotate_half."""
    cos = cos[position_ids].unsqueeze(unsqueeze_dim)
    sin = sin[position_ids].unsqueeze(unsqueeze_dim)
    b, h, s, d = q.shape
    q = q.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)
    b, h, s, d = k.shape
    k = k.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)
    q_embed = (q * cos) + (rotate_half(q) * sin)
    k_embed = (k * cos) + (rotate_half(k) * sin)
    return q_embed, k_embed


class DeepseekV2Attention(nn.Module):
    def __init__(self, config, layer_idx):
        super().__init__()
        self.layer_idx = layer_idx
        self.hidden_size = config["hidden_size"]
        self.num_heads = config["num_attention_heads"]
        self.q_lora_rank = config["q_lora_rank"]
        self.kv_lora_rank = config["kv_lora_rank"]
        self.qk_rope_head_dim = config["qk_rope_head_dim"]
        self.qk_nope_head_dim = config["qk_nope_head_dim"]
        self.v_head_dim = config["v_head_dim"]
        self.q_head_dim = self.qk_nope_head_dim + self.qk_rope_head_dim
        attention_bias = config.get("attention_bias", False)
        if self.q_lora_rank is None:
            self.q_proj = nn.Linear(self.hidden_size, self.num_heads * self.q_head_dim, bias=False)
        else:
            self.q_a_proj = nn.Linear(self.hidden_size, self.q_lora_rank, bias=attention_bias)
            self.q_a_layernorm = RMSNorm(self.q_lora_rank, eps=config["rms_norm_eps"])
            self.q_b_proj = nn.Linear(self.q_lora_rank, self.num_heads * self.q_head_dim, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(self.hidden_size, self.kv_lora_rank + self.qk_rope_head_dim,
                                            bias=attention_bias)
        self.kv_a_layernorm = RMSNorm(self.kv_lora_rank, eps=config["rms_norm_eps"])
        self.kv_b_proj = nn.Linear(self.kv_lora_rank,
                                   self.num_heads * (self.q_head_dim - self.qk_rope_head_dim + self.v_head_dim),
                                   bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.v_head_dim, self.hidden_size, bias=attention_bias)
        rope_scaling = config.get("rope_scaling")
        if rope_scaling is None:
            self.rotary_emb = RotaryEmbedding(self.qk_rope_head_dim, config["max_position_embeddings"],
                                              config["rope_theta"])
        else:
            self.rotary_emb = DeepseekV2YarnRotaryEmbedding(self.qk_rope_head_dim, config["max_position_embeddings"],
                                                            config["rope_theta"], rope_scaling)
        self.softmax_scale = self.q_head_dim ** (-0.5)
        if rope_scaling is not None:
            mscale_all_dim = rope_scaling.get("mscale_all_dim", 0)
            if mscale_all_dim:
                mscale = yarn_get_mscale(rope_scaling["factor"], mscale_all_dim)
                self.softmax_scale = self.softmax_scale * mscale * mscale

    def forward(self, hidden_states, attention_mask, position_ids, past_key_value):
        bsz, q_len, _ = hidden_states.size()
        if self.q_lora_rank is None:
            q = self.q_proj(hidden_states)
        else:
            q = self.q_b_proj(self.q_a_layernorm(self.q_a_proj(hidden_states)))
        q = q.view(bsz, q_len, self.num_heads, self.q_head_dim).transpose(1, 2)
        q_nope, q_pe = torch.split(q, [self.qk_nope_head_dim, self.qk_rope_head_dim], dim=-1)

        compressed_kv = self.kv_a_proj_with_mqa(hidden_states)
        compressed_kv, k_pe = torch.split(compressed_kv, [self.kv_lora_rank, self.qk_rope_head_dim], dim=-1)
        compressed_kv = self.kv_a_layernorm(compressed_kv)
        k_pe = k_pe.view(bsz, q_len, 1, self.qk_rope_head_dim).transpose(1, 2)

        kv_seq_len = k_pe.shape[-2]
        if past_key_value is not None:
            kv_seq_len += past_key_value[0].shape[1]
        cos, sin = self.rotary_emb(q_pe, seq_len=kv_seq_len)
        q_pe, k_pe = apply_rotary_pos_emb_interleaved(q_pe, k_pe, cos, sin, position_ids)
        k_pe = k_pe.squeeze(1)  # [B, S, Dr]: one RoPE key shared by the heads

        if past_key_value is not None:
            compressed_kv = torch.cat([past_key_value[0], compressed_kv], dim=1)
            k_pe = torch.cat([past_key_value[1], k_pe], dim=1)
        present = (compressed_kv, k_pe)

        kv_len = compressed_kv.shape[1]
        kv = self.kv_b_proj(compressed_kv).view(bsz, kv_len, self.num_heads,
                                                self.qk_nope_head_dim + self.v_head_dim).transpose(1, 2)
        k_nope, value_states = torch.split(kv, [self.qk_nope_head_dim, self.v_head_dim], dim=-1)
        k_pe = k_pe[:, None, :, :].expand(bsz, self.num_heads, kv_len, self.qk_rope_head_dim)
        query_states = torch.cat([q_nope, q_pe], dim=-1)
        key_states = torch.cat([k_nope, k_pe], dim=-1)

        attn_weights = torch.matmul(query_states, key_states.transpose(2, 3)) * self.softmax_scale
        return self.o_proj(attend(attn_weights, attention_mask, value_states, bsz, q_len,
                                  self.num_heads * self.v_head_dim)), present


class DeepseekV2ForCausalLM(CausalLM):
    past_axis = 1

    def __init__(self, config):
        if config.get("n_routed_experts"):
            raise SystemExit("hf_style.py: DeepSeek MoE layers are not written here (use a dense config)")
        super().__init__(config, DeepseekV2Attention)


# --------------------------------------------------------------------------

FAMILIES = {"gpt2": GPT2LMHeadModel, "llama": LlamaForCausalLM, "qwen2": LlamaForCausalLM,
            "deepseek_v2": DeepseekV2ForCausalLM}
CACHE_NAMES = {"gpt2": ("key", "value"), "llama": ("key", "value"), "qwen2": ("key", "value"),
               "deepseek_v2": ("compressed_kv", "k_pe")}


def family_of(name):
    return "llama" if name == "llama_massive" else name


def load(family, checkpoint, massive=None):
    """The HF-style model of `family` with the checkpoint's weights. With
    `massive`, channel MASSIVE_CHANNEL of the embedding rows of every seventh
    token id (Llama only) is set to that value: make_checkpoint.py's
    llama_massive mechanism, scaled into the 1e4-6e4 range."""
    family = family_of(family)
    config = json.load(open(os.path.join(checkpoint, "config.json")))
    if family_of(config["model_type"]) != family:
        raise SystemExit(f"{checkpoint} holds a {config['model_type']} model, not {family}")
    model = FAMILIES[family](config).eval()
    tensors = {k: torch.from_numpy(v.astype(np.float32)) for k, v in
               safetensors_io.read(os.path.join(checkpoint, "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if m != "lm_head.weight" or not config.get("tie_word_embeddings", False)]
    if missing or unexpected:
        raise SystemExit(f"checkpoint does not match the model: missing {missing}, unexpected {unexpected}")
    if massive is not None:
        if family != "llama":
            raise SystemExit("--massive is for the Llama family")
        with torch.no_grad():
            model.model.embed_tokens.weight[::7, MASSIVE_CHANNEL] = massive
    return model


@torch.no_grad()
def greedy(model, prompt, steps):
    """Greedy tokens with the KV cache, and the prompt's logits [1, L, V]."""
    logits, past = model(prompt)
    prompt_logits = logits
    out = []
    token = logits[:, -1].argmax(-1)
    for _ in range(steps):
        out.append(int(token[0]))
        logits, past = model(token[:, None], past)
        token = logits[:, -1].argmax(-1)
    return out, prompt_logits


@torch.no_grad()
def max_residual(model, ids):
    """The largest |value| of the residual stream (the final norm's input)."""
    seen = []
    handle = model.model.norm.register_forward_hook(lambda m, inputs, out: seen.append(inputs[0].abs().max()))
    model(ids)
    handle.remove()
    return float(seen[0])


def check_reference(model, checkpoint, tolerance=1e-5):
    """[(ok, message)] against the checkpoint's PyTorch reference data."""
    ref = os.path.join(checkpoint, "reference")
    results = []
    with torch.no_grad():
        for length in (1, 7, 33):
            ids = torch.from_numpy(np.load(os.path.join(ref, f"prompt_{length}.npy")))
            want = np.load(os.path.join(ref, f"logits_{length}.npy")).astype(np.float64)
            got = model(ids)[0].numpy().astype(np.float64)
            error = float(np.abs(got - want).max() / np.abs(want).max())
            results.append((error <= tolerance, f"hf_style vs reference logits_{length}: max relative error "
                                                f"{error:.2e} (tolerance {tolerance:.0e})"))
        ids = torch.from_numpy(np.load(os.path.join(ref, "prompt_7.npy")))
        want = np.load(os.path.join(ref, "greedy_7.npy")).tolist()
        got, _ = greedy(model, ids, len(want))
        results.append((got == want, f"hf_style vs reference greedy_7: {'equal' if got == want else got}"))
    return results


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family", choices=sorted(FAMILIES) + ["llama_massive"])
    parser.add_argument("checkpoint")
    parser.add_argument("--massive", type=float, default=None)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    failures = 0
    model = load(args.family, args.checkpoint)
    for ok, message in check_reference(model, args.checkpoint):
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {message}")
    if args.massive is not None:
        ids = torch.from_numpy(np.load(os.path.join(args.checkpoint, "reference", "prompt_7.npy")))
        base, _ = greedy(model, ids, 16)
        massive = load(args.family, args.checkpoint, args.massive)
        trace, _ = greedy(massive, ids, 16)
        same = sum(a == b for a, b in zip(base, trace))
        before = max_residual(model, torch.cat((ids, torch.tensor([base])), dim=1))
        after = max_residual(massive, torch.cat((ids, torch.tensor([trace])), dim=1))
        print(f"INFO: --massive {args.massive:g}: residual max over prompt + trace {before:.3g} -> {after:.3g}; "
              f"greedy trace {same}/16 tokens as without")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Writes a seeded random checkpoint in the Hugging Face layout (config.json +
model.safetensors, or shards with model.safetensors.index.json) for one of
llmc's reference models, and PyTorch reference data for it:

  reference/prompt_L.npy     int64 [1, L] prompt ids, L in 1, 7, 33
  reference/logits_L.npy     float32 [1, L, V] logits of a prefill from an empty cache
  reference/cache_7_<c>.npy  the KV cache after the 7-token prefill, in llmc's layout
  reference/greedy_7.npy     int64 [16] greedy tokens after the 7-token prompt, with the cache

Usage: make_checkpoint.py MODEL OUTDIR [--seed N] [--dtype F32|F16|BF16] [--shards N] [--no-reference]
MODEL: gpt2, llama, qwen2, deepseek_v2, deepseek_v3, llama_massive, gpt2_medium
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deepseek  # noqa: E402
import gpt2  # noqa: E402
import llama  # noqa: E402
import safetensors_io  # noqa: E402
from common import greedy  # noqa: E402

PROMPT_LENGTHS = (1, 7, 33)
GREEDY_PROMPT, GREEDY_STEPS = 7, 16
MASSIVE_CHANNEL, MASSIVE_VALUE = 5, 2000.0


def deepseek_v3_config():
    cfg = deepseek.deepseek_v2_config()
    cfg.update({"model_type": "deepseek_v3", "architectures": ["DeepseekV3ForCausalLM"], "q_lora_rank": None,
                "first_k_dense_replace": 2, "n_routed_experts": 8})
    return cfg


def gpt2_medium_config():
    cfg = gpt2.default_config()
    cfg.update({"vocab_size": 50257, "n_positions": 1024, "n_embd": 1024, "n_layer": 24, "n_head": 16})
    return cfg


MODELS = {
    "gpt2": (gpt2.GPT2, gpt2.default_config),
    "gpt2_medium": (gpt2.GPT2, gpt2_medium_config),
    "llama": (llama.Llama, llama.llama_config),
    "llama_massive": (llama.Llama, llama.llama_config),
    "qwen2": (llama.Llama, llama.qwen2_config),
    "deepseek_v2": (deepseek.DeepSeek, deepseek.deepseek_v2_config),
    "deepseek_v3": (deepseek.DeepSeek, deepseek_v3_config),
}


def initialise(model, generator):
    """Random weights with unit-scale activations: norms near 1, linear
    weights N(0, 1/in_features), biases N(0, 0.1), and embeddings small
    enough (N(0, 0.1)) that a tied head does not just repeat the input token,
    so greedy traces are varied."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=generator)
            if p.dim() == 1 and ("norm" in name or ".ln_" in name or name.endswith("ln_f.weight")) \
                    and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif p.dim() == 1:
                p.copy_(0.1 * noise)
            elif "wte" in name or "wpe" in name or "embed_tokens" in name:
                p.copy_(0.1 * noise)
            else:
                fan_in = p.shape[0] if name.startswith("transformer.h.") else p.shape[1]  # Conv1D is [in, out]
                p.copy_(noise / math.sqrt(fan_in))


def make_massive(model):
    """A residual-stream outlier of thousands on one channel, for every
    seventh token id, as the massive activations of real LLMs."""
    with torch.no_grad():
        table = model.model.embed_tokens.weight
        table[::7, MASSIVE_CHANNEL] = MASSIVE_VALUE


def write_checkpoint(out, cfg, tensors, dtype, shards):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    arrays = {k: v.detach().numpy() for k, v in tensors.items()}
    if shards <= 1:
        safetensors_io.write(os.path.join(out, "model.safetensors"), arrays, {"format": "pt"}, dtype)
        return
    names = list(arrays)
    weight_map = {}
    for s in range(shards):
        part = names[s::shards]
        file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        safetensors_io.write(os.path.join(out, file), {n: arrays[n] for n in part}, {"format": "pt"}, dtype)
        weight_map.update({n: file for n in part})
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": sum(a.nbytes for a in arrays.values())}, "weight_map": weight_map},
                  f, indent=2)


@torch.no_grad()
def write_reference(out, model, cfg, generator):
    ref = os.path.join(out, "reference")
    os.makedirs(ref, exist_ok=True)
    for length in PROMPT_LENGTHS:
        ids = torch.randint(0, cfg["vocab_size"], (1, length), generator=generator)
        logits, cache = model(ids, None)
        np.save(os.path.join(ref, f"prompt_{length}.npy"), ids.numpy())
        np.save(os.path.join(ref, f"logits_{length}.npy"), logits.numpy())
        if length == GREEDY_PROMPT:
            for name, t in model.cache_tensors(cache).items():
                np.save(os.path.join(ref, f"cache_{length}_{name}.npy"), t.contiguous().numpy())
            trace = greedy(model, ids, GREEDY_STEPS)
            np.save(os.path.join(ref, f"greedy_{length}.npy"), np.array(trace, dtype=np.int64))
            # Sanity of the reference itself: decoding with the cache equals
            # recomputing the whole sequence.
            full = torch.cat((ids, torch.tensor([trace[:-1]])), dim=1)
            recomputed = model(full, None)[0][0, length - 1:].argmax(-1).tolist()
            assert recomputed == trace, (recomputed, trace)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", default="F32", choices=["F32", "F16", "BF16"])
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=INT",
                        help="override an integer of the model's config (e.g. n_positions=2048)")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    cls, config = MODELS[args.model]
    cfg = config()
    for item in args.set:
        key, _, value = item.partition("=")
        if key not in cfg:
            parser.error(f"--set: the {args.model} config has no '{key}'")
        cfg[key] = int(value)
    model = cls(cfg).eval()
    initialise(model, generator)
    if args.model == "llama_massive":
        make_massive(model)
    write_checkpoint(args.outdir, cfg, model.checkpoint_tensors(), args.dtype, args.shards)
    if not args.no_reference:
        write_reference(args.outdir, model, cfg, generator)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

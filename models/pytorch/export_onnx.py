#!/usr/bin/python3
"""Exports a reference model of a checkpoint written by make_checkpoint.py to
ONNX with torch.onnx.export, as deployment engineers do.

Usage: export_onnx.py MODEL CHECKPOINT_DIR OUT.onnx [--length N] [--opset N] [--dynamic | --decode]

The graph takes `ids` [B, S] (a prefill from an empty cache) and returns
`logits` [B, S, V]. By default B = 1 and S = --length are static; with
--dynamic both are symbolic ("batch", "sequence"), as deployment exports are.
With --decode the graph also takes the past caches and returns the present
ones (see export_decode).
"""
import argparse
import json
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_checkpoint  # noqa: E402
import safetensors_io  # noqa: E402


class Decode(torch.nn.Module):
    """logits and present caches of a step that continues the past caches
    (past_<name><layer> inputs, present_<name><layer> outputs)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids, *past):
        cache = [(past[i], past[i + 1]) for i in range(0, len(past), 2)]
        logits, present = self.model(ids, cache)
        return (logits,) + tuple(t for pair in present for t in pair)


def cache_names(model_name, layers):
    kinds = ("latent", "k_pe") if model_name.startswith("deepseek") else ("k", "v")
    return [f"{kind}{layer}" for layer in range(layers) for kind in kinds]


def export_decode(model, model_name, cfg, output, opset):
    """The graph deployment engineers export for generation: ids [B, S] and
    past caches [B, H, P, D] (all symbolic) in; logits and present caches
    [B, H, P + S, D] out. An empty past (P = 0) makes it a prefill."""
    layers = cfg.get("num_hidden_layers", cfg.get("n_layer"))
    ids = torch.zeros((1, 2), dtype=torch.int64)
    with torch.no_grad():
        _, cache = model(torch.zeros((1, 3), dtype=torch.int64), None)
    past = tuple(t for pair in cache for t in pair)
    names = cache_names(model_name, layers)
    inputs = ["ids"] + [f"past_{n}" for n in names]
    outputs = ["logits"] + [f"present_{n}" for n in names]
    axes = {"ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    axes.update({f"past_{n}": {0: "batch", 2: "past"} for n in names})
    axes.update({f"present_{n}": {0: "batch", 2: "total"} for n in names})
    torch.onnx.export(Decode(model), (ids,) + past, output, opset_version=opset, input_names=inputs,
                      output_names=outputs, dynamic_axes=axes)


class Prefill(torch.nn.Module):
    """logits of a prefill from an empty cache."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids):
        return self.model(ids, None)[0]


def load(model_name, checkpoint):
    cls, _ = make_checkpoint.MODELS[model_name]
    cfg = json.load(open(os.path.join(checkpoint, "config.json")))
    model = cls(cfg).eval()
    tensors = {k: torch.from_numpy(v.copy()) for k, v in
               safetensors_io.read(os.path.join(checkpoint, "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if unexpected or [m for m in missing if "lm_head" not in m]:
        raise SystemExit(f"checkpoint does not match the model: {missing} {unexpected}")
    return model, cfg


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(make_checkpoint.MODELS))
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--length", type=int, default=7)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--dynamic", action="store_true", help="symbolic batch and sequence")
    parser.add_argument("--decode", action="store_true",
                        help="the generation graph with past caches in and present caches out")
    args = parser.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    model, cfg = load(args.model, args.checkpoint)
    ids = torch.zeros((1, args.length), dtype=torch.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.decode:
            export_decode(model, args.model, cfg, args.output, args.opset)
            return 0
        axes = {"ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
        torch.onnx.export(Prefill(model), (ids,), args.output, opset_version=args.opset,
                          input_names=["ids"], output_names=["logits"],
                          dynamic_axes=axes if args.dynamic else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

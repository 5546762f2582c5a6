#!/usr/bin/python3
"""Exports a Hugging Face-style model (hf_style.py) of a make_checkpoint.py
checkpoint to ONNX with torch.onnx.export, the way deployments of HF models
are exported (names as Optimum writes them), into OUT_DIR:

  decode.onnx   input_ids [B, S] and the past caches in; logits and the
                present caches out (an empty past makes it a prefill)
  prefill.onnx  input_ids -> logits and the present caches (no past inputs)
  merged.onnx   Optimum's decoder_model_merged.onnx form: input_ids, the
                past caches and a bool scalar use_cache_branch; an ONNX If
                whose then-branch is decode.onnx's graph and else-branch
                prefill.onnx's (initializers shared in the outer graph)

Caches: past_key_values.{i}.key/.value [B, H_kv, T, D] (GPT-2, Llama,
Qwen2) or past_key_values.{i}.compressed_kv [B, T, kv_lora_rank] and
.k_pe [B, T, qk_rope_head_dim] (DeepSeek-V2); outputs present.{i}.<same>.
Batch, sequence and past length are symbolic. With --inputs optimum, each
graph also takes Optimum's attention_mask [B, P + S] (int64, 1 = a real
token) and position_ids [B, S] after input_ids.

Usage: export_hf_style.py FAMILY CHECKPOINT OUT_DIR [--opset 14] [--massive VALUE]
           [--inputs ids|optimum]
--massive (Llama family): hf_style.load's massive activation (channel 5 of
every seventh token id's embedding set to VALUE, e.g. 30000).
"""
import argparse
import hashlib
import os
import sys
import warnings

import onnx
import torch
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_style  # noqa: E402

BATCH, SEQUENCE, PAST = "batch_size", "sequence_length", "past_sequence_length"


class GraphWrapper(torch.nn.Module):
    """The exported signature: input_ids, [attention_mask, position_ids,]
    [past caches...] -> logits, present caches..."""

    def __init__(self, model, hf_inputs):
        super().__init__()
        self.model = model
        self.hf_inputs = hf_inputs

    def forward(self, input_ids, *rest):
        mask = positions = None
        if self.hf_inputs:
            mask, positions, rest = rest[0], rest[1], rest[2:]
        past_key_values = [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)] if rest else None
        logits, presents = self.model(input_ids, past_key_values, mask, positions)
        return (logits,) + tuple(t for pair in presents for t in pair)


def cache_names(family, layers):
    kinds = hf_style.CACHE_NAMES[hf_style.family_of(family)]
    return [f"{layer}.{kind}" for layer in range(layers) for kind in kinds]


def hf_inputs_for(batch, past, tokens):
    """Optimum's attention_mask (all tokens real) and position_ids."""
    mask = torch.ones((batch, past + tokens), dtype=torch.int64)
    positions = torch.arange(past, past + tokens, dtype=torch.int64)[None, :].expand(batch, tokens)
    return mask, positions


def export_graphs(model, family, out_dir, opset, inputs="ids"):
    """decode.onnx and prefill.onnx; returns their paths."""
    hf_inputs = inputs == "optimum"
    family = hf_style.family_of(family)
    layers = len(model.transformer.h) if family == "gpt2" else len(model.model.layers)
    names = cache_names(family, layers)
    seq_axis = model.past_axis  # 2 for [B, H, T, D], 1 for DeepSeek's [B, T, C]
    with torch.no_grad():
        # Dummy shapes of 2 (batch), 3 (sequence), 4 (past) so that no size
        # is traced as the constant 1.
        _, presents = model(torch.zeros((2, 4), dtype=torch.int64))
    past = tuple(t.contiguous() for pair in presents for t in pair)
    ids = torch.zeros((2, 3), dtype=torch.int64)
    decode = os.path.join(out_dir, "decode.onnx")
    prefill = os.path.join(out_dir, "prefill.onnx")
    axes = {"input_ids": {0: BATCH, 1: SEQUENCE}, "logits": {0: BATCH, 1: SEQUENCE}}
    axes.update({f"past_key_values.{n}": {0: BATCH, seq_axis: PAST} for n in names})
    axes.update({f"present.{n}": {0: BATCH, seq_axis: f"{PAST} + {SEQUENCE}"} for n in names})
    hf_names = ["attention_mask", "position_ids"] if hf_inputs else []
    decode_extra = hf_inputs_for(2, 4, 3) if hf_inputs else ()
    if hf_inputs:
        axes.update({"attention_mask": {0: BATCH, 1: f"{PAST} + {SEQUENCE}"},
                     "position_ids": {0: BATCH, 1: SEQUENCE}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(GraphWrapper(model, hf_inputs), (ids,) + tuple(decode_extra) + past, decode,
                          opset_version=opset,
                          input_names=["input_ids"] + hf_names + [f"past_key_values.{n}" for n in names],
                          output_names=["logits"] + [f"present.{n}" for n in names], dynamic_axes=axes)
        axes = {"input_ids": {0: BATCH, 1: SEQUENCE}, "logits": {0: BATCH, 1: SEQUENCE}}
        axes.update({f"present.{n}": {0: BATCH, seq_axis: SEQUENCE} for n in names})
        if hf_inputs:
            axes.update({"attention_mask": {0: BATCH, 1: SEQUENCE}, "position_ids": {0: BATCH, 1: SEQUENCE}})
        prefill_extra = hf_inputs_for(2, 0, 3) if hf_inputs else ()
        torch.onnx.export(GraphWrapper(model, hf_inputs), (ids,) + tuple(prefill_extra), prefill,
                          opset_version=opset, input_names=["input_ids"] + hf_names,
                          output_names=["logits"] + [f"present.{n}" for n in names], dynamic_axes=axes)
    return decode, prefill


def _branch(graph, prefix, outer_names, shared, initializers):
    """graph as an If branch: no inputs (it reads the outer graph's inputs),
    its initializers moved to the outer graph (identical tensors shared),
    every other value and node renamed with `prefix`."""
    rename = {}
    for init in graph.initializer:
        unnamed = onnx.TensorProto()
        unnamed.CopyFrom(init)
        unnamed.name = ""
        key = hashlib.sha256(unnamed.SerializeToString()).hexdigest()
        if key not in shared:
            name = init.name if init.name not in initializers else prefix + init.name
            tensor = onnx.TensorProto()
            tensor.CopyFrom(init)
            tensor.name = name
            initializers[name] = tensor
            shared[key] = name
        rename[init.name] = shared[key]

    def new_name(name):
        if not name or name in outer_names:
            return name
        return rename.setdefault(name, prefix + name)

    def rename_nodes(nodes):  # in place, into subgraphs (torch exports Squeeze of an unknown dim as If)
        for node in nodes:
            node.name = prefix + (node.name or node.op_type)
            node.input[:] = [new_name(n) for n in node.input]
            node.output[:] = [new_name(n) for n in node.output]
            for attribute in node.attribute:
                for sub in list(attribute.graphs) + ([attribute.g] if attribute.HasField("g") else []):
                    rename_nodes(sub.node)
                    for value in sub.output:
                        value.name = new_name(value.name)

    branch = onnx.GraphProto()
    branch.node.extend(graph.node)
    branch.output.extend(graph.output)
    rename_nodes(branch.node)
    for value in branch.output:
        value.name = new_name(value.name)
    return helper.make_graph(branch.node, prefix.rstrip("_"), [], branch.output)


def build_merged(decode_path, prefill_path, merged_path):
    """Optimum's merged decoder: If(use_cache_branch, decode, prefill)."""
    decode, prefill = onnx.load(decode_path), onnx.load(prefill_path)
    dg, pg = decode.graph, prefill.graph
    if [o.name for o in dg.output] != [o.name for o in pg.output]:
        raise SystemExit("decode and prefill graphs have different outputs")
    outer_inputs = list(dg.input) + [helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [])]
    outer_names = {v.name for v in outer_inputs}
    shared, initializers = {}, {}
    then_branch = _branch(dg, "then_", outer_names, shared, initializers)
    else_branch = _branch(pg, "else_", outer_names, shared, initializers)
    node = helper.make_node("If", ["use_cache_branch"], [o.name for o in dg.output], name="optimum::if",
                            then_branch=then_branch, else_branch=else_branch)
    outputs = []
    for value in dg.output:
        copy = onnx.ValueInfoProto()
        copy.CopyFrom(value)
        for dim in copy.type.tensor_type.shape.dim:  # the two branches' lengths differ: a fresh symbol
            if dim.dim_param.startswith(PAST):
                dim.dim_param = "total_sequence_length"
        outputs.append(copy)
    graph = helper.make_graph([node], "merged_decoder", outer_inputs, outputs, list(initializers.values()))
    model = helper.make_model(graph, opset_imports=decode.opset_import, producer_name="export_hf_style.py")
    model.ir_version = decode.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, merged_path)
    return merged_path


def export(family, checkpoint, out_dir, opset=14, massive=None, inputs="ids"):
    """Writes decode.onnx, prefill.onnx, merged.onnx; returns (model, paths)."""
    os.makedirs(out_dir, exist_ok=True)
    model = hf_style.load(family, checkpoint, massive)
    decode, prefill = export_graphs(model, family, out_dir, opset, inputs)
    merged = build_merged(decode, prefill, os.path.join(out_dir, "merged.onnx"))
    return model, {"decode": decode, "prefill": prefill, "merged": merged}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family", choices=sorted(hf_style.FAMILIES) + ["llama_massive"])
    parser.add_argument("checkpoint")
    parser.add_argument("out_dir")
    parser.add_argument("--opset", type=int, default=14)
    parser.add_argument("--massive", type=float, default=None)
    parser.add_argument("--inputs", choices=["ids", "optimum"], default="ids")
    args = parser.parse_args(argv)
    _, paths = export(args.family, args.checkpoint, args.out_dir, args.opset, args.massive, args.inputs)
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

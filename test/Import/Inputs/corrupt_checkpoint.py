"""Copies a checkpoint folder and damages it in one named way, for the
malformed-checkpoint tests.

Usage: corrupt_checkpoint.py MODE SOURCE_DIR DEST_DIR
"""
import json
import shutil
import struct
import sys


def read(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def write(path, header, data, header_bytes=None):
    text = header_bytes if header_bytes is not None else json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def main(mode, source, dest):
    shutil.copytree(source, dest)
    weights = f"{dest}/model.safetensors"
    config_path = f"{dest}/config.json"
    config = json.load(open(config_path))
    header, data = read(weights)
    if mode == "truncated":
        raw = open(weights, "rb").read()
        open(weights, "wb").write(raw[: len(raw) * 6 // 10])
    elif mode == "too-short":
        open(weights, "wb").write(b"\x10\x00\x00")
    elif mode == "header-length":
        raw = open(weights, "rb").read()
        open(weights, "wb").write(struct.pack("<Q", 1 << 40) + raw[8:])
    elif mode == "bad-json":
        text = json.dumps(header).encode()
        write(weights, None, data, b"{not json" + b" " * (len(text) - 9))
    elif mode == "wrong-shape":
        header["model.layers.0.mlp.gate_proj.weight"]["shape"] = [64, 128]
        write(weights, header, data)
    elif mode == "shape-bytes":
        header["model.layers.0.mlp.gate_proj.weight"]["shape"] = [128, 65]
        write(weights, header, data)
    elif mode == "missing-tensor":
        del header["model.norm.weight"]
        write(weights, header, data)
    elif mode == "overlap":
        a = header["model.layers.0.mlp.up_proj.weight"]["data_offsets"]
        header["model.layers.0.mlp.gate_proj.weight"]["data_offsets"] = [a[0] + 4, a[1] + 4]
        write(weights, header, data)
    elif mode == "bad-dtype":
        header["model.norm.weight"]["dtype"] = "F64"
        write(weights, header, data)
    elif mode == "bad-config":
        open(config_path, "w").write("{\"model_type\": \"llama\",")
    elif mode == "missing-key":
        del config["hidden_size"]
        json.dump(config, open(config_path, "w"))
    elif mode == "unknown-model":
        config["model_type"] = "mistral"
        json.dump(config, open(config_path, "w"))
    elif mode == "rope-scaling":
        config["rope_scaling"] = {"rope_type": "llama3", "factor": 8.0}
        json.dump(config, open(config_path, "w"))
    elif mode == "moe":
        config.update({"model_type": "deepseek_v3", "n_routed_experts": 8, "first_k_dense_replace": 1})
        json.dump(config, open(config_path, "w"))
    elif mode == "untied-no-head":
        del header["lm_head.weight"]
        write(weights, header, data)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:])

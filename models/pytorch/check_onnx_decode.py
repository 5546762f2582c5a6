#!/usr/bin/python3
"""Exports a reference model's generation graph (past caches in, present
caches out, symbolic batch, sequence and past length), and runs it through
llmc-run as an application would: a prefill of the 7-token reference prompt
with empty caches, then 16 greedy steps feeding the present caches back.
Checks the prefill logits (1e-4 relative) and that the greedy trace equals
PyTorch's.

Usage: check_onnx_decode.py --runner LLMC_RUN MODEL CHECKPOINT_DIR WORKDIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True)
    parser.add_argument("model")
    parser.add_argument("checkpoint")
    parser.add_argument("work")
    args = parser.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    onnx_path = os.path.join(args.work, "decode.onnx")
    subprocess.run([sys.executable, os.path.join(HERE, "export_onnx.py"), args.model, args.checkpoint,
                    onnx_path, "--decode"], check=True)
    graph = onnx.load(onnx_path).graph
    caches = []
    for value in graph.input[1:]:
        dims = value.type.tensor_type.shape.dim
        caches.append(np.zeros((1, dims[1].dim_value, 0, dims[3].dim_value), np.float32))
    reference = os.path.join(args.checkpoint, "reference")
    prompt = np.load(os.path.join(reference, "prompt_7.npy"))
    trace = np.load(os.path.join(reference, "greedy_7.npy")).tolist()
    ids, generated, failures = prompt, [], 0
    for step in range(len(trace) + 1):
        folder = os.path.join(args.work, f"step{step}")
        os.makedirs(folder, exist_ok=True)
        paths = []
        for k, array in enumerate([ids] + caches):
            paths.append(os.path.join(folder, f"in{k}.npy"))
            np.save(paths[-1], array)
        subprocess.run([args.runner, onnx_path, "--inputs", *paths, "--outputs", folder], check=True)
        outputs = [np.load(os.path.join(folder, f"output_{k}.npy")) for k in range(1 + len(caches))]
        logits, caches = outputs[0], outputs[1:]
        if step == 0:
            want = np.load(os.path.join(reference, "logits_7.npy"))
            error = float(np.abs(logits - want).max() / np.abs(want).max())
            ok = error <= 1e-4
            failures += not ok
            print(f"{'PASS' if ok else 'FAIL'}: prefill with empty caches: max relative error {error:.2e}")
        if step == len(trace):
            break
        token = int(logits[0, -1].argmax())
        generated.append(token)
        ids = np.array([[token]], dtype=np.int64)
    ok = generated == trace
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'}: greedy trace with the caches fed back: llmc {generated}, torch {trace}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

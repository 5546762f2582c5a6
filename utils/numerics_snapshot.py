#!/usr/bin/python3
"""Bit-exact snapshot of what the reference executor computes on the bundled
example models, to show that a refactoring changed no number.

For each family (GPT-2, Llama, Qwen2, DeepSeek-V2 tiny) and each numerics
mode (f32, --fp16), it runs greedy generation on the dynamic module, on the
static programs `llmc -target=mlir` compiles (buckets + chunk, with and
without a baked prefix) and on the FP16-safe static programs, for prompts of
several lengths, and records the 16-token trace and the SHA-256 of the
prompt's last-token logits (float32 bytes). One forward call with --inputs
records every output (logits and caches) the same way.

Usage:
  utils/numerics_snapshot.py BUILD_DIR --write snapshot.json
  utils/numerics_snapshot.py BUILD_DIR --compare snapshot.json

--compare exits 1 and lists every entry that differs (a trace, or logits not
bit-identical) or is missing; it prints "identical: N entries" otherwise.
The seeded checkpoints are written into models/<example>/ when missing (as
models/update_examples.py does).
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "models", "Inputs"))
from runner import run_tool as run  # noqa: E402  (runs a tool, shows its stderr on failure)
MODELS = os.path.join(ROOT, "models")
FAMILIES = {"gpt2-tiny": "gpt2", "llama-tiny": "llama", "qwen2-tiny": "qwen2",
            "deepseek-v2-tiny": "deepseek_v2"}
PROMPTS = [[7], [1, 2, 3, 4], [5, 6, 7, 8, 9], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9]]
# Static programs: buckets, a chunk, a baked prefix, FP16-safe rewrites.
STATIC = {
    "static": ["--max-seq-len=48", "--prefill-buckets=4,8", "--prefill-chunk=4"],
    "static-prefix": ["--max-seq-len=48", "--prefill-buckets=4", "--bake-prefix=11,12,13"],
    "static-fp16safe": ["--max-seq-len=48", "--prefill-buckets=8", "--fp16-safety"],
}


def digest(path):
    array = np.load(path)
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:24]


def ensure_checkpoint(example, family):
    folder = os.path.join(MODELS, example)
    if not os.path.exists(os.path.join(folder, "config.json")):
        run([sys.executable, os.path.join(MODELS, "pytorch", "make_checkpoint.py"), family, folder])


def snapshot(build):
    bins = os.path.join(build, "bin")
    llmc, llmc_run = os.path.join(bins, "llmc"), os.path.join(bins, "llmc-run")
    entries = {}
    with tempfile.TemporaryDirectory() as work:
        for example, family in FAMILIES.items():
            ensure_checkpoint(example, family)
            modules = {"dynamic": os.path.join(MODELS, example + ".mlir")}
            for name, flags in STATIC.items():
                # (llmc rebases llm.weights for the output's folder; the
                # weights it derives are written beside the output.)
                out = os.path.join(work, f"{example}-{name}.mlir")
                run([llmc, modules["dynamic"], "-target=mlir", *flags, "-o", out])
                modules[name] = out
            for form, module in modules.items():
                for mode, extra in (("f32", []), ("fp16", ["--fp16"])):
                    for prompt in PROMPTS:
                        ids = ",".join(map(str, prompt))
                        logits = os.path.join(work, "logits.npy")
                        trace = run([llmc_run, module, "--generate", "16", "--prompt-ids", ids,
                                     "--prompt-logits", logits, *extra]).split()
                        entries[f"{example}/{form}/{mode}/{ids}"] = {
                            "trace": trace, "logits": digest(logits)}
                if form == "dynamic":
                    entries.update(forward_outputs(llmc_run, example, module, work))
    return entries


def forward_outputs(llmc_run, example, module, work):
    """One @forward call on a 5-token prompt with empty caches: every output."""
    text = open(module).read()
    signature = text[text.index("@forward("):text.index(") ->")]
    cache_types = [t.split(">")[0] for t in signature.split("tensor<")[3:]]
    inputs = []
    ids = np.array([[5, 6, 7, 8, 9]], dtype=np.int64)
    for i, array in enumerate([ids, np.arange(5, dtype=np.int64)[None, :]]):
        path = os.path.join(work, f"in{i}.npy")
        np.save(path, array)
        inputs.append(path)
    for i, t in enumerate(cache_types):
        dims = [int(d) if d != "?" else 0 for d in t.split("x")[:-1]]
        path = os.path.join(work, f"cache{i}.npy")
        np.save(path, np.zeros(dims, dtype=np.float32))
        inputs.append(path)
    entries = {}
    for mode, extra in (("f32", []), ("fp16", ["--fp16"])):
        out = os.path.join(work, "out-" + mode)
        run([llmc_run, module, "--inputs", *inputs, "--outputs", out, *extra])
        for name in sorted(os.listdir(out)):
            entries[f"{example}/forward-call/{mode}/{name}"] = {"logits": digest(os.path.join(out, name))}
    return entries


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write")
    group.add_argument("--compare")
    args = parser.parse_args(argv)
    entries = snapshot(args.build)
    if args.write:
        with open(args.write, "w") as f:
            json.dump(entries, f, indent=1, sort_keys=True)
        print(f"wrote {len(entries)} entries to {args.write}")
        return 0
    expected = json.load(open(args.compare))
    differ = [k for k in sorted(expected) if entries.get(k) != expected[k]]
    differ += [k for k in sorted(entries) if k not in expected]
    for key in differ:
        print(f"differs: {key}: expected {expected.get(key)}, got {entries.get(key)}")
    if differ:
        return 1
    print(f"identical: {len(entries)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Regenerates the example models of models/ from their seeded checkpoints:
for each example, writes the checkpoint with models/pytorch/make_checkpoint.py
into models/<example>/ (not committed: the weights stay out of git) and imports
it with llmc-import into models/<example>.mlir.

Usage: models/update_examples.py LLMC_IMPORT [--check DIR]
  --check DIR  write into DIR instead and report examples whose committed
               .mlir differs from the importer's output.
"""
import filecmp
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = {"gpt2-tiny": "gpt2", "llama-tiny": "llama", "qwen2-tiny": "qwen2", "deepseek-v2-tiny": "deepseek_v2"}


def make(example, model, folder, importer):
    checkpoint = os.path.join(folder, example)
    if not os.path.exists(os.path.join(checkpoint, "config.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "pytorch", "make_checkpoint.py"), model, checkpoint],
                       check=True)
    output = os.path.join(folder, example + ".mlir")
    subprocess.run([importer, checkpoint, "-o", output], check=True)
    return output


def main(argv):
    importer = argv[0]
    check = argv[2] if len(argv) > 2 and argv[1] == "--check" else None
    stale = []
    for example, model in EXAMPLES.items():
        written = make(example, model, check or HERE, importer)
        if check and not filecmp.cmp(written, os.path.join(HERE, example + ".mlir"), shallow=False):
            stale.append(example)
    if stale:
        print("stale examples (run models/update_examples.py build/bin/llmc-import): " + ", ".join(stale))
        return 1
    print("examples up to date" if check else "examples written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Runs the ONNX backend node tests of Debian's libonnx-testdata whose graphs
use only operators llmc translates: llmc-import, then llmc-run on
test_data_set_0, compared with the expected outputs (rtol 1e-3, atol 1e-5;
integers and booleans exactly).

Usage: node_tests.py LLMC_IMPORT LLMC_RUN WORKDIR [--expected FILE] [--table]
  --expected FILE  lines "test_name: reason" for tests expected to fail;
                   exit 1 if any other test fails or a listed one passes
  --table          print passes per operator as a Markdown table
"""
import argparse
import collections
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data/node"
# Operator inputs that a static program needs at import time: bound from the
# test data (llmc-import --bind).
PARAMETER_SLOTS = {
    "Reshape": {1}, "Slice": {1, 2, 3, 4}, "Unsqueeze": {1}, "Squeeze": {1}, "Expand": {1},
    "ConstantOfShape": {0}, "Range": {0, 1, 2}, "Split": {1}, "Trilu": {1}, "ReduceSum": {1},
    "ReduceMean": {1}, "ReduceMax": {1}, "ReduceMin": {1}, "If": {0}, "CumSum": {1},
}


def as_numpy(tensor, declared):
    """A TensorProto as NumPy. bfloat16 values (the test data stores their
    bit patterns as uint16) become float32, which is how llmc-run takes and
    gives bf16 values."""
    array = numpy_helper.to_array(tensor)
    if declared == onnx.TensorProto.BFLOAT16 and array.dtype == np.uint16:
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return array


def normalise(name):
    return name.lower().replace("_", "")


def operator_of(test, ops, supported):
    if len(set(ops)) == 1:
        return ops[0]
    name = normalise(test[len("test_"):])
    for op in sorted(supported, key=len, reverse=True):
        if name.startswith(normalise(op)):
            return op + " (expanded)"
    return ops[0] + " (graph)"


def run_test(test, importer, runner, work):
    folder = os.path.join(DATA, test)
    model = onnx.load(os.path.join(folder, "model.onnx"))
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in initializers]
    data = sorted(glob.glob(os.path.join(folder, "test_data_set_0", "input_*.pb")),
                  key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    declared = {i.name: i.type.tensor_type.elem_type for i in graph.input}
    arrays = [as_numpy(onnx.load_tensor(p), declared[name]) for p, name in zip(data, inputs)]
    parameters = {n.input[i] for n in graph.node for i in PARAMETER_SLOTS.get(n.op_type, ()) if i < len(n.input)}
    out = os.path.join(work, test)
    os.makedirs(out, exist_ok=True)
    binds, run_inputs = [], []
    for name, array in zip(inputs, arrays):
        path = os.path.join(out, f"{len(binds) + len(run_inputs)}.npy")
        np.save(path, array)
        (binds if name in parameters else run_inputs).append((name, path))
    command = [importer, os.path.join(folder, "model.onnx"), "-o", os.path.join(out, "model.mlir")]
    for name, path in binds:
        command += ["--bind", f"{name}={path}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        return False, "import: " + result.stderr.strip().splitlines()[-1][-200:]
    command = [runner, os.path.join(out, "model.mlir"), "--outputs", out]
    if run_inputs:
        command += ["--inputs"] + [p for _, p in run_inputs]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        return False, f"run (exit {result.returncode}): " + result.stderr.strip()[-200:]
    expected = sorted(glob.glob(os.path.join(folder, "test_data_set_0", "output_*.pb")),
                      key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    for k, path in enumerate(expected):
        want = as_numpy(onnx.load_tensor(path), graph.output[k].type.tensor_type.elem_type)
        got = np.load(os.path.join(out, f"output_{k}.npy"))
        if got.shape != want.shape:
            return False, f"output {k}: shape {got.shape}, expected {want.shape}"
        if want.dtype.kind in "biu":
            if not (got == want).all():
                return False, f"output {k}: values differ"
        elif not np.allclose(got.astype(np.float64), want.astype(np.float64), rtol=1e-3, atol=1e-5, equal_nan=True):
            err = np.abs(got.astype(np.float64) - want).max()
            return False, f"output {k}: max abs error {err:.2e}"
    return True, ""


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("importer")
    parser.add_argument("runner")
    parser.add_argument("work")
    parser.add_argument("--expected")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    supported = set(subprocess.run([args.importer, "--list-onnx-ops"], capture_output=True, text=True,
                                   check=True).stdout.split())
    expected_failures = {}
    if args.expected:
        for line in open(args.expected):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(":")
                expected_failures[name.strip()] = reason.strip()
    per_op = collections.defaultdict(lambda: [0, 0])
    unexpected = []
    for test in sorted(os.listdir(DATA)):
        model_path = os.path.join(DATA, test, "model.onnx")
        if not os.path.exists(model_path):
            continue
        ops = [n.op_type for n in onnx.load(model_path).graph.node]
        if not ops or not set(ops) <= supported:
            continue
        try:
            ok, why = run_test(test, args.importer, args.runner, args.work)
        except (ValueError, onnx.onnx_cpp2py_export.checker.ValidationError, TypeError) as e:
            ok, why = False, f"test data is not a plain tensor ({type(e).__name__})"
        op = operator_of(test, ops, supported)
        per_op[op][0] += ok
        per_op[op][1] += 1
        if ok and test in expected_failures:
            unexpected.append(f"UNEXPECTED PASS: {test} (listed: {expected_failures[test]})")
        elif not ok and test not in expected_failures:
            unexpected.append(f"FAIL: {test}: {why}")
        elif not ok:
            print(f"expected failure: {test}: {why}")
    passed = sum(p for p, _ in per_op.values())
    total = sum(t for _, t in per_op.values())
    if args.table:
        print("| operator | passed | tests |")
        print("|---|---|---|")
        for op in sorted(per_op):
            print(f"| {op} | {per_op[op][0]} | {per_op[op][1]} |")
    for line in unexpected:
        print(line)
    print(f"node tests: {passed} passed, {total - passed} failed of {total} using supported operators")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

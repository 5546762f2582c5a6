"""Trilu over a matrix whose sizes are symbolic (computed with llm.iota at run
time), for upper/lower and several k, against numpy.triu/tril; and a Slice
whose bounds come from the run-time shape (the last two columns).
Usage: trilu_dynamic.py LLMC_RUN WORKDIR"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, TensorProto
work = sys.argv[2]
os.makedirs(work, exist_ok=True)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", "cols"])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", "cols"])
for upper, k in [(1, 0), (1, 1), (0, -1), (0, 2)]:
    kc = helper.make_node("Constant", [], ["k"], value=helper.make_tensor("kv", TensorProto.INT64, [], [k]))
    node = helper.make_node("Trilu", ["x", "k"], ["y"], upper=upper)
    m = helper.make_model(helper.make_graph([kc, node], "g", [x], [y]), opset_imports=[helper.make_opsetid("", 14)])
    onnx.save(m, f"{work}/trilu.onnx")
    a = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    np.save(f"{work}/trilu_in.npy", a)
    subprocess.run([sys.argv[1], f"{work}/trilu.onnx", "--inputs", f"{work}/trilu_in.npy", "--outputs", f"{work}/trilu_out"], check=True)
    got = np.load(f"{work}/trilu_out/output_0.npy")
    want = np.triu(a, k) if upper else np.tril(a, k)
    print(f"upper={upper} k={k}: {'same' if np.array_equal(got, want) else 'DIFFERENT'}")

# x[:, cols - 2 : cols] with the bounds computed from Shape at run time.
nodes = [
    helper.make_node("Shape", ["x"], ["shape"]),
    helper.make_node("Constant", [], ["one"], value=helper.make_tensor("o", TensorProto.INT64, [1], [1])),
    helper.make_node("Constant", [], ["two"], value=helper.make_tensor("t", TensorProto.INT64, [1], [2])),
    helper.make_node("Gather", ["shape", "one"], ["cols"], axis=0),
    helper.make_node("Sub", ["cols", "two"], ["start"]),
    helper.make_node("Slice", ["x", "start", "cols", "one"], ["y"]),
]
z = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", 2])
m = helper.make_model(helper.make_graph(nodes, "g", [x], [z]), opset_imports=[helper.make_opsetid("", 14)])
onnx.save(m, f"{work}/slice.onnx")
subprocess.run([sys.argv[1], f"{work}/slice.onnx", "--inputs", f"{work}/trilu_in.npy", "--outputs",
                f"{work}/slice_out"], check=True)
got = np.load(f"{work}/slice_out/output_0.npy")
print(f"run-time slice: {'same' if np.array_equal(got, a[:, -2:]) else 'DIFFERENT'}")

"""Operators over inputs with symbolic sizes, whose results llmc computes at
run time, against NumPy: Size and Flatten (products of llm.dim).
Usage: runtime_shape_ops.py LLMC_RUN WORKDIR"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, TensorProto

run, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(0)


def check(name, nodes, inputs, outputs, arrays, want, opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), f"{work}/{name}.onnx")
    paths = []
    for i, a in enumerate(arrays):
        paths.append(f"{work}/{name}_{i}.npy")
        np.save(paths[-1], a)
    subprocess.run([run, f"{work}/{name}.onnx", "--inputs", *paths, "--outputs", f"{work}/{name}_out"], check=True)
    got = np.load(f"{work}/{name}_out/output_0.npy")
    same = got.shape == want.shape and got.dtype == want.dtype and np.array_equal(got, want)
    print(f"{name}: {'same' if same else f'DIFFERENT {got!r} vs {want!r}'}")


def info(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


x = rng.standard_normal((2, 3, 4)).astype(np.float32)
sym = info("x", TensorProto.FLOAT, ["b", 3, "s"])
check("size", [helper.make_node("Size", ["x"], ["y"])], [sym], [info("y", TensorProto.INT64, [])], [x],
      np.array(x.size, dtype=np.int64))
for axis in [0, 1, 2, 3, -1]:
    check(f"flatten_axis{axis}", [helper.make_node("Flatten", ["x"], ["y"], axis=axis)], [sym],
          [info("y", TensorProto.FLOAT, ["m", "n"])], [x],
          x.reshape(int(np.prod(x.shape[:axis])), -1) if axis else x.reshape(1, -1))

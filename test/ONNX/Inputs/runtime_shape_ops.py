"""Operators over inputs with symbolic sizes, whose results llmc computes at
run time, against NumPy: Size and Flatten (products of llm.dim), Range with
run-time bounds, Slice with negative steps and CumSum.
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

# Range with run-time bounds: floats (the count is ceil((limit - start) /
# delta), llm.ceil) and integers with a negative delta.
f32 = lambda name: info(name, TensorProto.FLOAT, [])
for kind, elem, start, limit, delta in [("float", TensorProto.FLOAT, 0.5, 3.7, 0.75),
                                        ("int", TensorProto.INT64, 7, -4, -3)]:
    dtype = np.float32 if elem == TensorProto.FLOAT else np.int64
    d = helper.make_node("Constant", [], ["d"], value=helper.make_tensor("d", elem, [], [delta]))
    check(f"range_{kind}", [d, helper.make_node("Range", ["s", "l", "d"], ["r"])],
          [info("s", elem, []), info("l", elem, [])], [info("r", elem, ["n"])],
          [np.array(start, dtype), np.array(limit, dtype)], np.arange(start, limit, delta, dtype=dtype))

# Negative Slice steps on a static dimension, with a positive one on a
# symbolic dimension: x[:, ::-2, 1::2].
consts = [helper.make_node("Constant", [], [n], value=helper.make_tensor(n, TensorProto.INT64, [2], v))
          for n, v in [("starts", [-1, 1]), ("ends", [-100, 100]), ("axes", [1, 2]), ("steps", [-2, 2])]]
check("slice_negative_step", consts + [helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
      [sym], [info("y", TensorProto.FLOAT, ["b", 2, "t"])], [x], x[:, ::-2, 1::2])

# CumSum over a symbolic axis, as Hugging Face computes position ids from
# the attention mask (int64), in all four exclusive/reverse forms.
mask = np.array([[0, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=np.int64)
ax = helper.make_node("Constant", [], ["axis"], value=helper.make_tensor("axis", TensorProto.INT64, [], [-1]))
for exclusive in [0, 1]:
    for reverse in [0, 1]:
        m = mask[:, ::-1] if reverse else mask
        want = np.cumsum(m, axis=-1) - (m if exclusive else 0)
        check(f"cumsum_exclusive{exclusive}_reverse{reverse}",
              [ax, helper.make_node("CumSum", ["m", "axis"], ["y"], exclusive=exclusive, reverse=reverse)],
              [info("m", TensorProto.INT64, ["b", "s"])], [info("y", TensorProto.INT64, ["b", "s"])], [mask],
              want[:, ::-1] if reverse else want)

"""Writes the malformed ONNX models of bad-models.test into DIR."""
import os
import sys

import onnx
from onnx import TensorProto, helper

d = sys.argv[1]
os.makedirs(d, exist_ok=True)


def save(name, nodes, inputs, outputs, opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(d, name + ".onnx"))
    return model


x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
good = save("good", [helper.make_node("Relu", ["x"], ["y"], name="relu_1")], [x], [y])
save("unsupported", [helper.make_node("Hardmax", ["x"], ["y"], name="hardmax_1")], [x], [y])
z = helper.make_tensor_value_info("z", TensorProto.FLOAT, [4, 3])
save("shapes", [helper.make_node("Add", ["x", "z"], ["y"], name="add_1")], [x, z], [y])
save("old-opset", [helper.make_node("Add", ["x", "x"], ["y"])], [x], [y], opset=6)
raw = open(os.path.join(d, "good.onnx"), "rb").read()
open(os.path.join(d, "truncated.onnx"), "wb").write(raw[: len(raw) // 2])
open(os.path.join(d, "garbage.onnx"), "wb").write(b"\x08\x07this is not protobuf at all\xff\xff")
# A node reading a value nobody defines: ONNX's checker rejects it.
graph = helper.make_graph([helper.make_node("Add", ["x", "nowhere"], ["y"], name="add_2")], "g", [x], [y])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
open(os.path.join(d, "undefined.onnx"), "wb").write(model.SerializeToString())

# Inputs a translation needs at import time, given as graph inputs.
i64 = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.INT64, shape)
save("range-delta", [helper.make_node("Range", ["start", "limit", "delta"], ["r"], name="range_1")],
     [i64("start", []), i64("limit", []), i64("delta", [])], [i64("r", ["n"])])
bounds = [helper.make_node("Constant", [], [n], value=helper.make_tensor(n, TensorProto.INT64, [1], [v]))
          for n, v in [("starts", 0), ("ends", 2)]]
save("slice-axes", bounds + [helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["y"], name="slice_1")],
     [x, i64("axes", [1])], [y])
# Integer Pow of 0 to a negative power: a run-time error of llmc-run.
exponent = helper.make_node("Constant", [], ["e"], value=helper.make_tensor("e", TensorProto.INT64, [], [-1]))
save("pow-zero", [exponent, helper.make_node("Pow", ["b", "e"], ["p"], name="pow_1")], [i64("b", [2])],
     [i64("p", [2])])
import numpy as np
np.save(os.path.join(d, "pow-base.npy"), np.array([2, 0], dtype=np.int64))
np.save(os.path.join(d, "axes.npy"), np.array([1], dtype=np.int64))

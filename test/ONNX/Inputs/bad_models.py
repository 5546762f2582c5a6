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

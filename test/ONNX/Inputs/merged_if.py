#!/usr/bin/python3
"""Writes small If graphs conditioned on a boolean graph input, as Hugging
Face Optimum's merged decoder is: merged.onnx (the then-branch reads the
`past` input, the else-branch does not) and undecided.onnx (both branches
read the same inputs).

Usage: merged_if.py OUT_DIR
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def branch(name, nodes, output):
    return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["m"])])


def model(name, then_nodes, then_out, else_nodes, else_out, path):
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"]),
              helper.make_tensor_value_info("past", TensorProto.FLOAT, ["p"]),
              helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])]
    node = helper.make_node("If", ["use_cache_branch"], ["y"], name="merged",
                            then_branch=branch("with_past", then_nodes, then_out),
                            else_branch=branch("without_past", else_nodes, else_out))
    graph = helper.make_graph([node], name, inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["m"])])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main(out):
    os.makedirs(out, exist_ok=True)
    model("merged", [helper.make_node("Concat", ["past", "x"], ["appended"], axis=0)], "appended",
          [helper.make_node("Identity", ["x"], ["copied"])], "copied", os.path.join(out, "merged.onnx"))
    model("undecided", [helper.make_node("Neg", ["x"], ["negated"])], "negated",
          [helper.make_node("Identity", ["x"], ["copied"])], "copied", os.path.join(out, "undecided.onnx"))


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/python3
"""Writes small generation graphs that take Hugging Face's attention_mask
and position_ids besides input_ids and a past cache, as Optimum's exports
do, into OUT_DIR:

  hf.onnx        input_ids [B, S], attention_mask [B, P + S] (int64),
                 position_ids [B, S], past [B, 2, P, 4] -> the position ids,
                 the mask's row sums, present = concat(past, new, axis 2)
  prefill.onnx   input_ids, attention_mask [B, S], position_ids (no past)
  bad_mask.onnx  an attention_mask of rank 3
  no_ids.onnx    attention_mask without input_ids

Usage: generation_inputs.py OUT_DIR
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def info(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def save(nodes, inputs, outputs, path):
    graph = helper.make_graph(nodes, os.path.basename(path), inputs, outputs)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main(out):
    os.makedirs(out, exist_ok=True)
    ids = info("input_ids", TensorProto.INT64, ["batch", "seq"])
    positions = info("position_ids", TensorProto.INT64, ["batch", "seq"])
    past = info("past", TensorProto.FLOAT, ["batch", 2, "past_len", 4])
    # new [B, 2, S, 4]: the ids as floats, broadcast.
    new = [helper.make_node("Cast", ["input_ids"], ["idsf"], to=TensorProto.FLOAT),
           helper.make_node("Unsqueeze", ["idsf", "axes13"], ["ids4"]),
           helper.make_node("Expand", ["ids4", "newshape"], ["new"])]
    consts = [helper.make_node("Constant", [], ["axes13"], value=helper.make_tensor("a", TensorProto.INT64, [2], [1, 3])),
              helper.make_node("Constant", [], ["axes1"], value=helper.make_tensor("b", TensorProto.INT64, [1], [1])),
              helper.make_node("Constant", [], ["newshape"],
                               value=helper.make_tensor("c", TensorProto.INT64, [4], [1, 2, 1, 4]))]
    common = consts + new + [
        helper.make_node("Identity", ["position_ids"], ["positions_out"]),
        helper.make_node("ReduceSum", ["attention_mask", "axes1"], ["mask_sum"], keepdims=0)]
    outputs = [info("positions_out", TensorProto.INT64, ["batch", "seq"]),
               info("mask_sum", TensorProto.INT64, ["batch"])]
    save(common + [helper.make_node("Concat", ["past", "new"], ["present"], axis=2)],
         [ids, info("attention_mask", TensorProto.INT64, ["batch", "total"]), positions, past],
         outputs + [info("present", TensorProto.FLOAT, ["batch", 2, "total", 4])],
         os.path.join(out, "hf.onnx"))
    save(common + [helper.make_node("Identity", ["new"], ["present"])],
         [ids, info("attention_mask", TensorProto.INT64, ["batch", "seq"]), positions],
         outputs + [info("present", TensorProto.FLOAT, ["batch", 2, "seq", 4])],
         os.path.join(out, "prefill.onnx"))
    save([helper.make_node("Identity", ["attention_mask"], ["m"])],
         [ids, info("attention_mask", TensorProto.INT64, ["batch", 1, "total"])],
         [info("m", TensorProto.INT64, ["batch", 1, "total"])], os.path.join(out, "bad_mask.onnx"))
    save([helper.make_node("Identity", ["attention_mask"], ["m"])],
         [info("attention_mask", TensorProto.INT64, ["batch", "total"])],
         [info("m", TensorProto.INT64, ["batch", "total"])], os.path.join(out, "no_ids.onnx"))


if __name__ == "__main__":
    main(sys.argv[1])

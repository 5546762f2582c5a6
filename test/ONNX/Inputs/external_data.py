"""Saves a copy of an ONNX model with every initializer in ONNX external
data (one side file), as large exports are stored.
Usage: external_data.py IN.onnx OUT.onnx"""
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.save_model(model, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=True,
                location="weights.data", size_threshold=0)

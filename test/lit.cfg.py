# -*- Python -*-
# The llmc lit suite: FileCheck tests of the dialect, the passes and the tools.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "llmc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.llmc_obj_root, "test")
# Unit/ is a suite of its own (GoogleTest binaries).
config.excludes = ["Inputs", "Unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["llmc", "llmc-opt", "llmc-import", "llmc-run"], [config.llmc_tools_dir])

# Tests that compare with PyTorch need Debian's python3-torch and numpy.
import subprocess
if subprocess.run([config.python_executable, "-c", "import torch, numpy"],
                  capture_output=True).returncode == 0:
    config.available_features.add("torch")
# The ONNX backend node tests need python3-onnx and libonnx-testdata.
if os.path.isdir("/usr/share/libonnx-testdata/data/node") and subprocess.run(
        [config.python_executable, "-c", "import onnx, numpy"], capture_output=True).returncode == 0:
    config.available_features.add("onnx")

config.substitutions.append(("%llmc_src_root", config.llmc_src_root))
config.substitutions.append(("%llmc_obj_root", config.llmc_obj_root))
config.substitutions.append(("%models", os.path.join(config.llmc_src_root, "models")))
config.substitutions.append(("%python", config.python_executable))

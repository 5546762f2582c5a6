# -*- Python -*-
# The llmc lit suite: FileCheck tests of the dialect, the passes and the tools.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = getattr(config, "llmc_suite_name", "llmc")
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
# This file configures test/ and, with the same rules, the targets' own
# tests (targets/<t>/test/, a suite whose site config names its folders).
config.test_source_root = getattr(config, "llmc_suite_source_root", os.path.dirname(__file__))
config.test_exec_root = getattr(config, "llmc_suite_exec_root",
                                os.path.join(config.llmc_obj_root, "test"))
# Unit/ is a suite of its own (GoogleTest binaries).
config.excludes = ["Inputs", "Unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["llmc", "llmc-opt", "llmc-import", "llmc-run"], [config.llmc_tools_dir])

# Tiers. The full tier (the default: ninja check-llmc, utils/dev.sh test, CI)
# runs every test. The quick tier, `-D llmc_tier=quick` (ninja
# check-llmc-quick, utils/dev.sh quick), leaves out the tests marked
# `REQUIRES: long_tests`: the script-driven end-to-end checks (whole models,
# test suites; more than a few seconds each). Every other test, and every new
# one, is in both tiers.
tier = lit_config.params.get("llmc_tier", "full")
if tier not in ("quick", "full"):
    lit_config.fatal(f"llmc_tier must be quick or full, not '{tier}'")
if tier == "full":
    config.available_features.add("long_tests")
else:
    lit_config.note("quick tier: the tests that REQUIRE long_tests are left out")

# Features: what a test needs besides the tools, named by its REQUIRES line
# (read its RUN lines and the scripts they run):
#   numpy          python3 imports numpy (Debian's python3-numpy)
#   torch          python3 imports torch and numpy (python3-torch); torch.onnx
#                  exports need nothing more
#   onnx           python3 imports onnx and numpy (python3-onnx)
#   onnx-testdata  the ONNX backend test data (libonnx-testdata)
#   long_tests     the full tier, above
# One interpreter tries the imports (torch alone takes about a second).
import subprocess
probe = subprocess.run(
    [config.python_executable, "-c",
     "import importlib\n"
     "for name in ('numpy', 'torch', 'onnx'):\n"
     "    try:\n"
     "        importlib.import_module(name)\n"
     "        print(name)\n"
     "    except Exception:\n"
     "        pass\n"],
    capture_output=True, text=True)
importable = set(probe.stdout.split())
if "numpy" in importable:
    config.available_features.add("numpy")
    for module in ("torch", "onnx"):
        if module in importable:
            config.available_features.add(module)
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")

config.substitutions.append(("%llmc_src_root", config.llmc_src_root))
config.substitutions.append(("%llmc_obj_root", config.llmc_obj_root))
config.substitutions.append(("%models", os.path.join(config.llmc_src_root, "models")))
config.substitutions.append(("%python", config.python_executable))
# This lit, for tests of the suite's own configuration.
import lit
config.substitutions.append(
    ("%lit", config.python_executable + " " +
     os.path.join(os.path.dirname(os.path.dirname(lit.__file__)), "lit.py")))

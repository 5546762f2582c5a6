# -*- Python -*-
# Runs every GoogleTest binary under build/unittests as lit tests, so that one
# lit invocation reports the unit tests and the FileCheck tests together.
import os

import lit.formats

config.name = "llmc-unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.llmc_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")

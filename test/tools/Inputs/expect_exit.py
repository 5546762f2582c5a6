"""Runs a command and fails unless it exits with the given status; passes
its output through. Usage: expect_exit.py STATUS COMMAND [ARGS...]"""
import subprocess
import sys

expected = int(sys.argv[1])
result = subprocess.run(sys.argv[2:])
if result.returncode != expected:
    print(f"expected exit status {expected}, got {result.returncode}", file=sys.stderr)
    sys.exit(1)

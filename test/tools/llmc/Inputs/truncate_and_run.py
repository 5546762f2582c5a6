"""Feeds a tool every model file cut short at many points and fails if the tool
ever crashes (dies by a signal) instead of exiting with an error.

Usage: truncate_and_run.py TOOL [TOOL ARGS...] -- FILE...
"""
import os
import subprocess
import sys
import tempfile

CUTS = 40  # cut points per file, spread evenly


def main(argv):
    split = argv.index("--")
    tool, files = argv[:split], argv[split + 1:]
    runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            text = open(path).read()
            for k in range(1, CUTS + 1):
                cut = len(text) * k // (CUTS + 1)
                piece = os.path.join(tmp, "cut.mlir")
                with open(piece, "w") as f:
                    f.write(text[:cut])
                r = subprocess.run(tool + [piece], capture_output=True, text=True)
                runs += 1
                if r.returncode < 0 or r.returncode > 1:
                    print(f"{path} cut at {cut}: exit {r.returncode}\n{r.stderr[-2000:]}")
                    return 1
                if r.returncode == 1 and "error:" not in r.stderr:
                    print(f"{path} cut at {cut}: failed without a diagnostic")
                    return 1
    print(f"{runs} truncated inputs, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# llmc developer entry point: one script for a fresh Debian 12 machine and for
# the edit-build-test loop. Each command installs what is missing first.
#
#   utils/dev.sh example   set up, build, import the bundled GPT-2 example, compile it for the NPU, generate tokens on its simulator
#   utils/dev.sh test      set up, build, run the whole test suite (lit + unit tests)
#   utils/dev.sh quick     set up, build, run the quick tier (all but the long end-to-end tests)
#   utils/dev.sh build     set up and build only
#   utils/dev.sh setup     install the Debian packages llmc needs, nothing else
#
# Environment: LLMC_BUILD_DIR (default: build/ in the checkout).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LLMC_BUILD_DIR:-$ROOT/build}"
LLVM_PREFIX=/usr/lib/llvm-19
PYTHON=/usr/bin/python3 # Debian's interpreter, whatever python3 is first on PATH
LIT="$LLVM_PREFIX/build/utils/lit/lit.py"

# Everything comes from Debian 12's archive (see ../shared/TOOLCHAIN.md).
PACKAGES=(
  cmake ninja-build ccache python3
  clang-19 lld-19 llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libgtest-dev libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  python3-numpy python3-torch python3-onnx
  flatbuffers-compiler libflatbuffers-dev
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

setup() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  log "installing ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure() {
  [[ -f "$BUILD/build.ninja" ]] && return
  log "configuring $BUILD"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DPython3_EXECUTABLE="$PYTHON"
}

build() {
  setup
  configure
  log "building"
  ninja -C "$BUILD" llmc-test-depends
}

example() {
  build
  local checkpoint="$ROOT/models/gpt2-tiny" out="$BUILD/examples"
  mkdir -p "$out"
  if [[ ! -f "$checkpoint/config.json" ]]; then
    log "writing the example checkpoint (seeded random GPT-2) to $checkpoint"
    "$PYTHON" "$ROOT/models/pytorch/make_checkpoint.py" gpt2 "$checkpoint"
  fi
  log "importing $checkpoint"
  "$BUILD/bin/llmc-import" "$checkpoint" -o "$out/gpt2-tiny.mlir"
  "$BUILD/bin/llmc-opt" --llm-model-summary "$out/gpt2-tiny.mlir" -o /dev/null
  log "compiling for -target=npu (the phone-class reference NPU): static programs, FP16-safe, fused, memory-planned, lowered to its commands"
  "$BUILD/bin/llmc" "$out/gpt2-tiny.mlir" -target=npu --max-seq-len=64 --prefill-buckets=8 \
    --print-memory-plan -o "$out/gpt2-tiny.npub"
  log "generating 16 tokens after the prompt 1,2,3 on the NPU simulator (the measured cost after)"
  "$BUILD/bin/llmc-run" "$out/gpt2-tiny.npub" --generate 16 --prompt-ids 1,2,3 --npu-stats
  log "the same 16 tokens from the f32 static programs on the reference executor"
  "$BUILD/bin/llmc" "$out/gpt2-tiny.mlir" -target=mlir --max-seq-len=64 --prefill-buckets=8 \
    -o "$out/gpt2-tiny.compiled.mlir"
  "$BUILD/bin/llmc-run" "$out/gpt2-tiny.compiled.mlir" --generate 16 --prompt-ids 1,2,3
}

# Runs the lit suite and the unit tests, passing lit the extra arguments
# given (a tier), and ends with one line of counts.
lit_suite() {
  local results="$BUILD/test-results.json" status=0
  "$PYTHON" "$LIT" -sv -j"$(nproc)" -o "$results" "$@" "$BUILD/test" "$BUILD/test/Unit" "$BUILD/targets" || status=$?
  # One closing line with the counts, whatever lit's own summary looks like.
  "$PYTHON" - "$results" <<'PY'
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
codes = [t["code"] for t in tests]
passed = sum(c in ("PASS", "XFAIL") for c in codes)
skipped = sum(c == "UNSUPPORTED" for c in codes)
failed = len(codes) - passed - skipped
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
  return "$status"
}

run_tests() {
  build
  log "running the test suite"
  lit_suite
}

# The quick tier (test/lit.cfg.py): the tests marked REQUIRES: long_tests
# count as skipped.
run_quick() {
  build
  log "running the quick tier"
  lit_suite -D llmc_tier=quick
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  example) example ;;
  test) run_tests ;;
  quick) run_quick ;;
  *)
    sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac

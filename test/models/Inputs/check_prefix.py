#!/usr/bin/python3
"""A prompt prefix baked at compile time (llm-bake-prefix) or loaded from a
cache file (llmc-run --save-cache / --load-cache) must give what the prefix
in the prompt gives: the same 16-token greedy trace and last-token logits
within 1e-5 (relative), for the dynamic module and for its static programs.

Modules are written next to MODEL.mlir (llm.weights is relative to it).

Usage: check_prefix.py LLMC_OPT LLMC_RUN MODEL.mlir STATIC_OPTIONS PREFIX_LENGTH REST_LENGTH
"""
import os
import sys

from runner import greedy, relative_error, run_tool


def main(opt, run, model, options, prefix_length, rest_length):
    work = os.path.dirname(os.path.abspath(model))
    base = os.path.splitext(os.path.basename(model))[0]
    prefix = [(5 * i + 2) % 89 + 1 for i in range(int(prefix_length))]
    rest = [(3 * i + 7) % 83 + 1 for i in range(int(rest_length))]
    ids = ",".join(map(str, prefix))

    def compile(name, *passes):
        path = os.path.join(work, f"{base}-{name}.mlir")
        run_tool([opt, model, *passes, "-o", path])
        return path

    baked = compile("baked", f"--llm-bake-prefix=ids={ids} model-dir={work}")
    static = compile("static", f"--llm-static-shapes={options}")
    baked_static = compile("baked-static", f"--llm-bake-prefix=ids={ids} model-dir={work}",
                           f"--llm-static-shapes={options}")
    cache = os.path.join(work, f"{base}-prefix.safetensors")
    run_tool([run, model, "--generate", "1", "--prompt-ids", ids, "--save-cache", cache])
    static_cache = os.path.join(work, f"{base}-static-prefix.safetensors")
    run_tool([run, static, "--generate", "1", "--prompt-ids", ids, "--save-cache", static_cache])

    reference, reference_logits = greedy(run, model, prefix + rest, work)
    cases = [
        ("static, prefix in the prompt", static, prefix + rest, []),
        ("dynamic, baked prefix", baked, rest, []),
        ("static, baked prefix", baked_static, rest, []),
        ("dynamic, cache file", model, rest, ["--load-cache", cache]),
        ("static, cache file of the dynamic module", static, rest, ["--load-cache", cache]),
        ("dynamic, cache file of the static programs", model, rest, ["--load-cache", static_cache]),
    ]
    failures = 0
    for what, module, prompt, extra in cases:
        trace, logits = greedy(run, module, prompt, work, extra)
        error = relative_error(logits, reference_logits)
        ok = error <= 1e-5 and trace == reference
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {what}: logits max relative error {error:.1e}, "
              f"traces {'equal' if trace == reference else 'differ'}")
    # The control: without its prefix the continuation computes something else.
    _, alone = greedy(run, model, rest, work)
    error = relative_error(alone, reference_logits)
    print(f"{'PASS' if error > 1e-3 else 'FAIL'}: control, no prefix: logits differ by {error:.1e}")
    failures += error <= 1e-3
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

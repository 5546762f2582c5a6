#!/usr/bin/python3
"""A Hugging Face checkpoint compiled for the reference NPU (docs/npu.md)
generates what the model generates.

Compiles CHECKPOINT (the directory itself, given to llmc) with
`llmc -target=npu --target-options=config=C` for each NPU config C (phone:
FP16 accumulation; tv: FP32 accumulation), and for the references:

  m.mlir    `llmc -target=mlir`: the f32 static programs (plain llmc-run)
  m16.mlir  `llmc -target=mlir --target-options="compute-type=f16
            cache-type=f16" --fp16-safety`: the static programs of the same
            device types, run as an FP16-only device (llmc-run --fp16)

all with the same FLAGS (--max-seq-len, --prefill-buckets, --mla-form...).
For each prompt and config it checks that

  trace   the artifact's 16-token greedy trace (llmc-run m.npub --generate)
          equals the f32 static module's and PyTorch's (hf_style.py's model
          of the checkpoint, which is first checked against the
          checkpoint's reference data: logits within 1e-5, greedy_7.npy);
  logits  the prompt's last-token logits are finite and within 2e-2
          relative (max |npu - ref| / max |ref|) of llmc-run --fp16 on
          m16.mlir (the f32 module's and PyTorch's errors are shown too).

--checks chooses among those (npu) and:

  bake    the first --bake-prefix N (8) tokens of the longest prompt baked
          into the artifact (llmc --bake-prefix=<ids>), continued with the
          rest of the prompt: the whole prompt's trace on the f32 module,
          logits within 2e-2 of m16.mlir's --fp16 logits for the whole
          prompt;
  onnx    the HF-style model exported as the ONNX tests export it
          (export_hf_style.py: decode.onnx, ids and past caches in) and
          decode.onnx given to llmc -target=npu: PyTorch's trace on every
          prompt, logits finite and within 2e-2 of PyTorch's f32 ones.

Prompts: for each --lengths L, the first L-token window of the
checkpoint's reference prompt_33.npy whose greedy trace is decisive in
PyTorch: at each of its 16 steps torch's best token leads the second by at
least MARGIN (1e-2) of that row's largest |logit|. A trace through a closer
tie is not determined to FP16 precision (the FP16 reference, llmc-run
--fp16 on m16.mlir, leaves it there too), so an exact trace comparison on
it would test the prompt, not the compiler; away from ties the check stays
exact. With --massive, a window must also hold a massive token (an id that
is a multiple of 7: make_checkpoint.py's llama_massive rows). Prompts given
with --prompts (comma-separated ids) are used as they are, and one that is
not decisive is a FAIL of the test's own setup. Each prompt's margin is
printed (INFO).

Prints one PASS:/FAIL: line per check (the compiler's errors verbatim),
ends with `N failed`, exits 1 on a failure.

Usage: check_npu.py --llmc LLMC --llmc-run LLMC_RUN FAMILY CHECKPOINT WORK
           [--flags "..."] [--lengths 3,11] [--prompts IDS ...]
           [--massive] [--configs phone,tv] [--checks npu,bake,onnx] [--bake-prefix N]
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "models", "pytorch"))
from runner import relative_error  # noqa: E402
import hf_style  # noqa: E402
from check_static_onnx import Checker, verbatim  # noqa: E402

STEPS = 16
TOLERANCE = 2e-2
MARGIN = 1e-2
MASSIVE_EVERY = 7  # make_checkpoint.py: table[::7, MASSIVE_CHANNEL] = MASSIVE_VALUE


def shown(command, work):
    return " ".join(os.path.relpath(a, work) if os.path.isabs(a) else a for a in command)


def compile_model(c, args, what, inputs, flags, output):
    """llmc INPUTS FLAGS -o OUTPUT; reports a failure (with the command and
    llmc's diagnostics) and returns whether OUTPUT was written."""
    if os.path.exists(output):
        os.remove(output)
    command = [args.llmc, *inputs, *flags, "-o", output]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not os.path.exists(output):
        c.report(False, f"{what}: `llmc {shown(command[1:], args.work)}` exit {result.returncode}:\n"
                        f"{verbatim(result.stderr)}")
        return False
    return True


def generate(c, args, module, prompt, what, extra=()):
    """(trace, last-token logits float64) of `llmc-run module --generate`,
    or None after reporting the failure."""
    path = os.path.join(args.work, "logits.npy")
    if os.path.exists(path):
        os.remove(path)
    command = [args.llmc_run, module, "--generate", str(STEPS), "--prompt-ids", ",".join(map(str, prompt)),
               "--prompt-logits", path, *extra]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        c.report(False, f"{what}: `llmc-run {shown(command[1:], args.work)}` exit {result.returncode}:\n"
                        f"{verbatim(result.stderr)}")
        return None
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    trace = [int(t) for t in lines[-1].split()] if lines else []
    return trace, np.load(path).astype(np.float64).reshape(-1)


def describe_prompt(prompt):
    return f"prompt of {len(prompt)} [{','.join(map(str, prompt))}]"


@torch.no_grad()
def smallest_margin(model, prompt):
    """The smallest lead of torch's greedy token over the runner-up along
    the prompt's 16-token trace, relative to the row's largest |logit|."""
    trace, _ = hf_style.greedy(model, torch.tensor([prompt], dtype=torch.int64), STEPS)
    rows = model(torch.tensor([prompt + trace[:-1]], dtype=torch.int64))[0][0, len(prompt) - 1:].numpy()
    top = np.sort(rows, axis=-1)
    return float(((top[:, -1] - top[:, -2]) / np.abs(rows).max(axis=-1)).min())


def choose_prompts(c, model, reference, args):
    prompts = []
    source = np.load(os.path.join(reference, "prompt_33.npy"))[0].tolist()
    for length in [int(n) for n in args.lengths.split(",") if n]:
        for start in range(len(source) - length + 1):
            prompt = source[start:start + length]
            if args.massive and not any(t % MASSIVE_EVERY == 0 for t in prompt):
                continue
            margin = smallest_margin(model, prompt)
            if margin >= MARGIN:
                print(f"INFO: {c.label} {describe_prompt(prompt)}: prompt_33[{start}:{start + length}], torch's "
                      f"smallest top-2 margin along the trace {margin:.1e}", flush=True)
                prompts.append(prompt)
                break
        else:
            c.report(False, f"no window of {length} tokens of prompt_33 has a decisive trace "
                            f"(margin >= {MARGIN:g}{', with a massive token' if args.massive else ''})")
    for text in args.prompts:
        prompt = [int(t) for t in text.split(",")]
        margin = smallest_margin(model, prompt)
        if margin >= MARGIN:
            print(f"INFO: {c.label} {describe_prompt(prompt)}: given, torch's smallest top-2 margin along the "
                  f"trace {margin:.1e}", flush=True)
        else:
            c.report(False, f"{describe_prompt(prompt)} (given): its trace passes a near tie of torch's logits "
                            f"(margin {margin:.1e} < {MARGIN:g}): choose another prompt")
        prompts.append(prompt)
    return prompts


def logits_line(logits, reference):
    finite = bool(np.isfinite(logits).all())
    error = relative_error(logits, reference) if finite else float("inf")
    return finite, error


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llmc", required=True)
    parser.add_argument("--llmc-run", required=True)
    parser.add_argument("family", choices=sorted(hf_style.FAMILIES) + ["llama_massive"])
    parser.add_argument("checkpoint")
    parser.add_argument("work")
    parser.add_argument("--flags", default="--max-seq-len=48 --prefill-buckets=4,8")
    parser.add_argument("--lengths", default="3,11")
    parser.add_argument("--prompts", nargs="*", default=[])
    parser.add_argument("--massive", action="store_true",
                        help="every chosen prompt holds a massive token (an id that is a multiple of 7)")
    parser.add_argument("--configs", default="phone,tv")
    parser.add_argument("--checks", default="npu",
                        help="comma-separated: npu (the checkpoint's artifacts), bake (needs --bake-prefix), onnx")
    parser.add_argument("--bake-prefix", type=int, default=8)
    args = parser.parse_args(argv)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(0)
    flags = args.flags.split()
    label = f"{args.family}{''.join(' ' + f for f in flags if f.startswith('--mla-form'))}:"
    c = Checker(label)
    print(f"INFO: {label} flags {args.flags}", flush=True)

    # PyTorch: the HF-style model of the checkpoint, itself checked against
    # the checkpoint's reference data.
    model = hf_style.load(args.family, args.checkpoint)
    reference = os.path.join(args.checkpoint, "reference")
    for ok, message in hf_style.check_reference(model, args.checkpoint):
        c.report(ok, f"PyTorch: {message}")

    prompts = choose_prompts(c, model, reference, args)
    torch_runs = {}
    for prompt in prompts:
        trace, logits = hf_style.greedy(model, torch.tensor([prompt], dtype=torch.int64), STEPS)
        torch_runs[tuple(prompt)] = (trace, logits[0, -1].numpy().astype(np.float64))

    checks = set(args.checks.split(","))
    unknown = checks - {"npu", "bake", "onnx"}
    if unknown:
        parser.error(f"--checks: unknown {', '.join(sorted(unknown))}")
    # The references: the f32 static module and the f16 one (as an FP16-only
    # device), from the checkpoint directory with the same flags.
    f32_runs, f16_runs = {}, {}
    references = checks & {"npu", "bake"}
    m32 = os.path.join(args.work, "m.mlir")
    m16 = os.path.join(args.work, "m16.mlir")
    ok32 = references and compile_model(c, args, "f32 static module", [args.checkpoint],
                                        ["-target=mlir", *flags], m32)
    ok16 = references and compile_model(c, args, "f16 static module", [args.checkpoint],
                                        ["-target=mlir", "--target-options=compute-type=f16 cache-type=f16",
                                         "--fp16-safety", *flags], m16)
    for prompt in prompts if references else ():
        key = tuple(prompt)
        f32_runs[key] = generate(c, args, m32, prompt, f"f32 module {describe_prompt(prompt)}") if ok32 else None
        f16_runs[key] = (generate(c, args, m16, prompt, f"m16.mlir --fp16 {describe_prompt(prompt)}", ["--fp16"])
                         if ok16 else None)

    configs = [x for x in args.configs.split(",") if x]
    for config in configs if "npu" in checks else ():
        npub = os.path.join(args.work, f"{config}.npub")
        if not compile_model(c, args, f"npu {config} compile", [args.checkpoint],
                             ["-target=npu", f"--target-options=config={config}", *flags], npub):
            continue
        for prompt in prompts:
            key = tuple(prompt)
            what = f"npu {config} {describe_prompt(prompt)}"
            got = generate(c, args, npub, prompt, what)
            if got is None:
                continue
            trace, logits = got
            torch_trace, torch_logits = torch_runs[key]
            f32 = f32_runs[key]
            f16 = f16_runs[key]
            # 1. The trace: the f32 module's and PyTorch's.
            same_f32 = f32 is not None and trace == f32[0]
            same_torch = trace == torch_trace
            detail = [f"npu {trace}"]
            if f32 is not None and not same_f32:
                detail.append(f"f32 module {f32[0]}")
            if not same_torch:
                detail.append(f"torch {torch_trace}")
            f32_vs_torch = relative_error(f32[1], torch_logits) if f32 is not None else float("nan")
            npu_vs_f32 = relative_error(logits, f32[1]) if f32 is not None else float("nan")
            c.report(same_f32 and same_torch,
                     f"{what}: 16-token trace {'equal to' if same_f32 and same_torch else 'NOT equal to'} "
                     f"the f32 module's and PyTorch's ({'; '.join(detail)}); logits max relative error npu vs "
                     f"f32 module {npu_vs_f32:.1e}, f32 module vs torch {f32_vs_torch:.1e}")
            # 2. The logits: llmc-run --fp16 on m16.mlir.
            if f16 is None:
                continue
            finite, error = logits_line(logits, f16[1])
            c.report(finite and error <= TOLERANCE,
                     f"{what}: last-token logits {'finite' if finite else 'NOT finite'}, max relative error "
                     f"{error:.1e} vs m16.mlir --fp16 (tolerance {TOLERANCE:g}; m16 trace "
                     f"{'equal' if f16[0] == trace else 'differs'})")

    if "bake" in checks:
        bake_checks(c, args, flags, configs, max(prompts, key=len), f32_runs, f16_runs)
    if "onnx" in checks:
        onnx_checks(c, args, model, flags, configs, prompts, torch_runs)
    print(f"{c.failures} failed")
    return 1 if c.failures else 0


def bake_checks(c, args, flags, configs, prompt, f32_runs, f16_runs):
    """3. A baked prefix continued with the rest of the prompt."""
    prefix, rest = prompt[:args.bake_prefix], prompt[args.bake_prefix:]
    ids = ",".join(map(str, prefix))
    f32, f16 = f32_runs[tuple(prompt)], f16_runs[tuple(prompt)]
    for config in configs:
        npub = os.path.join(args.work, f"{config}-baked.npub")
        what = f"npu {config} --bake-prefix={ids}, rest [{','.join(map(str, rest))}]"
        if not compile_model(c, args, f"{what} compile", [args.checkpoint],
                             ["-target=npu", f"--target-options=config={config}", f"--bake-prefix={ids}", *flags],
                             npub):
            continue
        got = generate(c, args, npub, rest, what)
        if got is None or f32 is None:
            continue
        trace, logits = got
        same = trace == f32[0]
        c.report(same, f"{what}: 16-token trace {'equal to' if same else 'NOT equal to'} the f32 module's on the "
                       f"whole {describe_prompt(prompt)} (npu {trace}{'' if same else f', f32 module {f32[0]}'}); "
                       f"logits max relative error vs f32 module {relative_error(logits, f32[1]):.1e}")
        if f16 is not None:
            finite, error = logits_line(logits, f16[1])
            c.report(finite and error <= TOLERANCE,
                     f"{what}: last-token logits {'finite' if finite else 'NOT finite'}, max relative error "
                     f"{error:.1e} vs m16.mlir --fp16 on the whole prompt (tolerance {TOLERANCE:g})")


def onnx_checks(c, args, model, flags, configs, prompts, torch_runs):
    """4. decode.onnx of the HF-style export given to llmc -target=npu."""
    import export_hf_style  # noqa: E402 (imports onnx)
    folder = os.path.join(args.work, "onnx")
    os.makedirs(folder, exist_ok=True)
    decode, _ = export_hf_style.export_graphs(model, args.family, folder, 14)
    for config in configs:
        npub = os.path.join(folder, f"{config}.npub")
        if not compile_model(c, args, f"onnx npu {config} compile", [decode],
                             ["-target=npu", f"--target-options=config={config}", *flags], npub):
            continue
        for prompt in prompts:
            what = f"decode.onnx npu {config} {describe_prompt(prompt)}"
            got = generate(c, args, npub, prompt, what)
            if got is None:
                continue
            trace, logits = got
            torch_trace, torch_logits = torch_runs[tuple(prompt)]
            finite, error = logits_line(logits, torch_logits)
            same = trace == torch_trace
            c.report(same and finite and error <= TOLERANCE,
                     f"{what}: 16-token trace {'equal to' if same else 'NOT equal to'} PyTorch's (npu {trace}"
                     f"{'' if same else f', torch {torch_trace}'}); last-token logits "
                     f"{'finite' if finite else 'NOT finite'}, max relative error {error:.1e} vs PyTorch f32 "
                     f"(tolerance {TOLERANCE:g})")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

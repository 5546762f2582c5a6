#!/usr/bin/python3
"""Writes the example models of models/ in the llm dialect.

Each example is a small configuration of one family, with the Hugging Face
tensor names of that family, so that the checkpoint importer and the
reference executor (later issues) can pair it with a real checkpoint. The
weights file is referenced, not embedded: `llm.weights` names
`<model>/model.safetensors`, which the model scripts create.

Usage: /usr/bin/python3 models/generate_examples.py [--check]
  --check  compare with the committed files instead of writing them.
"""
import math
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent


def tensor(shape, dtype="f32"):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    return f"tensor<{dims}x{dtype}>" if shape else f"tensor<{dtype}>"


class Emitter:
    """Builds one func.func body, naming values after what they are."""

    def __init__(self):
        self.lines = []
        self.names = set()

    def fresh(self, hint):
        name, k = hint, 0
        while name in self.names:
            k += 1
            name = f"{hint}_{k}"
        self.names.add(name)
        return "%" + name

    def op(self, hint, text):
        value = self.fresh(hint)
        self.lines.append(f"    {value} = {text}")
        return value

    def comment(self, text):
        self.lines.append(f"    // {text}")


def fmt(x):
    """A float literal MLIR reads back to exactly `x` (MLIR wants a '.')."""
    text = repr(float(x))
    if "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = mantissa + ".0" + ("e" + exponent if exponent else "")
    return text


class Model:
    """Shared structure: embedding, decoder layers with a KV cache, head."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.e = Emitter()
        self.weights = {}

    def weight(self, name, shape):
        if name not in self.weights:
            hint = name.replace("model.", "").replace("transformer.", "")
            hint = hint.replace(".weight", "_w").replace(".bias", "_b")
            hint = hint.replace("layers.", "l").replace("h.", "l").replace(".", "_")
            self.weights[name] = (self.e.op(hint, f'llm.weight "{name}" : {tensor(shape)}'), shape)
        return self.weights[name][0]

    def linear(self, hint, x, x_shape, w_name, out, bias=None, in_out=False):
        d_in = x_shape[-1]
        w_shape = [d_in, out] if in_out else [out, d_in]
        w = self.weight(w_name, w_shape)
        operands, types = [x, w], [tensor(x_shape), tensor(w_shape)]
        if bias:
            operands.append(self.weight(bias, [out]))
            types.append(tensor([out]))
        attrs = " {weight_layout = #llm.weight_layout<in_out>}" if in_out else ""
        return self.e.op(hint, f"llm.linear {', '.join(operands)}{attrs} : {', '.join(types)}")

    def rms(self, hint, x, w_name, width):
        return self.e.op(hint, f"llm.rms_norm {x}, {self.weight(w_name, [width])} "
                         f"epsilon({fmt(self.cfg['eps'])}) : {tensor([1, None, width])}, {tensor([width])}")

    def embed_tokens(self):
        """Token embedding of the Llama-style families."""
        shape = [self.cfg["vocab"], self.cfg["hidden"]]
        table = self.weight("model.embed_tokens.weight", shape)
        return self.e.op("h", f"llm.embedding {table}[%ids] : {tensor(shape)}, tensor<1x?xi64>")

    def swiglu_block(self, i, h, prefix):
        """Post-attention RMSNorm, SwiGLU MLP and residual of layer i."""
        c, e = self.cfg, self.e
        act, inner = [1, None, c["hidden"]], [1, None, c["inner"]]
        a = self.rms(f"post_norm{i}", h, prefix + ".post_attention_layernorm.weight", c["hidden"])
        g = self.linear(f"gate{i}", a, act, prefix + ".mlp.gate_proj.weight", c["inner"])
        u = self.linear(f"up{i}", a, act, prefix + ".mlp.up_proj.weight", c["inner"])
        s = e.op(f"swiglu{i}", f"llm.swiglu {g}, {u} : {tensor(inner)}")
        d = self.linear(f"down{i}", s, inner, prefix + ".mlp.down_proj.weight", c["hidden"])
        return self.add(f"h{i}_mlp", h, d, act)

    def heads(self, hint, x, n_heads, head_dim):
        """[1, S, H*D] -> [1, H, S, D]."""
        e = self.e
        r = e.op(hint + "_bshd", f"llm.reshape {x} : {tensor([1, None, n_heads * head_dim])} to "
                 f"{tensor([1, None, n_heads, head_dim])}")
        return e.op(hint, f"llm.transpose {r} [0, 2, 1, 3] : {tensor([1, None, n_heads, head_dim])}")

    def merge_heads(self, hint, x, n_heads, head_dim):
        """[1, H, S, D] -> [1, S, H*D]."""
        e = self.e
        t = e.op(hint + "_bshd", f"llm.transpose {x} [0, 2, 1, 3] : {tensor([1, n_heads, None, head_dim])}")
        return e.op(hint, f"llm.reshape {t} : {tensor([1, None, n_heads, head_dim])} to "
                    f"{tensor([1, None, n_heads * head_dim])}")

    def add(self, hint, a, b, shape):
        return self.e.op(hint, f"llm.add {a}, {b} : {tensor(shape)}")

    def slice_last(self, hint, x, shape, start, limit):
        out = list(shape)
        out[-1] = limit - start
        dim = len(shape) - 1
        return self.e.op(hint, f"llm.slice {x} dims [{dim}] starts [{start}] limits [{limit}] : "
                         f"{tensor(shape)} to {tensor(out)}")

    def kv_append(self, hint, past, new, heads, dim):
        t = tensor([1, heads, None, dim])
        return self.e.op(hint, f"llm.kv_append {past}, {new} : {t}, {t}")

    def module(self, name, caches, body_fn, doc):
        """caches: list of (name, heads, dim) per layer."""
        c = self.cfg
        args = ["%ids: tensor<1x?xi64>", "%positions: tensor<1x?xi64>"]
        past = []
        for layer in range(c["layers"]):
            for cname, heads, dim in caches:
                arg = f"%past_{cname}{layer}"
                args.append(f"{arg}: {tensor([1, heads, None, dim])}")
                past.append(arg)
        self.e.names.update(a.split(":")[0][1:] for a in args)
        logits, present = body_fn(past)
        result_types = [tensor([1, None, c["vocab"]])]
        for layer in range(c["layers"]):
            for cname, heads, dim in caches:
                result_types.append(tensor([1, heads, None, dim]))
        lines = [f"// {line}" if line else "//" for line in doc.strip().splitlines()]
        lines.append("// Generated by models/generate_examples.py; edit that script, not this file.")
        lines.append(f'module attributes {{llm.weights = "{name}/model.safetensors"}} {{')
        lines.append(f"  func.func @forward({', '.join(args)})")
        lines.append(f"      -> ({', '.join(result_types)}) {{")
        lines.extend(self.e.lines)
        rets = ", ".join([logits] + present)
        lines.append(f"    return {rets} : {', '.join(result_types)}")
        lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"


SIGNATURE_DOC = """
@forward(ids [1, S], positions [1, S], past caches [1, H, P, D] per layer)
  -> (logits [1, S, V], present caches [1, H, P + S, D] per layer)
A prefill is S = prompt length with P = 0 (empty caches) or P = the length of
a cached prefix; a decode step is S = 1. Positions are P, P+1, ..., P+S-1.
"""


def gpt2():
    c = dict(vocab=512, n_positions=128, hidden=64, heads=4, layers=2, inner=256, eps=1e-5)
    m, e = Model(c), None
    e = m.e
    hd = c["hidden"] // c["heads"]
    D = c["hidden"]
    act = [1, None, D]

    def body(past):
        tok = e.op("tok", f"llm.embedding {m.weight('transformer.wte.weight', [c['vocab'], D])}[%ids] : "
                   f"{tensor([c['vocab'], D])}, tensor<1x?xi64>")
        pos = e.op("pos", f"llm.embedding {m.weight('transformer.wpe.weight', [c['n_positions'], D])}[%positions] : "
                   f"{tensor([c['n_positions'], D])}, tensor<1x?xi64>")
        h = m.add("h", tok, pos, act)
        present = []
        for i in range(c["layers"]):
            p = f"transformer.h.{i}"
            e.comment(f"layer {i}")
            a = e.op(f"ln1_{i}", f"llm.layer_norm {h}, {m.weight(p + '.ln_1.weight', [D])}, "
                     f"{m.weight(p + '.ln_1.bias', [D])} epsilon({fmt(c['eps'])}) : "
                     f"{tensor(act)}, {tensor([D])}, {tensor([D])}")
            qkv = m.linear(f"qkv{i}", a, act, p + ".attn.c_attn.weight", 3 * D, p + ".attn.c_attn.bias", in_out=True)
            parts = [m.slice_last(f"{n}{i}_flat", qkv, [1, None, 3 * D], k * D, (k + 1) * D)
                     for k, n in enumerate("qkv")]
            q, k, v = [m.heads(f"{n}{i}", x, c["heads"], hd) for n, x in zip("qkv", parts)]
            k_all = m.kv_append(f"k_cache{i}", past[2 * i], k, c["heads"], hd)
            v_all = m.kv_append(f"v_cache{i}", past[2 * i + 1], v, c["heads"], hd)
            present += [k_all, v_all]
            t = tensor([1, c["heads"], None, hd])
            o = e.op(f"attn{i}", f"llm.attention {q}, {k_all}, {v_all} scale({fmt(1 / math.sqrt(hd))}) causal : {t}, {t}, {t}")
            o = m.merge_heads(f"attn{i}_merged", o, c["heads"], hd)
            o = m.linear(f"attn{i}_out", o, act, p + ".attn.c_proj.weight", D, p + ".attn.c_proj.bias", in_out=True)
            h = m.add(f"h{i}_attn", h, o, act)
            a = e.op(f"ln2_{i}", f"llm.layer_norm {h}, {m.weight(p + '.ln_2.weight', [D])}, "
                     f"{m.weight(p + '.ln_2.bias', [D])} epsilon({fmt(c['eps'])}) : "
                     f"{tensor(act)}, {tensor([D])}, {tensor([D])}")
            f = m.linear(f"fc{i}", a, act, p + ".mlp.c_fc.weight", c["inner"], p + ".mlp.c_fc.bias", in_out=True)
            f = e.op(f"gelu{i}", f"llm.gelu <tanh> {f} : {tensor([1, None, c['inner']])}")
            f = m.linear(f"mlp{i}_out", f, [1, None, c["inner"]], p + ".mlp.c_proj.weight", D, p + ".mlp.c_proj.bias",
                         in_out=True)
            h = m.add(f"h{i}_mlp", h, f, act)
        e.comment("final norm and the LM head, tied to the token embedding")
        h = e.op("ln_f", f"llm.layer_norm {h}, {m.weight('transformer.ln_f.weight', [D])}, "
                 f"{m.weight('transformer.ln_f.bias', [D])} epsilon({fmt(c['eps'])}) : "
                 f"{tensor(act)}, {tensor([D])}, {tensor([D])}")
        logits = m.linear("logits", h, act, "transformer.wte.weight", c["vocab"])
        return logits, present

    doc = f"""GPT-2 family, tiny: vocab {c['vocab']}, {c['layers']} layers, width {D}, {c['heads']} heads of {hd},
learned positions ({c['n_positions']}), LayerNorm with bias, fused QKV (Conv1D [in, out]) with bias,
GELU (tanh form), final norm, LM head tied to the token embedding.
{SIGNATURE_DOC}"""
    return m.module("gpt2-tiny", [("k", c["heads"], hd), ("v", c["heads"], hd)], body, doc)


def llama_like(name, qkv_bias, tied, theta, family_doc):
    c = dict(vocab=512, hidden=64, heads=4, kv_heads=2, layers=2, inner=128, eps=1e-6, theta=theta)
    m = Model(c)
    e = m.e
    hd = c["hidden"] // c["heads"]
    D = c["hidden"]
    act = [1, None, D]

    def body(past):
        h = m.embed_tokens()
        present = []
        for i in range(c["layers"]):
            p = f"model.layers.{i}"
            e.comment(f"layer {i}")
            a = m.rms(f"norm{i}", h, p + ".input_layernorm.weight", D)
            proj = {}
            for n, heads in (("q", c["heads"]), ("k", c["kv_heads"]), ("v", c["kv_heads"])):
                w = f"{p}.self_attn.{n}_proj"
                flat = m.linear(f"{n}{i}_flat", a, act, w + ".weight", heads * hd, w + ".bias" if qkv_bias else None)
                proj[n] = m.heads(f"{n}{i}", flat, heads, hd)
            q = e.op(f"q{i}_rope", f"llm.rope <half_split> {proj['q']}, %positions theta({fmt(c['theta'])}) : "
                     f"{tensor([1, c['heads'], None, hd])}, tensor<1x?xi64>")
            k = e.op(f"k{i}_rope", f"llm.rope <half_split> {proj['k']}, %positions theta({fmt(c['theta'])}) : "
                     f"{tensor([1, c['kv_heads'], None, hd])}, tensor<1x?xi64>")
            k_all = m.kv_append(f"k_cache{i}", past[2 * i], k, c["kv_heads"], hd)
            v_all = m.kv_append(f"v_cache{i}", past[2 * i + 1], proj["v"], c["kv_heads"], hd)
            present += [k_all, v_all]
            tq, tkv = tensor([1, c["heads"], None, hd]), tensor([1, c["kv_heads"], None, hd])
            o = e.op(f"attn{i}", f"llm.attention {q}, {k_all}, {v_all} scale({fmt(1 / math.sqrt(hd))}) causal : "
                     f"{tq}, {tkv}, {tkv}")
            o = m.merge_heads(f"attn{i}_merged", o, c["heads"], hd)
            o = m.linear(f"attn{i}_out", o, act, p + ".self_attn.o_proj.weight", D)
            h = m.add(f"h{i}_attn", h, o, act)
            h = m.swiglu_block(i, h, p)
        e.comment("final norm and the LM head")
        h = m.rms("final_norm", h, "model.norm.weight", D)
        head = "model.embed_tokens.weight" if tied else "lm_head.weight"
        logits = m.linear("logits", h, act, head, c["vocab"])
        return logits, present

    doc = f"""{family_doc}, tiny: vocab {c['vocab']}, {c['layers']} layers, width {D},
{c['heads']} query heads over {c['kv_heads']} KV heads of {hd} (grouped-query attention), RoPE (half-split,
theta {c['theta']:g}), RMSNorm, SwiGLU MLP of {c['inner']}, {'QKV bias, ' if qkv_bias else ''}{'tied' if tied else 'untied'} LM head.
{SIGNATURE_DOC}"""
    kv = [("k", c["kv_heads"], hd), ("v", c["kv_heads"], hd)]
    return m.module(name, kv, body, doc)


def yarn_mscale(factor, mscale):
    return 1.0 if factor <= 1 else 0.1 * mscale * math.log(factor) + 1.0


def deepseek():
    c = dict(vocab=512, hidden=64, heads=4, layers=2, inner=128, eps=1e-6, theta=10000.0,
             q_lora=32, kv_lora=32, nope=16, rope=8, v=12,
             yarn=dict(factor=4.0, original_max_position=64, beta_fast=32.0, beta_slow=1.0,
                       mscale=0.707, mscale_all_dim=0.707))
    m = Model(c)
    e = m.e
    D, H = c["hidden"], c["heads"]
    qd = c["nope"] + c["rope"]
    act = [1, None, D]
    y = c["yarn"]
    yarn = ("#llm.yarn<factor = {factor!r}, original_max_position = {original_max_position}, "
            "beta_fast = {beta_fast!r}, beta_slow = {beta_slow!r}, mscale = {mscale!r}, "
            "mscale_all_dim = {mscale_all_dim!r}>").format(**y)
    scale = qd ** -0.5 * yarn_mscale(y["factor"], y["mscale_all_dim"]) ** 2

    def body(past):
        h = m.embed_tokens()
        present = []
        for i in range(c["layers"]):
            p = f"model.layers.{i}"
            sa = p + ".self_attn"
            e.comment(f"layer {i}: multi-head latent attention")
            a = m.rms(f"norm{i}", h, p + ".input_layernorm.weight", D)
            qa = m.linear(f"q{i}_a", a, act, sa + ".q_a_proj.weight", c["q_lora"])
            qa = m.rms(f"q{i}_a_norm", qa, sa + ".q_a_layernorm.weight", c["q_lora"])
            q = m.linear(f"q{i}_flat", qa, [1, None, c["q_lora"]], sa + ".q_b_proj.weight", H * qd)
            q = m.heads(f"q{i}", q, H, qd)
            qn = m.slice_last(f"q{i}_nope", q, [1, H, None, qd], 0, c["nope"])
            qr = m.slice_last(f"q{i}_pe", q, [1, H, None, qd], c["nope"], qd)
            qr = e.op(f"q{i}_pe_rope", f"llm.rope <interleaved> {qr}, %positions theta({fmt(c['theta'])}) "
                      f"{{yarn = {yarn}}} : {tensor([1, H, None, c['rope']])}, tensor<1x?xi64>")
            kv = m.linear(f"kv{i}_a", a, act, sa + ".kv_a_proj_with_mqa.weight", c["kv_lora"] + c["rope"])
            latent = m.slice_last(f"latent{i}_flat", kv, [1, None, c["kv_lora"] + c["rope"]], 0, c["kv_lora"])
            latent = m.rms(f"latent{i}_norm", latent, sa + ".kv_a_layernorm.weight", c["kv_lora"])
            latent = e.op(f"latent{i}", f"llm.reshape {latent} : {tensor([1, None, c['kv_lora']])} to "
                          f"{tensor([1, 1, None, c['kv_lora']])}")
            kr = m.slice_last(f"k{i}_pe_flat", kv, [1, None, c["kv_lora"] + c["rope"]], c["kv_lora"],
                              c["kv_lora"] + c["rope"])
            kr = e.op(f"k{i}_pe", f"llm.reshape {kr} : {tensor([1, None, c['rope']])} to "
                      f"{tensor([1, 1, None, c['rope']])}")
            kr = e.op(f"k{i}_pe_rope", f"llm.rope <interleaved> {kr}, %positions theta({fmt(c['theta'])}) "
                      f"{{yarn = {yarn}}} : {tensor([1, 1, None, c['rope']])}, tensor<1x?xi64>")
            e.comment("the cache holds the normalised latent and the rotated shared key")
            c_all = m.kv_append(f"latent_cache{i}", past[2 * i], latent, 1, c["kv_lora"])
            kr_all = m.kv_append(f"k_pe_cache{i}", past[2 * i + 1], kr, 1, c["rope"])
            present += [c_all, kr_all]
            w_up = m.weight(sa + ".kv_b_proj.weight", [H * (c["nope"] + c["v"]), c["kv_lora"]])
            o = e.op(f"attn{i}", f"llm.mla_attention {qn}, {qr}, {c_all}, {kr_all}, {w_up} scale({fmt(scale)}) causal : "
                     f"{tensor([1, H, None, c['nope']])}, {tensor([1, H, None, c['rope']])}, "
                     f"{tensor([1, 1, None, c['kv_lora']])}, {tensor([1, 1, None, c['rope']])}, "
                     f"{tensor([H * (c['nope'] + c['v']), c['kv_lora']])}")
            o = m.merge_heads(f"attn{i}_merged", o, H, c["v"])
            o = m.linear(f"attn{i}_out", o, [1, None, H * c["v"]], sa + ".o_proj.weight", D)
            h = m.add(f"h{i}_attn", h, o, act)
            h = m.swiglu_block(i, h, p)
        e.comment("final norm and the LM head")
        h = m.rms("final_norm", h, "model.norm.weight", D)
        logits = m.linear("logits", h, act, "lm_head.weight", c["vocab"])
        return logits, present

    doc = f"""DeepSeek-V2/V3 family (dense MLP), tiny: vocab {c['vocab']}, {c['layers']} layers, width {D}, {H} heads,
multi-head latent attention: q low-rank path ({c['q_lora']}), KV latent of {c['kv_lora']}, per-head
q/k dims {c['nope']} (no RoPE) + {c['rope']} (RoPE, interleaved pairs, shared key), value dim {c['v']},
YaRN (factor {y['factor']:g}); softmax scale (q/k dim)^-1/2 * mscale(mscale_all_dim)^2 = {scale:.6f}.
The cache per layer is the latent [1, 1, P, {c['kv_lora']}] and the RoPE key [1, 1, P, {c['rope']}].
{SIGNATURE_DOC}"""
    caches = [("latent", 1, c["kv_lora"]), ("k_pe", 1, c["rope"])]
    return m.module("deepseek-v2-tiny", caches, body, doc)


EXAMPLES = {
    "gpt2-tiny.mlir": gpt2,
    "llama-tiny.mlir": lambda: llama_like("llama-tiny", False, False, 10000.0, "Llama family"),
    "qwen2-tiny.mlir": lambda: llama_like("qwen2-tiny", True, True, 1000000.0, "Qwen2 family (Llama with QKV bias)"),
    "deepseek-v2-tiny.mlir": deepseek,
}


def main(argv):
    check = "--check" in argv
    stale = []
    for name, build in EXAMPLES.items():
        text = build()
        path = HERE / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("stale examples (run models/generate_examples.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

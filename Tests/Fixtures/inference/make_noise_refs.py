#!/usr/bin/env python3
"""How much llama.cpp disagrees with itself: the noise floor for comparing another engine with it.

For each prompt of <key>.json (made by make_refs.py), evaluates the prompt token by token instead
of in one batch (an equally valid order: different matmul kernels, different accumulation), then
greedy-decodes 32 tokens, and records against the batch reference:
  - first-position logits: mean |Δ| over the vocabulary, max |Δ|, max |Δ| over the batch top-5
  - where the greedy tokens first diverge, and the batch run's top-2 margin there.
Quantized activations (Q8 blocks before every integer dot product) make these models amplify
rounding differences: this file measures by how much, per model.
Needs: pip install llama-cpp-python==0.3.36 numpy. Usage: make_noise_refs.py KEY MODEL.gguf FIXTURE_DIR
Writes FIXTURE_DIR/KEY.noise.json.
"""
import json, os, sys
import numpy as np
import llama_cpp
from llama_cpp import Llama

key, path, outdir = sys.argv[1], sys.argv[2], sys.argv[3]
ref = json.load(open(os.path.join(outdir, f"{key}.json")))
llm = Llama(model_path=path, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=1, n_threads_batch=1,
            seed=0, flash_attn=False, verbose=False)
nv = llm.n_vocab()


def logits():
    return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(nv,)).copy()


out = {"model_key": key, "method": "prompt evaluated one token per llama_decode (vs one batch in make_refs.py); "
       "llama.cpp 0c1e57098 via llama-cpp-python 0.3.36, n_threads=1, KV F16, no flash attention", "prompts": []}
for p in ref["prompts"]:
    llm.reset()
    for t in p["prompt_token_ids"]:
        llm.eval([t])
    lg = logits()
    batch = np.load(os.path.join(outdir, f"{key}.{p['id']}.first_logits.npy"))
    d = np.abs(lg - batch)
    top5 = [c["id"] for c in p["first_position_top5"]]
    gen = []
    for step in range(32):
        t = int(np.argmax(lg))
        gen.append(t)
        if step + 1 < 32:
            llm.eval([t]); lg = logits()
    div = next((i for i, (a, b) in enumerate(zip(gen, p["generated_token_ids"])) if a != b), None)
    margin = None
    if div is not None:
        t5 = p["per_step_top5"][div]["top5"]
        margin = t5[0]["logit"] - t5[1]["logit"]
    out["prompts"].append({"id": p["id"], "first_logits_mean_abs_diff": float(d.mean()),
                           "first_logits_max_abs_diff": float(d.max()), "first_top5_max_abs_diff": float(d[top5].max()),
                           "generated_token_ids": gen, "first_divergence": div, "batch_top2_margin_at_divergence": margin})
    print(key, p["id"], out["prompts"][-1]["first_logits_mean_abs_diff"], div, margin, flush=True)
json.dump(out, open(os.path.join(outdir, f"{key}.noise.json"), "w"), indent=1)

#!/usr/bin/env python3
"""Prefill (pp) and decode (tg) tokens/s of Tern and llama.cpp side by side, same GGUF, same threads.

Both engines are measured the way llama-bench measures: pp = a prompt of random tokens in one
call from an empty cache; tg = single tokens from an empty cache. Rounds alternate between the
engines so that machine noise falls on both; medians and the ratio Tern / llama.cpp are printed.

Needs: llama-cpp-python==0.3.36 (CMAKE_ARGS="-DGGML_NATIVE=ON"), a release build of tern.
Usage: bench/inference_vs_llamacpp.py [--models smollm2-135m qwen2.5-0.5b] [--threads 2] [--rounds 3]
"""
import argparse, json, os, random, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.environ.get("TERN_MODELS") or os.path.join(os.environ.get("TERN_HOME") or os.path.expanduser("~/.cache/tern"), "models")
FILES = {
    "smollm2-135m": "SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3-270m": "gemma-3-270m-q4_k_m.gguf",
    "qwen2.5-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen2.5-1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
}


def llamacpp_round(llm, pp_tokens, tg_tokens):
    """pp and tg tokens/s of llama.cpp, timed two ways in the same round: through the bindings'
    `Llama.eval` (what a Python user runs; it also copies logits into numpy per call), and through
    the raw C API (`llama_decode` on a prebuilt batch: no wrapper work per call), so binding
    overhead cannot flatter Tern. Returns (pp, tg, pp_raw, tg_raw)."""
    import ctypes
    import llama_cpp
    llm.reset(); t = time.perf_counter(); llm.eval(pp_tokens); pp = len(pp_tokens) / (time.perf_counter() - t)
    llm.reset(); t = time.perf_counter()
    for x in tg_tokens:
        llm.eval([x])
    tg = len(tg_tokens) / (time.perf_counter() - t)

    ctx = llm._ctx.ctx
    memory = llama_cpp.llama_get_memory(ctx)
    def decode_raw(tokens):
        arr = (llama_cpp.llama_token * len(tokens))(*tokens)
        batch = llama_cpp.llama_batch_get_one(arr, len(tokens))
        assert llama_cpp.llama_decode(ctx, batch) == 0
        llama_cpp.llama_get_logits_ith(ctx, -1)  # synchronise
    llama_cpp.llama_memory_clear(memory, True)
    t = time.perf_counter(); decode_raw(pp_tokens); pp_raw = len(pp_tokens) / (time.perf_counter() - t)
    llama_cpp.llama_memory_clear(memory, True)
    singles = [(llama_cpp.llama_token * 1)(x) for x in tg_tokens]
    t = time.perf_counter()
    for arr in singles:
        assert llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(arr, 1)) == 0
        llama_cpp.llama_get_logits_ith(ctx, -1)
    tg_raw = len(tg_tokens) / (time.perf_counter() - t)
    llama_cpp.llama_memory_clear(memory, True)
    llm.reset()
    return pp, tg, pp_raw, tg_raw


def tern_round(binary, model, threads, pp, tg):
    out = subprocess.run([binary, "bench", "--model", model, "--threads", str(threads), "--prompt-tokens", str(pp),
                          "--gen-tokens", str(tg), "--repetitions", "1", "--json"], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["prefillTokensPerSecond"], r["decodeTokensPerSecond"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", default=["smollm2-135m", "qwen2.5-0.5b"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--tg", type=int, default=128)
    ap.add_argument("--tern", default=os.path.join(ROOT, ".build", "release", "tern"))
    ap.add_argument("--background-load", action="store_true",
                    help="keep one other process busy on a core during the rounds (a shared machine)")
    args = ap.parse_args()
    hog = None
    if args.background_load:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    from llama_cpp import Llama

    results = []
    for name in args.models:
        path = os.path.join(MODELS_DIR, FILES[name])
        llm = Llama(model_path=path, n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=args.threads,
                    n_threads_batch=args.threads, seed=0, verbose=False)
        rng = random.Random(0); nv = llm.n_vocab()
        pp_tokens = [rng.randrange(1000, nv - 1000) for _ in range(args.pp)]
        tg_tokens = [rng.randrange(1000, nv - 1000) for _ in range(args.tg)]
        llm.reset(); llm.eval(pp_tokens[:32])  # warm-up
        tern_round(args.tern, path, args.threads, 32, 8)  # warm-up (page cache)
        L = {"pp": [], "tg": [], "pp_c": [], "tg_c": []}; T = {"pp": [], "tg": []}
        for r in range(args.rounds):
            a, b, c, d = llamacpp_round(llm, pp_tokens, tg_tokens)
            L["pp"].append(a); L["tg"].append(b); L["pp_c"].append(c); L["tg_c"].append(d)
            a, b = tern_round(args.tern, path, args.threads, args.pp, args.tg); T["pp"].append(a); T["tg"].append(b)
            print(f"  {name} round {r}: llama.cpp pp {L['pp'][-1]:.1f} tg {L['tg'][-1]:.1f} (raw C API {L['pp_c'][-1]:.1f} / {L['tg_c'][-1]:.1f}) | tern pp {T['pp'][-1]:.1f} tg {T['tg'][-1]:.1f}",
                  file=sys.stderr, flush=True)
        del llm
        row = {"model": name, "threads": args.threads,
               "llamacpp_pp": statistics.median(L["pp"]), "tern_pp": statistics.median(T["pp"]),
               "llamacpp_tg": statistics.median(L["tg"]), "tern_tg": statistics.median(T["tg"]),
               "llamacpp_pp_raw": statistics.median(L["pp_c"]), "llamacpp_tg_raw": statistics.median(L["tg_c"])}
        # Ratios against the faster of llama.cpp's two timings (bindings or raw C API).
        row["pp_ratio"] = row["tern_pp"] / max(row["llamacpp_pp"], row["llamacpp_pp_raw"])
        row["tg_ratio"] = row["tern_tg"] / max(row["llamacpp_tg"], row["llamacpp_tg_raw"])
        results.append(row)
    print(f"| model | threads | llama.cpp pp{args.pp} (raw C API) | Tern pp{args.pp} | ratio | llama.cpp tg{args.tg} (raw C API) | Tern tg{args.tg} | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['model']} | {r['threads']} | {r['llamacpp_pp']:.1f} ({r['llamacpp_pp_raw']:.1f}) | {r['tern_pp']:.1f} | {r['pp_ratio']:.2f}× | "
              f"{r['llamacpp_tg']:.1f} ({r['llamacpp_tg_raw']:.1f}) | {r['tern_tg']:.1f} | {r['tg_ratio']:.2f}× |")
    print(json.dumps(results))
    if hog:
        hog.kill()


if __name__ == "__main__":
    main()

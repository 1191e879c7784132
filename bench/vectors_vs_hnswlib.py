#!/usr/bin/env python3
"""HNSW side by side: Tern (`tern bench hnsw`) vs hnswlib, same M / efConstruction / efSearch, 1 thread.

Datasets (cached as .npy in WORK):
  minilm: all-MiniLM-L6-v2 embeddings, made by `tern embed --input … --output …`, of text chunks
          (--chunk-words, default 200, exact duplicates dropped) from documentation folders given with --roots
          (HTML, .txt, gzip/dictzip text); shuffled with seed 0, the first --nq chunks held out as
          queries (their first 32 words), the next --n are the base. Metric: inner product.
  gauss:  N(0,1) float32, base numpy default_rng(0) (n × 384), queries default_rng(1); metric L2.
Each side builds its index once (`tern bench hnsw --interactive` keeps its index in a process that
answers ef values on standard input); then --rounds rounds search every query at each ef, the two
sides alternating ef by ef (the order flips each round), so both meet the same machine within
seconds. Reported: median QPS per side and the median of the rounds' QPS ratios (with their range).
hnswlib's QPS is one knn_query call over all queries (num_threads=1); Tern's is one search call per
query inside the Swift process. Recall@10 is tie-aware: a returned id counts when its exact score
is ≥ the exact 10th-best score − 1e-6 (scores from one float32 numpy matrix for both sides).

usage: vectors_vs_hnswlib.py WORK [--datasets gauss,minilm] [--roots DIR ...] [--tern .build/release/tern]
                             [--n 100000] [--nq 1000] [--chunk-words 200] [--rounds 7] [--m 16] [--ef-construction 200]
                             [--ef 16,32,64,128] [--k 10] [--subset N]
Needs: hnswlib (0.8), numpy, lxml, threadpoolctl; for minilm the all-MiniLM-L6-v2 Tern finds.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import statistics
import subprocess
import tempfile
import time

import numpy as np
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK_WORDS = 200
QUERY_WORDS = 32


# ---------------------------------------------------------------- corpus and vectors

def file_text(path):
    """The readable text of one documentation file, or None."""
    low = path.lower()
    try:
        if low.endswith((".html", ".htm")):
            import lxml.html
            root = lxml.html.parse(path).getroot()
            if root is None:
                return None
            for bad in root.xpath("//script|//style|//nav"):
                bad.drop_tree()
            body = root.find("body")
            return (body if body is not None else root).text_content()
        if low.endswith((".gz", ".dz")):
            with gzip.open(path, "rb") as f:
                raw = f.read(200_000_000)
            if b"\0" in raw[:4096]:
                return None
            return raw.decode("utf-8", "replace")
        if low.endswith((".txt", ".text")) or "." not in os.path.basename(path):
            with open(path, "rb") as f:
                raw = f.read(20_000_000)
            if b"\0" in raw[:4096]:
                return None
            return raw.decode("utf-8", "replace")
    except (OSError, ValueError, EOFError):
        return None
    return None


def chunks(roots, chunk_words=CHUNK_WORDS):
    """`chunk_words`-word chunks of every readable file under `roots`, exact duplicates dropped, in walk order."""
    seen, out = set(), []
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=True):
            dirs.sort()
            for name in sorted(files):
                text = file_text(os.path.join(folder, name))
                if not text:
                    continue
                words = text.split()
                for i in range(0, len(words), chunk_words):
                    piece = words[i:i + chunk_words]
                    if len(piece) < min(20, chunk_words // 2):
                        continue
                    chunk = " ".join(piece)
                    h = hashlib.blake2b(chunk.encode(), digest_size=16).digest()
                    if h not in seen:
                        seen.add(h)
                        out.append(chunk)
    return out


def embed(tern, texts, path):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for t in texts:
            f.write(json.dumps(t) + "\n")
    try:
        subprocess.run([tern, "embed", "--input", f.name, "--output", path, "--batch", "32"], check=True)
    finally:
        os.unlink(f.name)


def minilm(a):
    suffix = "" if a.chunk_words == CHUNK_WORDS else f"_w{a.chunk_words}"
    base_path = os.path.join(a.work, f"minilm_base_{a.n}{suffix}.npy")
    query_path = os.path.join(a.work, f"minilm_queries_{a.nq}{suffix}.npy")
    if not (os.path.exists(base_path) and os.path.exists(query_path)):
        if not a.roots:
            raise SystemExit("minilm: give --roots (documentation folders) to build the corpus")
        texts = chunks(a.roots, a.chunk_words)
        random.Random(0).shuffle(texts)
        if len(texts) < a.n + a.nq:
            print(f"minilm: only {len(texts)} chunks, using {len(texts) - a.nq} as the base")
        queries = [" ".join(t.split()[:QUERY_WORDS]) for t in texts[:a.nq]]
        base = texts[a.nq:a.nq + a.n]
        with open(os.path.join(a.work, f"minilm_texts{suffix}.json"), "w") as f:
            json.dump({"queries": queries, "base_count": len(base), "roots": a.roots}, f)
        embed(a.tern, queries, query_path)
        embed(a.tern, base, base_path)
    return np.load(base_path), np.load(query_path), "ip"


def gauss(a):
    xb = np.random.default_rng(0).standard_normal((a.n, 384), dtype=np.float32)
    xq = np.random.default_rng(1).standard_normal((a.nq, 384), dtype=np.float32)
    return xb, xq, "l2"


# ---------------------------------------------------------------- the two sides

class Tern:
    """`tern bench hnsw --interactive`: builds once, then searches every query at each ef it is sent."""

    def __init__(self, a, base_path, query_path, metric):
        self.out = os.path.join(a.work, "tern_ids.npy")
        self.k = a.k
        self.proc = subprocess.Popen(
            [a.tern, "bench", "hnsw", "--base", base_path, "--queries", query_path, "--metric", metric,
             "--m", str(a.m), "--ef-construction", str(a.ef_construction), "--k", str(a.k), "--out", self.out,
             "--interactive"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"tern bench hnsw ended (exit {self.proc.wait()})")
        built = json.loads(line)
        self.build_s, self.index_bytes = built["buildSeconds"], built["indexBytes"]

    def search(self, ef):
        self.proc.stdin.write(f"{ef}\n")
        self.proc.stdin.flush()
        res = json.loads(self.proc.stdout.readline())
        return res["qps"], np.load(self.out).reshape(-1, self.k)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


class Hnswlib:
    def __init__(self, a, xb, xq, metric):
        import hnswlib
        self.xq, self.k = xq, a.k
        self.index = hnswlib.Index(space=metric, dim=xb.shape[1])
        self.index.init_index(max_elements=len(xb), ef_construction=a.ef_construction, M=a.m, random_seed=100)
        t0 = time.perf_counter()
        self.index.add_items(xb, np.arange(len(xb)), num_threads=1)
        self.build_s = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as td:
            self.index.save_index(os.path.join(td, "h.bin"))
            self.index_bytes = os.path.getsize(os.path.join(td, "h.bin"))

    def search(self, ef):
        self.index.set_ef(ef)
        t0 = time.perf_counter()
        lab, _ = self.index.knn_query(self.xq, k=self.k, num_threads=1)
        return len(self.xq) / (time.perf_counter() - t0), lab.astype(np.int64)

    def close(self):
        pass


# ---------------------------------------------------------------- truth and the table

def tie_aware_recall(xb, xq, metric, k, found_sets):
    """found_sets: {name: (nq, k) ids}; returns {name: recall@k}, counting an id when its exact
    score ≥ the exact k-th best − 1e-6 (all scores from one float32 matrix per query block)."""
    hits = {name: 0 for name in found_sets}
    norms = (xb * xb).sum(1)
    with threadpool_limits(1):
        for s in range(0, len(xq), 100):
            q = xq[s:s + 100]
            sc = q @ xb.T
            if metric == "l2":
                sc = 2 * sc - (q * q).sum(1)[:, None] - norms[None, :]
            kth = -np.partition(-sc, k - 1, axis=1)[:, k - 1]
            for name, ids in found_sets.items():
                block = ids[s:s + 100, :k]
                valid = block >= 0
                got = np.take_along_axis(sc, np.where(valid, block, 0), 1)
                hits[name] += int(((got >= kth[:, None] - 1e-6) & valid).sum())
    return {name: h / (len(xq) * k) for name, h in hits.items()}


def bench(a, name, xb, xq, metric, efs):
    if a.subset:
        xb = xb[:a.subset]
    base_path = os.path.join(a.work, f"{name}_base_run.npy")
    query_path = os.path.join(a.work, f"{name}_queries_run.npy")
    np.save(base_path, np.ascontiguousarray(xb, dtype=np.float32))
    np.save(query_path, np.ascontiguousarray(xq, dtype=np.float32))
    sides = {}
    with threadpool_limits(1):
        for side in ("tern", "hnswlib"):
            sides[side] = Tern(a, base_path, query_path, metric) if side == "tern" else Hnswlib(a, xb, xq, metric)
            print(f"[{name}] {side}: build {sides[side].build_s:.1f} s, {sides[side].index_bytes:,} bytes", flush=True)
        qps = {side: {ef: [] for ef in efs} for side in sides}
        ids = {side: {} for side in sides}
        # Searches alternate ef by ef (the order flips each round), so both sides meet the same
        # machine within seconds of each other.
        for r in range(a.rounds):
            for ef in efs:
                for side in (("tern", "hnswlib") if r % 2 == 0 else ("hnswlib", "tern")):
                    q, found = sides[side].search(ef)
                    qps[side][ef].append(q)
                    ids[side][ef] = found
            print(f"[{name}] round {r + 1}: " + " ".join(
                f"ef{ef} {qps['tern'][ef][-1]:.0f}/{qps['hnswlib'][ef][-1]:.0f}" for ef in efs), flush=True)
        for side in sides.values():
            side.close()
    recalls = {ef: tie_aware_recall(xb, xq, metric, a.k, {s: ids[s][ef] for s in sides}) for ef in efs}
    res = {"dataset": name, "n": len(xb), "nq": len(xq), "d": xb.shape[1], "metric": metric, "m": a.m,
           "ef_construction": a.ef_construction, "k": a.k, "rounds": a.rounds, "loadavg": os.getloadavg(),
           "build_s": {s: sides[s].build_s for s in sides},
           "index_bytes": {s: sides[s].index_bytes for s in sides}, "search": {}}
    print(f"\n{name}: {len(xb)} × {xb.shape[1]} {metric}, {len(xq)} queries, M {a.m}, efConstruction "
          f"{a.ef_construction}, 1 thread, {a.rounds} alternating round(s): median QPS, median of the rounds' ratios")
    print(f"{'ef':>5} {'recall Tern':>12} {'recall hnswlib':>15} {'QPS Tern':>10} {'QPS hnswlib':>12} {'Tern/hnswlib':>13} {'range':>11}")
    for ef in efs:
        qt, qh = statistics.median(qps["tern"][ef]), statistics.median(qps["hnswlib"][ef])
        ratios = [t / h for t, h in zip(qps["tern"][ef], qps["hnswlib"][ef])]
        ratio = statistics.median(ratios)
        res["search"][ef] = {"recall_tern": recalls[ef]["tern"], "recall_hnswlib": recalls[ef]["hnswlib"],
                             "qps_tern": qt, "qps_hnswlib": qh, "ratio": ratio, "ratios": ratios}
        print(f"{ef:>5} {recalls[ef]['tern']:>12.4f} {recalls[ef]['hnswlib']:>15.4f} {qt:>10.0f} {qh:>12.0f} {ratio:>12.2f}×"
              f" {min(ratios):>5.2f}–{max(ratios):.2f}")
    print(f"build s (1 thread): Tern {res['build_s']['tern']:.1f}, hnswlib {res['build_s']['hnswlib']:.1f}; "
          f"index bytes: Tern {res['index_bytes']['tern']:,}, hnswlib {res['index_bytes']['hnswlib']:,}\n")
    with open(os.path.join(a.work, f"results_{name}_{len(xb)}.json"), "w") as f:
        json.dump(res, f, indent=1)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work")
    ap.add_argument("--datasets", default="gauss,minilm")
    ap.add_argument("--roots", nargs="*", default=[])
    ap.add_argument("--tern", default=os.path.join(HERE, "..", ".build", "release", "tern"))
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--nq", type=int, default=1_000)
    ap.add_argument("--chunk-words", type=int, default=CHUNK_WORDS,
                    help="words per MiniLM chunk (200 ≈ 256 tokens, MiniLM's limit; 60 ≈ a paragraph)")
    ap.add_argument("--subset", type=int, default=0, help="use only the first N base vectors (development)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef", default="16,32,64,128")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--prepare-only", action="store_true", help="make (and cache) the datasets, time nothing")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    efs = [int(e) for e in a.ef.split(",")]
    for name in a.datasets.split(","):
        xb, xq, metric = {"gauss": gauss, "minilm": minilm}[name](a)
        if not a.prepare_only:
            bench(a, name, xb, xq, metric, efs)


if __name__ == "__main__":
    main()

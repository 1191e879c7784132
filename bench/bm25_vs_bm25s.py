#!/usr/bin/env python3
"""BM25 speed, Tern vs bm25s, side by side on this machine.

Corpus: ~100k chunks of 160 words of real text (Debian documentation: HTML read with lxml,
plain and gzip/dictd text), exact duplicates dropped; 1k known-item queries: a seeded random
chunk's run of 3–8 consecutive words with at least 3 non-stop-words (the chunk is the known
answer). Both sides use the same analysis (lower-case, `(?u)\\b\\w\\w+\\b`, bm25s's English stop
words; with --stem PyStemmer's English stemmer), method "lucene", k1 1.5, b 0.75, one thread.

Timed per round (wall clock, and process CPU time for a busy machine), rounds alternating bm25s
and Tern so both see the same machine load:
- build: bm25s = tokenize + index; Tern = reading texts is excluded, analysis + index included;
- queries: bm25s "batch" = tokenize all queries + one retrieve(k, n_threads=1) call, and
  bm25s "single" = tokenize + retrieve per query; Tern = `search` per query (analysis included).
Agreement of the top-k ids with bm25s (documents with score > 0; bm25s scores in float32, so
ties may reorder): mean |Tern ∩ bm25s| / max(|Tern|, |bm25s|), and tie-aware (a Tern id missing
from bm25s counts when its score equals Tern's k-th score within 1e-5).

Usage:
  bench/bm25_vs_bm25s.py WORK_DIR SOURCE... [--chunks 100000] [--chunk-words 160] [--queries 1000]
                         [--k 10] [--rounds 3] [--stem] [--tern .build/release/tern] [--prepare-only]
SOURCE: a folder (its .html/.htm/.txt files, recursively) or a file (.gz/.dz decompressed), e.g.
python3.11-doc's html folder, postgresql-doc-15, debian-handbook, git-doc, apache2-doc, dict-gcide's
gcide.dict.dz and the KJV text as `bible -f Gen1:1-Rev22:21` prints it (bible-kjv).
WORK_DIR keeps docs.jsonl and queries.jsonl (reused when present) and the result JSON.
Needs: pip install bm25s==0.3.16 lxml numpy scipy (PyStemmer for --stem).
"""
import argparse, gzip, json, os, random, re, statistics, subprocess, sys, time

import lxml.html

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

WORDS = re.compile(r"\S+")


def texts(source):
    """The texts of SOURCE: one per HTML page or text file."""
    if os.path.isdir(source):
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".html", ".htm", ".txt")):
                    yield from texts(os.path.join(root, name))
        return
    opener = gzip.open if source.endswith((".gz", ".dz")) else open
    with opener(source, "rb") as f:
        data = f.read()
    if source.endswith((".html", ".htm")):
        try:
            root = lxml.html.document_fromstring(data)
        except Exception:  # empty or broken page
            return
        for bad in root.xpath("//script|//style|//nav"):
            bad.drop_tree()
        yield root.text_content()
    else:
        yield data.decode("utf-8", "replace")


def chunks_of(source, size, limit):
    """Chunks of `size` whitespace words from SOURCE, at most `limit`."""
    out = []
    for text in texts(source):
        words = WORDS.findall(text)
        for i in range(0, len(words), size):
            piece = words[i:i + size]
            if len(piece) >= size // 4:
                out.append(" ".join(piece))
                if len(out) >= limit:
                    return out
    return out


def build_corpus(work, sources, n_chunks, n_queries, size):
    """docs.jsonl: chunks taken round-robin over the sources; queries.jsonl: known-item queries."""
    per_source = [chunks_of(s, size, n_chunks) for s in sources]
    for s, c in zip(sources, per_source):
        print(f"  {len(c):7d} chunks from {s}", file=sys.stderr)
    docs, seen, i = [], set(), 0
    while len(docs) < n_chunks and any(i < len(c) for c in per_source):
        for c in per_source:
            if i < len(c) and c[i] not in seen and len(docs) < n_chunks:
                seen.add(c[i])
                docs.append(c[i])
        i += 1
    rng = random.Random(13)
    stop = set(bm25s.stopwords.STOPWORDS_EN)
    term = re.compile(r"(?u)\b\w\w+\b")
    queries = []
    while len(queries) < n_queries:  # a run of 3–8 words holding at least 3 terms that are not stop words
        target = rng.randrange(len(docs))
        words = docs[target].split()
        n = rng.randint(3, 8)
        start = rng.randrange(max(1, len(words) - n))
        text = " ".join(words[start:start + n])
        if sum(t not in stop for t in term.findall(text.lower())) >= 3:
            queries.append({"text": text, "target": target})
    with open(os.path.join(work, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"text": d}, ensure_ascii=False) + "\n")
    with open(os.path.join(work, "queries.jsonl"), "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")


def run_bm25s(docs, queries, k, stemmer):
    t0, c0 = time.perf_counter(), time.process_time()
    model = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    model.index(bm25s.tokenize(docs, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    vocab = model.vocab_dict

    def tokens(q):  # bm25s refuses query words it has not indexed: keep the known ones
        words = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False)[0]
        return [w for w in words if w in vocab]

    t0, c0 = time.perf_counter(), time.process_time()
    qt = [tokens(q) for q in queries]
    placeholder = [next(w for w in vocab if w)]  # a query with no known word: its results are dropped below
    ids, scores = model.retrieve([t or placeholder for t in qt], k=k, show_progress=False, n_threads=1)
    batch, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    for q in queries:
        t = tokens(q)
        if t:
            model.retrieve([t], k=k, show_progress=False, n_threads=1)
    single, single_cpu = time.perf_counter() - t0, time.process_time() - c0
    top = [[int(d) for d, s in zip(ids[i], scores[i]) if s > 0] if qt[i] else [] for i in range(len(queries))]
    n = len(queries)
    return {"build_s": build, "build_cpu_s": build_cpu, "batch_qps": n / batch, "batch_qps_cpu": n / batch_cpu,
            "single_qps": n / single, "single_qps_cpu": n / single_cpu}, top


def run_tern(tern, work, k, stem):
    out = os.path.join(work, "tern_ids.jsonl")
    cmd = [tern, "bench", "bm25", "--corpus", os.path.join(work, "docs.jsonl"), "--queries",
           os.path.join(work, "queries.jsonl"), "--k", str(k), "--ids-out", out, "--json"] + (["--stem"] if stem else [])
    r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    with open(out) as f:
        lines = [json.loads(line) for line in f]
    return ({"build_s": r["build_seconds"], "build_cpu_s": r["build_cpu_seconds"], "qps": r["qps"], "qps_cpu": r["qps_cpu"]},
            [l["ids"] for l in lines], [l["scores"] for l in lines])


def agreement(tern_ids, tern_scores, bm25s_ids):
    plain, tie_aware, exact = [], [], 0
    for ids, scores, ref in zip(tern_ids, tern_scores, bm25s_ids):
        if not ids and not ref:
            plain.append(1.0); tie_aware.append(1.0); exact += 1
            continue
        ref_set = set(ref)
        hit = sum(d in ref_set for d in ids)
        kth = scores[-1] if scores else 0
        tied = sum(d not in ref_set and abs(s - kth) <= 1e-5 * max(1, abs(kth)) for d, s in zip(ids, scores))
        plain.append(hit / max(len(ids), len(ref)))
        tie_aware.append((hit + tied) / max(len(ids), len(ref)))
        exact += ids == ref
    return {"mean_overlap": statistics.mean(plain), "tie_aware": statistics.mean(tie_aware),
            "identical_lists": exact / len(bm25s_ids)}


def hit_at(lists, targets):
    return sum(t in l for l, t in zip(lists, targets)) / len(targets)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("sources", nargs="*")
    ap.add_argument("--chunks", type=int, default=100000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--chunk-words", type=int, default=160, help="words per chunk (160 gives ~100k distinct chunks from the sources above)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--stem", action="store_true")
    ap.add_argument("--tern", default=".build/release/tern")
    ap.add_argument("--prepare-only", action="store_true", help="write docs.jsonl and queries.jsonl, then stop")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    if not os.path.exists(os.path.join(a.work, "docs.jsonl")):
        if not a.sources:
            sys.exit("no docs.jsonl in WORK_DIR yet: give SOURCE paths to build it")
        build_corpus(a.work, a.sources, a.chunks, a.queries, a.chunk_words)
    if a.prepare_only:
        return
    docs = [json.loads(l)["text"] for l in open(os.path.join(a.work, "docs.jsonl"), encoding="utf-8")]
    qs = [json.loads(l) for l in open(os.path.join(a.work, "queries.jsonl"), encoding="utf-8")]
    queries, targets = [q["text"] for q in qs], [q["target"] for q in qs]
    stemmer = None
    if a.stem:
        import Stemmer
        stemmer = Stemmer.Stemmer("english")
    rounds = []
    for r in range(a.rounds):
        b, b_ids = run_bm25s(docs, queries, a.k, stemmer)
        t, t_ids, t_scores = run_tern(a.tern, a.work, a.k, a.stem)
        rounds.append({"bm25s": b, "tern": t, "qps_ratio_vs_batch": t["qps"] / b["batch_qps"],
                       "qps_ratio_vs_single": t["qps"] / b["single_qps"], "build_ratio": b["build_s"] / t["build_s"],
                       "cpu_qps_ratio_vs_batch": t["qps_cpu"] / b["batch_qps_cpu"],
                       "cpu_build_ratio": b["build_cpu_s"] / t["build_cpu_s"]})
        print(f"round {r + 1}: bm25s build {b['build_s']:.2f} s, {b['batch_qps']:.0f} q/s batch, {b['single_qps']:.0f} q/s "
              f"single | tern build {t['build_s']:.2f} s, {t['qps']:.0f} q/s", file=sys.stderr)
    med = lambda key, side=None: statistics.median(x[side][key] if side else x[key] for x in rounds)  # noqa: E731
    result = {
        "versions": {"bm25s": bm25s.__version__, "numpy": np.__version__}, "documents": len(docs),
        "queries": len(queries), "k": a.k, "stem": a.stem, "threads": 1, "loadavg": os.getloadavg(), "rounds": rounds,
        "median": {"bm25s_build_s": med("build_s", "bm25s"), "tern_build_s": med("build_s", "tern"),
                   "bm25s_batch_qps": med("batch_qps", "bm25s"), "bm25s_single_qps": med("single_qps", "bm25s"),
                   "tern_qps": med("qps", "tern"), "qps_ratio_vs_batch": med("qps_ratio_vs_batch"),
                   "qps_ratio_vs_single": med("qps_ratio_vs_single"), "build_ratio": med("build_ratio"),
                   "cpu_qps_ratio_vs_batch": med("cpu_qps_ratio_vs_batch"), "cpu_build_ratio": med("cpu_build_ratio")},
        "agreement": agreement(t_ids, t_scores, b_ids),
        "hit@k": {"tern": hit_at(t_ids, targets), "bm25s": hit_at(b_ids, targets)},
    }
    with open(os.path.join(a.work, "bm25_vs_bm25s.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

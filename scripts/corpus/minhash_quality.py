#!/usr/bin/env python3
"""Precision and recall of datatrove's MinHash (signature → buckets → cluster, 14 × 8, 5-grams)
on the test corpus with planted near-duplicates. The Swift counterpart is `MinHashQuality`
(Sources/Corpus/Dedup), run by MinHashQualityTests when TERN_CORPUS is set.

Usage: minhash_quality.py CORPUS_DIR [WORK_DIR]
  WORK_DIR (default: a new temporary folder) receives datatrove's stage outputs and
  signatures.bin: datatrove's signature of every document in order, 112 little-endian uint64
  (zeros for a document without 5-grams), rebuilt from its sorted bucket files; the Swift test
  compares ours with it when TERN_DATATROVE_SIGNATURES names that file.
  CORPUS_DIR holds docs_*.jsonl (records "id", "text", "metadata") and planted.json
  ({"planted_dups": [{"orig", "copy", "kind"}]}); documents are read in file-name then line order.

Scores (the same definitions as MinHashQuality):
  recall    planted pairs whose copy and original land in one cluster / planted pairs (and per kind).
  precision over clustered documents (clusters of size >= 2): a clustered document is justified
            when another member of its cluster has the same family (family = the original's id for
            a planted copy, metadata "dup_of" or "mojibake_of"; the document's own id otherwise; so copies justify each other and their
            original), or is a natural near-duplicate of it: Jaccard similarity of their exact
            5-gram shingle sets >= 0.5 (shingles as datatrove makes them). A clustered document with
            no justifying member is a false positive. precision = justified / clustered.
Prints one JSON object.
"""
import glob
import json
import os
import sys
import tempfile
import time

from datatrove.data import Document
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupSignature)
from datatrove.utils.binaryio import read_tuples_from_file

JACCARD_NATURAL = 0.5


def load(corpus):
    docs = []
    for path in sorted(glob.glob(os.path.join(corpus, "docs_*.jsonl"))):
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    m = r.get("metadata") or {}
                    family = m.get("dup_of") or m.get("mojibake_of") or r["id"]
                    docs.append((r["id"], r.get("text") or "", family or r["id"]))
    planted = json.load(open(os.path.join(corpus, "planted.json")))["planted_dups"]
    return docs, planted


def run_datatrove(docs, work):
    config = MinhashConfig()  # 5-grams, 14 buckets x 8 hashes, seed 1, xxhash 64
    sigs, buckets, clusters = (os.path.join(work, x) for x in ("sigs", "buckets", "clusters"))
    t0 = time.time()
    sig = MinhashDedupSignature(output_folder=sigs, config=config)
    sig.run((Document(text=t, id=i) for i, t, _ in docs), rank=0, world_size=1)
    t1 = time.time()
    for rank in range(config.num_buckets):
        MinhashDedupBuckets(input_folder=sigs, output_folder=buckets, config=config).run(
            rank=rank, world_size=config.num_buckets)
    MinhashDedupCluster(input_folder=buckets, output_folder=clusters, config=config, save_cluster_id=True).run()
    t2 = time.time()
    cluster_of = {}
    path = os.path.join(clusters, "000000.clusters")
    if os.path.exists(path):
        with open(path, "rb") as f:
            for doc, cid in read_tuples_from_file(f, "2I"):
                cluster_of[doc] = cid
    return cluster_of, sig, {"signature_s": round(t1 - t0, 1), "buckets_cluster_s": round(t2 - t1, 1)}


def dump_signatures(sigs, n_docs, config, out_path):
    """Reassembles per-document signatures from datatrove's sorted bucket files."""
    import numpy as np
    rows = config.hashes_per_bucket
    table = np.zeros((n_docs, config.num_buckets * rows), dtype="<u8")
    record = np.dtype([("h", "<u8", (rows,)), ("doc", "<u4")])
    for bucket in range(config.num_buckets):
        data = np.fromfile(os.path.join(sigs, f"bucket_{bucket:03d}", "00000.minhash.sig"), dtype=record)
        table[data["doc"], bucket * rows:(bucket + 1) * rows] = data["h"]
    table.tofile(out_path)


def score(docs, planted, cluster_of, shingle_set):
    index = {d[0]: k for k, d in enumerate(docs)}
    by_kind, found_kind = {}, {}
    for p in planted:
        a, b = index.get(p["orig"]), index.get(p["copy"])
        by_kind[p["kind"]] = by_kind.get(p["kind"], 0) + 1
        if a is not None and b is not None and a in cluster_of and cluster_of.get(a) == cluster_of.get(b):
            found_kind[p["kind"]] = found_kind.get(p["kind"], 0) + 1
    members = {}
    for k, c in cluster_of.items():
        members.setdefault(c, []).append(k)
    clustered = justified = 0
    cache = {}

    def shingles(k):
        if k not in cache:
            cache[k] = shingle_set(docs[k][1])
        return cache[k]

    examples = []
    for group in members.values():
        if len(group) < 2:
            continue
        for k in group:
            clustered += 1
            ok = any(docs[j][2] == docs[k][2] for j in group if j != k)
            if not ok:
                sk = shingles(k)
                for j in group:
                    if j == k:
                        continue
                    sj = shingles(j)
                    if sk and sj and len(sk & sj) / len(sk | sj) >= JACCARD_NATURAL:
                        ok = True
                        break
            justified += ok
            if not ok and len(examples) < 5:
                examples.append(docs[k][0])
    total = sum(by_kind.values())
    found = sum(found_kind.values())
    return {
        "documents": len(docs), "planted_pairs": total, "planted_found": found,
        "recall": round(found / total, 4) if total else None,
        "recall_by_kind": {k: round(found_kind.get(k, 0) / v, 4) for k, v in sorted(by_kind.items())},
        "clustered_documents": clustered, "false_positive_documents": clustered - justified,
        "precision": round(justified / clustered, 4) if clustered else None,
        "clusters": sum(1 for g in members.values() if len(g) >= 2),
        "dropped": clustered - sum(1 for g in members.values() if len(g) >= 2),
        "false_positive_examples": examples,
    }


def main():
    corpus = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="minhash_quality_")
    docs, planted = load(corpus)
    cluster_of, sig, timing = run_datatrove(docs, work)
    dump_signatures(os.path.join(work, "sigs"), len(docs), sig.config, os.path.join(work, "signatures.bin"))
    result = score(docs, planted, cluster_of, lambda t: set(sig.get_shingles(t).ravel().tolist()))
    result["timing"] = timing
    result["work_dir"] = work
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

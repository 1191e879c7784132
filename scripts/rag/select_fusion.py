#!/usr/bin/env python3
"""Choose hybrid search's fusion on one half of labelled questions, check it on the other half.

    select_fusion.py --set QA/qa.sqlite QA/qa.jsonl --set PG/pg.sqlite PG/qa.jsonl [--tern PATH] [--json OUT]

Every set is a store made by `tern rag index` and its questions (make_qa_set.py,
make_pg_qa_set.py). The questions are split in two by position (`tern rag eval --every 2`):
offset 1 selects, offset 0 is held out. The candidates are reciprocal-rank fusion with vector
weight 0.5 … 0.95 and rank constant k 1 … 60, and min-max-normalised weighted scores with vector
weight 0.5 … 0.95. A candidate qualifies when, on the selection half of every set, its hit@5 and
its MRR are each at least the better retriever's (vector or BM25); the qualifying candidate
with the highest MRR (mean over the sets) is chosen. The script then reports the chosen one,
and the runners-up, on the held-out half and on all questions. Every figure is
`tern rag eval`'s own; the script only runs it and compares.
"""
import argparse, json, os, subprocess, sys

WEIGHTS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
RRF_KS = [1, 3, 5, 10, 15, 20, 25, 30, 40, 60]
SELECT, HOLD_OUT = 1, 0   # --offset of each half


def candidates():
    for w in WEIGHTS:
        for k in RRF_KS:
            yield f"rrf k {k} w {w}", ["--fusion", "rrf", "--rrf-k", str(k), "--vector-weight", str(w)]
        yield f"weighted w {w}", ["--fusion", "weighted", "--vector-weight", str(w)]


def evaluate(tern, store, questions, modes, offset, extra=()):
    """{mode: (hit@5, MRR)} from `tern rag eval --json` on one half (offset) or all (None)."""
    cmd = [tern, "rag", "eval", "--db", store, "--questions", questions, "--modes", ",".join(modes), "--json", *extra]
    if offset is not None:
        cmd += ["--every", "2", "--offset", str(offset)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"select_fusion: {' '.join(cmd)} failed: {out.stderr.strip()}")
    return {r["mode"]: (r["hitAtK"], r["mrr"]) for r in json.loads(out.stdout)}


def margins(hybrid, retrievers):
    """hybrid − the better retriever, for hit@5 and for MRR."""
    return (hybrid[0] - max(r[0] for r in retrievers.values()), hybrid[1] - max(r[1] for r in retrievers.values()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", nargs=2, action="append", metavar=("STORE", "QUESTIONS"), required=True)
    ap.add_argument("--tern", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../.build/release/tern"))
    ap.add_argument("--runners-up", type=int, default=4)
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args()
    sets = [(os.path.basename(os.path.dirname(os.path.abspath(s))) or s, s, q) for s, q in args.set]
    halves = {"select": SELECT, "held out": HOLD_OUT, "all": None}

    base = {(name, half): evaluate(args.tern, s, q, ["vector", "bm25"], off)
            for name, s, q in sets for half, off in halves.items()}
    rows = []
    for label, flags in candidates():
        figures = {name: evaluate(args.tern, s, q, ["hybrid"], SELECT, flags)["hybrid"] for name, s, q in sets}
        qualifies = all(min(margins(figures[name], base[(name, "select")])) >= -1e-9 for name, _, _ in sets)
        mean_mrr = sum(f[1] for f in figures.values()) / len(sets)
        rows.append({"label": label, "flags": flags, "qualifies": qualifies, "select_mrr": mean_mrr, "select": figures})
    ranked = sorted(rows, key=lambda r: (not r["qualifies"], -r["select_mrr"], r["label"]))
    qualified = [r for r in ranked if r["qualifies"]]
    print(f"{len(qualified)} of {len(rows)} candidates are at least as good as the better retriever on the selection half of every set")
    for name, _, _ in sets:
        for half in halves:
            (vh, vm), (bh, bm) = base[(name, half)]["vector"], base[(name, half)]["bm25"]
            print(f"  {name} {half:8s}: vector {vh:.3f} / {vm:.3f}, BM25 {bh:.3f} / {bm:.3f}")
    shown = qualified[:1 + args.runners_up] or ranked[:1]
    for i, r in enumerate(shown):
        print(("chosen: " if i == 0 and r["qualifies"] else "        ") + f"{r['label']} (selection MRR {r['select_mrr']:.4f}): {' '.join(r['flags'])}")
        r["held"] = {}
        for name, s, q in sets:
            for half in ("select", "held out", "all"):
                h = r["select"][name] if half == "select" else evaluate(args.tern, s, q, ["hybrid"], halves[half], r["flags"])["hybrid"]
                r["held"][f"{name} {half}"] = h
                dh, dm = margins(h, base[(name, half)])
                verdict = "holds" if min(dh, dm) >= -1e-9 else "FAILS"
                print(f"    {name} {half:8s}: hybrid {h[0]:.3f} / {h[1]:.3f}  (vs the better retriever {dh:+.3f} / {dm:+.3f}) {verdict}")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump({"retrievers": {f"{k[0]} {k[1]}": v for k, v in base.items()}, "candidates": ranked}, f, indent=1)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()

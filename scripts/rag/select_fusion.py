#!/usr/bin/env python3
"""Choose hybrid search's fusion over labelled question sets, and check the choice on questions
it was not chosen on.

    select_fusion.py --set QA/qa.sqlite QA/qa.jsonl --set PG/pg.sqlite PG/qa.jsonl --set DEB/debian.sqlite DEB/qa.jsonl
                     [--tern PATH] [--runners-up 4] [--json OUT]

Every set is a store made by `tern rag index` and its questions (make_qa_set.py,
make_pg_qa_set.py, make_debian_qa_set.py). The candidates are reciprocal-rank fusion with vector
weight 0.5 … 0.95 and rank constant k 1 … 60, and min-max-normalised weighted scores with vector
weight 0.5 … 0.95. Each set's questions are split in two by position (`tern rag eval --every 2
--offset 0|1`). A candidate qualifies on a half when, on that half of every set, its hit@5 and its
MRR are each at least the better retriever's (vector or BM25).

- Two-fold check: the candidate chosen on one half alone (qualifying there, best mean MRR there)
  is reported on the other half, both ways round: does a choice made this way hold on questions
  it never saw?
- The choice: the candidate that qualifies on both halves (so on every set as a whole too) with
  the best MRR over all questions (mean over the sets).

Every figure is `tern rag eval`'s own; the script only runs it and compares.
"""
import argparse, json, os, subprocess, sys

WEIGHTS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
RRF_KS = [1, 3, 5, 10, 15, 20, 25, 30, 40, 60]
HALVES = (0, 1)


def candidates():
    for w in WEIGHTS:
        for k in RRF_KS:
            yield f"rrf k {k}, vector weight {w}", ["--fusion", "rrf", "--rrf-k", str(k), "--vector-weight", str(w)]
        yield f"weighted, vector weight {w}", ["--fusion", "weighted", "--vector-weight", str(w)]


def evaluate(tern, store, questions, modes, half, extra=()):
    """{mode: (hit@5, MRR, questions)} from `tern rag eval --json` on one half."""
    cmd = [tern, "rag", "eval", "--db", store, "--questions", questions, "--modes", ",".join(modes), "--json",
           "--every", "2", "--offset", str(half), *extra]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"select_fusion: {' '.join(cmd)} failed: {out.stderr.strip()}")
    return {r["mode"]: (r["hitAtK"], r["mrr"], r["questions"]) for r in json.loads(out.stdout)}


def whole(halves):
    """A set's figures over all its questions, from its two halves' (weighted by their sizes)."""
    n = sum(h[2] for h in halves)
    return (sum(h[0] * h[2] for h in halves) / n, sum(h[1] * h[2] for h in halves) / n, n)


def margins(hybrid, retrievers):
    """hybrid − the better retriever, for hit@5 and for MRR."""
    return (hybrid[0] - max(r[0] for r in retrievers), hybrid[1] - max(r[1] for r in retrievers))


def holds(hybrid, retrievers):
    return min(margins(hybrid, retrievers)) >= -1e-9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", nargs=2, action="append", metavar=("STORE", "QUESTIONS"), required=True)
    ap.add_argument("--tern", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../.build/release/tern"))
    ap.add_argument("--runners-up", type=int, default=4)
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args()
    sets = [(os.path.basename(os.path.dirname(os.path.abspath(s))) or s, s, q) for s, q in args.set]
    names = [name for name, _, _ in sets]

    # base[name][half] = (vector figures, BM25 figures); "all" from the halves.
    base = {}
    for name, s, q in sets:
        base[name] = {}
        for half in HALVES:
            r = evaluate(args.tern, s, q, ["vector", "bm25"], half)
            base[name][half] = (r["vector"], r["bm25"])
        base[name]["all"] = tuple(whole([base[name][h][i] for h in HALVES]) for i in (0, 1))

    rows = []
    for label, flags in candidates():
        fig = {}
        for name, s, q in sets:
            fig[name] = {half: evaluate(args.tern, s, q, ["hybrid"], half, flags)["hybrid"] for half in HALVES}
            fig[name]["all"] = whole([fig[name][h] for h in HALVES])
        ok = {part: all(holds(fig[n][part], base[n][part]) for n in names) for part in (*HALVES, "all")}
        mrr = {part: sum(fig[n][part][1] for n in names) / len(names) for part in (*HALVES, "all")}
        rows.append({"label": label, "flags": flags, "qualifies": ok, "mean_mrr": mrr, "figures": fig})

    def line(name, part, f):
        dh, dm = margins(f, base[name][part])
        return (f"    {name:12s} {str(part):4s}: hybrid {f[0]:.3f} / {f[1]:.3f}  (vs the better retriever "
                f"{dh:+.3f} / {dm:+.3f}) {'holds' if min(dh, dm) >= -1e-9 else 'FAILS'}")

    for name in names:
        for part in (*HALVES, "all"):
            (vh, vm, n), (bh, bm, _) = base[name][part]
            print(f"  {name:12s} {str(part):4s}: {n} questions; vector {vh:.3f} / {vm:.3f}, BM25 {bh:.3f} / {bm:.3f}")
    print("Two-fold check: chosen on one half, measured on the other")
    for half in HALVES:
        other = 1 - half
        fold = sorted((r for r in rows if r["qualifies"][half]), key=lambda r: (-r["mean_mrr"][half], r["label"]))
        if not fold:
            print(f"  half {half}: no candidate qualifies")
            continue
        r = fold[0]
        print(f"  chosen on half {half} ({len(fold)} qualify): {r['label']}; on half {other}:")
        for name in names:
            print(line(name, other, r["figures"][name][other]))

    both = sorted((r for r in rows if r["qualifies"][0] and r["qualifies"][1]), key=lambda r: (-r["mean_mrr"]["all"], r["label"]))
    print(f"{len(both)} of {len(rows)} candidates are at least as good as the better retriever on both halves of every set")
    for i, r in enumerate(both[:1 + args.runners_up]):
        print(("chosen: " if i == 0 else "        ") + f"{r['label']} (mean MRR {r['mean_mrr']['all']:.4f}): {' '.join(r['flags'])}")
        for name in names:
            for part in (*HALVES, "all"):
                print(line(name, part, r["figures"][name][part]))
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump({"retrievers": base, "candidates": rows}, f, indent=1)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()

"""Runs datatrove's four quality filters (GopherQualityFilter, GopherRepetitionFilter,
C4QualityFilter, FineWebQualityFilter; default arguments, each on the record's original
"text") over every record of a corpus folder (docs_*.jsonl, records {"id","text",...}) and
writes one compact JSON line per record:

  {"id", "sha1" (of the UTF-8 text), "fnv1a64" (same, FNV-1a 64, 16 hex digits),
   "gopher_quality", "gopher_repetition", "c4", "fineweb" ("keep" or datatrove's reason),
   "c4_text_fnv1a64" (hash of C4's rewritten text, null when dropped)}

Usage: python scripts/corpus/datatrove_filter_decisions.py CORPUS_DIR [OUT.jsonl]
(OUT defaults to CORPUS_DIR/datatrove_filter_decisions.jsonl; written to a temporary file
and renamed when complete).
"""
import glob
import hashlib
import json
import os
import sys
import time

from datatrove.data import Document
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def decide(flt, text):
    doc = Document(text=text, id="x")
    result = flt.filter(doc)
    if result is True:
        return "keep", doc.text
    return (result[1] if isinstance(result, tuple) else "drop"), None


def main():
    corpus = sys.argv[1]
    out_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(corpus, "datatrove_filter_decisions.jsonl")
    filters = {
        "gopher_quality": GopherQualityFilter(),
        "gopher_repetition": GopherRepetitionFilter(),
        "c4": C4QualityFilter(),
        "fineweb": FineWebQualityFilter(),
    }
    tmp = out_path + ".tmp"
    n = 0
    start = time.time()
    with open(tmp, "w", encoding="utf-8") as out:
        for path in sorted(glob.glob(os.path.join(corpus, "docs_*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    text = rec.get("text") or ""
                    row = {"id": rec.get("id"), "sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
                           "fnv1a64": fnv1a64(text)}
                    for name, flt in filters.items():
                        verdict, new_text = decide(flt, text)
                        row[name] = verdict
                        if name == "c4":
                            row["c4_text_fnv1a64"] = fnv1a64(new_text) if new_text is not None else None
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
                    if n % 1000 == 0:
                        print(f"{n} records, {time.time() - start:.0f} s", file=sys.stderr, flush=True)
    os.replace(tmp, out_path)
    print(f"{n} records -> {out_path} in {time.time() - start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

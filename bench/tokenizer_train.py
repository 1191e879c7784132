#!/usr/bin/env python3
"""Byte-level BPE training time and encode throughput: Tern vs HF tokenizers (and tiktoken).

One deterministic corpus (English prose, code, CJK, emoji, digits, whitespace runs), one vocabulary
size, one pre-tokenizer (GPT-2's split). Training: `tern tokenizer train` (wall clock, process
included) against HF's BpeTrainer on the same file (wall clock in-process; it uses every core).
Encoding: every line of the corpus, one call per line: Tern (`tern tokenizer encode`, one
thread, timed in-process), HF with Tern's own tokenizer.json (`encode` per line on one thread,
and `encode_batch` on all cores), tiktoken with the same vocabulary and split (`encode_ordinary`
per line and `encode_ordinary_batch`). Token totals are checked equal. Ratios are Tern / peer
(> 1: Tern is faster). Run only when no build is running.

Needs: tokenizers, tiktoken (Tests/requirements.txt), a release build of tern
(swift build -c release) or $TERN_BINARY.
Usage: bench/tokenizer_train.py [--mb 16] [--vocab-size 8192] [--rounds 3]
"""
import argparse
import base64
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GPT2_SPLIT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

WORDS = ("the of and to in is was for on that with as by at from his her an were are which this be or has had "
         "not but first one their its new after who they have two been other when there all also during time into "
         "school world year city people state group family system program model training tokenizer inference").split()
CODE = ["def f(x):", "    return x * 2", "for i in range(10):", "if (a && b) || !c {", "}", "let v = [1, 2, 3]",
        "#include <stdio.h>", "printf(\"%d\\n\", n);", "// TODO: fix", "x += 1;", "<div class=\"row\">", "</div>"]
CJK = ["人工智能", "计算机", "科学", "的", "一个", "目标", "机器", "东京", "ひらがな", "カタカナ", "한국어"]
EMOJI = ["😀", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🚀", "✨"]


def make_corpus(path, megabytes, seed=1234):
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    size = 0
    with open(path, "w", encoding="utf-8") as f:
        while size < target:
            kind = rng.random()
            if kind < 0.7:
                words = [rng.choice(WORDS) for _ in range(rng.randint(5, 25))]
                if rng.random() < 0.3:
                    words.insert(rng.randrange(len(words)), str(rng.randint(0, 100000)))
                line = " ".join(words).capitalize() + rng.choice([".", "!", "?", ","])
            elif kind < 0.85:
                line = rng.choice(CODE)
            elif kind < 0.95:
                line = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 12))) + "。"
            else:
                line = " ".join(rng.choice(EMOJI) + rng.choice(WORDS) for _ in range(rng.randint(1, 5)))
            if rng.random() < 0.05:
                line += " " * rng.randint(2, 8)
            line += "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
    return size


def tern_binary():
    path = os.environ.get("TERN_BINARY") or os.path.join(ROOT, ".build", "release", "tern")
    if not os.access(path, os.X_OK):
        sys.exit(f"{path} is not an executable: swift build -c release, or set TERN_BINARY")
    return path


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mb", type=int, default=16)
    p.add_argument("--vocab-size", type=int, default=8192)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    import tokenizers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tern = tern_binary()
    work = tempfile.mkdtemp(prefix="tern-bench-bpe-")
    corpus = os.path.join(work, "corpus.txt")
    nbytes = make_corpus(corpus, a.mb)
    with open(corpus, encoding="utf-8") as f:
        lines = f.readlines()
    print(f"corpus: {nbytes / 1e6:.1f} MB, {len(lines)} lines; vocab {a.vocab_size}; {os.cpu_count()} cores; "
          f"tokenizers {tokenizers.__version__}")

    tern_json = os.path.join(work, "tern.json")
    hf_json = os.path.join(work, "hf.json")

    def train_tern():
        subprocess.run([tern, "tokenizer", "train", "--input", corpus, "--vocab-size", str(a.vocab_size),
                        "--min-frequency", "2", "--output", tern_json], check=True, stderr=subprocess.DEVNULL)

    def train_hf():
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=a.vocab_size, min_frequency=2, show_progress=False,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tok.train([corpus], trainer)
        tok.save(hf_json)

    train = {"tern": [], "hf": []}
    for _ in range(a.rounds):  # alternate so that machine noise falls on both
        train["tern"].append(timed(train_tern)[0])
        train["hf"].append(timed(train_hf)[0])
    t_tern, t_hf = statistics.median(train["tern"]), statistics.median(train["hf"])
    same = json.load(open(tern_json))["model"]["merges"] == [
        m if isinstance(m, str) else " ".join(m) for m in json.load(open(hf_json))["model"]["merges"]]
    print(f"train: tern {t_tern:.2f} s, hf {t_hf:.2f} s (all cores) -> tern/hf speed {t_hf / t_tern:.2f}x; "
          f"same merges: {same}")

    # Encoding, all with Tern's vocabulary.
    hf = Tokenizer.from_file(tern_json)
    model = json.load(open(tern_json, encoding="utf-8"))["model"]
    byte_of = {}
    n = 256
    for b in range(256):
        if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF:
            byte_of[chr(b)] = b
        else:
            byte_of[chr(n)] = b
            n += 1
    ranks = {bytes(byte_of[c] for c in token): i for token, i in model["vocab"].items()}
    encoders = {}
    try:
        import tiktoken
        encoders["tiktoken"] = tiktoken.Encoding("tern-trained", pat_str=GPT2_SPLIT, mergeable_ranks=ranks, special_tokens={})
    except ImportError:
        print("tiktoken not installed: skipped")

    def tern_encode():
        out = subprocess.run([tern, "tokenizer", "encode", "--tokenizer", tern_json, "--input", corpus, "--json"],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        return r["seconds"], r["tokens"]

    rows = {"tern (1 thread)": [], "hf encode (1 thread)": [], "hf encode_batch (all cores)": [],
            "tiktoken encode (1 thread)": [], "tiktoken encode_batch (all cores)": []}
    totals = {}
    for _ in range(a.rounds):
        s, totals["tern"] = tern_encode()
        rows["tern (1 thread)"].append(s)
        s, r = timed(lambda: sum(len(hf.encode(l).ids) for l in lines))
        rows["hf encode (1 thread)"].append(s); totals["hf"] = r
        s, r = timed(lambda: sum(len(e.ids) for e in hf.encode_batch(lines)))
        rows["hf encode_batch (all cores)"].append(s); totals["hf batch"] = r
        if "tiktoken" in encoders:
            enc = encoders["tiktoken"]
            s, r = timed(lambda: sum(len(enc.encode_ordinary(l)) for l in lines))
            rows["tiktoken encode (1 thread)"].append(s); totals["tiktoken"] = r
            s, r = timed(lambda: sum(len(x) for x in enc.encode_ordinary_batch(lines)))
            rows["tiktoken encode_batch (all cores)"].append(s)
    base = statistics.median(rows["tern (1 thread)"])
    print(f"encode token totals: {totals}")
    for name, times in rows.items():
        if not times:
            continue
        m = statistics.median(times)
        print(f"encode {name:36s} {nbytes / m / 1e6:7.2f} MB/s   tern/this speed {m / base:5.2f}x")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

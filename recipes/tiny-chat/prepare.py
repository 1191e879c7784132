#!/usr/bin/env python3
"""Data for the tiny-chat recipe, from packages installed by name (no downloads of data):
  - the King James Bible (public domain; Debian's `bible-kjv`, read with its `bible` command):
    one JSONL document per chapter -> data/kjv.jsonl
  - English question/answer conversations of `chatterbot-corpus` (BSD-3, pip): one
    {"messages": [user, assistant, ...]} line per conversation -> data/chat.jsonl
Usage: prepare.py OUTPUT_DIR
"""
import glob, json, os, re, subprocess, sys

import chatterbot_corpus
import yaml

out = sys.argv[1] if len(sys.argv) > 1 else "data"
os.makedirs(out, exist_ok=True)

# The whole Bible, Genesis 1:1 to Revelation 22:21; chapter headings start at column 0
# ("Genesis 1"), verses are indented and numbered.
raw = subprocess.run(["bible", "gen1:1-rev22:21"], capture_output=True, text=True, check=True).stdout
chapters, current = [], None
for line in raw.split("\n"):
    if line and not line.startswith(" ") and re.match(r"^[1-3]?\s?[A-Za-z][A-Za-z ]* \d+$", line.strip()):
        if current:
            chapters.append(current)
        current = [line.strip() + "."]
    elif current is not None:
        m = re.match(r"^\s+\d+ (.*)$", line)
        if m:
            current.append(m.group(1).strip())
        elif line.strip():
            current[-1] += " " + line.strip()
if current:
    chapters.append(current)
with open(os.path.join(out, "kjv.jsonl"), "w", encoding="utf-8") as f:
    for c in chapters:
        f.write(json.dumps({"text": c[0] + "\n" + " ".join(c[1:])}, ensure_ascii=False) + "\n")

# Conversations alternate user / assistant, starting with the user.
root = os.path.join(os.path.dirname(chatterbot_corpus.__file__), "data", "english")
rows = 0
# chat_text.jsonl: the same conversations as plain text, so the tokenizer learns their words too.
with open(os.path.join(out, "chat.jsonl"), "w", encoding="utf-8") as f, \
        open(os.path.join(out, "chat_text.jsonl"), "w", encoding="utf-8") as text:
    for path in sorted(glob.glob(os.path.join(root, "*.yml"))):
        for conv in yaml.safe_load(open(path, encoding="utf-8")).get("conversations", []):
            turns = [str(t).strip() for t in conv if str(t).strip()]
            if len(turns) < 2:
                continue
            if len(turns) % 2:
                turns = turns[:-1]
            msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
            f.write(json.dumps({"messages": msgs}, ensure_ascii=False) + "\n")
            text.write(json.dumps({"text": "\n".join(turns)}, ensure_ascii=False) + "\n")
            rows += 1
print(json.dumps({"chapters": len(chapters), "conversations": rows}))

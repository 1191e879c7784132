#!/usr/bin/env python3
"""Greedy tokens of an exported GGUF in llama.cpp (llama-cpp-python) and in `tern generate`.

Tern renders the question with the model's chat template and prints its prompt and generated
token ids (--json); llama.cpp evaluates the same prompt ids and decodes greedily. Prints both and
exits 1 when they differ.
Usage: compare_llamacpp.py --tern PATH --model chat.gguf --question "What is AI?" [--tokens 40]
"""
import argparse, json, subprocess, sys

import llama_cpp

ap = argparse.ArgumentParser()
ap.add_argument("--tern", required=True)
ap.add_argument("--model", required=True)
ap.add_argument("--question", required=True)
ap.add_argument("--tokens", type=int, default=40)
a = ap.parse_args()

out = subprocess.run([a.tern, "generate", "--model", a.model, "--chat", "--prompt", a.question, "--temperature", "0",
                      "-n", str(a.tokens), "--json"], capture_output=True, text=True, check=True).stdout
tern = json.loads(out)
prompt, ours = tern["prompt_tokens"], tern["tokens"]

llm = llama_cpp.Llama(model_path=a.model, n_ctx=256, n_threads=2, verbose=False)
theirs = []
for token in llm.generate(prompt, temp=0.0, top_k=1, top_p=1.0, repeat_penalty=1.0, reset=True):
    if llm.token_eos() == token or len(theirs) == len(ours):
        break
    theirs.append(token)
    if len(theirs) == a.tokens:
        break
same = theirs == ours[:len(theirs)] and len(theirs) == len(ours)
print(json.dumps({"prompt_tokens": len(prompt), "tern": ours, "llama.cpp": theirs, "same": same,
                  "text": tern.get("text", "")}))
sys.exit(0 if same else 1)

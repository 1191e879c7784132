#!/usr/bin/env python3
"""The tiny-chat run in numbers: pretraining and SFT validation losses, and PyTorch's when present.
Usage: summary.py PRETRAIN_RUN SFT_RUN [torch_reference.json]"""
import json, os, sys


def last(run, key):
    rows = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if l.strip()]
    values = [r[key] for r in rows if r.get(key) is not None]
    return values[-1] if values else None


summary = {"pretrain_validation_loss": last(sys.argv[1], "validationLoss"),
           "pretrain_tokens_per_second": last(sys.argv[1], "tokensPerSecond"),
           "sft_validation_loss": last(sys.argv[2], "validationLoss")}
if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
    torch = json.load(open(sys.argv[3]))
    summary["torch_validation_loss"] = torch["final_validation_loss"]
    summary["torch_tokens_per_second"] = torch["tokens_per_second"]
print(json.dumps(summary, indent=1))

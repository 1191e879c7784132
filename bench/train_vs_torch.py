#!/usr/bin/env python3
"""Training throughput, Tern vs PyTorch eager, side by side on this machine.

The issue's configuration: GPT-2 style, 6 layers, 6 heads, width 384, context 256, vocabulary 8192,
batch 16, fp32, 2 threads; one step = forward, backward, global-norm clipping, AdamW (β 0.9/0.95,
decay 0.1 on matrices). Rounds alternate Tern (`tern train bench --json`) and PyTorch (a nanoGPT
model in this file) so that both see the same machine load; each reports the median step time
of its timed steps, and the ratio is taken per round.
Usage: bench/train_vs_torch.py [--tern .build/release/tern] [--rounds 3] [--steps 6] [--threads 2]
"""
import argparse, json, math, os, statistics, subprocess, time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, T, L, H, D, B = 8192, 256, 6, 6, 384, 16


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.c_attn, self.c_proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.c_fc, self.mlp_proj = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, H, c // H).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, c)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, D), nn.Embedding(T, D)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(D)
        self.head = nn.Linear(D, V, bias=False)
        self.head.weight = self.wte.weight
        for n, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * L) if n.endswith(("c_proj.weight", "mlp_proj.weight")) else 0.02)
            elif n.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for b in self.h:
            x = b(x)
        logits = self.head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, V), targets.view(-1))


def torch_round(model, opt, params, x, y, warmup, steps):
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[warmup:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "tern"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = GPT()
    params = list(model.parameters())
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
                             {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}], lr=6e-4, betas=(0.9, 0.95))
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    rows = []
    for r in range(a.rounds):
        out = subprocess.run([a.tern, "train", "bench", "--json", "--threads", str(a.threads), "--warmup", str(a.warmup),
                              "--steps", str(a.steps)], capture_output=True, text=True, check=True).stdout
        tern = json.loads(out)
        torch_step = torch_round(model, opt, params, x, y, a.warmup, a.steps)
        row = {"round": r + 1, "tern_step_s": round(tern["medianStepSeconds"], 3), "torch_step_s": round(torch_step, 3),
               "tern_tokens_per_s": round(B * T / tern["medianStepSeconds"], 1), "torch_tokens_per_s": round(B * T / torch_step, 1),
               "ratio": round(torch_step / tern["medianStepSeconds"], 2), "load": round(os.getloadavg()[0], 2)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(json.dumps({"config": "GPT 6L/6H/d384/ctx256/vocab8192, batch 16, fp32", "threads": a.threads,
                      "torch": torch.__version__, "parameters": tern["parameters"],
                      "median_ratio": statistics.median(r["ratio"] for r in rows)}))


if __name__ == "__main__":
    main()

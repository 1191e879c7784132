#!/usr/bin/env python3
"""The tiny-chat pretraining run in PyTorch eager, for comparison with `tern train pretrain`.

Same model (Llama style as Tern builds it: RMSNorm, RoPE on adjacent pairs, SwiGLU, tied head,
nanoGPT init), same optimizer (AdamW β=(0.9, 0.95), decay 0.1 on matrices, clip 1.0), same
warmup + cosine schedule, same token shards; its own random window order (the comparison is of
the validation loss a config reaches, not of bits). Validation: the first `evalBatches` batches
of the validation split in order, exactly the windows Tern evaluates.
Usage: torch_reference.py --config pretrain.json --data SHARDS [--threads 2] [--out result.json]
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F


def read_split(directory, split):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    width = manifest["bytes_per_token"]
    parts = []
    for shard in manifest[split]["shards"]:
        raw = np.fromfile(os.path.join(directory, shard["file"]), dtype=np.uint8, offset=256)
        parts.append(raw.view(np.uint16 if width == 2 else np.uint32).astype(np.int64))
    return torch.from_numpy(np.concatenate(parts)), manifest["tokenizer"]["vocabulary_size"]


class Model(torch.nn.Module):
    def __init__(self, vocab, ctx, layers, heads, width, ff, rope_base):
        super().__init__()
        self.heads, self.hd, self.eps = heads, width // heads, 1e-5
        self.emb = torch.nn.Parameter(torch.randn(vocab, width) * 0.02)
        std_out = 0.02 / math.sqrt(2 * layers)
        def mat(o, i, std=0.02):
            return torch.nn.Parameter(torch.randn(o, i) * std)
        self.blocks = torch.nn.ModuleList()
        for _ in range(layers):
            b = torch.nn.Module()
            b.n1, b.n2 = torch.nn.Parameter(torch.ones(width)), torch.nn.Parameter(torch.ones(width))
            b.q, b.k, b.v, b.o = mat(width, width), mat(width, width), mat(width, width), mat(width, width, std_out)
            b.g, b.u, b.d = mat(ff, width), mat(ff, width), mat(width, ff, std_out)
            self.blocks.append(b)
        self.nf = torch.nn.Parameter(torch.ones(width))
        # RoPE on adjacent pairs (x[2i], x[2i+1]) with angle pos * base^(-2i/hd).
        inv = rope_base ** (-torch.arange(0, self.hd, 2, dtype=torch.float32) / self.hd)
        ang = torch.arange(ctx, dtype=torch.float32)[:, None] * inv[None, :]
        self.register_buffer("cos", ang.cos(), persistent=False)
        self.register_buffer("sin", ang.sin(), persistent=False)

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rope(self, x):  # x: (B, H, T, hd)
        T = x.shape[2]
        a, b = x[..., 0::2], x[..., 1::2]
        c, s = self.cos[:T], self.sin[:T]
        return torch.stack((a * c - b * s, a * s + b * c), dim=-1).flatten(-2)

    def forward(self, idx, targets):
        B, T = idx.shape
        x = self.emb[idx]
        for b in self.blocks:
            h = self.rms(x, b.n1)
            q, k, v = (F.linear(h, w).view(B, T, self.heads, self.hd).transpose(1, 2) for w in (b.q, b.k, b.v))
            y = F.scaled_dot_product_attention(self.rope(q), self.rope(k), v, is_causal=True)
            x = x + F.linear(y.transpose(1, 2).reshape(B, T, -1), b.o)
            h = self.rms(x, b.n2)
            x = x + F.linear(F.silu(F.linear(h, b.g)) * F.linear(h, b.u), b.d)
        logits = F.linear(self.rms(x, self.nf), self.emb)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    cfg = json.load(open(a.config))
    m = cfg.get("model", {})
    torch.set_num_threads(a.threads)
    torch.manual_seed(cfg.get("seed", 1337))
    train, vocab = read_split(a.data, "train")
    val, _ = read_split(a.data, "validation")
    T, B = m.get("context", 256), cfg.get("batchSize", 16)
    width, heads = m.get("width", 384), m.get("heads", 6)
    ff = m.get("feedForward") or (8 * width // 3 + 63) // 64 * 64
    model = Model(m.get("vocabulary") or vocab, T, m.get("layers", 6), heads, width, ff, m.get("ropeBase", 10000.0))
    params = list(model.parameters())
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.get("weightDecay", 0.1)},
                             {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                            lr=cfg.get("learningRate", 6e-4), betas=(cfg.get("beta1", 0.9), cfg.get("beta2", 0.95)))
    steps, warm = cfg.get("steps", 1000), cfg.get("warmupSteps", 100)
    peak = cfg.get("learningRate", 6e-4)
    low = cfg.get("minLearningRate") or peak / 10

    def lr_at(s):
        if s < warm:
            return peak * (s + 1) / warm
        p = (s - warm) / max(1, steps - warm)
        return low + 0.5 * (1 + math.cos(math.pi * p)) * (peak - low)

    windows = (len(val) - 1) // T
    held = [torch.stack([val[w * T:w * T + T + 1] for w in range(i * B, (i + 1) * B)])
            for i in range(min(cfg.get("evalBatches", 8), windows // B))]

    @torch.no_grad()
    def evaluate():
        return sum(model(h[:, :-1], h[:, 1:]).item() for h in held) / len(held)

    g = torch.Generator().manual_seed(cfg.get("seed", 1337))
    curve, t0, every = [], time.perf_counter(), cfg.get("evalEvery", 100)
    for s in range(steps):
        for grp in opt.param_groups:
            grp["lr"] = lr_at(s)
        ix = torch.randint(len(train) - T - 1, (B,), generator=g)
        batch = torch.stack([train[i:i + T + 1] for i in ix])
        loss = model(batch[:, :-1], batch[:, 1:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, cfg.get("gradClip", 1.0))
        opt.step()
        if (s + 1) % every == 0 or s + 1 == steps:
            row = {"step": s + 1, "loss": round(loss.item(), 4), "validationLoss": round(evaluate(), 4),
                   "seconds": round(time.perf_counter() - t0, 1)}
            curve.append(row)
            print(json.dumps(row), flush=True)
    result = {"torch": torch.__version__, "threads": a.threads, "steps": steps, "final_validation_loss": curve[-1]["validationLoss"],
              "tokens_per_second": round(steps * B * T / (time.perf_counter() - t0), 1), "curve": curve}
    if a.out:
        json.dump(result, open(a.out, "w"), indent=1)
    print(json.dumps({k: v for k, v in result.items() if k != "curve"}))


if __name__ == "__main__":
    main()

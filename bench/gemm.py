#!/usr/bin/env python3
"""Tern's f32 GEMM (`tern bench gemm`) against PyTorch on the multiplies of a GPT training step.

Same shapes (taken from `tern bench gemm --list --json`), same thread count, same operations:
  NT   Y = X·Wᵀ          torch.matmul(x, w.t(), out=y)      (nn.Linear forward)
  NN   dX = dY·W         torch.matmul(dy, w, out=dx)
  TN+  dW += dYᵀ·X       dw.addmm_(dy.t(), x)
  attention shapes (×96 independent multiplies): torch.bmm over the batch; Tern runs one
  single-threaded multiply per (sequence, head) spread over its pool, as training calls them.

The machine is shared: rounds alternate (Tern then torch, shape by shape) so that both see the
same load, each figure is a median, and the load average is printed before and after. Treat
absolute figures as indicative and compare ratios.

    swift build -c release --product tern
    python bench/gemm.py --threads 2 --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tern_rate(binary, shape, threads, repetitions, min_time):
    out = subprocess.run([binary, "bench", "gemm", "--shape", shape["name"], "--threads", str(threads),
                          "--repetitions", str(repetitions), "--min-time", str(min_time), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]["medianGFLOPS"]


def torch_rate(shape, repetitions, min_time):
    m, n, k, batch = shape["m"], shape["n"], shape["k"], shape["batch"]
    ta, tb, acc = shape["transposeA"], shape["transposeB"], shape["accumulate"]
    lead = (batch,) if batch > 1 else ()
    a = torch.rand(*lead, *((k, m) if ta else (m, k))) * 2 - 1
    b = torch.rand(*lead, *((n, k) if tb else (k, n))) * 2 - 1
    c = torch.zeros(*lead, m, n)
    op_a = a.transpose(-1, -2) if ta else a
    op_b = b.transpose(-1, -2) if tb else b
    if acc:
        def run():
            c.baddbmm_(op_a, op_b) if batch > 1 else c.addmm_(op_a, op_b)
    else:
        def run():
            torch.bmm(op_a, op_b, out=c) if batch > 1 else torch.matmul(op_a, op_b, out=c)
    flops = 2.0 * m * n * k * batch
    run()
    start = time.perf_counter()
    run()
    once = time.perf_counter() - start
    iterations = max(1, int(min_time / max(once, 1e-9) + 1))
    rates = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(iterations):
            run()
        rates.append(flops * iterations / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "tern"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="alternating Tern/torch rounds per shape")
    parser.add_argument("--repetitions", type=int, default=5, help="timed repetitions per round (median)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    parser.add_argument("--shape", action="append", default=[], help="only these shapes (repeatable)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    shapes = json.loads(subprocess.run([args.binary, "bench", "gemm", "--list", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    if args.shape:
        shapes = [s for s in shapes if s["name"] in args.shape]
    print(f"threads {args.threads}, torch {torch.__version__}, load average before: {load_average()}")
    print(f"{'shape':<13} {'op':<4} {'m':>5} {'n':>5} {'k':>5} {'batch':>5}  {'tern':>7}  {'torch':>7}  ratio  (GFLOP/s, medians)")
    ratios = []
    for shape in shapes:
        tern, reference = [], []
        for _ in range(args.rounds):
            tern.append(tern_rate(args.binary, shape, args.threads, args.repetitions, args.min_time))
            reference.append(torch_rate(shape, args.repetitions, args.min_time))
        t, r = statistics.median(tern), statistics.median(reference)
        ratios.append(t / r)
        layout = ("T" if shape["transposeA"] else "N") + ("T" if shape["transposeB"] else "N") + ("+" if shape["accumulate"] else "")
        print(f"{shape['name']:<13} {layout:<4} {shape['m']:>5} {shape['n']:>5} {shape['k']:>5} {shape['batch']:>5}  "
              f"{t:7.1f}  {r:7.1f}  {t / r:5.2f}", flush=True)
    print(f"geometric mean ratio tern/torch: {statistics.geometric_mean(ratios):.2f}; load average after: {load_average()}")


if __name__ == "__main__":
    main()

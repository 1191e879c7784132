#!/usr/bin/env python3
"""Load generator for OpenAI-compatible servers: Tern's `tern serve` and llama.cpp's `llama-server`
side by side on the same GGUF with the same threads.

For each concurrency level, C clients each send R streamed chat requests one after another
(temperature 0, `max_tokens` M, `ignore_eos` so every request generates exactly M tokens on both
servers). Reported per server and level: aggregate generated tokens/s over the wall time, time to
first token (p50 / p99), and the mean per-stream decode rate. Levels alternate between the servers
so that machine noise falls on both.

Both servers are started by the script on loopback and stopped at the end. The client is the
official `openai` package (AsyncOpenAI), which is what users run.

Usage:
  bench/serve_load.py --model qwen2.5-0.5b --concurrency 1 4 8 16 --requests 3 --max-tokens 128 \
      [--tern .build/release/tern] [--llama-server PATH] [--threads 2] [--parallel 16] [--json out.json]
  bench/serve_load.py --model qwen2.5-0.5b --prefix-test          # TTFT with and without a cached 1,000-token prefix
"""
import argparse, asyncio, json, os, signal, socket, statistics, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from inference_vs_llamacpp import FILES, MODELS_DIR  # noqa: E402

TOPICS = ["a lighthouse keeper", "the history of tea", "how rainbows form", "a robot learning to paint",
          "the water cycle", "a journey across the desert", "why the sky is blue", "a city under the sea",
          "the life of a honeybee", "building a wooden boat", "the first day of school", "a comet's orbit",
          "a chess tournament", "volcanoes", "a lost umbrella", "the moon landing"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base, process, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not become healthy")


class Server:
    def __init__(self, name, argv, port):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join("/tmp", f"serve_load_{name}_{port}.log"), "w")
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        wait_healthy(self.base, self.process)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def start_tern(binary, model_path, threads, parallel, ctx):
    port = free_port()
    argv = [binary, "serve", "--model", model_path, "--port", str(port), "--parallel", str(parallel),
            "--ctx", str(ctx), "--threads", str(threads)]
    return Server("tern", argv, port)


def start_llama(binary, model_path, threads, parallel, ctx):
    port = free_port()
    # llama-server's --ctx-size is shared by its slots: ctx per slot = ctx-size / parallel.
    argv = [binary, "-m", model_path, "--port", str(port), "--host", "127.0.0.1", "-t", str(threads), "-tb", str(threads),
            "--parallel", str(parallel), "-c", str(ctx * parallel), "--cont-batching", "--jinja", "--no-webui"]
    return Server("llama.cpp", argv, port)


async def one_request(client, model, prompt, max_tokens, stream=True):
    t0 = time.perf_counter()
    first = None
    tokens = 0
    if stream:
        s = await client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens, temperature=0,
            stream=True, stream_options={"include_usage": True}, extra_body={"ignore_eos": True})
        usage = None
        chunks = 0
        async for chunk in s:
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                chunks += 1
                if first is None:
                    first = time.perf_counter()
            if chunk.usage:
                usage = chunk.usage
        tokens = usage.completion_tokens if usage else chunks
    end = time.perf_counter()
    return {"ttft": (first or end) - t0, "total": end - t0, "tokens": tokens}


async def level(base, model, concurrency, requests, max_tokens):
    import openai
    client = openai.AsyncOpenAI(base_url=base + "/v1", api_key="none", max_retries=0, timeout=600)
    results = []

    async def worker(w):
        for r in range(requests):
            topic = TOPICS[(w * requests + r) % len(TOPICS)]
            results.append(await one_request(client, model, f"Write a long story about {topic}.", max_tokens))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    wall = time.perf_counter() - t0
    await client.close()
    ttfts = sorted(r["ttft"] for r in results)
    generated = sum(r["tokens"] for r in results)
    per_stream = [(r["tokens"] - 1) / (r["total"] - r["ttft"]) for r in results if r["tokens"] > 1 and r["total"] > r["ttft"]]
    return {"concurrency": concurrency, "requests": len(results), "generated": generated, "wall": wall,
            "throughput": generated / wall, "ttft_p50": statistics.median(ttfts),
            "ttft_p99": ttfts[min(len(ttfts) - 1, int(round(0.99 * (len(ttfts) - 1))))],
            "stream_rate": statistics.mean(per_stream) if per_stream else 0}


async def prefix_test(base, model, prefix_tokens_target=1000):
    """TTFT of a request with a ~1,000-token prefix, then of one sharing it (prefix cache)."""
    import openai
    client = openai.AsyncOpenAI(base_url=base + "/v1", api_key="none", max_retries=0, timeout=600)
    paragraph = ("The archive holds letters, maps and ledgers from the harbour's first century; "
                 "each item is catalogued by year, author and the ship it mentions. ")
    prefix = paragraph * max(1, prefix_tokens_target // 30)
    out = []
    for question in ["Which ships are mentioned most often?", "Summarise the ledgers in one sentence."]:
        t0 = time.perf_counter()
        s = await client.chat.completions.create(
            model=model, messages=[{"role": "system", "content": prefix}, {"role": "user", "content": question}],
            max_tokens=4, temperature=0, stream=True, stream_options={"include_usage": True})
        first = None
        prompt_tokens = None
        async for chunk in s:
            if first is None and chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                first = time.perf_counter()
            if chunk.usage:
                prompt_tokens = chunk.usage.prompt_tokens
        out.append({"ttft": (first or time.perf_counter()) - t0, "prompt_tokens": prompt_tokens})
    await client.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-0.5b")
    ap.add_argument("--tern", default=os.path.join(ROOT, ".build/release/tern"))
    ap.add_argument("--llama-server", default=os.environ.get("LLAMA_SERVER"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parallel", type=int, default=16)
    ap.add_argument("--ctx", type=int, default=1024, help="context per sequence")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    ap.add_argument("--requests", type=int, default=3, help="requests per client per level")
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--prefix-test", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    path = os.path.join(MODELS_DIR, FILES[a.model])
    servers = [start_tern(a.tern, path, a.threads, a.parallel, a.ctx)]
    if a.llama_server:
        servers.append(start_llama(a.llama_server, path, a.threads, a.parallel, a.ctx))
    report = {"model": a.model, "threads": a.threads, "parallel": a.parallel, "max_tokens": a.max_tokens, "levels": {}}
    try:
        if a.prefix_test:
            for s in servers:
                r = asyncio.run(prefix_test(s.base, a.model))
                report.setdefault("prefix", {})[s.name] = r
                print(f"{s.name}: first TTFT {r[0]['ttft']*1000:.0f} ms ({r[0]['prompt_tokens']} prompt tokens), "
                      f"second {r[1]['ttft']*1000:.0f} ms, ratio {r[1]['ttft']/r[0]['ttft']:.3f}", flush=True)
        else:
            for s in servers:  # warm-up
                asyncio.run(level(s.base, a.model, 1, 1, 8))
            for c in a.concurrency:
                for s in servers:
                    r = asyncio.run(level(s.base, a.model, c, a.requests, a.max_tokens))
                    report["levels"].setdefault(str(c), {})[s.name] = r
                    print(f"{s.name:10s} c={c:2d}: {r['throughput']:7.1f} tok/s aggregate, TTFT p50 {r['ttft_p50']*1000:7.0f} ms "
                          f"p99 {r['ttft_p99']*1000:7.0f} ms, per stream {r['stream_rate']:6.1f} tok/s "
                          f"({r['requests']} requests, {r['generated']} tokens, {r['wall']:.1f} s)", flush=True)
            one = report["levels"].get("1", {}).get("tern")
            eight = report["levels"].get("8", {}).get("tern")
            if one and eight:
                print(f"tern: 8 streams / 1 stream aggregate = {eight['throughput'] / one['throughput']:.2f}x")
    finally:
        for s in servers:
            s.stop()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()

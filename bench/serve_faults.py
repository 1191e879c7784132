#!/usr/bin/env python3
"""Load and faults against `tern serve`: N requests at concurrency C, a mix of streamed and
non-streamed chat and completion requests, a share of streaming clients that hang up mid-stream.

Passes (exit 0) when: no response had a 5xx status, the server's /metrics show nothing running
or waiting and no KV page in use once the load is over, and the server's resident memory is back
within 10% of its level after warm-up.

Usage: bench/serve_faults.py --model smollm2-135m [--requests 2000] [--concurrency 16]
           [--disconnect 0.1] [--max-tokens 24] [--tern .build/release/tern]
"""
import argparse, asyncio, os, random, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from serve_load import FILES, MODELS_DIR, TOPICS, Server, free_port  # noqa: E402


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def metrics(base):
    with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
        text = r.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


async def run(base, model, requests, concurrency, disconnect, max_tokens, seed):
    import openai
    rng = random.Random(seed)
    client = openai.AsyncOpenAI(base_url=base + "/v1", api_key="none", max_retries=0, timeout=300)
    statuses, errors = {}, []
    counter = iter(range(requests))
    done = {"dropped": 0, "stream": 0, "plain": 0, "completions": 0}

    async def one(i):
        kind = rng.random()
        topic = TOPICS[i % len(TOPICS)]
        try:
            if kind < 0.5:
                s = await client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"Tell me about {topic}."}],
                    max_tokens=max_tokens, temperature=0.7, seed=i, stream=True)
                drop = rng.random() < disconnect
                n = 0
                async for _ in s:
                    n += 1
                    if drop and n == 3:
                        await s.close()   # hang up mid-stream
                        done["dropped"] += 1
                        break
                else:
                    done["stream"] += 1
            elif kind < 0.8:
                await client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"Describe {topic} briefly."}],
                    max_tokens=max_tokens, temperature=0.7, seed=i)
                done["plain"] += 1
            else:
                await client.completions.create(model=model, prompt=f"Facts about {topic}:", max_tokens=max_tokens,
                                                temperature=0.7, seed=i)
                done["completions"] += 1
            statuses[200] = statuses.get(200, 0) + 1
        except openai.APIStatusError as e:
            statuses[e.status_code] = statuses.get(e.status_code, 0) + 1
            errors.append(f"{e.status_code}: {e.message[:200]}")
        except Exception as e:  # connection errors count as failures too
            statuses["exception"] = statuses.get("exception", 0) + 1
            errors.append(repr(e)[:200])

    async def worker():
        for i in counter:
            await one(i)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    await client.close()
    return statuses, errors, done, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--tern", default=os.path.join(ROOT, ".build/release/tern"))
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--disconnect", type=float, default=0.1, help="share of streamed requests that hang up")
    ap.add_argument("--max-tokens", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    path = os.path.join(MODELS_DIR, FILES[a.model])
    port = free_port()
    server = Server("tern", [a.tern, "serve", "--model", path, "--port", str(port), "--parallel", str(a.concurrency),
                             "--ctx", "512", "--threads", str(a.threads), "--max-queued", str(4 * a.concurrency)], port)
    ok = True
    try:
        asyncio.run(run(server.base, a.model, 8, 4, 0, a.max_tokens, 0))  # warm-up
        rss0 = rss_bytes(server.process.pid)
        statuses, errors, done, wall = asyncio.run(
            run(server.base, a.model, a.requests, a.concurrency, a.disconnect * 2, a.max_tokens, a.seed))
        # The engine frees a hung-up request's pages at its next step: give it a moment.
        for _ in range(100):
            m = metrics(server.base)
            if all(v == 0 for k, v in m.items() if k.startswith(("tern_requests_running", "tern_requests_waiting",
                                                                  "tern_kv_cache_pages{state=\"used\"}"))):
                break
            time.sleep(0.1)
        rss1 = rss_bytes(server.process.pid)
        fivexx = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500) + statuses.get("exception", 0)
        busy = {k: v for k, v in m.items() if k.startswith(("tern_requests_running", "tern_requests_waiting",
                                                             "tern_kv_cache_pages{state=\"used\"}")) and v != 0}
        print(f"{a.requests} requests at concurrency {a.concurrency} in {wall:.1f} s: statuses {statuses}; "
              f"streams completed {done['stream']}, hung up {done['dropped']}, non-streamed chat {done['plain']}, "
              f"completions {done['completions']}")
        print(f"after the load: {'nothing busy' if not busy else busy}; "
              f"RSS {rss0 / 1e6:.0f} MB after warm-up, {rss1 / 1e6:.0f} MB after the load ({(rss1 / rss0 - 1) * 100:+.1f}%)")
        for e in errors[:10]:
            print("  error:", e)
        ok = fivexx == 0 and not busy and abs(rss1 / rss0 - 1) <= 0.10 and done["dropped"] > 0
    finally:
        server.stop()
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

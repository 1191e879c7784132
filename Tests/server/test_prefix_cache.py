"""Prefix caching through the HTTP API: a request that shares a ~1,000-token prompt prefix with an
earlier one reuses its KV pages, so its time to first token is a fraction of the first's."""
import time

TTFT_RATIO_LIMIT = 0.3  # the bound


def streamed_ttft(client, messages):
    """(seconds to the first content delta, usage) of one streamed chat request."""
    start = time.perf_counter()
    first, usage = None, None
    stream = client.chat.completions.create(model="smollm2-135m", messages=messages, max_tokens=4, temperature=0,
                                            stream=True, stream_options={"include_usage": True})
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter()
        if chunk.usage:
            usage = chunk.usage
    return (first or time.perf_counter()) - start, usage


def test_shared_prefix_is_reused_and_cuts_time_to_first_token(smol):
    client = smol.client()
    # A system prompt no other test sends, so its pages are not cached yet.
    paragraph = ("Ledger {i}: the harbour archive lists cargo, crews and the weather of voyage {i}; "
                 "clerks copied every entry twice. ")
    system = "".join(paragraph.format(i=i) for i in range(40))
    first, usage1 = streamed_ttft(client, [{"role": "system", "content": system},
                                           {"role": "user", "content": "Which voyage had the worst weather?"}])
    second, usage2 = streamed_ttft(client, [{"role": "system", "content": system},
                                            {"role": "user", "content": "How many clerks were there?"}])
    assert usage1.prompt_tokens >= 1000, usage1
    assert usage1.prompt_tokens_details.cached_tokens == 0
    # Everything up to the last full page before the user turn comes from the cache.
    cached = usage2.prompt_tokens_details.cached_tokens
    assert cached >= 1000 - 16, usage2
    assert second <= TTFT_RATIO_LIMIT * first, f"TTFT {second * 1000:.0f} ms after a cached prefix vs {first * 1000:.0f} ms"
    print(f"[prefix cache] {usage1.prompt_tokens} prompt tokens: TTFT {first * 1000:.0f} ms, "
          f"then {second * 1000:.0f} ms with {cached} cached ({second / first:.2f}x)")

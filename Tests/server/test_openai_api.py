"""The OpenAI API of `tern serve` as the official `openai` client sees it, on SmolLM2-135M."""
import time

import openai
import pytest

MODEL = "smollm2-135m"
HELLO = [{"role": "user", "content": "Say hello."}]


def test_health_and_models(smol):
    assert smol.raw("GET", "/health", headers={}).json() == {"status": "ok"}
    models = smol.client().models.list()
    assert [m.id for m in models.data] == [MODEL]
    assert models.data[0].object == "model" and models.data[0].owned_by == "tern"


def test_chat_completion(smol):
    r = smol.client().chat.completions.create(model=MODEL, messages=HELLO, max_tokens=20, temperature=0)
    assert r.id.startswith("chatcmpl-") and r.object == "chat.completion" and r.model == MODEL
    assert len(r.choices) == 1 and r.choices[0].index == 0
    message = r.choices[0].message
    assert message.role == "assistant" and message.content and message.tool_calls is None
    assert r.choices[0].finish_reason in ("stop", "length")
    assert r.usage.completion_tokens > 0
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens


def test_chat_stream_with_usage(smol):
    client = smol.client()
    whole = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=24, temperature=0)
    chunks = list(client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=24, temperature=0,
                                                 stream=True, stream_options={"include_usage": True}))
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content  # greedy: streamed and whole agree
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == [whole.choices[0].finish_reason]
    usage = chunks[-1]
    assert usage.choices == [] and usage.usage.completion_tokens == whole.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1])


def test_chat_logprobs(smol):
    r = smol.client().chat.completions.create(model=MODEL, messages=HELLO, max_tokens=8, temperature=0,
                                              logprobs=True, top_logprobs=3)
    entries = r.choices[0].logprobs.content
    assert len(entries) == r.usage.completion_tokens
    for e in entries:
        assert e.logprob <= 0 and len(e.top_logprobs) == 3 and bytes(e.bytes).decode(errors="replace") == e.token
        assert e.top_logprobs[0].token == e.token  # greedy picks the most likely
        assert e.top_logprobs[0].logprob >= e.top_logprobs[1].logprob >= e.top_logprobs[2].logprob


def test_completion_echo_logprobs_as_lm_eval_scores(smol):
    """lm-evaluation-harness: prompt as token ids, echo, no new tokens, logprobs=1."""
    context, continuation = "The capital of France is", " Paris"
    ids = smol.raw("POST", "/tokenize", {"prompt": context + continuation}).json()["tokens"]
    context_length = len(smol.raw("POST", "/tokenize", {"prompt": context}).json()["tokens"])
    client = smol.client()
    r = client.completions.create(model=MODEL, prompt=[ids], echo=True, max_tokens=0, logprobs=1, temperature=0)
    lp = r.choices[0].logprobs
    assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == len(lp.text_offset) == len(ids)
    assert lp.token_logprobs[0] is None and lp.top_logprobs[0] is None
    assert all(x < 0 for x in lp.token_logprobs[1:])
    assert r.choices[0].text == context + continuation
    assert lp.text_offset == sorted(lp.text_offset)
    score = sum(lp.token_logprobs[context_length:])
    greedy = all(t == max(top.values()) for t, top in zip(lp.token_logprobs[context_length:], lp.top_logprobs[context_length:]))
    assert score > -5 and greedy  # " Paris" is SmolLM2's most likely continuation
    # The harness's other form: one generated token, dropped with [:-1]; the prompt scores agree.
    r1 = client.completions.create(model=MODEL, prompt=[ids], echo=True, max_tokens=1, logprobs=1, temperature=0)
    lp1 = r1.choices[0].logprobs
    assert len(lp1.token_logprobs) == len(ids) + 1
    assert lp1.token_logprobs[1:-1] == pytest.approx(lp.token_logprobs[1:], abs=1e-4)


def test_completion_prompt_forms(smol):
    client = smol.client()
    ids = smol.raw("POST", "/tokenize", {"prompt": "Once upon a time"}).json()["tokens"]
    text = client.completions.create(model=MODEL, prompt="Once upon a time", max_tokens=6, temperature=0)
    assert text.object == "text_completion" and text.id.startswith("cmpl-")
    assert text.usage.prompt_tokens == len(ids)
    by_ids = client.completions.create(model=MODEL, prompt=ids, max_tokens=6, temperature=0)
    assert by_ids.choices[0].text == text.choices[0].text
    several = client.completions.create(model=MODEL, prompt=["Once upon a time", "The sky is"], max_tokens=6,
                                        temperature=0, n=2)
    assert [c.index for c in several.choices] == [0, 1, 2, 3]
    assert several.choices[0].text == several.choices[1].text == text.choices[0].text
    lists = client.completions.create(model=MODEL, prompt=[ids, ids[:2]], max_tokens=6, temperature=0)
    assert len(lists.choices) == 2 and lists.choices[0].text == text.choices[0].text
    assert client.completions.create(model=MODEL, prompt="Hi", temperature=0).usage.completion_tokens <= 16  # default


def test_stop_strings(smol):
    client = smol.client()
    prompt = "Here is a list of fruits: apple, banana,"
    full = client.completions.create(model=MODEL, prompt=prompt, max_tokens=40, temperature=0).choices[0].text
    stop = full[len(full) // 2:len(full) // 2 + 4]
    assert stop.strip(), full
    for form in (stop, [stop, "unlikely-stop-string"]):
        r = client.completions.create(model=MODEL, prompt=prompt, max_tokens=40, temperature=0, stop=form)
        assert r.choices[0].text == full[:full.find(stop)] and r.choices[0].finish_reason == "stop"
    chat = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=30, temperature=0).choices[0].message.content
    cut = chat.split()[1]
    stopped = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=30, temperature=0, stop=[cut])
    assert stopped.choices[0].message.content == chat[:chat.find(cut)] and stopped.choices[0].finish_reason == "stop"


def test_seed_reproducibility(smol):
    client = smol.client()
    ask = dict(model=MODEL, messages=[{"role": "user", "content": "Write a sentence about the sea."}],
               max_tokens=30, temperature=0.8)
    first = client.chat.completions.create(seed=1234, **ask).choices[0].message.content
    again = client.chat.completions.create(seed=1234, **ask).choices[0].message.content
    assert first == again
    others = {client.chat.completions.create(seed=s, **ask).choices[0].message.content for s in (1, 2, 3)}
    assert others - {first}, "different seeds should sample differently"


def test_n_choices(smol):
    client = smol.client()
    ask = dict(model=MODEL, messages=[{"role": "user", "content": "Name an animal."}], max_tokens=12,
               temperature=1.0, seed=7, n=3)
    r = client.chat.completions.create(**ask)
    assert [c.index for c in r.choices] == [0, 1, 2]
    assert r.usage.completion_tokens >= 3
    texts = [c.message.content for c in r.choices]
    assert len(set(texts)) > 1, "each choice samples with its own seed"
    assert [c.message.content for c in client.chat.completions.create(**ask).choices] == texts
    streamed = {}
    for chunk in client.chat.completions.create(stream=True, **ask):
        for c in chunk.choices:
            streamed[c.index] = streamed.get(c.index, "") + (c.delta.content or "")
    assert [streamed[i] for i in range(3)] == texts


def test_sampling_parameters_are_accepted(smol):
    r = smol.client().chat.completions.create(
        model=MODEL, messages=HELLO, max_completion_tokens=5, temperature=0.7, top_p=0.9, presence_penalty=0.5,
        frequency_penalty=0.5, seed=3, user="someone", extra_body={"top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1})
    assert r.usage.completion_tokens <= 5


def test_tokenize_detokenize(smol):
    tokens = smol.raw("POST", "/tokenize", {"prompt": "Hello world"}).json()
    assert tokens["count"] == len(tokens["tokens"]) > 0 and tokens["max_model_len"] == 2048
    content = smol.raw("POST", "/tokenize", {"content": "Hello world", "with_pieces": True}).json()
    assert "".join(p["piece"] for p in content["pieces"]) == "Hello world"
    back = smol.raw("POST", "/detokenize", {"tokens": content["tokens"]}).json()
    assert back == {"prompt": "Hello world", "content": "Hello world"}
    chat = smol.raw("POST", "/tokenize", {"messages": HELLO}).json()
    assert chat["count"] > tokens["count"]


def test_metrics(smol):
    smol.client().completions.create(model=MODEL, prompt="One", max_tokens=3, temperature=0)
    m = smol.metrics()
    assert m["tern_generation_tokens_total"] >= 3 and m["tern_prompt_tokens_total"] > 0
    assert m['tern_http_responses_total{route="/v1/completions",code="200"}'] >= 1
    assert m["tern_time_to_first_token_seconds_count"] >= 1 and m['tern_e2e_request_latency_seconds_bucket{le="+Inf"}'] >= 1
    assert m['tern_kv_cache_pages{state="total"}'] > 0 and 0 <= m["tern_kv_cache_usage_ratio"] <= 1
    # Gauges are published by the engine loop, which may not have finished the step that ended
    # this request (or an earlier test's cancelled one) when the response arrived.
    deadline = time.monotonic() + 10
    while (m["tern_requests_running"] != 0 or m["tern_requests_waiting"] != 0) and time.monotonic() < deadline:
        time.sleep(0.05)
        m = smol.metrics()
    assert m["tern_requests_running"] == 0 and m["tern_requests_waiting"] == 0 and m["tern_model_loaded"] == 1

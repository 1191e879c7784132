"""Authentication, malformed requests and limits: OpenAI's status codes and error bodies."""
import json

import openai
import pytest

MODEL = "smollm2-135m"


def error_of(raw):
    body = raw.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    return body["error"]


def test_api_key_required(smol):
    missing = smol.raw("GET", "/v1/models", headers={})
    assert missing.status == 401 and error_of(missing)["code"] == "invalid_api_key"
    assert smol.raw("POST", "/v1/chat/completions", {"messages": []}, headers={}).status == 401
    assert smol.raw("GET", "/metrics", headers={}).status == 401
    with pytest.raises(openai.AuthenticationError):
        smol.client(api_key="wrong").models.list()
    assert smol.raw("GET", "/health", headers={}).status == 200


@pytest.mark.parametrize("body, param", [
    ({"model": MODEL}, "messages"),
    ({"messages": "hello"}, "messages"),
    ({"messages": [{"role": "user"}]}, "messages[0].content"),
    ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
    ({"messages": [{"role": "user", "content": "x"}], "temperature": "hot"}, "temperature"),
    ({"messages": [{"role": "user", "content": "x"}], "max_tokens": -1}, "max_tokens"),
    ({"messages": [{"role": "user", "content": "x"}], "n": 0}, "n"),
    ({"messages": [{"role": "user", "content": "x"}], "stop": 5}, "stop"),
    ({"messages": [{"role": "user", "content": "x"}], "tool_choice": "required"}, "tool_choice"),
    ({"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema"}}, "response_format.json_schema"),
])
def test_bad_chat_fields_are_400_with_param(smol, body, param):
    r = smol.raw("POST", "/v1/chat/completions", body)
    assert r.status == 400
    error = error_of(r)
    assert error["type"] == "invalid_request_error" and error["param"] == param


def test_malformed_json_and_prompts(smol):
    for body in ('{"messages": [', "not json", "[1, 2]"):
        r = smol.raw("POST", "/v1/chat/completions", body)
        assert r.status == 400 and error_of(r)["type"] == "invalid_request_error"
    for prompt, param in ((None, "prompt"), ([], "prompt"), ([10**9], "prompt"), (["a", 1], "prompt")):
        r = smol.raw("POST", "/v1/completions", {"prompt": prompt} if prompt is not None else {})
        assert r.status == 400 and error_of(r)["param"] == param
    with pytest.raises(openai.BadRequestError) as caught:
        smol.client().chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "x"}], temperature=5)
    assert caught.value.body["param"] == "temperature"
    unknown = smol.raw("GET", "/v1/unknown")
    assert unknown.status == 404 and error_of(unknown)["code"] == "not_found"


def test_body_too_large_is_413(limited):
    r = limited.raw("POST", "/v1/completions", {"prompt": "x" * 4000, "max_tokens": 1})
    assert r.status == 413 and error_of(r)["code"] == "request_too_large"
    with pytest.raises(openai.APIStatusError) as caught:
        limited.client().completions.create(model=MODEL, prompt="word " * 1000, max_tokens=1)
    assert caught.value.status_code == 413


def test_prompt_and_max_tokens_limits_are_400(limited):
    client = limited.client()
    with pytest.raises(openai.BadRequestError) as caught:
        client.completions.create(model=MODEL, prompt="one two three four five six seven " * 12, max_tokens=1)
    assert caught.value.body["param"] == "prompt" and caught.value.body["code"] == "context_length_exceeded"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}], max_tokens=33)
    assert caught.value.body["param"] == "max_tokens"
    ok = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}], max_tokens=32)
    assert ok.usage.completion_tokens <= 32


def test_full_queue_is_429(limited):
    """One slot and no queue: the second sequence of n=2 cannot be taken."""
    with pytest.raises(openai.RateLimitError) as caught:
        limited.client().completions.create(model=MODEL, prompt="Hello", max_tokens=4, n=2)
    assert caught.value.body["code"] == "queue_full"
    # Nothing was left behind: the slot serves the next request.
    assert limited.client().completions.create(model=MODEL, prompt="Hello", max_tokens=4).choices[0].text is not None

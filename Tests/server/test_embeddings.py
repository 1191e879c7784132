"""POST /v1/embeddings through the official `openai` client: all-MiniLM-L6-v2's vectors as
sentence-transformers made them (Tests/Fixtures/embeddings/minilm_fixtures.json), both encodings,
and OpenAI-shaped errors."""
import base64
import json
import math
import pathlib
import struct

import openai
import pytest

FIXTURES = json.loads((pathlib.Path(__file__).resolve().parents[1] / "Fixtures" / "embeddings" / "minilm_fixtures.json").read_text())
MODEL = "all-MiniLM-L6-v2"


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_vectors_equal_sentence_transformers(embedder):
    sentences = FIXTURES["sentences"]
    # The client asks for base64 by default and decodes it (little-endian float32).
    r = embedder.client().embeddings.create(model=MODEL, input=[s["text"] for s in sentences])
    assert r.object == "list" and r.model == MODEL and len(r.data) == len(sentences)
    for s, d in zip(sentences, r.data):
        assert d.object == "embedding" and d.index == s["index"] and len(d.embedding) == 384
        assert cosine(d.embedding, s["embedding_normalized"]) >= 0.9999, s["text"][:40]
    # Token counts: [CLS] … [SEP] after truncation to 256, as the fixtures count them.
    assert r.usage.prompt_tokens == sum(s["n_tokens"] for s in sentences) == r.usage.total_tokens


def test_float_and_base64_carry_the_same_vector(embedder):
    text = FIXTURES["sentences"][0]["text"]
    plain = embedder.raw("POST", "/v1/embeddings", {"model": MODEL, "input": text, "encoding_format": "float"}).json()
    packed = embedder.raw("POST", "/v1/embeddings", {"model": MODEL, "input": [text], "encoding_format": "base64"}).json()
    floats = plain["data"][0]["embedding"]
    raw = base64.b64decode(packed["data"][0]["embedding"])
    unpacked = list(struct.unpack(f"<{len(raw) // 4}f", raw))
    assert len(floats) == 384 and unpacked == [struct.unpack("<f", struct.pack("<f", x))[0] for x in floats]
    assert abs(math.sqrt(sum(x * x for x in floats)) - 1) < 1e-5


def test_models_lists_both(embedder):
    assert [m.id for m in embedder.client().models.list().data] == ["smollm2-135m", MODEL]


@pytest.mark.parametrize("body, param", [
    ({"model": MODEL}, "input"),
    ({"model": MODEL, "input": []}, "input"),
    ({"model": MODEL, "input": [[101, 2023, 102]]}, "input[0]"),
    ({"model": MODEL, "input": "x", "encoding_format": "int8"}, "encoding_format"),
    ({"model": MODEL, "input": "x", "dimensions": 128}, "dimensions"),
    ({"model": MODEL, "input": ["x"] * 2049}, "input"),
    ({"model": MODEL, "input": 42}, "input"),
])
def test_bad_requests_name_the_field(embedder, body, param):
    r = embedder.raw("POST", "/v1/embeddings", body)
    assert r.status == 400 and r.json()["error"]["param"] == param, r.body


def test_client_raises_on_a_bad_request(embedder):
    with pytest.raises(openai.BadRequestError):
        embedder.client().embeddings.create(model=MODEL, input="x", dimensions=64)


def test_a_server_without_embeddings_says_so(smol):
    r = smol.raw("POST", "/v1/embeddings", {"model": MODEL, "input": "x"})
    assert r.status == 404 and r.json()["error"]["code"] == "model_not_found" and "--embeddings" in r.json()["error"]["message"]

"""Tool calls and JSON output on Qwen2.5-0.5B-Instruct (the coder build the project installs)."""
import concurrent.futures
import json

import jsonschema
import openai
import pytest

MODEL = "qwen2.5-0.5b"
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather in a given city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "The city name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}
TIME = {"type": "function", "function": {
    "name": "get_time", "description": "Get the current local time in a given city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
ASK = [{"role": "user", "content": "What is the weather like in Paris today?"}]


def test_tool_call_round_trip(qwen):
    client = qwen.client()
    first = client.chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER], temperature=0, max_tokens=100)
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and len(choice.message.tool_calls) == 1
    call = choice.message.tool_calls[0]
    assert call.id.startswith("call_") and call.type == "function" and call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)  # a JSON string, as OpenAI sends it
    assert arguments["city"] == "Paris"
    jsonschema.validate(arguments, WEATHER["function"]["parameters"])

    # The call and its result go back through the chat template; the model answers in prose.
    result = json.dumps({"temperature": 18, "conditions": "sunny", "rain": False})
    messages = [{"role": "system", "content": "You are a helpful assistant. After a tool returns its result, answer the "
                                              "user's question in a short sentence using that result. Never call the same tool twice."},
                *ASK, choice.message.model_dump(exclude_none=True),
                {"role": "tool", "tool_call_id": call.id, "content": result}]
    final = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER], tool_choice="none",
                                           temperature=0, max_tokens=60)
    answer = final.choices[0].message
    assert final.choices[0].finish_reason == "stop" and answer.tool_calls is None
    assert "18" in answer.content or "sunny" in answer.content.lower(), answer.content
    rendered = qwen.raw("POST", "/detokenize", {"tokens": qwen.raw("POST", "/tokenize", {"messages": messages}).json()["tokens"]})
    assert "<tool_call>" in rendered.json()["prompt"] and "<tool_response>\n" + result in rendered.json()["prompt"]


def test_streamed_tool_call_matches_whole(qwen):
    client = qwen.client()
    whole = client.chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER], temperature=0, max_tokens=100)
    calls, finish = {}, None
    for chunk in client.chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER], temperature=0,
                                                max_tokens=100, stream=True):
        for c in chunk.choices:
            for d in c.delta.tool_calls or []:
                entry = calls.setdefault(d.index, {"id": d.id, "name": "", "arguments": ""})
                entry["name"] += d.function.name or ""
                entry["arguments"] += d.function.arguments or ""
            finish = c.finish_reason or finish
    expected = whole.choices[0].message.tool_calls[0]
    assert finish == "tool_calls" and list(calls) == [0]
    assert calls[0]["id"].startswith("call_") and calls[0]["name"] == expected.function.name
    assert json.loads(calls[0]["arguments"]) == json.loads(expected.function.arguments)


def test_tool_choice_none_gives_text(qwen):
    r = qwen.client().chat.completions.create(model=MODEL, messages=ASK, tools=[WEATHER], tool_choice="none",
                                              temperature=0, max_tokens=40)
    assert r.choices[0].message.tool_calls is None and r.choices[0].finish_reason != "tool_calls"


@pytest.mark.parametrize("choice", ["required", {"type": "function", "function": {"name": "get_time"}}])
def test_forced_tool_call(qwen, choice):
    """The grammar forces a call (the named one) even where the model would answer otherwise."""
    r = qwen.client().chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Tell me a joke about cats."}], tools=[WEATHER, TIME],
        tool_choice=choice, temperature=0, max_tokens=100)
    calls = r.choices[0].message.tool_calls
    assert r.choices[0].finish_reason == "tool_calls" and len(calls) == 1
    tool = {"get_weather": WEATHER, "get_time": TIME}[calls[0].function.name]
    if isinstance(choice, dict):
        assert calls[0].function.name == "get_time"
    jsonschema.validate(json.loads(calls[0].function.arguments), tool["function"]["parameters"])


SCHEMAS = {
    "person": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 40}, "age": {"type": "integer"},
        "hobbies": {"type": "array", "items": {"type": "string", "maxLength": 30}, "maxItems": 3}},
        "required": ["name", "age", "hobbies"], "additionalProperties": False},
    "product": {"type": "object", "properties": {
        "title": {"type": "string", "maxLength": 60}, "price": {"type": "number"}, "in_stock": {"type": "boolean"},
        "category": {"type": "string", "enum": ["books", "tools", "food", "toys"]}},
        "required": ["title", "price", "in_stock", "category"], "additionalProperties": False},
    "event": {"type": "object", "properties": {
        "event": {"type": "string", "maxLength": 60},
        "date": {"type": "object", "properties": {"year": {"type": "integer"}, "month": {"type": "integer"}},
                 "required": ["year", "month"]},
        "participants": {"type": "array", "items": {"type": "string", "maxLength": 30}, "minItems": 1, "maxItems": 4}},
        "required": ["event", "date", "participants"]},
}
PROMPTS = [
    ("person", "Invent a person who loves the sea."), ("person", "Describe a retired chess champion."),
    ("person", "Make up a young painter."), ("person", "Describe a baker from Lyon."),
    ("person", "Invent a astronaut."), ("person", "Describe your favourite teacher."), ("person", "A fictional detective."),
    ("product", "A hammer for sale."), ("product", "A cookbook about pasta."), ("product", "A box of chocolates."),
    ("product", "A wooden toy train."), ("product", "A novel about dragons."), ("product", "A set of screwdrivers."),
    ("product", "A jar of honey."),
    ("event", "The first moon landing."), ("event", "A school science fair."), ("event", "A wedding in June."),
    ("event", "The fall of the Berlin Wall."), ("event", "A chess tournament."), ("event", "A summer music festival."),
]


def test_json_schema_output_validates(qwen):
    client = qwen.client()

    def ask(i):
        name, prompt = PROMPTS[i]
        r = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt + " Answer in JSON."}],
            response_format={"type": "json_schema", "json_schema": {"name": name, "schema": SCHEMAS[name], "strict": True}},
            temperature=0.7, seed=i, max_tokens=300)
        return name, r.choices[0]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(len(PROMPTS))))
    assert len(answers) == 20
    for name, choice in answers:
        assert choice.finish_reason == "stop", choice.message.content
        jsonschema.validate(json.loads(choice.message.content), SCHEMAS[name])


def test_json_object_and_bad_schema(qwen):
    client = qwen.client()
    r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Describe Paris briefly."}],
                                       response_format={"type": "json_object"}, temperature=0, max_tokens=120)
    if r.choices[0].finish_reason == "stop":
        assert isinstance(json.loads(r.choices[0].message.content), dict)
    else:
        assert r.choices[0].message.content.lstrip().startswith("{")
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "x"}], max_tokens=5,
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "pattern": "^a+$"}}})
    assert caught.value.body["param"] == "response_format.json_schema.schema" and "pattern" in caught.value.body["message"]

"""A client that goes away, and a server told to stop."""
import http.client
import json
import signal
import socket
import time

from conftest import TernServer

MODEL = "smollm2-135m"


def open_stream(server, max_tokens):
    """A streamed completion on a raw connection, read up to its first chunk."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    body = json.dumps({"prompt": "Once upon a time", "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "ignore_eos": True})
    connection.request("POST", "/v1/completions", body=body, headers={**server.headers(), "Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200
    assert response.readline().startswith(b"data: {")
    return connection, response


def test_disconnect_cancels_the_request(smol):
    before = smol.metrics().get('tern_engine_requests_total{outcome="cancelled"}', 0)
    connection, response = open_stream(smol, 1500)
    # The gauge is published by the engine loop: on a loaded machine it can lag the first chunk.
    deadline = time.monotonic() + 10
    while smol.metrics()["tern_requests_running"] != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert smol.metrics()["tern_requests_running"] == 1
    response.close()
    connection.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        m = smol.metrics()
        if m["tern_requests_running"] == 0 and m['tern_engine_requests_total{outcome="cancelled"}'] > before:
            break
        time.sleep(0.05)
    m = smol.metrics()
    assert m["tern_requests_running"] == 0 and m['tern_engine_requests_total{outcome="cancelled"}'] == before + 1
    assert m['tern_kv_cache_pages{state="used"}'] == 0


def test_sigterm_lets_running_streams_finish_and_exits_0():
    server = TernServer(MODEL, "--ctx", "1024", "--parallel", "2")
    try:
        connection, response = open_stream(server, 300)
        server.process.send_signal(signal.SIGTERM)
        # New connections are refused soon, while the stream goes on.
        deadline = time.monotonic() + 5
        refused = False
        while time.monotonic() < deadline and not refused:
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
                time.sleep(0.05)
            except OSError:
                refused = True
        rest = response.read().decode()
        connection.close()
        assert refused, "the server kept accepting after SIGTERM"
        events = [e[len("data: "):] for e in rest.split("\n\n") if e]
        assert events[-1] == "[DONE]"
        assert json.loads(events[-2])["choices"][0]["finish_reason"] == "length"
        assert server.process.wait(60) == 0
    finally:
        server.stop()

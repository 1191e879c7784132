"""Starts an already-built `tern serve` for the OpenAI-API suite and stops it afterwards.

The binary is $TERN_BINARY, else .build/debug/tern (what `swift build` makes). Each server
listens on a free loopback port (`--port 0`; the port is read from its first line on stderr)
and is used once /health answers 200.
"""
import os
import pathlib
import queue
import re
import signal
import subprocess
import threading
import time

import json
import urllib.error
import urllib.request

import openai
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
API_KEY = "tern-test-key"


def tern_binary() -> str:
    path = os.environ.get("TERN_BINARY") or str(ROOT / ".build" / "debug" / "tern")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not an executable: build first (swift build) or set TERN_BINARY")
    return path


class TernServer:
    """One `tern serve` process."""

    def __init__(self, model: str, *args: str, api_key: str | None = API_KEY, timeout: float = 180):
        self.api_key = api_key
        command = [tern_binary(), "serve", "-m", model, "--host", "127.0.0.1", "--port", "0", *args]
        if api_key:
            command += ["--api-key", api_key]
        env = dict(os.environ, LOG_LEVEL="warning")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.stderr_lines: list[str] = []
        lines: "queue.Queue[str | None]" = queue.Queue()

        def pump():
            for line in self.process.stderr:
                self.stderr_lines.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        self.port = None
        while self.port is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                pytest.fail("tern serve did not start:\n" + "".join(self.stderr_lines))
            match = re.search(r"listening on http://[^:]+:(\d+)", line)
            if match:
                self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        while True:
            try:
                if self.raw("GET", "/health", timeout=5).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                pytest.fail("tern serve never became healthy:\n" + "".join(self.stderr_lines))
            time.sleep(0.2)

    def client(self, **kwargs) -> openai.OpenAI:
        kwargs.setdefault("api_key", self.api_key or "unused")
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("timeout", 300)
        return openai.OpenAI(base_url=self.url + "/v1", **kwargs)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def raw(self, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 120) -> "Raw":
        """One request as sent (bytes, str or a JSON value); any status comes back, none raises."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        all_headers = {"Content-Type": "application/json", **(self.headers() if headers is None else headers)}
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Raw(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Raw(error.code, dict(error.headers), error.read())

    def metrics(self) -> dict[str, float]:
        """Every sample of /metrics, `name{labels}` → value."""
        out = {}
        for line in self.raw("GET", "/metrics").body.decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def stop(self, sig=signal.SIGTERM, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class Raw:
    """A raw HTTP response."""

    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


@pytest.fixture(scope="session")
def smol():
    """SmolLM2-135M, where the model does not matter (fast)."""
    server = TernServer("smollm2-135m", "--ctx", "2048", "--parallel", "4")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def qwen():
    """Qwen2.5-0.5B-Instruct (coder), for tool calls and JSON output."""
    server = TernServer("qwen2.5-0.5b", "--ctx", "4096", "--parallel", "8")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def limited():
    """SmolLM2 behind small limits: 2 KiB bodies, 64-token prompts, max_tokens ≤ 32, one slot, no queue."""
    server = TernServer("smollm2-135m", "--ctx", "512", "--parallel", "1", "--max-queued", "0",
                        "--max-body-bytes", "2048", "--max-prompt-tokens", "64", "--max-tokens-limit", "32")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedder():
    """SmolLM2 plus all-MiniLM-L6-v2 on /v1/embeddings (`--embeddings`)."""
    server = TernServer("smollm2-135m", "--ctx", "512", "--parallel", "1", "--embeddings")
    yield server
    server.stop()


# ---- The browser tests' servers (test_web_chat.py): logs kept in a file for failure messages ----

class PageServer:
    """A running `tern serve` for the browser tests: its base URL and its log (stderr and stdout)."""

    def __init__(self, process, url, log_path):
        self.process, self.url, self.log_path = process, url, log_path

    def log(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")

    def get(self, path, headers=None):
        """(status, body text) of a GET, errors included."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log_dir, model="smollm2-135m", args=(), timeout=180):
    """Starts `tern serve` and waits until /health answers 200 (the model is loaded)."""
    TERN = tern_binary()
    port = free_port()
    log_path = pathlib.Path(log_dir) / f"tern-serve-{port}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen([TERN, "serve", "-m", model, "--host", "127.0.0.1", "--port", str(port), *args],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    server = PageServer(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"tern serve exited with {process.returncode}:\n{server.log()}")
        try:
            if server.get("/health")[0] == 200:
                return server
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            stop_server(server)
            pytest.fail(f"tern serve was not healthy after {timeout} s:\n{server.log()}")
        time.sleep(0.2)


def stop_server(server):
    """SIGTERM (graceful), then SIGKILL if it hangs."""
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def tern_server(tmp_path_factory):
    """`tern serve -m smollm2-135m`, open (no API key), shared by the whole session."""
    server = start_server(tmp_path_factory.mktemp("serve"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def keyed_tern_server(tmp_path_factory):
    """`tern serve -m smollm2-135m --api-key test-key`."""
    server = start_server(tmp_path_factory.mktemp("serve-keyed"), args=("--api-key", "test-key"))
    yield server
    stop_server(server)

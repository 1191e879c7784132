"""Fixtures for the HTTP tests: a real `tern serve` on a free loopback port.

The binary is `.build/debug/tern` (build it with `swift build --product tern`) or `$TERN_BIN`;
models come from `~/.cache/tern/models` as for every other test (`scripts/setup-models`).
"""
import os
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TERN = os.environ.get("TERN_BIN") or str(ROOT / ".build" / "debug" / "tern")


class TernServer:
    """A running `tern serve`: its base URL and its log (stderr and stdout)."""

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log_dir, model="smollm2-135m", args=(), timeout=180):
    """Starts `tern serve` and waits until /health answers 200 (the model is loaded)."""
    if not os.access(TERN, os.X_OK):
        pytest.fail(f"{TERN} is missing: build it first (swift build --product tern) or set TERN_BIN")
    port = free_port()
    log_path = pathlib.Path(log_dir) / f"tern-serve-{port}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen([TERN, "serve", "-m", model, "--host", "127.0.0.1", "--port", str(port), *args],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    server = TernServer(process, f"http://127.0.0.1:{port}", log_path)
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

"""The service under gunicorn, as hostile, slow and careless clients see it."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.test_detector import SPUN

pytestmark = pytest.mark.integration
MAX_BODY = 100_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int, env: dict, workers: int = 2) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "detector.cli", "serve", "--port", str(port), "--workers",
                             str(workers)], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def get(port: int, path: str, timeout: float = 5):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def server(tiny_model):
    port = free_port()
    process = serve(port, {"SPUN_DETECTOR_MODEL_PATH": str(tiny_model), "SPUN_DETECTOR_MAX_BODY_BYTES": str(MAX_BODY)})
    deadline = time.time() + 60
    while True:
        try:
            assert get(port, "/readyz")[0] == 200
            break
        except OSError:
            assert process.poll() is None and time.time() < deadline, "gunicorn did not become ready"
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=60)


def test_readyz_answers_while_slow_clients_hold_connections(server):
    slow = []
    for _ in range(4):
        connection = socket.create_connection(("127.0.0.1", server))
        connection.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\n")  # and then nothing, for a while
        slow.append(connection)
    try:
        started = time.perf_counter()
        assert get(server, "/readyz", timeout=1)[0] == 200
        assert time.perf_counter() - started < 1
    finally:
        for connection in slow:
            connection.close()


def test_an_over_limit_body_sent_whole_gets_its_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    body = json.dumps({"documents": [{"id": "a", "text": "x" * (2 * MAX_BODY)}]}).encode()
    connection.request("POST", "/v1/analyze", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"]["code"] == "body_too_large"


def test_an_over_limit_chunked_body_gets_413(server):
    def chunks():
        for _ in range(30):
            yield b"[" + b"0," * 5_000 + b"0]"

    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("POST", "/v1/analyze", body=chunks(), headers={"Content-Type": "application/json"},
                       encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"]["code"] == "body_too_large"


def counter(metrics: str, name: str) -> float:
    return sum(float(value) for value in re.findall(rf"^{name}(?:{{[^}}]*}})? (\S+)$", metrics, re.M))


def test_metrics_count_every_worker_and_never_go_backwards(server):
    request = urllib.request.Request(f"http://127.0.0.1:{server}/v1/analyze", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"documents": [{"id": "m", "text": SPUN}]}).encode())
    before = counter(get(server, "/metrics")[1].decode(), "spun_documents_scored_total")
    for _ in range(12):
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    seen = [counter(get(server, "/metrics")[1].decode(), "spun_documents_scored_total") for _ in range(6)]
    assert seen == sorted(seen) and seen[0] == seen[-1] == before + 12


@pytest.mark.parametrize("env, message", [
    ({"SPUN_DETECTOR_MODEL_PATH": "/nonexistent/model"}, "no model"),
    ({"SPUN_DETECTOR_API_KEYS_FILE": "/nonexistent/keys"}, "SPUN_DETECTOR_API_KEYS_FILE"),
], ids=["broken-model", "missing-key-file"])
def test_serve_fails_in_one_line_before_binding(tiny_model, env, message):
    port = free_port()
    process = serve(port, {"SPUN_DETECTOR_MODEL_PATH": str(tiny_model), **env})
    _, error = process.communicate(timeout=60)
    assert process.returncode == 2
    assert error.count("\n") == 1 and message in error and "Traceback" not in error, error
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()

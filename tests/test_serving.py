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
    wait_until_ready(port, process)
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


def test_a_new_model_is_swapped_in_under_load_without_a_failed_request(tiny_model, tmp_path):
    import shutil
    import threading

    for name, version in (("a", "1.0.0-a"), ("b", "2.0.0-b")):
        shutil.copytree(tiny_model, tmp_path / name)
        manifest = json.loads((tmp_path / name / "manifest.json").read_text())
        (tmp_path / name / "manifest.json").write_text(json.dumps({**manifest, "version": version}))
    current = tmp_path / "current"
    current.symlink_to(tmp_path / "a")
    port = free_port()
    process = serve(port, {"SPUN_DETECTOR_MODEL_PATH": str(current), "SPUN_DETECTOR_ADMIN_KEYS": "admin-key"})
    try:
        wait_until_ready(port, process)
        request = json.dumps({"documents": [{"id": "r", "text": SPUN}]}).encode()
        outcomes, stop = [], threading.Event()

        def load():
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(urllib.request.Request(
                            f"http://127.0.0.1:{port}/v1/analyze", data=request,
                            headers={"Content-Type": "application/json"}), timeout=30) as response:
                        outcomes.append(response.status)
                except Exception as exc:  # noqa: BLE001 - every failure counts
                    outcomes.append(repr(exc))

        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(1)
        current.unlink()
        current.symlink_to(tmp_path / "b")
        reload = urllib.request.Request(f"http://127.0.0.1:{port}/v1/models/reload", method="POST",
                                        headers={"Authorization": "Bearer admin-key"})
        with urllib.request.urlopen(reload, timeout=10) as response:
            assert response.status == 202
        deadline = time.time() + 30
        while json.loads(get(port, "/v1/models")[1])["models"][0]["version"] != "2.0.0-b":
            assert time.time() < deadline, "the new model never answered"
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        for client in clients:
            client.join()
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert len(outcomes) > 20 and set(outcomes) == {200}, [o for o in outcomes if o != 200][:3]


def wait_until_ready(port: int, process) -> None:
    deadline = time.time() + 60
    while True:
        try:
            assert get(port, "/readyz")[0] == 200
            return
        except OSError:
            assert process.poll() is None and time.time() < deadline, "gunicorn did not become ready"
            time.sleep(0.2)

"""Load benchmark of the HTTP service: gunicorn with 2 workers on loopback, 800-word articles,
1 / 8 / 16 / 32 concurrent clients from a separate load generator (wrk), 16 clients while 4 slow
clients hold connections open (trickling header lines), and abusive requests sent while the load
runs. Memory per worker: resident (RSS) and proportional (PSS, shared pages split between the
processes that share them, which is what the workers really cost together).

    python benchmarks/service_load.py [--data ../shared/data] [--duration 20]
    python benchmarks/service_load.py --server-checkout DIR   # the same load on another checkout's server

Needs Debian's wrk. Run by hand on a quiet machine; results go to benchmarks/results/."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from detector.evaluation.reports import write_report
from detector.scoring import Detector

ARTICLE_WORDS = 800
SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open("{body}"):read("*a")
"""


def article(data: Path) -> str:
    """An 800-word article made of held-out news (or the bundled sample, repeated)."""
    from detector.training.corpora import read_articles, split_of

    news = data / "news" / "bbc.jsonl"
    texts = ([a.text for a in read_articles(news) if split_of(a.id) == "test"] if news.exists()
             else [(SAMPLES / "spun_article.txt").read_text()])
    words = " ".join(texts).split()
    return " ".join(words[:ARTICLE_WORDS])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("service did not become ready")


def run_wrk(url: str, body_path: str, clients: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(body=body_path))
    output = subprocess.run(["wrk", "-t", str(min(clients, 4)), "-c", str(clients), "-d", f"{duration}s",
                             "--latency", "-s", script.name, url + "/v1/analyze"],
                            capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    def latency(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {"clients": clients, "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": latency("50"), "p99_ms": latency("99"),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0}


def abusive_requests(url: str) -> list[dict]:
    """Each bad request must get a clear error quickly while the load runs."""
    cases = {
        "10 MB body": (b'{"documents": [{"id": "a", "text": "' + b"x" * 10_000_000 + b'"}]}', "application/json"),
        "10,000 tiny documents": (json.dumps({"documents": [{"id": str(i), "text": "hi"} for i in range(10_000)]}).encode(),
                                  "application/json"),
        "binary garbage": (os.urandom(100_000), "application/json"),
        "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    }
    results = []
    host, port = url.removeprefix("http://").split(":")
    for name, (body, content_type) in cases.items():
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        started = time.perf_counter()
        try:
            connection.request("POST", "/v1/analyze", body=body, headers={"Content-Type": content_type})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole oversized body was sent
        try:
            response = connection.getresponse()
            status, payload = response.status, response.read()
            code = json.loads(payload)["error"]["code"]
        except (OSError, http.client.HTTPException, ValueError) as error:
            status, code = None, f"no response: {error}"
        connection.close()
        results.append({"request": name, "status": status, "code": code,
                        "seconds": round(time.perf_counter() - started, 3)})
    return results


def memory_mb(pid: int) -> dict:
    """Resident and proportional set size of one process."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {field.lower(): round(int(re.search(rf"^{field}:\s+(\d+)", rollup, re.M).group(1)) / 1024, 1)
            for field in ("Rss", "Pss")}


def server_memory(master_pid: int) -> dict:
    workers = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    return {"master": memory_mb(master_pid), "workers": [memory_mb(int(pid)) for pid in workers]}


class SlowClients:
    """Connections that send a request line and then one header line every second, never finishing:
    how a slow or hostile client holds a server's connections."""

    def __init__(self, url: str, count: int):
        host, port = url.removeprefix("http://").split(":")
        self.sockets = [socket.create_connection((host, int(port))) for _ in range(count)]
        self.stop = threading.Event()
        for connection in self.sockets:
            connection.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: bench\r\n")
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        line = 0
        while not self.stop.wait(1.0):
            line += 1
            for connection in self.sockets:
                try:
                    connection.sendall(f"X-Slow-{line}: 1\r\n".encode())
                except OSError:
                    pass  # the server gave up on this one: it no longer holds anything

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for connection in self.sockets:
            connection.close()


def in_process_rate(text: str, seconds: float = 10) -> float:
    detector = Detector.load()
    detector.score(text)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        detector.score(text)
        count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--output", default="benchmarks/results/service_load.json")
    parser.add_argument("--server-checkout", help="serve with the code of this checkout instead (to compare)")
    args = parser.parse_args()

    text = article(Path(args.data))
    body = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"documents": [{"id": "bench", "text": text}], "return_spans": True}, body)
    body.close()
    single = in_process_rate(text)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    checkout = Path(args.server_checkout).resolve() if args.server_checkout else Path.cwd()
    server = subprocess.Popen([sys.executable, "-m", "detector.cli", "serve", "--port", str(port), "--workers", "2"],
                              cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)})
    try:
        wait_ready(url)
        idle_memory = server_memory(server.pid)
        runs = [run_wrk(url, body.name, clients, args.duration) for clients in (1, 8, 16, 32)]
        slow = SlowClients(url, 4)
        try:
            with_slow_clients = {**run_wrk(url, body.name, 16, args.duration), "slow_clients": 4}
        finally:
            slow.close()
        abuse = []
        background = threading.Thread(target=lambda: abuse.extend(abusive_requests(url)))
        background.start()
        during_abuse = run_wrk(url, body.name, 8, max(10, args.duration // 2))
        background.join()
        memory = server_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        os.unlink(body.name)
    report = {"server_checkout": str(checkout), "model_version": Detector.load().version,
              "article_words": len(text.split()), "in_process_docs_per_second_one_process": round(single, 1),
              "in_process_docs_per_second_two_processes_estimate": round(2 * single, 1),
              "runs": runs, "with_slow_clients": with_slow_clients,
              "load_during_abusive_requests": during_abuse, "abusive_requests": abuse,
              "memory_mb_idle": idle_memory, "memory_mb_after_load": memory,
              "throughput_ratio_8_clients": round(runs[1]["requests_per_second"] / (2 * single), 3)}
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Load on ``auditor serve``: a bounded run of ``POST /api/check`` requests from concurrent clients on loopback.

Starts ``python -m auditor serve`` on 127.0.0.1 on a free port (a process of its own, so its memory is measured
alone), waits for ``/healthz``, sends a few warm-up requests (not counted), then ``--requests`` requests (default
2,000) from ``--clients`` threads (default 8), each with its own keep-alive connection, and stops the server. The
article is about 3 kB, made of the articles shipped in ``examples/articles.jsonl`` (written for this project);
every request gets its own id. Prints the errors (any status other than 200, or a failed connection), the
latency percentiles, the throughput and the server's resident memory over the run (sampled from ``/proc``).

Usage: ``python benchmarks/serve_load.py [--requests N] [--clients N] [--workers N] [--bytes N]``
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles.jsonl"
HOST = "127.0.0.1"


def article(size: int) -> dict[str, str]:
    """An article of about ``size`` bytes: whole paragraphs of the example articles, the Syria one first."""
    texts = [json.loads(line)["text"] for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    paragraphs = [p for text in texts for p in text.split("\n\n")]
    chosen: list[str] = []
    for paragraph in itertools.cycle(paragraphs):
        if len("\n\n".join([*chosen, paragraph]).encode("utf-8")) > size:
            break
        chosen.append(paragraph)
    return {"text": "\n\n".join(chosen), "date": "2015-10-01", "title": "Load test"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the ``--workers`` processes), in MB."""
    total = 0
    for one in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{one}/status").read_text(encoding="ascii")
        except OSError:
            continue
        # a process that is exiting (a zombie) has no VmRSS line
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split()
    except OSError:
        return []
    return [int(c) for c in found]


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "auditor", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode} before answering")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /healthz within 120 s")


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(
    port: int, body: dict[str, str], numbers: itertools.count[int], total: int, results: Results
) -> None:
    """Send requests until ``total`` have been taken from ``numbers`` (shared by the clients)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    headers = {"content-type": "application/json"}
    while (number := next(numbers)) < total:
        payload = json.dumps({**body, "id": f"load-{number}"}).encode("utf-8")
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/check", body=payload, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            ok = response.status == 200 and json.loads(answer)["claims"]
            error = None if ok else f"request {number}: status {response.status}: {answer[:200]!r}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            error = f"request {number}: {type(exc).__name__}: {exc}"
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=300)
        elapsed = time.perf_counter() - started
        with results.lock:
            results.latencies.append(elapsed)
            if error:
                results.errors.append(error)
    connection.close()


def run(port: int, body: dict[str, str], requests: int, clients: int) -> tuple[Results, float]:
    results = Results()
    numbers = itertools.count()
    threads = [
        threading.Thread(target=client, args=(port, body, numbers, requests, results)) for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests to time (default 2,000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--bytes", type=int, default=3000, help="size of the article (default 3,000 bytes)")
    parser.add_argument("--warmup", type=int, default=8, help="requests before timing (default 8)")
    args = parser.parse_args(argv)
    body = article(args.bytes)
    port = free_port()
    server = start_server(port, args.workers)
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            samples.append((time.perf_counter(), rss_mb(server.pid)))

    try:
        run(port, body, args.warmup, min(args.clients, args.warmup))
        at_start = rss_mb(server.pid)
        sampler = threading.Thread(target=sample)
        sampler.start()
        results, wall = run(port, body, args.requests, args.clients)
        done.set()
        sampler.join()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    size = len(body["text"].encode("utf-8"))
    print(
        f"POST /api/check, {size:,}-byte article, {args.requests:,} requests, {args.clients} clients, ",
        end="",
    )
    print(f"{args.workers} worker(s), after {args.warmup} warm-up requests")
    print(f"errors: {len(results.errors)}")
    for error in results.errors[:5]:
        print(f"  {error}")
    ms = [x * 1000 for x in results.latencies]
    print(
        f"latency ms: p50 {percentile(ms, 0.50):.0f} · p95 {percentile(ms, 0.95):.0f} · "
        f"max {max(ms):.0f} · mean {statistics.fmean(ms):.0f}"
    )
    print(f"throughput: {args.requests / wall:.1f} requests/s over {wall:.1f} s")
    memory = [m for _, m in samples] or [at_start]
    quarter = max(1, len(memory) // 4)
    print(
        f"server RSS MB: after warm-up {at_start:.0f} · max {max(memory):.0f} · "
        f"first quarter mean {statistics.fmean(memory[:quarter]):.0f} · "
        f"last quarter mean {statistics.fmean(memory[-quarter:]):.0f} · at end {memory[-1]:.0f}"
    )
    return 1 if results.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

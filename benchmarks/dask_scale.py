"""Throughput and peak memory per worker of ``auditor check --dask`` on a generated corpus (issue 11).

The corpus is ``../shared/data/news/*.jsonl`` repeated with new ids (``<id>~<copy>``) up to each size, written to
``/tmp/auditor-dask-bench/`` (never committed; reused when it is already there). For each size and worker count a
``distributed.LocalCluster`` of that many worker processes (one thread each) is started as ``--dask local:N`` starts
it, then the run is timed without the cluster's start-up; the workers' resident memory is sampled every 0.5 s
from ``/proc`` (psutil) and the peak of each worker is reported, over the whole run and over each quarter of it
(memory flat in corpus size is also flat from the first quarter to the last).

    .venv/bin/python benchmarks/dask_scale.py [--sizes 250MB,1GB] [--workers 1,2] [--command check]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
from distributed import Client

from auditor.cluster.run import local_cluster, run_on_dask
from auditor.cluster.tasks import Job
from auditor.commands.options import parse_size

NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news"
WORK = Path("/tmp/auditor-dask-bench")


def corpus(size: int) -> Path:
    """A JSONL file of about ``size`` bytes: the shared news, copy after copy, each line with a new id."""
    path = WORK / f"news-{size // 2**20}MB.jsonl"
    if path.is_file() and path.stat().st_size >= size:
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    lines = [
        line for f in sorted(NEWS.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines()
    ]
    written, copy = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            for number, line in enumerate(lines):
                record = json.loads(line)
                record["id"] = f"{record.get('id', number)}~{copy}"
                text = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(text)
                written += len(text.encode("utf-8"))
                if written >= size:
                    break
            copy += 1
    return path


class PeakMemory:
    """The largest RSS of each worker process, sampled in a thread (``samples``: time, pid, RSS)."""

    def __init__(self, pids: list[int]) -> None:
        self.peaks = dict.fromkeys(pids, 0)
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        processes = [psutil.Process(p) for p in self.peaks]
        while not self._stop.wait(0.5):
            for process in processes:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[process.pid] = max(self.peaks[process.pid], rss)
                self.samples.append((time.perf_counter(), process.pid, rss))

    def quarters(self) -> list[int]:
        """The peak RSS (MB) of the busiest worker in each quarter of the sampled time."""
        if not self.samples:
            return []
        start, end = self.samples[0][0], self.samples[-1][0]
        span = (end - start) / 4 or 1.0
        peaks = [0] * 4
        for at, _pid, rss in self.samples:
            quarter = min(int((at - start) / span), 3)
            peaks[quarter] = max(peaks[quarter], rss)
        return [round(p / 2**20) for p in peaks]

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(path: Path, workers: int, command: str, part_size: int) -> dict[str, object]:
    """One run of ``command`` over ``path`` on ``workers`` local worker processes."""
    out = Path(tempfile.mkdtemp(prefix="auditor-dask-out-"))
    try:
        started = time.perf_counter()
        with local_cluster(workers) as cluster, Client(cluster) as client:
            startup = time.perf_counter() - started
            pids = list(client.run(os.getpid).values())
            job = Job("check" if command == "check" else "extract", str(out))
            with PeakMemory(pids) as memory:
                began = time.perf_counter()
                run = run_on_dask(
                    job, [str(path)], cluster.scheduler_address, part_size, echo=lambda _m: None
                )
                wall = time.perf_counter() - began
        documents = sum(r.documents for r in run.results.values())
        size = path.stat().st_size
        return {
            "size_mb": round(size / 2**20),
            "workers": workers,
            "parts": len(run.parts),
            "failed": len(run.failed),
            "documents": documents,
            "startup_s": round(startup, 1),
            "wall_s": round(wall, 1),
            "mb_per_s": round(size / 2**20 / wall, 2),
            "docs_per_s": round(documents / wall),
            "peak_rss_mb": sorted(round(v / 2**20) for v in memory.peaks.values()),
            "peak_rss_mb_by_quarter": memory.quarters(),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250MB,1GB")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--command", choices=("check", "extract"), default="check")
    parser.add_argument("--part-size", default="32MB")
    args = parser.parse_args()
    for size in (parse_size(s) for s in args.sizes.split(",")):
        path = corpus(size)
        for workers in (int(w) for w in args.workers.split(",")):
            print(json.dumps(measure(path, workers, args.command, parse_size(args.part_size))), flush=True)


if __name__ == "__main__":
    main()

"""Speed and memory of ``auditor extract --format jsonl`` as a whole process, on one core.

Runs the CLI (pinned to core 0 with ``taskset`` when available) over every article in
``../shared/data/news/*.jsonl``, then over the same corpus written three times, and reports characters per second and
peak resident memory of each run (memory must not grow with corpus size).  In the same run it times quantulum3 on a
sample of the same articles (when quantulum3 is installed: ``pip install quantulum3``) and prints the ratio.

With ``--rounds N`` the 1x extraction runs N times and every run is printed with the best and the median (this
machine's speed varies from run to run); the load average is printed before and after.

Usage: ``python benchmarks/extraction_speed.py [--news DIR] [--quantulum-chars N] [--rounds N]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_NEWS = REPO.parent / "shared" / "data" / "news"


def _corpus_chars(files: list[Path]) -> tuple[int, int]:
    docs = chars = 0
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                docs += 1
                chars += len(json.loads(line).get("text") or "")
    return docs, chars


def run_cli(inputs: list[Path], out: Path, command: str = "extract") -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``auditor extract|check --format jsonl`` process."""
    exe = Path(sys.executable).with_name("auditor")
    cmd = [str(exe), command, *map(str, inputs), "--format", "jsonl", "--output", str(out)]
    if command == "check":
        cmd += ["--fail-on", "never"]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "rc = subprocess.run(sys.argv[1:]).returncode\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'rc': rc, 'seconds': dt, 'rss_mb': rss}))\n"
    )
    res = subprocess.run([sys.executable, "-c", script, *cmd], capture_output=True, text=True, check=True)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    if data["rc"] not in (0, 2):
        raise SystemExit(f"auditor extract failed with status {data['rc']}")
    return float(data["seconds"]), float(data["rss_mb"])


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (``/proc/loadavg``), or ``"n/a"``."""
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "n/a"


def run_quantulum(files: list[Path], limit_chars: int) -> tuple[int, float] | None:
    """Characters parsed and seconds taken by quantulum3 on the first ``limit_chars`` characters of articles."""
    try:
        from quantulum3 import parser  # type: ignore[import-not-found]
    except ImportError:
        return None
    texts: list[str] = []
    total = 0
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for line in fh:
                t = json.loads(line).get("text") or ""
                texts.append(t)
                total += len(t)
                if total >= limit_chars:
                    break
        if total >= limit_chars:
            break
    start = time.perf_counter()
    for t in texts:
        try:
            parser.parse(t)
        except Exception:
            continue
    return total, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    ap.add_argument("--quantulum-chars", type=int, default=400_000)
    ap.add_argument(
        "--rounds", type=int, default=1, help="runs of the 1x extraction (best and median printed)"
    )
    args = ap.parse_args()
    files = sorted(args.news.glob("*.jsonl"))
    if not files:
        print(f"skipped: no *.jsonl under {args.news} (the corpora live in ../shared/data/news)")
        return 0
    docs, chars = _corpus_chars(files)
    print(f"load average before: {load_average()}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "claims.jsonl"
        runs = [run_cli(files, out) for _ in range(max(1, args.rounds))]
        with out.open(encoding="utf-8") as fh:
            claims = sum(1 for _ in fh)
        print(f"corpus: {len(files)} files, {docs} articles, {chars / 1e6:.2f} M characters, {claims} claims")
        for secs, rss in runs:
            print(
                f"auditor extract (1x): {secs:.2f} s, {chars / secs / 1e6:.2f} M chars/s, peak RSS {rss:.0f} MB"
            )
        times = sorted(secs for secs, _ in runs)
        secs = times[len(times) // 2]
        if len(runs) > 1:
            print(
                f"auditor extract (1x, {len(runs)} runs): best {times[0]:.2f} s ({chars / times[0] / 1e6:.2f} M "
                f"chars/s), median {secs:.2f} s ({chars / secs / 1e6:.2f} M chars/s)"
            )
        check_secs, check_rss = run_cli(files, Path(tmp) / "checked.jsonl", "check")
        print(
            f"auditor check   (1x): {check_secs:.2f} s, {chars / check_secs / 1e6:.2f} M chars/s, "
            f"peak RSS {check_rss:.0f} MB; checking adds {check_secs / secs - 1:.0%} to extraction"
        )
        triple = Path(tmp) / "triple.jsonl"
        with triple.open("w", encoding="utf-8") as fh:
            for rep in range(3):
                for f in files:
                    with f.open(encoding="utf-8") as src:
                        for line in src:
                            row = json.loads(line)
                            row["id"] = f"{rep}-{row['id']}"
                            fh.write(json.dumps(row) + "\n")
        secs3, rss3 = run_cli([triple], out)
        print(
            f"auditor extract (3x): {secs3:.2f} s, {3 * chars / secs3 / 1e6:.2f} M chars/s, peak RSS {rss3:.0f} MB"
        )
        os.environ.setdefault("PYTHONHASHSEED", "0")
    q = run_quantulum(files, args.quantulum_chars)
    if q is None:
        print("quantulum3: not installed (pip install quantulum3) - no ratio")
    else:
        qchars, qsecs = q
        qrate = qchars / qsecs
        print(f"quantulum3 (first {qchars / 1e3:.0f} k chars): {qsecs:.2f} s, {qrate / 1e3:.1f} k chars/s")
        print(f"ratio auditor/quantulum3: {chars / secs / qrate:.0f}x")
    print(f"max RSS of this script: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

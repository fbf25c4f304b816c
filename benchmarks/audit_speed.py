"""Wall time of a full ``auditor audit`` (extract, check, store, report) as a whole process, and what it stored.

Runs ``python -m auditor audit`` on ``../shared/data/news/fakes_syria.jsonl`` (804 dated articles) into a fresh
history database and report folder, then a second time on the same input (which must add nothing), and prints
both wall times, the rows per table and the report path. The acceptance bound is 60 s for the first run.

Usage: ``python benchmarks/audit_speed.py [--articles FILE] [--keep DIR] [--limit SECONDS]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = REPO.parent / "shared" / "data" / "news" / "fakes_syria.jsonl"
TABLES = ("runs", "documents", "claims", "verdicts", "findings")


def audit(articles: Path, work: Path) -> tuple[float, int, str]:
    """Run the command once; returns wall seconds, exit status and its last line of output."""
    command = [sys.executable, "-m", "auditor", "audit", str(articles), "--db", str(work / "audit.duckdb")]
    command += ["--out", str(work / "reports"), "--fail-on", "never", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    lines = done.stdout.strip().splitlines()
    return elapsed, done.returncode, lines[-1] if lines else ""


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in TABLES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="JSONL batch to audit")
    parser.add_argument("--keep", type=Path, help="write the database and reports here (default: a temp dir)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds the first run may take")
    args = parser.parse_args(argv)
    if not args.articles.is_file():
        print(f"{args.articles}: not found (the benchmark needs ../shared)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="audit-speed-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        first, status, summary = audit(args.articles, work)
        after_first = counts(work / "audit.duckdb")
        second, status_again, _ = audit(args.articles, work)
        after_second = counts(work / "audit.duckdb")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"articles: {args.articles}")
    print(f"first run:  {first:6.1f} s wall (exit {status}; limit {args.limit:.0f} s)")
    print(f"second run: {second:6.1f} s wall (exit {status_again}; same input, must add nothing)")
    print("rows:       " + ", ".join(f"{t} {n:,}" for t, n in after_first.items()))
    added = {t: after_second[t] - after_first[t] for t in TABLES if t != "runs"}
    print("re-run added: " + ", ".join(f"{t} {n}" for t, n in added.items()))
    print(f"summary:    {summary}")
    ok = status in (0, 1) and first <= args.limit and not any(added.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

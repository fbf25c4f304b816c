"""Whole ``auditor audit`` processes killed with SIGKILL, and two started at once on one database.

A run killed at any moment (during start-up, right after it recorded itself, part-way through storing, while
writing its report, at a random instant) and then re-run must leave exactly the rows a clean run leaves; two
audits started together must either fail with a clear message or wait, and never corrupt the history.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_audit import (
    assert_no_duplicate_rows,
    auditor_command,
    contents,
    generate_articles,
    runs,
    write_jsonl,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ARTICLES = 200
POLL = 0.002


@dataclass(frozen=True)
class CleanRun:
    """The reference: one uninterrupted audit of the batch."""

    source: Path
    rows: dict[str, list[tuple[Any, ...]]]
    seconds: float
    max_wal: int


def audit_command(work: Path, source: Path, *extra: str) -> list[str]:
    return [
        *auditor_command(),
        "audit",
        str(source),
        "--db",
        str(work / "audit.duckdb"),
        "--out",
        str(work / "reports"),
        "--batch-size",
        "10",
        "--fail-on",
        "never",
        *extra,
    ]


def start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def wal_size(db: Path) -> int:
    try:
        return db.with_name(db.name + ".wal").stat().st_size
    except FileNotFoundError:
        return 0


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    work = tmp_path_factory.mktemp("clean")
    source = write_jsonl(work / "in" / "articles.jsonl", generate_articles(ARTICLES, seed=21))
    db = work / "audit.duckdb"
    largest = 0
    started = time.monotonic()
    with start(audit_command(work, source)) as proc:
        while proc.poll() is None:
            largest = max(largest, wal_size(db))
            time.sleep(POLL)
        out, err = proc.communicate()
    seconds = time.monotonic() - started
    assert proc.returncode == 0, err
    assert f"{ARTICLES} new" in out
    assert largest > 0, "the run wrote its log"
    return CleanRun(source, contents(db), seconds, largest)


def stored_documents(db: Path) -> int:
    """Documents in the history (0 when the database or its tables were not created yet)."""
    if not db.exists():
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'documents'").fetchall()
        if not found[0][0]:
            return 0
        return int(con.execute("SELECT count(*) FROM documents").fetchall()[0][0])


def kill_when(command: list[str], ready: Callable[[], bool], timeout: float) -> bool:
    """Start ``command``, SIGKILL it as soon as ``ready()`` holds; False when it ended first."""
    deadline = time.monotonic() + timeout
    with start(command) as proc:
        while proc.poll() is None and time.monotonic() < deadline:
            if ready():
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return proc.returncode == -signal.SIGKILL
            time.sleep(POLL)
        proc.communicate()
        return False


def test_a_run_killed_at_any_moment_then_rerun_leaves_the_rows_of_a_clean_run(
    clean: CleanRun, tmp_path: Path
) -> None:
    db = tmp_path / "audit.duckdb"
    reports = tmp_path / "reports"
    command = audit_command(tmp_path, clean.source)
    timeout = 10 * clean.seconds + 60

    def after(seconds: float) -> Callable[[], bool]:
        begun = time.monotonic()
        return lambda: time.monotonic() - begun >= seconds

    def log_grew(fraction: float) -> Callable[[], bool]:
        lowest = [wal_size(db)]

        def ready() -> bool:
            size = wal_size(db)
            lowest[0] = min(lowest[0], size)
            return size - lowest[0] >= fraction * clean.max_wal

        return ready

    def staging() -> bool:
        return reports.is_dir() and any(p.name.startswith(".") for p in reports.iterdir())

    moments: list[tuple[str, Callable[[], Callable[[], bool]]]] = [
        ("during start-up", lambda: after(0.3)),
        ("right after the run was recorded", lambda: log_grew(0.0001)),
        ("a quarter into storing", lambda: log_grew(0.25)),
        ("another quarter into storing", lambda: log_grew(0.25)),
        ("at a random instant", lambda: after(random.Random(5).uniform(0.2, 0.8) * clean.seconds)),
        ("while writing the report", lambda: staging),
    ]
    stored_after_kill: dict[str, int] = {}
    for name, trigger in moments:
        killed = kill_when(command, trigger(), timeout)
        stored = stored_documents(db)
        stored_after_kill[name] = stored if killed else -1
    assert stored_after_kill["during start-up"] == 0
    assert any(0 < n < ARTICLES for n in stored_after_kill.values()), stored_after_kill
    assert stored_after_kill["while writing the report"] == ARTICLES, stored_after_kill

    with start(command) as proc:
        out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    assert "0 new" in out
    assert contents(db) == clean.rows
    assert_no_duplicate_rows(db)
    history = runs(db)
    assert history.iloc[-1]["status"] == "finished"
    assert set(history.iloc[:-1]["status"]) <= {"interrupted"}
    assert (reports / history.iloc[-1]["run_id"] / "index.html").is_file()
    assert not [p.name for p in reports.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_two_audits_started_together_one_fails_clearly_and_nothing_is_corrupted(
    clean: CleanRun, tmp_path: Path
) -> None:
    command = audit_command(tmp_path, clean.source)
    with start(command) as first, start(command) as second:
        results = []
        for proc in (first, second):
            out, err = proc.communicate(timeout=10 * clean.seconds + 60)
            results.append((proc.returncode, out, err))
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert f"{tmp_path / 'audit.duckdb'}: another audit (pid " in loser
    assert contents(tmp_path / "audit.duckdb") == clean.rows
    assert list(runs(tmp_path / "audit.duckdb")["status"]) == ["finished"]


def test_two_audits_started_together_with_wait_run_one_after_the_other(
    clean: CleanRun, tmp_path: Path
) -> None:
    command = audit_command(tmp_path, clean.source, "--wait", "600")
    outputs: list[tuple[int, str, str]] = []

    def run() -> None:
        with start(command) as proc:
            out, err = proc.communicate(timeout=20 * clean.seconds + 120)
        outputs.append((proc.returncode, out, err))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _, _ in outputs] == [0, 0], outputs
    summaries = sorted(out for _, out, _ in outputs)
    assert sum(f"{ARTICLES} new" in s for s in summaries) == 1
    assert sum(f"0 new · {ARTICLES} already audited" in s for s in summaries) == 1
    assert contents(tmp_path / "audit.duckdb") == clean.rows
    assert_no_duplicate_rows(tmp_path / "audit.duckdb")

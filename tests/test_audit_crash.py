"""Whole ``auditor audit`` processes killed with SIGKILL, and two started at once on one database.

A run killed at any of the points a run goes through (before opening the history, right after recording
itself, inside a document's transaction after its claims or its verdicts, between two documents, with its
report written but not moved into place) leaves only whole articles, and a re-run then leaves exactly the
rows a clean run leaves. The kills are not timed: ``tests/kill_points.py`` runs the command line and kills its
own process the Nth time it reaches the point. Two audits started together must either fail with a clear
message or wait, and never corrupt the history.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
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

from auditor.history.store import DATA_TABLES

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
KILL_POINTS = Path(__file__).with_name("kill_points.py")
ARTICLES = 200

#: A document's rows: table -> its rows (without run id), sorted.
Article = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class CleanRun:
    """The reference: one uninterrupted audit of the batch."""

    source: Path
    rows: dict[str, list[tuple[Any, ...]]]
    articles: dict[str, Article]
    seconds: float


def audit_args(work: Path, source: Path, *extra: str) -> list[str]:
    return [
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


def audit_command(work: Path, source: Path, *extra: str) -> list[str]:
    return [*auditor_command(), *audit_args(work, source, *extra)]


def start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def articles(db: Path) -> dict[str, Article]:
    """Per stored document key, its rows in every data table (none when the history has no tables yet)."""
    found: dict[str, Article] = defaultdict(lambda: {t: [] for t in DATA_TABLES})
    if not db.exists():
        return {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in DATA_TABLES if "documents" in tables else ():
            for row in con.execute(f"SELECT * EXCLUDE (run_id) FROM {table} ORDER BY ALL").fetchall():
                found[row[0]][table].append(row)
    return dict(found)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    work = tmp_path_factory.mktemp("clean")
    source = write_jsonl(work / "in" / "articles.jsonl", generate_articles(ARTICLES, seed=21))
    started = time.monotonic()
    with start(audit_command(work, source)) as proc:
        out, err = proc.communicate()
    seconds = time.monotonic() - started
    assert proc.returncode == 0, err
    assert f"{ARTICLES} new" in out
    db = work / "audit.duckdb"
    return CleanRun(source, contents(db), articles(db), seconds)


def killed_at(point: str, times: int, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``auditor ARGS`` killed the ``times``-th time it reaches ``point`` (see tests/kill_points.py)."""
    command = [sys.executable, str(KILL_POINTS), point, str(times), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=timeout, check=False)


def test_a_run_killed_at_any_point_leaves_whole_articles_and_a_rerun_the_rows_of_a_clean_run(
    clean: CleanRun, tmp_path: Path
) -> None:
    db = tmp_path / "audit.duckdb"
    reports = tmp_path / "reports"
    args = audit_args(tmp_path, clean.source)
    timeout = 10 * clean.seconds + 60
    stored = []
    for point, times in [
        ("before-opening-the-history", 1),
        ("after-recording-the-run", 1),
        ("after-writing-claims", 25),  # in the transaction of the 25th document with claims
        ("after-writing-verdicts", 40),
        ("after-storing-a-document", 50),
        ("before-moving-the-report-in", 1),
    ]:
        result = killed_at(point, times, args, timeout)
        assert result.returncode == -signal.SIGKILL, (point, result.stderr)
        now = articles(db)
        for key, rows in now.items():
            assert rows == clean.articles[key], f"killed {point}: article {key} is not whole"
        stored.append(len(now))
    assert stored[:2] == [0, 0]
    assert 0 < stored[2] < stored[3] < ARTICLES, stored
    assert stored[4] == stored[3] + 50, "each stored document is one commit"
    assert stored[5] == ARTICLES, stored
    assert [p.name for p in reports.iterdir() if p.name.endswith(".tmp")], "the staged report is left"

    with start(auditor_command() + args) as proc:
        out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    assert "0 new" in out
    assert contents(db) == clean.rows
    assert_no_duplicate_rows(db)
    history = runs(db)
    assert history.iloc[-1]["status"] == "finished"
    assert set(history.iloc[:-1]["status"]) == {"interrupted"}
    assert len(history) == 6  # killed before opening the history, the first run recorded nothing
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

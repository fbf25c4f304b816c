"""``auditor audit``: no duplicate rows, new articles only, bad input skipped, reports, exit status."""

from __future__ import annotations

import json
import os
import pty
import random
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from auditor.checks import engine
from auditor.cli import main
from auditor.history import audit as audit_module
from auditor.history.store import DATA_TABLES, AuditStore, RunStart
from auditor.schemas import SEVERITIES

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "cases"

# --- articles written for these tests -----------------------------------------------------------------------


def generate_articles(n: int, seed: int = 7) -> list[dict[str, str]]:
    """``n`` news-style articles assembled from the sentence templates in ``cases/audit_articles.yaml``."""
    blocks = yaml.safe_load((CASES / "audit_articles.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)

    def fill(template: str) -> str:
        low = rng.randrange(2, 90) * 1000
        return template.format(
            n=f"{low:,}",
            n2=f"{low + rng.randrange(1, 9) * 1000:,}",
            big=f"{rng.randrange(11, 99) / 10:.1f}",
            pct=rng.randrange(5, 95),
            place=rng.choice(blocks["places"]),
            month=rng.choice(blocks["months"]),
            year=rng.choice(blocks["years"]),
        )

    articles = []
    for i in range(n):
        sentences = [
            fill(rng.choice(blocks["openings"])),
            *(fill(t) for t in rng.sample(blocks["middles"], 2)),
            fill(rng.choice(blocks["closings"])),
        ]
        articles.append(
            {
                "id": f"gen-{seed}-{i:04d}",
                "title": sentences[0].split(",")[0],
                "date": str(rng.choice(blocks["dates"])),
                "source": rng.choice(blocks["sources"]),
                "text": " ".join(sentences),
            }
        )
    return articles


def write_jsonl(path: Path, articles: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def auditor_command() -> list[str]:
    """How a test starts the command line in a process of its own (run from the checkout)."""
    return [sys.executable, "-m", "auditor"]


# --- running the command ------------------------------------------------------------------------------------


def audit_args(tmp: Path, *sources: str | Path, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        "audit",
        *map(str, sources),
        "--db",
        str(tmp / "audit.duckdb"),
        "--out",
        str(tmp / "reports"),
        *extra,
    ]


def run_cli(args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)


def contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every data table without run ids, sorted: what two histories of the same input must share."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL").fetchall() for t in DATA_TABLES
        }


def runs(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM runs ORDER BY started_at, run_id").df()


def assert_no_duplicate_rows(db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        for table in DATA_TABLES:
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            distinct = con.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT * EXCLUDE (run_id) FROM {table})"
            ).fetchone()
            assert rows == distinct, f"duplicate rows in {table}"
        docs = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone()
        assert docs is not None
        assert docs[0] == docs[1], "an unchanged article was stored twice"


# --- exit status --------------------------------------------------------------------------------------------

EXIT_CASES = yaml.safe_load((CASES / "audit_exit_status.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", EXIT_CASES, ids=[c["name"] for c in EXIT_CASES])
def test_exit_status_follows_fail_on_and_bad_input(case: dict[str, Any]) -> None:
    assert set(case["severities"]) <= set(SEVERITIES)
    got = audit_module.exit_status(
        case["severities"], case["fail_on"], bad_documents=case["bad"], failed_documents=case.get("failed", 0)
    )
    assert got == case["exit"]


def test_findings_at_fail_on_give_status_1_and_never_gives_0(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "articles.jsonl", generate_articles(10))
    first = run_cli(audit_args(tmp_path / "a", source, extra=("--fail-on", "never")))
    assert first.exit_code == 0, first.output
    with duckdb.connect(str(tmp_path / "a" / "audit.duckdb"), read_only=True) as con:
        severities = {r[0] for r in con.execute("SELECT DISTINCT severity FROM findings").fetchall()}
    worst = max(severities, key=SEVERITIES.index)
    assert worst in ("warning", "error"), "the articles are built to draw findings worth a look"
    second = run_cli(audit_args(tmp_path / "b", source, extra=("--fail-on", worst)))
    assert second.exit_code == 1, second.output
    if worst == "warning":
        third = run_cli(audit_args(tmp_path / "c", source, extra=("--fail-on", "error")))
        assert third.exit_code == 0, third.output


# --- nothing doubled ----------------------------------------------------------------------------------------


def test_rerunning_the_same_input_adds_no_rows(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "articles.jsonl", generate_articles(25))
    first = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert first.exit_code == 0, first.output
    before = contents(tmp_path / "audit.duckdb")
    assert len(before["documents"]) == 25
    assert before["claims"], "the generated articles state numbers"
    second = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert second.exit_code == 0, second.output
    assert contents(tmp_path / "audit.duckdb") == before
    assert_no_duplicate_rows(tmp_path / "audit.duckdb")
    assert "25 articles read · 0 new · 25 already audited" in second.stdout
    assert list(runs(tmp_path / "audit.duckdb")["status"]) == ["finished", "finished"]


def test_only_articles_new_to_the_folder_are_audited(tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    articles = generate_articles(5, seed=11)
    for article in articles[:3]:
        (folder / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    assert run_cli(audit_args(tmp_path, folder, extra=("--fail-on", "never"))).exit_code == 0
    for article in articles[3:]:
        (folder / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    second = run_cli(audit_args(tmp_path, folder, extra=("--fail-on", "never")))
    assert second.exit_code == 0, second.output
    assert "5 articles read · 2 new · 3 already audited" in second.stdout
    history = runs(tmp_path / "audit.duckdb")
    assert list(history["documents_new"]) == [3, 2]
    assert len(contents(tmp_path / "audit.duckdb")["documents"]) == 5


def test_an_edited_article_is_stored_again_as_a_new_version(tmp_path: Path) -> None:
    article = generate_articles(1, seed=3)[0]
    source = tmp_path / "in" / "story.jsonl"
    write_jsonl(source, [article])
    run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    reflowed = dict(article, text="  " + article["text"].replace(" ", "\n  ") + "\n")
    write_jsonl(source, [reflowed])
    same = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert "0 new · 1 already audited" in same.stdout
    edited = dict(article, text=article["text"] + " Officials later revised the count to 999.")
    write_jsonl(source, [edited])
    again = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert "1 new · 0 already audited" in again.stdout
    stored = contents(tmp_path / "audit.duckdb")["documents"]
    assert [row[1] for row in stored] == [article["id"], article["id"]]


# --- bad input ----------------------------------------------------------------------------------------------


def test_bad_documents_are_reported_and_skipped_and_the_rest_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    good = generate_articles(4, seed=5)
    lines = [json.dumps(a) for a in good[:3]]
    lines.insert(1, '{"id": "broken", "text": ')
    lines.append(json.dumps({"id": "no-text", "title": "Missing its text"}))
    (folder / "batch").mkdir(parents=True)
    (folder / "batch" / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "ok.txt").write_text(good[3]["text"], encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"\x00\x01PK binary")
    result = run_cli(audit_args(tmp_path, folder, extra=("--fail-on", "never")))
    assert result.exit_code == 2
    wire = (folder / "batch" / "wire.jsonl").as_posix()
    assert f"{wire}:2" in result.stderr
    assert f"{wire}:5" in result.stderr
    assert (folder / "scan.txt").as_posix() in result.stderr
    assert "3 bad inputs were skipped; the rest was stored" in result.stderr
    stored = {row[1] for row in contents(tmp_path / "audit.duckdb")["documents"]}
    assert stored == {good[0]["id"], good[1]["id"], good[2]["id"], (folder / "ok.txt").as_posix()}
    run = runs(tmp_path / "audit.duckdb").iloc[-1]
    assert (run["status"], run["exit_code"], run["documents_bad"], run["documents_new"]) == (
        "finished",
        2,
        3,
        4,
    )
    assert (tmp_path / "reports" / run["run_id"] / "index.html").is_file()


def test_a_database_held_by_another_audit_fails_with_a_clear_message(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "a.jsonl", generate_articles(2))
    db = tmp_path / "audit.duckdb"
    with AuditStore(db):
        result = run_cli(audit_args(tmp_path, source))
    assert result.exit_code == 2
    assert f"error: {db}: another audit (pid {os.getpid()}" in result.stderr
    assert "--wait" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_an_audit_told_to_wait_runs_when_the_other_finishes(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "a.jsonl", generate_articles(2))
    holder = AuditStore(tmp_path / "audit.duckdb").open()
    timer = threading.Timer(0.5, holder.close)
    timer.start()
    result = run_cli(audit_args(tmp_path, source, extra=("--wait", "30", "--fail-on", "never")))
    timer.join()
    assert result.exit_code == 0, result.output
    assert "2 new" in result.stdout


# --- failures -----------------------------------------------------------------------------------------------


def test_an_article_that_breaks_the_checks_is_skipped_and_the_rest_stored_with_status_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = generate_articles(10, seed=9)
    poison = articles[6]["id"]
    source = write_jsonl(tmp_path / "in" / "a.jsonl", articles)
    clean = run_cli(audit_args(tmp_path / "clean", source, extra=("--fail-on", "never")))
    assert clean.exit_code == 0, clean.output

    real = engine.check_claims

    def breaks_on_one_article(claims: pd.DataFrame, documents: pd.DataFrame, **kwargs: Any) -> Any:
        if poison in set(documents["doc_id"]):
            raise RuntimeError("simulated bug in a check")
        return real(claims, documents, **kwargs)

    monkeypatch.setattr(engine, "check_claims", breaks_on_one_article)
    args = audit_args(tmp_path / "bug", source, extra=("--batch-size", "4", "--fail-on", "never"))
    broken = run_cli(args)
    assert broken.exit_code == 3
    assert f"internal error: {poison}: RuntimeError: simulated bug in a check" in broken.stderr
    assert "1 failed (internal error)" in broken.stdout
    db = tmp_path / "bug" / "audit.duckdb"
    run = runs(db).iloc[-1]
    assert (run["status"], run["exit_code"], run["documents_new"], run["documents_failed"]) == (
        "finished",
        3,
        9,
        1,
    )
    assert poison not in {row[1] for row in contents(db)["documents"]}
    assert (tmp_path / "bug" / "reports" / run["run_id"] / "index.html").is_file()

    monkeypatch.setattr(engine, "check_claims", real)
    rerun = run_cli(args)
    assert rerun.exit_code == 0, rerun.output
    assert "10 articles read · 1 new · 9 already audited" in rerun.stdout
    assert contents(db) == contents(tmp_path / "clean" / "audit.duckdb")


def test_a_database_error_ends_the_run_keeping_the_documents_stored_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = generate_articles(6, seed=12)
    source = write_jsonl(tmp_path / "in" / "a.jsonl", articles)
    real = AuditStore._insert_rows

    def disk_fills_up(self: AuditStore, table: str, *, doc_key: str, run_id: str, doc_id: str) -> None:
        if doc_id == articles[3]["id"]:
            raise duckdb.IOException("No space left on device (simulated)")
        real(self, table, doc_key=doc_key, run_id=run_id, doc_id=doc_id)

    monkeypatch.setattr(AuditStore, "_insert_rows", disk_fills_up)
    result = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    db = tmp_path / "audit.duckdb"
    assert result.exit_code == 2
    assert f"error: {db}: could not store document {articles[3]['id']!r}" in result.stderr
    assert "No space left on device" in result.stderr
    run = runs(db).iloc[-1]
    assert (run["status"], run["exit_code"]) == ("failed", 2)
    assert sorted(row[1] for row in contents(db)["documents"]) == sorted(a["id"] for a in articles[:3])


def test_a_report_that_fails_half_way_leaves_no_partial_folder_and_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.report import html

    articles = generate_articles(6, seed=4)
    source = write_jsonl(tmp_path / "in" / "a.jsonl", articles[:3])
    assert run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never"))).exit_code == 0
    index = tmp_path / "reports" / "index.html"
    before = index.read_bytes()
    listing = sorted(p.name for p in (tmp_path / "reports").iterdir())

    real = html._write_articles

    def dies_after_the_articles(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html, "_write_articles", dies_after_the_articles)
    write_jsonl(source, articles)
    result = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert result.exit_code == 3
    assert index.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == listing
    failed = runs(tmp_path / "audit.duckdb").iloc[-1]
    assert failed["status"] == "failed"
    assert failed["documents_new"] == 3  # the data were stored before the report was written


# --- reports ------------------------------------------------------------------------------------------------


def test_each_run_gets_a_dated_report_folder_and_the_index_lists_every_run(tmp_path: Path) -> None:
    articles = generate_articles(4, seed=8)
    source = write_jsonl(tmp_path / "in" / "a.jsonl", articles[:2])
    first = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    write_jsonl(source, articles)
    second = run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never")))
    assert (first.exit_code, second.exit_code) == (0, 0)
    history = runs(tmp_path / "audit.duckdb")
    reports = tmp_path / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    for run in history.itertuples():
        folder = reports / str(run.run_id)
        assert str(run.run_id).startswith(pd.Timestamp(run.started_at).strftime("%Y-%m-%dT%H%M%S"))
        assert (folder / "index.html").is_file()
        assert Path(str(run.report)) == folder / "index.html"
        assert f"{run.run_id}/index.html" in index
        assert str(folder / "index.html") in (first.stdout if run.Index == 0 else second.stdout)
    assert not [p for p in reports.iterdir() if p.name.startswith(".")], "staging leftovers"
    assert second.stdout.strip().splitlines()[-1].startswith(f"audit {history.iloc[-1]['run_id']}: ")


def test_the_next_run_removes_what_a_run_killed_while_writing_its_report_left(tmp_path: Path) -> None:
    with AuditStore(tmp_path / "audit.duckdb") as store:
        dead = store.start_run(RunStart(sources=["x"]))  # never finished: found "interrupted" next time
    reports = tmp_path / "reports"
    (reports / f".{dead}.k3j9.tmp" / "articles").mkdir(parents=True)
    (reports / f".{dead}.k3j9.tmp" / "index.html").write_text("<html>half", encoding="utf-8")
    (reports / ".index.html.x81q.tmp").write_text("<html>half", encoding="utf-8")
    foreign = reports / ".2015-01-01T000000Z-000000.a1b2.tmp"  # not a run of this history: left alone
    foreign.mkdir()
    source = write_jsonl(tmp_path / "in" / "a.jsonl", generate_articles(1, seed=13))
    assert run_cli(audit_args(tmp_path, source, extra=("--fail-on", "never"))).exit_code == 0
    assert sorted(p.name for p in reports.iterdir() if p.name.startswith(".")) == [foreign.name]


def test_the_date_option_sets_the_date_of_every_article_as_check_does(tmp_path: Path) -> None:
    dated, undated = generate_articles(2, seed=2)
    source = write_jsonl(
        tmp_path / "in" / "a.jsonl", [dated, {k: v for k, v in undated.items() if k != "date"}]
    )
    result = run_cli(audit_args(tmp_path, source, extra=("--date", "2015-10-01", "--fail-on", "never")))
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(tmp_path / "audit.duckdb"), read_only=True) as con:
        dates = con.execute("SELECT DISTINCT CAST(date AS VARCHAR) FROM documents").fetchall()
    assert dates == [("2015-10-01 00:00:00",)]


def test_articles_from_standard_input_are_audited(tmp_path: Path) -> None:
    lines = "".join(json.dumps(a) + "\n" for a in generate_articles(3, seed=6))
    result = run_cli(audit_args(tmp_path, "-", extra=("--fail-on", "never")), stdin=lines)
    assert result.exit_code == 0, result.output
    assert "3 articles read · 3 new" in result.stdout


# --- progress on a terminal ---------------------------------------------------------------------------------


def _run_on_terminal(args: list[str]) -> tuple[int, str]:
    """Run ``python -m auditor`` with stderr on a pseudo-terminal; returns exit status and what it showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"}
    with subprocess.Popen(
        [*auditor_command(), *args],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        env=env,
    ) as proc:
        os.close(follower)
        shown = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed when the process ended
                break
            if not chunk:
                break
            shown += chunk
        code = proc.wait(timeout=120)
    os.close(leader)
    return code, shown.decode("utf-8", "replace")


def test_a_progress_bar_shows_on_a_terminal_only(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "a.jsonl", generate_articles(6))
    code, shown = _run_on_terminal(
        audit_args(tmp_path / "tty", source, extra=("--batch-size", "2", "--fail-on", "never"))
    )
    assert code == 0, shown
    assert "Auditing" in shown
    assert "6/6" in shown
    code, shown = _run_on_terminal(
        audit_args(tmp_path / "quiet", source, extra=("--quiet", "--fail-on", "never"))
    )
    assert code == 0, shown
    assert "Auditing" not in shown
    piped = run_cli(audit_args(tmp_path / "pipe", source, extra=("--fail-on", "never")))
    assert "Auditing" not in piped.output
    assert piped.stdout.count("\n") == 1, "one summary line and nothing else"

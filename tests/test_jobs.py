"""``--jobs N``: the same output as one process, byte for byte; a batch that fails or kills its worker is
reported and the other batches are kept."""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from test_audit import audit_args, contents, generate_articles, run_cli, runs, write_jsonl

from auditor.checks import engine
from auditor.checks.batch_jobs import job_batches
from auditor.cli import main
from auditor.history import audit as audit_module
from auditor.history import methods
from auditor.io.documents import Document
from auditor.io.worker_pool import WorkerDiedError, ordered_map


def _start(offset: int) -> None:
    os.environ["JOBS_TEST_OFFSET"] = str(offset)


def _double_or_fail(batch: int) -> int:
    if batch == 3:
        raise ValueError("batch 3 is bad")
    if batch == 5:
        os._exit(1)  # the worker process dies
    return batch * 2 + int(os.environ["JOBS_TEST_OFFSET"])


def test_failed_and_crashing_batches_are_reported_and_the_others_kept_in_order() -> None:
    failures: list[tuple[int, type[BaseException]]] = []
    results = list(
        ordered_map(
            _double_or_fail,
            range(8),
            jobs=2,
            on_failure=lambda b, exc: failures.append((b, type(exc))),
            initializer=_start,
            setup=100,
        )
    )
    assert results == [(b, b * 2 + 100) for b in range(8) if b not in (3, 5)]
    assert sorted(failures) == [(3, ValueError), (5, WorkerDiedError)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["extract", "--format", "jsonl"],
        ["check", "--format", "jsonl", "--fail-on", "never"],
        ["check", "--format", "csv", "--only", "flagged", "--fail-on", "never"],
    ],
    ids=["extract-jsonl", "check-jsonl", "check-csv-flagged"],
)
def test_jobs_2_gives_byte_identical_output_to_jobs_1(shared: Path, tmp_path: Path, args: list[str]) -> None:
    lines = (shared / "data" / "news" / "fakes_syria.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, [*args, str(corpus), "--batch-size", "20", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs[jobs] = (result.stdout, result.stderr)
    assert outputs["1"][0].count("\n") > (100 if "flagged" not in args else 5)
    assert outputs["1"] == outputs["2"]


JOB_BATCH_CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "job_batches.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", JOB_BATCH_CASES, ids=[c["name"] for c in JOB_BATCH_CASES])
def test_job_batches_keep_every_document_in_order_and_balance_the_end(case: dict[str, Any]) -> None:
    docs = [Document(f"d{i}", "x" * n) for i, n in enumerate(case["lengths"])]
    cut = list(job_batches(docs, case["size"], case["jobs"]))
    assert [len(b) for b in cut] == case["batches"]
    assert [d for b in cut for d in b] == docs


def _split_in_two(batch: int) -> list[int]:
    return [batch * 10, batch * 10 + 1] if batch < 10 else [batch]


def test_a_failed_batch_that_splits_is_run_again_in_parts_and_only_the_bad_part_is_reported() -> None:
    failures: list[tuple[int, type[BaseException]]] = []
    results = list(
        ordered_map(
            _double_or_fail_parts,
            [1, 2, 4],
            jobs=2,
            on_failure=lambda b, exc: failures.append((b, type(exc))),
            initializer=_start,
            setup=0,
            split=_split_in_two,
        )
    )
    # 2 raises: its parts 20 and 21 run, 21 raises again and cannot be cut; 4 kills its worker: 40 and 41 run
    # alone, 41 kills it again and is reported
    assert results == [(1, 2), (20, 40), (40, 80)]
    assert failures == [(21, ValueError), (41, WorkerDiedError)]


def _double_or_fail_parts(batch: int) -> int:
    if batch in (2, 21):
        raise ValueError(f"batch {batch} is bad")
    if batch in (4, 41):
        os._exit(1)
    return batch * 2 + int(os.environ["JOBS_TEST_OFFSET"])


# --- audit --jobs ---------------------------------------------------------------------------------------------


class _Frozen(datetime):
    """The audit's clock stopped, so that two runs of the same input write the same times in their reports."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Frozen:
        return cls(2026, 1, 2, 3, 4, 5, tzinfo=tz)


def _report_files(folder: Path, run_id: str) -> dict[str, bytes]:
    """Every file of a run's report, its random run id replaced (the only part two runs cannot share)."""
    return {
        str(p.relative_to(folder)): p.read_bytes().replace(run_id.encode(), b"RUN")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_audit_with_jobs_2_stores_the_history_and_writes_the_report_of_jobs_1(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (shared / "data" / "news" / "fakes_syria.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines[:36]) + "\n", encoding="utf-8")
    monkeypatch.setattr(audit_module, "datetime", _Frozen)
    monkeypatch.setattr(methods, "datetime", _Frozen)  # the report's "finished"
    reports = {}
    for jobs in ("1", "2"):
        args = audit_args(tmp_path / jobs, corpus, extra=("--batch-size", "8", "--fail-on", "never"))
        result = run_cli([*args, "--jobs", jobs])
        assert result.exit_code == 0, result.output
        run_id = str(runs(tmp_path / jobs / "audit.duckdb")["run_id"].iloc[-1])
        reports[jobs] = _report_files(tmp_path / jobs / "reports" / run_id, run_id)
    stored = contents(tmp_path / "1" / "audit.duckdb")
    assert len(stored["documents"]) == 36
    assert len(stored["claims"]) > 100
    assert contents(tmp_path / "2" / "audit.duckdb") == stored
    assert "index.html" in reports["1"]
    assert reports["2"] == reports["1"]


def test_audit_with_jobs_reports_the_article_that_killed_its_worker_and_the_one_that_failed_and_stores_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = generate_articles(12, seed=5)
    crash, bug = articles[3]["id"], articles[8]["id"]
    source = write_jsonl(tmp_path / "in" / "a.jsonl", articles)
    real = engine.check_claims

    def crashes_or_breaks(claims: pd.DataFrame, documents: pd.DataFrame, **kwargs: Any) -> Any:
        ids = set(documents["doc_id"])
        if crash in ids:
            os._exit(1)  # the worker process dies (forked workers inherit this stand-in)
        if bug in ids:
            raise RuntimeError("simulated bug in a check")
        return real(claims, documents, **kwargs)

    monkeypatch.setattr(engine, "check_claims", crashes_or_breaks)
    args = audit_args(tmp_path, source, extra=("--batch-size", "4", "--fail-on", "never"))
    result = run_cli([*args, "--jobs", "2"])
    assert result.exit_code == 3, result.output
    assert (
        f"internal error: {crash}: WorkerDiedError: the worker process running this batch died"
        in result.stderr
    )
    assert f"internal error: {bug}: RuntimeError: simulated bug in a check" in result.stderr
    assert "12 articles read · 10 new · 0 already audited · 2 failed (internal error)" in result.stdout
    db = tmp_path / "audit.duckdb"
    stored = {row[1] for row in contents(db)["documents"]}
    assert stored == {a["id"] for a in articles} - {crash, bug}

    monkeypatch.setattr(engine, "check_claims", real)
    rerun = run_cli([*args, "--jobs", "2"])
    assert rerun.exit_code == 0, rerun.output
    assert "12 articles read · 2 new · 10 already audited" in rerun.stdout

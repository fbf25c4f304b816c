"""``--jobs N``: the same output as one process, byte for byte; a batch that fails or kills its worker is
reported and the other batches are kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from auditor.checks.batch_jobs import job_batches
from auditor.checks.worker_pool import WorkerDiedError, ordered_map
from auditor.cli import main
from auditor.io.documents import Document


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
@pytest.mark.parametrize("command", ["extract", "check"])
def test_jobs_2_gives_byte_identical_jsonl_to_jobs_1(shared: Path, tmp_path: Path, command: str) -> None:
    lines = (shared / "data" / "news" / "fakes_syria.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2"):
        args = [command, str(corpus), "--format", "jsonl", "--batch-size", "20", "--jobs", jobs]
        if command == "check":
            args += ["--fail-on", "never"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs[jobs] = result.stdout
    assert outputs["1"].count("\n") > 100
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

"""The command line: ``auditor extract`` over the fixture articles, the exit statuses and the lazy start-up.

The claims come from a stand-in extractor (every digit group is a claim) installed as ``auditor.claims.extract``, so
these tests pin the command's plumbing (reading, errors, formats, batches, output file) and not the extractor.
Cases are in tests/fixtures/documents/cli_extract_cases.yaml.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from auditor.cli import COMMANDS, main
from auditor.commands.extract import MAX_ROWS_PER_TABLE
from auditor.errors import ReferenceDataError
from auditor.io.documents import Document
from auditor.schemas import ClaimsSchema, columns, validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "documents"
CASES = yaml.safe_load((FIXTURES / "cli_extract_cases.yaml").read_text(encoding="utf-8"))["cases"]
CLAIM_COLUMNS = columns(ClaimsSchema)
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


class StandInExtractor:
    """``extract_batches`` with the lead's signature: one claim per digit group, one table per batch."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.batch_lengths: list[int] = []
        self.fail_with = fail_with

    def extract_batches(
        self,
        documents: Iterable[Document],
        *,
        all_numbers: bool = False,
        batch_size: int = 500,
        max_rows: int | None = None,
    ) -> Iterator[pd.DataFrame]:
        self.calls.append({"all_numbers": all_numbers, "batch_size": batch_size, "max_rows": max_rows})
        batch: list[Document] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) == batch_size:
                yield self._claims(batch)
                batch = []
        if batch:
            yield self._claims(batch)

    def _claims(self, batch: list[Document]) -> pd.DataFrame:
        if self.fail_with is not None and self.batch_lengths:
            raise self.fail_with
        self.batch_lengths.append(len(batch))
        rows = []
        for doc in batch:
            for n, match in enumerate(_DIGITS.finditer(doc.text)):
                row: dict[str, Any] = dict.fromkeys(CLAIM_COLUMNS)
                row.update(
                    doc_id=doc.doc_id,
                    claim_id=f"c{n}",
                    start=match.start(),
                    end=match.end(),
                    surface=match.group(),
                    sentence=doc.text,
                    value=float(match.group().replace(",", "")),
                    comparator="eq",
                    approx=False,
                    kind="count",
                    as_of=doc.date,
                )
                rows.append(row)
        frame = pd.DataFrame.from_records(rows, columns=CLAIM_COLUMNS)
        frame["as_of"] = pd.to_datetime(frame["as_of"])
        return validate(ClaimsSchema, frame)


@pytest.fixture
def extractor(monkeypatch: pytest.MonkeyPatch) -> StandInExtractor:
    """The stand-in, installed as ``auditor.claims.extract`` (whatever state the real module is in)."""
    stand_in = StandInExtractor()
    module = types.ModuleType("auditor.claims.extract")
    module.extract_batches = stand_in.extract_batches  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "auditor.claims.extract", module)
    return stand_in


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURES)
    monkeypatch.delenv("AUDITOR_DEBUG", raising=False)
    return FIXTURES


def _run(args: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, args, input=stdin, env=env, prog_name="auditor")


def _doc_ids(fmt: str, text: str) -> list[str]:
    if fmt == "jsonl":
        ids = [json.loads(line)["doc_id"] for line in text.splitlines()]
    elif fmt == "json":
        ids = [record["doc_id"] for record in json.loads(text)]
    else:
        ids = pd.read_csv(io.StringIO(text), dtype=str)["doc_id"].tolist()
    return list(dict.fromkeys(ids))


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_extract_command(case: dict[str, Any], extractor: StandInExtractor) -> None:
    result = _run(case["args"], stdin=case.get("stdin"))
    assert result.exit_code == case["exit_code"], (result.stdout, result.stderr)
    if "doc_ids" in case:
        fmt = case["args"][case["args"].index("--format") + 1]
        assert _doc_ids(fmt, result.stdout) == case["doc_ids"]
    for part in case.get("stdout_has", []):
        assert part in result.stdout, part
    for part in case.get("stderr_has", []):
        assert part in result.stderr, (part, result.stderr)
    for part in case.get("stderr_lacks", []):
        assert part not in result.stderr, (part, result.stderr)
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("in_fixtures")
def test_jsonl_lines_have_exactly_the_claims_columns(extractor: StandInExtractor) -> None:
    result = _run(["extract", "--format", "jsonl", "articles/plain.txt"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records
    assert all(list(r) == CLAIM_COLUMNS for r in records)
    assert [r["surface"] for r in records] == ["9", "2", "1.8", "2017"]


@pytest.mark.usefixtures("in_fixtures")
def test_batch_size_and_all_numbers_reach_the_extractor(extractor: StandInExtractor) -> None:
    result = _run(["extract", "--format", "jsonl", "--batch-size", "2", "--all-numbers", "articles/nested"])
    assert result.exit_code == 2  # dump.jsonl has a binary line
    assert extractor.calls == [{"all_numbers": True, "batch_size": 2, "max_rows": MAX_ROWS_PER_TABLE}]
    assert extractor.batch_lengths == [2, 1]
    assert _doc_ids("jsonl", result.stdout) == [
        "articles/nested/brief.txt",
        "dump-1",
        "articles/nested/deeper/story.md",
    ]


@pytest.mark.usefixtures("in_fixtures")
def test_output_file_is_written_whole(extractor: StandInExtractor, tmp_path: Path) -> None:
    target = tmp_path / "claims.jsonl"
    result = _run(["extract", "--format", "jsonl", "--output", str(target), "articles/plain.txt"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert _doc_ids("jsonl", target.read_text(encoding="utf-8")) == ["articles/plain.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl"]


def _failing(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    stand_in = StandInExtractor(fail_with=error)
    module = types.ModuleType("auditor.claims.extract")
    module.extract_batches = stand_in.extract_batches  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "auditor.claims.extract", module)


@pytest.mark.usefixtures("in_fixtures")
def test_output_file_is_left_alone_when_the_run_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _failing(monkeypatch, RuntimeError("extractor broke"))
    target = tmp_path / "claims.jsonl"
    target.write_text("previous run\n", encoding="utf-8")
    args = ["extract", "--format", "jsonl", "--batch-size", "1", "--output", str(target)]
    result = _run([*args, "articles/plain.txt", "articles/bom.txt"])
    assert result.exit_code == 3
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.jsonl"]


_TWO_BATCHES = ["extract", "--format", "jsonl", "--batch-size", "1", "articles/plain.txt", "articles/bom.txt"]


@pytest.mark.usefixtures("in_fixtures")
def test_auditor_error_is_bad_input_exit_2_with_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing(monkeypatch, ReferenceDataError("ref.csv", "not a number", row=4, column="value", value="n/a"))
    result = _run(_TWO_BATCHES)
    assert result.exit_code == 2
    assert "error: ref.csv, row 4, column 'value': not a number (got 'n/a')" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("in_fixtures")
def test_unexpected_exception_is_exit_3_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing(monkeypatch, RuntimeError("extractor broke"))
    result = _run(_TWO_BATCHES)
    assert result.exit_code == 3
    assert result.stderr.startswith("internal error: RuntimeError: extractor broke.")
    assert "please report" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(("flag", "env"), [(["--debug"], None), ([], {"AUDITOR_DEBUG": "1"})])
def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, flag: list[str], env: dict[str, str] | None
) -> None:
    _failing(monkeypatch, RuntimeError("extractor broke"))
    result = _run([*flag, *_TWO_BATCHES], env=env)
    assert result.exit_code == 3
    assert "please report" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: extractor broke" in result.stderr


def test_listing_shows_the_commands_whose_module_exists() -> None:
    result = _run(["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+)  ", result.stdout.split("Commands:")[1], flags=re.MULTILINE)
    present = [name for name in COMMANDS if (REPO / "auditor" / "commands" / f"{name}.py").exists()]
    assert listed == present
    assert "extract" in listed


def test_version_option() -> None:
    result = _run(["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("auditor ")


def _python_m_auditor(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "auditor", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_auditor_help_starts_without_heavy_imports() -> None:
    done = _python_m_auditor("--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: auditor" in done.stdout
    assert "extract" in done.stdout
    imported = {
        line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    }
    heavy = {m for m in imported if m.split(".")[0] in {"pandas", "pandera", "pint", "matplotlib", "numpy"}}
    assert heavy == set()
    assert not any(m.startswith("auditor.commands.") for m in imported)


def test_python_m_auditor_usage_error_is_exit_2() -> None:
    done = _python_m_auditor("extract", "--format", "xml", "x.txt")
    assert done.returncode == 2
    assert "Invalid value for '--format'" in done.stderr

"""``auditor check`` end to end: real documents, the real extractor, a small reference pack written here, the
output formats, the coverage line and the exit statuses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_checks_builders import reference_frame

from auditor.cli import main
from auditor.report.verdicts import STYLES
from auditor.schemas import ClaimsSchema, columns

ARTICLE = (
    "Russia steps up its air war in Syria\n\n"
    "The war in Syria has killed more than 250,000 people, displaced 11 million and sent four million migrants "
    "and refugees to Europe, officials said. Russia has deployed more than 50 planes and helicopters to the "
    "country.\n"
)
PACK = [
    {
        "series": "un.published.deaths",
        "location": "SYR",
        "date": "2015-08-21",
        "value": 250000,
        "cumulative": True,
        "publisher": "United Nations",
        "dataset": "published",
    },
    {
        "series": "unhcr.popstats.refugees.from_SYR",
        "location": "Europe",
        "date": "2014-12-31",
        "value": 131000,
        "publisher": "UNHCR",
        "dataset": "popstats",
    },
    {
        "series": "unhcr.syria_regional.refugees.from_SYR",
        "location": "Syria's neighbours",
        "date": "2015-08-25",
        "value": 4064968,
        "publisher": "UNHCR",
        "dataset": "syria_regional",
    },
]


def write_article(folder: Path) -> Path:
    """:data:`ARTICLE` as ``folder/syria.txt``."""
    path = folder / "syria.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def write_pack(folder: Path) -> Path:
    """:data:`PACK` as the reference CSV ``folder/pack.csv``."""
    path = folder / "pack.csv"
    reference_frame(PACK).to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return write_article(tmp_path)


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_jsonl_has_one_line_per_claim_with_verdict_and_findings(article: Path, pack: Path) -> None:
    code, out, err = run(
        article, "--date", "2015-10-01", "--no-default-reference", "--reference", pack, "--format", "jsonl"
    )
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines, err
    for line in lines:
        assert list(line)[: len(columns(ClaimsSchema))] == columns(ClaimsSchema)
        assert {"verdict", "reason", "findings"} <= set(line)
        assert line["as_of"] == "2015-10-01"
    europe = next(line for line in lines if line["surface"] == "four million")
    assert europe["verdict"] in ("likely_error", "needs_review")
    message = europe["findings"][0]["message"]
    assert "Europe" in message
    assert "4.06 million" in message
    assert "Check the destination" in message
    assert err.strip().endswith("not checkable")  # the coverage line, kept off the machine output
    assert code == 1  # a likely error is at the default --fail-on error


def test_fail_on_never_exits_0_and_fail_on_warning_counts_reviews(article: Path, pack: Path) -> None:
    assert (
        run(
            article,
            "--date",
            "2015-10-01",
            "--no-default-reference",
            "--reference",
            pack,
            "--fail-on",
            "never",
        )[0]
        == 0
    )
    assert (
        run(
            article,
            "--date",
            "2015-10-01",
            "--no-default-reference",
            "--reference",
            pack,
            "--fail-on",
            "warning",
        )[0]
        == 1
    )


def test_no_finding_at_the_threshold_exits_0(tmp_path: Path, pack: Path) -> None:
    quiet = tmp_path / "quiet.txt"
    quiet.write_text(
        "The council met on Tuesday and approved 12 new benches for the park.\n", encoding="utf-8"
    )
    code, out, _ = run(quiet, "--no-default-reference", "--reference", pack)
    assert code == 0
    assert out.splitlines()[-1].endswith("not checkable")


def test_table_is_for_editors_and_ends_with_the_coverage_line(article: Path, pack: Path) -> None:
    code, out, _ = run(
        article, "--date", "2015-10-01", "--no-default-reference", "--reference", pack, "--format", "table"
    )
    lines = out.splitlines()
    assert lines[0].split()[0] == "verdict"
    found, checked, attention, unchecked = (int(part.split()[0]) for part in lines[-1].split(" · "))
    words = tuple(style.word for style in STYLES.values())
    assert found == checked + unchecked == sum(line.startswith(words) for line in lines)
    assert attention >= 1
    assert code == 1


def test_csv_has_the_claims_columns_and_the_deciding_finding(article: Path, pack: Path) -> None:
    _, out, _ = run(
        article, "--date", "2015-10-01", "--no-default-reference", "--reference", pack, "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert {"verdict", "reason", "message", "source"} <= set(rows[0])
    flagged = [r for r in rows if r["verdict"] == "likely_error"]
    assert flagged
    assert flagged[0]["source"].startswith("UNHCR")


def test_date_overrides_the_article_date(tmp_path: Path, pack: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    record = {"id": "one", "date": "2019-06-01", "text": "The war in Syria has killed 250,000 people."}
    batch.write_text(json.dumps(record) + "\n", encoding="utf-8")
    _, out, _ = run(
        batch, "--no-default-reference", "--reference", pack, "--format", "jsonl", "--date", "2015-10-01"
    )
    assert {json.loads(line)["as_of"] for line in out.splitlines()} == {"2015-10-01"}
    _, out, _ = run(batch, "--no-default-reference", "--reference", pack, "--format", "jsonl")
    assert {json.loads(line)["as_of"] for line in out.splitlines()} == {"2019-06-01"}


def test_a_broken_rules_folder_exits_2_naming_the_problem(article: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(
        "rules:\n  - {id: mine, check: reference_value, severity: fatal, message: x}\n", encoding="utf-8"
    )
    code, _, err = run(article, "--rules", rules)
    assert code == 2
    assert "mine.yaml" in err
    assert "'severity'" in err
    assert "'fatal'" in err


def test_an_unreadable_input_exits_2_and_the_rest_is_checked(
    article: Path, tmp_path: Path, pack: Path
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    code, out, err = run(article, broken, "--no-default-reference", "--reference", pack, "--format", "jsonl")
    assert code == 2
    assert "broken.jsonl" in err
    assert out.strip()  # the good article was still checked


def test_output_file_is_written_whole(article: Path, pack: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, out, _ = run(
        article,
        "--no-default-reference",
        "--reference",
        pack,
        "--format",
        "jsonl",
        "-o",
        target,
        "--fail-on",
        "never",
    )
    assert code == 0
    assert not out.strip()
    assert all(json.loads(line)["verdict"] for line in target.read_text(encoding="utf-8").splitlines())

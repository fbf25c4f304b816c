"""``auditor plot``: one chart from a ``check --format jsonl`` file or from articles (checked on the way).

The check file is written from the hand-built run the way ``auditor check`` writes it (claims columns, verdict,
reason and the claim's findings as objects); the reference table is the run's own, handed to the command through a
stand-in for the reference loader. Cases: tests/cases/plot_command.yaml.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from test_report_fixtures import load_run

from auditor.cli import main
from auditor.commands import plot
from auditor.schemas import ClaimsSchema, FindingsSchema, columns

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "plot_command.yaml").read_text(encoding="utf-8"))


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def write_check_file(path: Path) -> Path:
    """The run as ``auditor check --format jsonl`` output: one claim a line."""
    run = load_run()
    claims = run["claims"].merge(run["verdicts"], on=["doc_id", "claim_id"])
    lines = []
    for claim in claims.to_dict("records"):
        mine = run["findings"][
            (run["findings"]["doc_id"] == claim["doc_id"])
            & (run["findings"]["claim_id"] == claim["claim_id"])
        ]
        findings = [
            {k: _plain(v) for k, v in f.items() if k not in ("doc_id", "claim_id")}
            for f in mine.to_dict("records")
        ]
        record = {k: _plain(claim[k]) for k in [*columns(ClaimsSchema), "verdict", "reason"]}
        lines.append(json.dumps({**record, "findings": findings}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def references(monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """Serve the run's reference rows to the command instead of the shipped pack."""
    table = load_run()["references"]
    monkeypatch.setattr("auditor.reference.load_reference_with_shipped", lambda paths=(), shipped=True: table)
    return table


def _svg_title(path: Path) -> str:
    return " ".join(re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_plot_command(case: dict[str, Any], tmp_path: Path, references: pd.DataFrame) -> None:
    checks = write_check_file(tmp_path / "checks.jsonl")
    args = [a.replace("{out}", str(tmp_path)) for a in case["args"]]
    result = CliRunner().invoke(main, ["plot", str(checks), *args])
    assert result.exit_code == case["exit"], result.output
    if case["exit"] == 0:
        out = Path(args[args.index("--out") + 1])
        assert result.stdout.strip() == str(out)
        head = out.read_bytes()[:8]
        assert head.startswith(b"\x89PNG") if out.suffix == ".png" else head.startswith(b"<?xml")
        if "title" in case:
            assert case["title"] in _svg_title(out)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    else:
        assert case["error"] in result.output
        assert not any(p.suffix in (".png", ".svg", ".jpg") for p in tmp_path.iterdir())


def test_check_file_round_trips_into_claims_and_findings(tmp_path: Path) -> None:
    checked = plot.read_check_output(write_check_file(tmp_path / "checks.jsonl"))
    run = load_run()
    assert len(checked.claims) == len(run["claims"])
    assert list(checked.claims["verdict"]) == list(run["verdicts"]["verdict"])
    assert sorted(checked.findings["finding_id"]) == sorted(run["findings"]["finding_id"])
    assert list(checked.findings.columns) == columns(FindingsSchema)


def test_a_broken_check_file_names_its_line(tmp_path: Path) -> None:
    from auditor.errors import DocumentError

    path = write_check_file(tmp_path / "checks.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = json.dumps({"doc_id": "x", "claim_id": "c1", "verdict": "matches"})
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"checks\.jsonl:3: missing key\(s\) start, end"):
        plot.read_check_output(path)


def test_articles_are_checked_by_the_engine_first(
    tmp_path: Path, references: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article goes through reading, extraction and the checking engine (stand-ins here for extraction and
    checks, fed from the hand-built run), then is drawn like a check file."""
    from auditor.checks.engine import CheckResult

    run = load_run()
    doc = run["documents"].iloc[0]
    article = tmp_path / "article.jsonl"
    article.write_text(json.dumps({"id": doc["doc_id"], "title": doc["title"], "date": "2015-10-01",
                                   "source": doc["source"], "text": doc["text"]}) + "\n", encoding="utf-8")  # fmt: skip
    calls: dict[str, Any] = {}

    def extract(docs: Any) -> pd.DataFrame:
        calls["extract"] = [d.doc_id for d in docs]
        return run["claims"][run["claims"]["doc_id"] == doc["doc_id"]]

    def check(claims: pd.DataFrame, documents: pd.DataFrame, *, references: pd.DataFrame, rules: Any) -> Any:
        calls["check"] = (len(claims), list(documents["doc_id"]), len(references), rules)
        keys = run["verdicts"]["doc_id"] == doc["doc_id"]
        return CheckResult(findings=run["findings"][run["findings"]["doc_id"] == doc["doc_id"]],
                           verdicts=run["verdicts"][keys])  # fmt: skip

    monkeypatch.setattr("auditor.claims.extract.extract_claims", extract)
    monkeypatch.setattr("auditor.checks.check_claims", check)
    monkeypatch.setattr("auditor.checks.load_rules", lambda directory=None: "rules")
    out = tmp_path / "verdicts.svg"
    result = CliRunner().invoke(main, ["plot", str(article), "--kind", "verdicts", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert calls["extract"] == [doc["doc_id"]]
    assert calls["check"] == (5, [doc["doc_id"]], len(references), "rules")
    assert "Verdicts by source" in _svg_title(out)

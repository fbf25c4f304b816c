"""Acceptance: the October 2015 Syria example article, checked end to end against the shipped reference pack.

The article (examples/articles.jsonl, written for the project) says the war "has claimed more than 250,000 lives",
"has displaced 11 million people", "sent four million migrants and refugees to Europe" and that Russia deployed
"more than 50 planes and helicopters".  Extraction, context, checks, rules and the default pack all take part.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.cli import main

ARTICLE_ID = "example-syria-war-2015-10-01"


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    examples = Path(__file__).resolve().parents[1] / "examples" / "articles.jsonl"
    line = next(ln for ln in examples.read_text(encoding="utf-8").splitlines() if ARTICLE_ID in ln)
    path = tmp_path_factory.mktemp("syria") / "syria.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--date", "2015-10-01", "--format", "jsonl"])
    assert result.exit_code in (0, 1), result.output
    claims = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    return {c["surface"]: c for c in claims}


def test_the_death_toll_matches(rows: dict[str, dict[str, Any]]) -> None:
    claim = rows["more than 250,000"]
    assert (claim["measure"], claim["low"], claim["comparator"]) == ("deaths", 250000.0, "gt")
    assert claim["verdict"] in ("matches", "matches_within_rounding")


def test_displaced_matches_internally_displaced_plus_refugees_abroad(rows: dict[str, dict[str, Any]]) -> None:
    claim = rows["11 million"]
    assert claim["measure"] == "displaced"
    assert claim["verdict"] in ("matches", "matches_within_rounding")
    assert any("IDMC" in f["message"] and "UNHCR" in f["message"] for f in claim["findings"])


def test_four_million_to_europe_is_flagged_with_both_figures(rows: dict[str, dict[str, Any]]) -> None:
    claim = rows["four million"]
    assert claim["location"] == "Europe"
    assert claim["verdict"] in ("likely_error", "needs_review")
    message = " ".join(f["message"] for f in claim["findings"])
    assert "Europe" in message
    assert "neighbouring countries" in message
    assert "UNHCR" in message


def test_aircraft_cannot_be_checked_for_want_of_a_reference(rows: dict[str, dict[str, Any]]) -> None:
    claim = rows["more than 50"]
    assert claim["measure"] == "aircraft"
    assert (claim["verdict"], claim["reason"]) == ("not_checkable", "no_reference")

"""``population_at`` (plain Python, bisection per place) gives frame for frame what its ``merge_asof`` gave: the
rows sorted by date with a fresh index, the population columns and their types, the rows too far from any
figure left out. Checked on every call the engine makes for the examples and a slice of FA-KES
(``exceeds_population`` and ``population_share``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import REPO
from pandas.testing import assert_frame_equal

from auditor.checks import engine, load_rules, population, shares
from auditor.checks.pipeline import extract
from auditor.io.documents import document_from_record
from auditor.reference import load_reference_with_shipped

Call = tuple[pd.DataFrame, pd.DataFrame, str, int]


def _merge_asof_population_at(
    rows: pd.DataFrame, pop: pd.DataFrame, when: str, max_days: int
) -> pd.DataFrame:
    """The pandas implementation ``population_at`` replaced, kept as the oracle."""
    table = pop[["pop_place", "date", "value", "publisher", "dataset"]].rename(
        columns={
            "value": "population",
            "date": "population_date",
            "publisher": "pop_publisher",
            "dataset": "pop_dataset",
        }
    )
    merged = pd.merge_asof(
        rows.assign(**{when: pd.to_datetime(rows[when]).astype("datetime64[ns]")}).sort_values(
            when, kind="stable"
        ),
        table.sort_values("population_date", kind="stable"),
        left_on=when,
        right_on="population_date",
        by="pop_place",
        direction="backward",
    )
    return merged[(merged[when] - merged["population_date"]).dt.days <= max_days]


def _calls(path: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None = None) -> list[Call]:
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    docs = [document_from_record(json.loads(line), str(path), n) for n, line in enumerate(lines, start=1)]
    calls: list[Call] = []
    real = population.population_at

    def recorded(rows: pd.DataFrame, pop: pd.DataFrame, when: str, max_days: int) -> Any:
        calls.append((rows.copy(), pop, when, max_days))
        return real(rows, pop, when, max_days)

    monkeypatch.setattr(population, "population_at", recorded)
    monkeypatch.setattr(shares, "population_at", recorded)
    engine.check_claims(extract(docs), references=load_reference_with_shipped(), rules=load_rules())
    monkeypatch.undo()
    return calls


def _assert_same(calls: list[Call]) -> None:
    assert calls
    for call in calls:
        expected, got = _merge_asof_population_at(*call), population.population_at(*call)
        assert_frame_equal(got, expected, check_exact=True, check_index_type=True)


def test_population_at_of_the_examples_is_merge_asof(monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(_calls(REPO / "examples" / "articles.jsonl", monkeypatch))


def test_population_at_of_fakes_articles_is_merge_asof(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _calls(shared / "data" / "news" / "fakes_syria.jsonl", monkeypatch, 60)
    assert any(len(_merge_asof_population_at(*call)) for call in calls)
    _assert_same(calls)

"""The plain-Python alignment (:func:`auditor.checks.alignment.align`) gives frame for frame what the pandas joins
it replaced gave (``tests/pandas_alignment.py``): the aligned rows, their order, index and column types, the
candidates and the reasons. Checked on every call the engine makes while checking the examples and a slice of
FA-KES against the shipped pack (the claims, then ``population_share``'s counts), and on the hand-made batches of
tests/cases/checks/alignment_oracle.yaml and alignment.yaml."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import REPO
from pandas.testing import assert_frame_equal
from pandas_alignment import align as pandas_align
from test_checks_builders import claims_frame, load_cases, reference_frame

from auditor.checks import alignment, engine, load_rules
from auditor.checks.pipeline import extract
from auditor.checks.specs import ReferenceSpec
from auditor.checks.subjects import resolve_subjects
from auditor.io.documents import document_from_record
from auditor.reference import load_reference_with_shipped

Call = tuple[pd.DataFrame, pd.DataFrame, tuple[ReferenceSpec, ...]]
#: FA-KES articles checked for their alignment calls (a slice: the whole corpus takes too long for a unit test).
_FAKES_ARTICLES = 60


def _assert_same(call: Call) -> None:
    want, got = pandas_align(*call), alignment.align(*call)
    for part in ("aligned", "candidates", "reasons"):
        expected, actual = getattr(want, part), getattr(got, part)
        assert_frame_equal(actual, expected, check_exact=True, check_index_type=True, obj=part)
        assert actual.index.tolist() == expected.index.tolist(), part


def _engine_calls(path: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None = None) -> list[Call]:
    """Every ``align`` call the engine makes checking the articles of a JSONL file (``limit`` first ones)."""
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    docs = [document_from_record(json.loads(line), str(path), n) for n, line in enumerate(lines, start=1)]
    calls: list[Call] = []
    real: Callable[..., alignment.Alignment] = alignment.align

    def recorded(claims: pd.DataFrame, references: pd.DataFrame, specs: tuple[ReferenceSpec, ...]) -> Any:
        calls.append((claims.copy(), references, specs))
        return real(claims, references, specs)

    # the engine's own call, and population_share's through the module
    monkeypatch.setattr(engine, "align", recorded)
    monkeypatch.setattr(alignment, "align", recorded)
    engine.check_claims(extract(docs), references=load_reference_with_shipped(), rules=load_rules())
    monkeypatch.undo()
    return calls


def test_alignment_of_the_examples_is_the_pandas_one(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _engine_calls(REPO / "examples" / "articles.jsonl", monkeypatch)
    assert len(calls) >= 2  # the claims, then population_share's counts
    assert any(len(pandas_align(*call).aligned) for call in calls)
    for call in calls:
        _assert_same(call)


def test_alignment_of_fakes_articles_is_the_pandas_one(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _engine_calls(shared / "data" / "news" / "fakes_syria.jsonl", monkeypatch, _FAKES_ARTICLES)
    assert any(pandas_align(*call).aligned["composite"].any() for call in calls)
    for call in calls:
        _assert_same(call)


@pytest.mark.parametrize("case", [*load_cases("alignment_oracle"), *load_cases("alignment")])
def test_alignment_of_hand_made_batches_is_the_pandas_one(case: dict[str, Any]) -> None:
    rules = load_rules()
    claims = resolve_subjects(claims_frame(case["claims"]), rules.hierarchy.origin_measures)
    _assert_same((claims, reference_frame(case["references"]), rules.references))

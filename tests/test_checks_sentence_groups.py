"""``sentence_groups`` (plain Python) groups what the frame operations it replaced grouped: per article and
sentence with enough claims of the kinds, the claims sorted by start, each with the offset
:func:`~auditor.checks.two_times.sentence_offsets` gives, those not found in their sentence left out. Checked on
the extracted claims of the examples and a slice of FA-KES, for each kind set the checks use."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from auditor.checks.consistency import sentence_groups
from auditor.checks.pipeline import extract
from auditor.checks.two_times import sentence_offsets
from auditor.io.documents import document_from_record
from auditor.schemas import CLAIM_KINDS

#: (kinds, minimum) as percent_of_count, percent_vs_points and total_vs_parts ask.
_ASKED = [(("percent", "count"), 3), (("percent", "percentage_point"), 3), (CLAIM_KINDS, 2)]


def _claims(path: Path, limit: int | None = None) -> pd.DataFrame:
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return extract([document_from_record(json.loads(line), str(path), n) for n, line in enumerate(lines, 1)])


def _expected(claims: pd.DataFrame, kinds: tuple[str, ...], minimum: int) -> list[list[tuple[object, ...]]]:
    """The groups as (doc_id, claim_id, rel), by the frame operations."""
    claims = claims[claims["kind"].isin(list(kinds))]
    claims = claims[claims.groupby(["doc_id", "sentence"])["start"].transform("size") >= minimum]
    claims = claims.assign(rel=sentence_offsets(claims)).dropna(subset=["rel"])
    claims = claims.sort_values(["doc_id", "sentence", "start"], kind="stable")
    return [
        list(zip(group["doc_id"], group["claim_id"], group["rel"], strict=True))
        for _, group in claims.groupby(["doc_id", "sentence"], sort=False)
    ]


def _assert_same(claims: pd.DataFrame) -> None:
    for kinds, minimum in _ASKED:
        got = [
            [(r.doc_id, r.claim_id, r.rel) for r in rows] for rows in sentence_groups(claims, kinds, minimum)
        ]
        assert sorted(got) == sorted(_expected(claims, kinds, minimum))
        assert all(isinstance(rel, float) and not math.isnan(rel) for rows in got for _, _, rel in rows)


def test_sentence_groups_of_the_examples() -> None:
    claims = _claims(REPO / "examples" / "articles.jsonl")
    assert sentence_groups(claims, ("percent", "count"), 3)
    _assert_same(claims)


def test_sentence_groups_of_fakes_articles(shared: Path) -> None:
    _assert_same(_claims(shared / "data" / "news" / "fakes_syria.jsonl", 80))


@pytest.mark.parametrize("minimum", [1, 2, 5])
def test_sentence_groups_keep_reading_order_within_a_sentence(minimum: int) -> None:
    claims = _claims(REPO / "examples" / "articles.jsonl")
    for rows in sentence_groups(claims, CLAIM_KINDS, minimum):
        assert len(rows) >= 1
        assert [r.start for r in rows] == sorted(r.start for r in rows)
        assert len({(r.doc_id, r.sentence) for r in rows}) == 1

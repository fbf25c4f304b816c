"""Table-driven extraction cases (tests/cases/extraction.yaml) and the claims-table contract."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor import Document, extract_claims
from auditor.claims.extract import extract_batches
from auditor.schemas import ClaimsSchema, columns

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "extraction.yaml").read_text(encoding="utf-8"))


def _same(expected: Any, got: Any) -> bool:
    if expected is None:
        return got is None or (isinstance(got, float) and math.isnan(got)) or got is pd.NA
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return got is not None and not pd.isna(got) and math.isclose(float(got), expected, rel_tol=1e-9)
    return bool(expected == got)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_extraction_case(case: dict[str, Any]) -> None:
    df = extract_claims(case["text"], all_numbers=case.get("all_numbers", False))
    rows = df.to_dict("records")
    expected = case["claims"]
    assert [r["surface"] for r in rows] == [e["surface"] for e in expected], case["text"]
    for row, exp in zip(rows, expected, strict=True):
        for key, want in exp.items():
            assert _same(want, row[key]), (
                f"{case['text']!r}: {exp['surface']!r} {key} = {row[key]!r}, want {want!r}"
            )


def test_offsets_point_at_the_surface_and_sentence() -> None:
    text = "Intro line.\nThe war has claimed more than 250,000 lives. Another sentence with 12 cars."
    df = extract_claims(text)
    for row in df.itertuples():
        assert text[row.start : row.end] == row.surface
        assert row.surface in row.sentence
    assert df["sentence"].iloc[0] == "The war has claimed more than 250,000 lives."


def test_claims_table_has_exactly_the_schema_columns() -> None:
    df = extract_claims("Nearly 3,000 people were killed.")
    assert list(df.columns) == columns(ClaimsSchema)


def test_extraction_is_total_on_unreadable_text() -> None:
    weird = "\x00\x01 ½½½ 1e999999 ^^^ 9" * 50 + "-" * 1000 + "1," * 500
    df = extract_claims(weird)
    assert set(df.columns) == set(columns(ClaimsSchema))


def test_batches_stream_per_batch_and_keep_doc_ids() -> None:
    docs = (Document(doc_id=f"d{i}", text=f"Officials counted {i + 10} trucks.") for i in range(25))
    frames = list(extract_batches(docs, batch_size=10))
    assert [len(f) for f in frames] == [10, 10, 5]
    assert frames[0]["doc_id"].iloc[0] == "d0"
    assert frames[2]["value"].tolist() == [30.0, 31.0, 32.0, 33.0, 34.0]


def test_document_date_is_the_default_as_of() -> None:
    import datetime as dt

    df = extract_claims(Document(doc_id="a", text="Police arrested 12 suspects.", date=dt.date(2015, 10, 1)))
    assert df["as_of"].iloc[0] == pd.Timestamp("2015-10-01")

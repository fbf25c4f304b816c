"""Builders for hand-made claims and reference tables (the one home of the check tests' fixtures), and the cases
reader: every ``tests/cases/checks/*.yaml`` case is built here.

Claims are written as a sentence and the surfaces in it; offsets are computed, so cases stay readable. A case file
names the shipped rule it runs (or several), the claims, the reference observations, and what must come out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.schemas import ClaimsSchema, ReferenceSchema, columns, validate

CASES = Path(__file__).parent / "cases" / "checks"

_CLAIM_DEFAULTS: dict[str, Any] = {
    "value": None,
    "low": None,
    "high": None,
    "comparator": "eq",
    "approx": False,
    "precision": None,
    "kind": "count",
    "unit": None,
    "measure": None,
    "counted": None,
    "location": None,
    "as_of": None,
    "attribution": None,
    "scope": None,
    "qualifier": None,
}


def claims_frame(items: Iterable[Mapping[str, Any]], *, date: str | None = None) -> pd.DataFrame:
    """A validated claims table from short claim dicts.

    Each item needs ``surface`` and either ``value`` or a bound; ``doc`` (default ``"doc"``), ``id`` (default
    ``c1``, ``c2``... per document) and ``sentence`` (default: the surface plus the counted noun) are optional.
    Offsets are computed: sentences of one document follow each other, and a surface is found in its sentence
    after the previous claim of that sentence. ``date`` is the default ``as_of``.
    """
    rows: list[dict[str, Any]] = []
    texts: dict[str, list[str]] = {}
    cursor: dict[tuple[str, str], int] = {}
    for item in items:
        doc = str(item.get("doc", "doc"))
        surface = str(item["surface"])
        sentence = str(item.get("sentence") or f"{surface} {item.get('counted') or ''}".strip())
        sentences = texts.setdefault(doc, [])
        if sentence not in sentences:
            sentences.append(sentence)
        base = sum(len(s) + 1 for s in sentences[: sentences.index(sentence)])
        at = sentence.find(surface, cursor.get((doc, sentence), 0))
        if at < 0:
            raise ValueError(f"surface {surface!r} not found in sentence {sentence!r}")
        cursor[(doc, sentence)] = at + len(surface)
        row = {**_CLAIM_DEFAULTS, **{k: v for k, v in item.items() if k in _CLAIM_DEFAULTS}}
        if row["as_of"] is None:
            row["as_of"] = date
        number = sum(1 for r in rows if r["doc_id"] == doc) + 1
        row.update(
            doc_id=doc,
            claim_id=str(item.get("id", f"c{number}")),
            start=base + at,
            end=base + at + len(surface),
            surface=surface,
            sentence=sentence,
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns(ClaimsSchema))
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    for column in ("value", "low", "high", "precision"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return validate(ClaimsSchema, frame, "claims")


def reference_frame(items: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A validated reference table from short observation dicts (``series``, ``location``, ``date``, ``value``;
    optional ``low``, ``high``, ``cumulative``, ``publisher``, ``dataset``)."""
    rows = []
    for item in items:
        series = str(item["series"])
        publisher = str(item.get("publisher", series.split(".", maxsplit=1)[0].upper()))
        rows.append(
            {
                "series_id": series,
                "measure": series.split(".")[2],
                "location": item["location"],
                "date": pd.Timestamp(str(item["date"])),
                "value": float(item["value"]),
                "low": item.get("low"),
                "high": item.get("high"),
                "unit": None,
                "cumulative": bool(item.get("cumulative", False)),
                "publisher": publisher,
                "dataset": str(item.get("dataset", series.split(".")[1])),
                "definition": None,
                "url": None,
                "retrieved": None,
            }
        )
    frame = pd.DataFrame(rows, columns=columns(ReferenceSchema))
    for column in ("low", "high"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return validate(ReferenceSchema, frame, "reference")


def load_cases(name: str) -> list[Any]:
    """The cases of ``tests/cases/checks/<name>.yaml`` as pytest params with readable ids."""
    data = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    cases = data["cases"]
    return [pytest.param(case, id=str(case["name"])) for case in cases]


# --- the builders themselves ------------------------------------------------------------------------------------


def test_claims_frame_computes_offsets_inside_shared_sentences() -> None:
    text = "Of 2,000 workers, 45% lost jobs."
    frame = claims_frame(
        [
            {"surface": "2,000", "value": 2000, "sentence": text},
            {"surface": "45%", "value": 45, "kind": "percent", "sentence": text},
        ]
    )
    assert list(frame["start"]) == [text.find("2,000"), text.find("45%")]
    assert list(frame["claim_id"]) == ["c1", "c2"]


def test_claims_frame_places_sentences_of_one_document_one_after_another() -> None:
    frame = claims_frame(
        [
            {"surface": "3", "value": 3, "sentence": "One: 3."},
            {"surface": "4", "value": 4, "sentence": "Two: 4."},
        ]
    )
    assert list(frame["start"]) == [5, len("One: 3. ") + 5]


def test_reference_frame_derives_measure_and_publisher_from_the_series_id() -> None:
    frame = reference_frame(
        [
            {
                "series": "unhcr.popstats.refugees.from_SYR",
                "location": "World",
                "date": "2014-12-31",
                "value": 3.9e6,
            }
        ]
    )
    assert frame.loc[0, "measure"] == "refugees"
    assert frame.loc[0, "publisher"] == "UNHCR"

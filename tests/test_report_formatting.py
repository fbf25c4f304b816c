"""Human number formatting and claim readings (auditor.report.formatting), driven by
tests/cases/report_formatting.yaml."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.report.formatting import (
    compact,
    format_amount,
    grouped,
    hedge,
    is_missing,
    iso_date,
    place_name,
    reading,
    reading_line,
    spoken,
)

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "report_formatting.yaml").read_text(encoding="utf-8")
)


def _id(case: list[Any]) -> str:
    return " ".join(str(x) for x in case[:-1])


@pytest.mark.parametrize("case", CASES["compact"], ids=_id)
def test_compact(case: list[Any]) -> None:
    value, expected = case
    assert compact(float(value)) == expected


@pytest.mark.parametrize("case", CASES["grouped"], ids=_id)
def test_grouped(case: list[Any]) -> None:
    value, expected = case
    assert grouped(value) == expected


@pytest.mark.parametrize("case", CASES["spoken"], ids=_id)
def test_spoken(case: list[Any]) -> None:
    value, expected = case
    assert spoken(value) == expected


@pytest.mark.parametrize("case", CASES["amounts"], ids=_id)
def test_format_amount(case: list[Any]) -> None:
    value, unit, expected = case
    assert format_amount(value, unit) == expected


@pytest.mark.parametrize("case", CASES["places"], ids=_id)
def test_place_name(case: list[Any]) -> None:
    code, expected = case
    assert place_name(code) == expected


def _claim(row: dict[str, Any]) -> pd.Series:
    """A claims-table row as pandas hands it over: missing cells are NaN/NaT, dates are Timestamps."""
    full: dict[str, Any] = {"comparator": "eq", "approx": False, "unit": None, "measure": None, "counted": None,
                            "location": None, "value": math.nan, "low": math.nan, "high": math.nan,
                            "precision": math.nan, **row}  # fmt: skip
    full["as_of"] = pd.Timestamp(row["as_of"]) if row.get("as_of") else pd.NaT
    return pd.Series(full)


@pytest.mark.parametrize("case", CASES["readings"], ids=lambda c: c["claim"]["surface"])
def test_reading(case: dict[str, Any]) -> None:
    claim = _claim(case["claim"])
    assert reading(claim) == case["reading"]
    if "line" in case:
        assert reading_line(claim) == case["line"]
    if "hedge" in case:
        assert hedge(claim) == case["hedge"]


def test_reading_line_reads_the_issue_example() -> None:
    """The reading quoted in the spec, from a row as the claims table holds it."""
    claim = _claim({"surface": "more than 250,000", "low": 250000.0, "comparator": "gt", "measure": "deaths",
                    "location": "SYR", "as_of": "2015-10-01"})  # fmt: skip
    assert reading_line(claim) == "more than 250,000 -> at least 250,000 deaths, Syria, as of 2015-10-01"


@pytest.mark.parametrize("missing", [None, math.nan, pd.NaT, pd.NA])
def test_missing_markers_are_missing(missing: object) -> None:
    assert is_missing(missing)
    assert compact(missing) == "–"  # type: ignore[arg-type]
    assert iso_date(missing) is None


@pytest.mark.parametrize("value", [0, "", "0", False, [1, 2]])
def test_present_values_are_not_missing(value: object) -> None:
    assert not is_missing(value)

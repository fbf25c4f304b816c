"""The engine validates its findings and verdicts by a cheaper path (:mod:`auditor.checks.validation`) that must
give exactly what pandera's validation gives: the same coerced table for a valid one, the same error for a broken
one (cases in ``tests/cases/engine_validation.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from auditor.checks.validation import validated
from auditor.errors import SchemaError
from auditor.schemas import FindingsSchema, VerdictsSchema, validate

_CASES = yaml.safe_load((Path(__file__).parent / "cases" / "engine_validation.yaml").read_text("utf-8"))
_MODELS = {"findings": FindingsSchema, "verdicts": VerdictsSchema}


def _findings() -> pd.DataFrame:
    """Two findings as the engine builds them before validation (object columns, float and date columns)."""
    return pd.DataFrame(
        {
            "finding_id": ["a:c1:rule", "a:c2:rule"],
            "doc_id": ["a", "a"],
            "claim_id": ["c1", "c2"],
            "rule_id": ["rule", "rule"],
            "check": ["reference_value", "reference_value"],
            "verdict": ["likely_error", "matches"],
            "severity": pd.Series(["error", "info"], dtype="object"),
            "observed": [4e6, 250.0],
            "expected_low": [np.nan, 200.0],
            "expected_high": [1e6, 300.0],
            "reference_value": [1e6, 250.0],
            "reference_date": pd.to_datetime(["2015-09-30", None]),
            "series_id": pd.Series(["unhcr.refugees", None], dtype="object"),
            "source": pd.Series(["UNHCR", None], dtype="object"),
            "message": ["four million is four times the figure", "250 matches"],
            "suggestion": ["Use UNHCR's figure.", None],
        }
    )


def _verdicts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "a", "b"],
            "claim_id": ["c1", "c2", "c1"],
            "verdict": ["likely_error", "not_checkable", "matches"],
            "reason": [None, "no_reference", None],
        }
    )


_TABLES = {"findings": _findings, "verdicts": _verdicts}


@pytest.mark.parametrize("table", list(_TABLES))
def test_a_valid_table_comes_back_as_pandera_coerces_it(table: str) -> None:
    frame, model = _TABLES[table](), _MODELS[table]
    fast, slow = validated(model, frame.copy(), table), validate(model, frame.copy(), table)
    assert fast.dtypes.to_dict() == slow.dtypes.to_dict()
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.pandera.schema is not None
    assert fast.pandera.schema.name == slow.pandera.schema.name


def _broken(case: dict[str, Any]) -> pd.DataFrame:
    frame = _TABLES[case["table"]]()
    if "set" in case:
        row, column, value = case["set"]
        frame[column] = frame[column].astype("object")
        frame.loc[row, column] = value
    if "drop" in case:
        frame = frame.drop(columns=case["drop"])
    if "add" in case:
        frame[case["add"]] = "x"
    return frame


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_a_broken_table_fails_with_pandera_s_error(case: dict[str, Any]) -> None:
    model = _MODELS[case["table"]]
    with pytest.raises(SchemaError) as slow:
        validate(model, _broken(case), case["table"])
    with pytest.raises(SchemaError) as fast:
        validated(model, _broken(case), case["table"])
    assert str(fast.value) == str(slow.value)

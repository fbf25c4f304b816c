"""The claims model refuses what the issue forbids (tests/cases/claims_schema.yaml) and accepts a valid row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.errors import SchemaError
from auditor.schemas import ClaimsSchema, validate

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "claims_schema.yaml").read_text(encoding="utf-8"))


def _frame(row: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame([row])
    df["as_of"] = pd.to_datetime(df["as_of"])
    return df


def test_a_valid_row_passes() -> None:
    assert len(validate(ClaimsSchema, _frame(CASES["valid"]))) == 1


@pytest.mark.parametrize(
    "case", CASES["broken"], ids=[c["mentions"] + str(c["change"]) for c in CASES["broken"]]
)
def test_a_broken_row_is_refused_naming_the_rule(case: dict[str, Any]) -> None:
    row = {**CASES["valid"], **case["change"]}
    with pytest.raises(SchemaError) as info:
        validate(ClaimsSchema, _frame(row))
    assert info.value.table == "claims"
    assert case["mentions"] in str(info.value)

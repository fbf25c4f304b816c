"""The claims model refuses what the issue forbids (tests/cases/claims_schema.yaml) and accepts a valid row."""

from __future__ import annotations

import subprocess
import sys
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


def test_the_table_models_load_without_dask_or_hypothesis_which_still_import_afterwards() -> None:
    """pandera loads both whenever they are installed (~0.6 s of CPU at every start of a command or worker)."""
    code = (
        "import importlib.util, sys\n"
        "import auditor.schemas as s\n"
        "s.validate(s.ClaimsSchema, s.empty(s.ClaimsSchema))\n"
        "print(sorted(m for m in ('dask', 'hypothesis') if m in sys.modules))\n"
        "for name in ('dask.dataframe', 'hypothesis.strategies'):\n"
        "    if importlib.util.find_spec(name.split('.')[0]):\n"
        "        __import__(name)\n"
        "        print(name)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, *imported = run.stdout.splitlines()
    assert loaded == "[]"
    assert set(imported) <= {"dask.dataframe", "hypothesis.strategies"}

"""``records`` (the rows the checks loop over) gives exactly what ``DataFrame.to_dict("records")`` gives: the same
values of the same Python types, for every column type the claims, alignment and reference tables hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from auditor.checks.registry import records

#: One column per kind of column the engine's tables hold, each with a missing value.
_COLUMNS = {
    "arrow_text": pd.Series(["SYR", None, "Europe"], dtype="str"),
    "object_text": pd.Series(["a", None, np.nan], dtype="object"),
    "object_numbers": pd.Series([np.float64(1.5), np.int64(3), np.bool_(True)], dtype="object"),
    "object_mixed": pd.Series([pd.Timestamp("2015-10-01"), {"fact": "x"}, pd.NA], dtype="object"),
    "float": pd.Series([250000.0, np.nan, -1.0]),
    "int": pd.Series([0, 7, 2**40]),
    "bool": pd.Series([True, False, True]),
    "datetime": pd.Series(pd.to_datetime(["2015-10-01", None, "2011-03-15"])),
    "nullable_int": pd.Series([1, None, 3], dtype="Int64"),
    "nullable_bool": pd.Series([True, None, False], dtype="boolean"),
    "float32": pd.Series([0.1, None, 2.5], dtype="float32"),
    "int32": pd.Series([1, -2, 3], dtype="int32"),
    "timedelta": pd.Series(pd.to_timedelta(["3D", None, "1h"])),
    "tz_datetime": pd.Series(pd.to_datetime(["2015-10-01", None, "2011-03-15"]).tz_localize("UTC")),
    "category": pd.Series(["SYR", None, "SYR"], dtype="category"),
    "nullable_float": pd.Series([1.5, None, 3.0], dtype="Float64"),
}


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if a is pd.NaT or a is None:
        return b is a
    return bool(a == b)


@pytest.mark.parametrize("column", list(_COLUMNS))
def test_records_gives_to_dict_values_and_types(column: str) -> None:
    frame = pd.DataFrame({"key": ["x", "y", "z"], column: _COLUMNS[column]})
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected) == 3
    for want, row in zip(expected, got, strict=True):
        assert list(row) == list(want)
        assert all(_same(want[k], row[k]) for k in want), (want, row)


def test_records_of_a_filtered_frame_with_every_column_type_keeps_row_order() -> None:
    frame = pd.DataFrame(_COLUMNS).iloc[[2, 0]]
    got = records(frame)
    assert [row["int"] for row in got] == [2**40, 0]
    assert all(
        _same(want[k], row[k]) for want, row in zip(frame.to_dict("records"), got, strict=True) for k in want
    )


@pytest.mark.parametrize("shape", [(0, 2), (2, 0), (0, 0)])
def test_records_of_an_empty_frame_is_one_empty_dict_per_row(shape: tuple[int, int]) -> None:
    rows, cols = shape
    frame = pd.DataFrame(index=range(rows), columns=[f"c{i}" for i in range(cols)])
    assert records(frame) == frame.to_dict("records")

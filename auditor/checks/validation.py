"""The engine's outputs validated against their pandera models at a lower cost per call.

pandera's ``validate`` costs ~15 ms for a findings table of a few dozen rows, most of it in running each check
through its error-collecting machinery. For models whose checks are only the simple ones (column types,
nullability, ``unique``, ``isin``; the frame's columns and ``unique`` columns), :func:`validated` coerces the
frame with pandera's own coercion and tests those rules directly on the columns; when every one holds, pandera
would accept the frame too and return the same coerced table. Anything else (a failing rule, a coercion that
fails, a model with other checks) goes through :func:`auditor.schemas.validate`, so errors are pandera's, as
before.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from auditor.schemas import validate


@cache
def _simple(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema | None:
    """``model``'s schema when every rule it has is one :func:`_holds` tests, else None."""
    schema = model.to_schema()
    plain = (
        not schema.checks
        and schema.index is None
        and schema.strict is True
        and not schema.ordered
        and not schema.add_missing_columns
        and not schema.drop_invalid_rows
        and all(
            column.required
            and not column.regex
            and column.dtype is not None
            and all(check.name == "isin" for check in column.checks)
            for column in schema.columns.values()
        )
    )
    return schema if plain else None


def _holds(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> bool:
    """Whether the coerced ``frame`` meets every rule of ``schema`` (a simple one, see :func:`_simple`)."""
    if list(dict.fromkeys(frame.columns)) != list(frame.columns) or set(frame.columns) != set(schema.columns):
        return False
    for name, column in schema.columns.items():
        values = frame[name]
        if not column.dtype.check(pandas_engine.Engine.dtype(values.dtype)):
            return False
        if not column.nullable and values.isna().any():
            return False
        if column.unique and values.duplicated().any():
            return False
        for check in column.checks:
            tested = values.dropna() if check.ignore_na else values
            if not tested.isin(check.statistics["allowed_values"]).all():
                return False
    unique = schema.unique
    return not (unique and frame.duplicated(subset=list(unique)).any())


def validated(model: type[pa.DataFrameModel], frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` as :func:`auditor.schemas.validate` returns it (coerced), by the cheaper path when it applies."""
    schema = _simple(model)
    if schema is not None:
        try:
            coerced = schema.coerce_dtype(frame)
        except Exception:  # pandera's own validation below reports it
            coerced = None
        if coerced is not None and _holds(schema, coerced):
            coerced.pandera.add_schema(schema)
            return coerced
    return validate(model, frame, table)

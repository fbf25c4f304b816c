"""The tables that flow between stages, declared once as pandera models.

``documents -> claims -> findings (+ verdicts) -> report``; ``references`` feed the checks. Every stage returns a
DataFrame that satisfies one of these models; :func:`validate` checks it and turns pandera's lazy error report into a
:class:`~auditor.errors.SchemaError` naming the table.

Vocabularies (comparators, kinds, verdicts, reasons, severities) are module constants so that code, rules and tests
share one spelling.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final, TypeVar

import pandas as pd

from auditor import severities
from auditor.errors import SchemaError


@contextmanager
def _hidden(modules: tuple[str, ...]) -> Iterator[None]:
    """``modules`` (those not imported yet) cannot be imported inside the block (an ``ImportError``), and can after."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # a None entry makes the import fail
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


# pandera loads dask.dataframe and hypothesis whenever they are installed (auditor[dask], the dev tools), for Dask
# frame types and data synthesis that auditor never uses: ~0.5 s of CPU at the start of every command and worker.
# The modules that would load them are loaded here with the two hidden (a Dask worker that already imported dask,
# or a test session that imported hypothesis, keeps them).
with _hidden(("dask", "hypothesis")):
    import pandera.pandas as pa
    import pandera.strategies.pandas_strategies
    import pandera.typing.dask  # noqa: F401
    from pandera.typing import Series

# --- vocabularies -----------------------------------------------------------------------------------------------

COMPARATORS: Final = ("eq", "gt", "ge", "lt", "le", "approx", "range")

#: Kinds that state a quantity: these are claims.
CLAIM_KINDS: Final = ("count", "money", "percent", "percentage_point", "quantity", "ratio")
#: Kinds that are numbers but not claims; only listed with ``--all-numbers``.
OTHER_KINDS: Final = (
    "year",
    "date",
    "time",
    "ordinal",
    "age",
    "phone",
    "identifier",
    "list_item",
    "score",
    "citation",
    "address",
)
KINDS: Final = CLAIM_KINDS + OTHER_KINDS

VERDICTS: Final = (
    "matches",
    "matches_within_rounding",
    "needs_review",
    "likely_error",
    "outdated",
    "not_checkable",
)
NOT_CHECKABLE_REASONS: Final = (
    "no_measure",
    "no_reference",
    "no_location",
    "no_reference_near_date",
    "no_date",
    "ambiguous",
    "event_level",
    "not_a_count",
    "subset",
    "unsettled",
)
#: A count's scope: one event (an attack, a boat, a day, a town), a total over a period, or a stock on a date.
SCOPES: Final = ("event", "period", "stock")
#: Why a count is not a count of what happened: a plan or quota, or a part no reference series breaks out.
QUALIFIERS: Final = ("plan", "subset", "threshold")
#: Defined in :mod:`auditor.severities` (importable without pandas).
SEVERITIES: Final = severities.SEVERITIES
FAIL_ON: Final = severities.FAIL_ON


# --- models -----------------------------------------------------------------------------------------------------


class DocumentsSchema(pa.DataFrameModel):
    """One row per article."""

    doc_id: Series[str] = pa.Field(unique=True)
    title: Series[str] = pa.Field(nullable=True)
    date: Series[pd.Timestamp] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=True)
    text: Series[str]

    class Config:
        strict = True
        coerce = True


class ClaimsSchema(pa.DataFrameModel):
    """One row per numeric mention (a claim, or with ``--all-numbers`` any number with its kind)."""

    doc_id: Series[str]
    claim_id: Series[str]
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=1)
    surface: Series[str] = pa.Field(str_length={"min_value": 1})
    sentence: Series[str]
    value: Series[float] = pa.Field(nullable=True)
    low: Series[float] = pa.Field(nullable=True)
    high: Series[float] = pa.Field(nullable=True)
    comparator: Series[str] = pa.Field(isin=list(COMPARATORS))
    approx: Series[bool]
    precision: Series[float] = pa.Field(nullable=True, gt=0)
    kind: Series[str] = pa.Field(isin=list(KINDS))
    unit: Series[str] = pa.Field(nullable=True)
    measure: Series[str] = pa.Field(nullable=True)
    counted: Series[str] = pa.Field(nullable=True)
    location: Series[str] = pa.Field(nullable=True)
    as_of: Series[pd.Timestamp] = pa.Field(nullable=True)
    attribution: Series[str] = pa.Field(nullable=True)
    # set by extraction; optional so tables written before these columns existed still validate
    scope: Series[str] | None = pa.Field(nullable=True, isin=list(SCOPES))
    qualifier: Series[str] | None = pa.Field(nullable=True, isin=list(QUALIFIERS))

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "claim_id"]

    @pa.dataframe_check
    @classmethod
    def start_before_end(cls, df: pd.DataFrame) -> Series[bool]:
        """Offsets are a non-empty span."""
        return df["start"] < df["end"]  # type: ignore[return-value]

    @pa.dataframe_check
    @classmethod
    def bounds_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        """``low <= value <= high`` wherever those are set."""
        low_ok = df["low"].isna() | df["value"].isna() | (df["low"] <= df["value"])
        high_ok = df["high"].isna() | df["value"].isna() | (df["value"] <= df["high"])
        range_ok = df["low"].isna() | df["high"].isna() | (df["low"] <= df["high"])
        return low_ok & high_ok & range_ok  # type: ignore[return-value]

    @pa.dataframe_check
    @classmethod
    def counts_not_negative(cls, df: pd.DataFrame) -> Series[bool]:
        """A count of things cannot be negative."""
        is_count = df["kind"] == "count"
        nonneg = df[["value", "low", "high"]].fillna(0).ge(0).all(axis=1)
        return ~is_count | nonneg  # type: ignore[return-value]

    @pa.dataframe_check
    @classmethod
    def comparator_fits_bounds(cls, df: pd.DataFrame) -> Series[bool]:
        """A range has both bounds; an exact or approximate number has none."""
        cmp = df["comparator"]
        both = df["low"].notna() & df["high"].notna()
        neither = df["low"].isna() & df["high"].isna()
        return (~(cmp == "range") | both) & (~cmp.isin(["eq", "approx"]) | neither)  # type: ignore[return-value]


class ReferenceSchema(pa.DataFrameModel):
    """One row per published reference observation (value of a series on an as-of date)."""

    series_id: Series[str]
    measure: Series[str]
    location: Series[str]
    date: Series[pd.Timestamp]
    value: Series[float] = pa.Field(ge=0)
    low: Series[float] = pa.Field(nullable=True)
    high: Series[float] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=True)
    cumulative: Series[bool]
    publisher: Series[str]
    dataset: Series[str]
    definition: Series[str] = pa.Field(nullable=True)
    url: Series[str] = pa.Field(nullable=True)
    retrieved: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True
        # A series is one dataset's measure (origin encoded in the id, e.g. ``unhcr.popstats.refugees.from_SYR``);
        # it has one observation per place and as-of date.
        unique = ["series_id", "location", "date"]


class FindingsSchema(pa.DataFrameModel):
    """One row per problem (or confirmation) a check reports about a claim."""

    finding_id: Series[str] = pa.Field(unique=True)
    doc_id: Series[str]
    claim_id: Series[str]
    rule_id: Series[str]
    check: Series[str]
    verdict: Series[str] = pa.Field(isin=list(VERDICTS))
    severity: Series[str] = pa.Field(isin=list(SEVERITIES))
    observed: Series[float] = pa.Field(nullable=True)
    expected_low: Series[float] = pa.Field(nullable=True)
    expected_high: Series[float] = pa.Field(nullable=True)
    reference_value: Series[float] = pa.Field(nullable=True)
    reference_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    series_id: Series[str] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=True)
    message: Series[str]
    suggestion: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class VerdictsSchema(pa.DataFrameModel):
    """Exactly one verdict per claim; ``reason`` is set only for ``not_checkable``."""

    doc_id: Series[str]
    claim_id: Series[str]
    verdict: Series[str] = pa.Field(isin=list(VERDICTS))
    reason: Series[str] = pa.Field(nullable=True, isin=list(NOT_CHECKABLE_REASONS))

    class Config:
        strict = True
        coerce = True
        unique = ["doc_id", "claim_id"]


# --- helpers ----------------------------------------------------------------------------------------------------

_M = TypeVar("_M", bound=pa.DataFrameModel)


def columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The model's column names in declaration order."""
    return list(model.to_schema().columns)


def empty(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """A valid, empty table of the model (typed columns, no rows)."""
    return validate(model, pd.DataFrame({c: [] for c in columns(model)}))


def validate(model: type[pa.DataFrameModel], df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """Validate ``df`` against ``model`` (coercing dtypes), collecting every failure before raising."""
    try:
        return model.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        name = table or model.__name__.removesuffix("Schema").lower()
        raise SchemaError(name, str(exc)) from exc

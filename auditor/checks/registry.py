"""Check functions registered by name, with the parameters a rule may set and the fields its message may use.

A rule file names a check (``check: reference_value``) and gives parameters; :func:`register_check` declares, next
to the function, which parameters exist (type, default, allowed values or range), which verdicts the check can
report and which ``{placeholders}`` its message templates may use. Loading a rule validates it against this
declaration, so a typo fails when the rules are loaded, not half-way through a batch (pandera's
``register_check_method`` works the same way).

The contract of a check function::

    def check(data: CheckInput, params: Params) -> pd.DataFrame  # columns RAW_FINDING_COLUMNS

It is pure: it reads the claims (already narrowed to the rule's scope), the reference alignment and the hierarchy,
and returns one row per finding. The engine adds the rule id, severity, message and suggestion.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from auditor.checks.specs import Hierarchy, Param, Params, ParamValue, ReferenceSpec
from auditor.schemas import VERDICTS

#: What a check function returns: one row per finding; ``facts`` maps message placeholders to text.
RAW_FINDING_COLUMNS: Final = (
    "doc_id",
    "claim_id",
    "verdict",
    "observed",
    "expected_low",
    "expected_high",
    "reference_value",
    "reference_date",
    "series_id",
    "source",
    "facts",
)

#: Placeholders every message template may use, filled from the claim row by the engine.
COMMON_FIELDS: Final = frozenset({"surface", "claim", "what", "place", "as_of", "observed"})

#: Modules whose import registers the built-in checks.
_BUILTIN_MODULES: Final = (
    "auditor.checks.consistency",
    "auditor.checks.percentages",
    "auditor.checks.magnitude",
    "auditor.checks.against_reference",
    "auditor.checks.population",
    "auditor.checks.shares",
    "auditor.checks.estimates",
    "auditor.checks.attributed",
    "auditor.checks.incidents",
)


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What a check sees: claims in the rule's scope (``origin``/``place``/``subject`` resolved, see
    :mod:`auditor.checks.subjects`), their reference alignment and look-up candidates
    (:mod:`auditor.checks.alignment`), the whole reference table, the hierarchy, the reference entries and
    (optionally) the documents table."""

    claims: pd.DataFrame
    aligned: pd.DataFrame
    candidates: pd.DataFrame
    references: pd.DataFrame
    hierarchy: Hierarchy
    specs: tuple[ReferenceSpec, ...]
    documents: pd.DataFrame | None = None


CheckFunction = Callable[[CheckInput, Params], pd.DataFrame]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check: the function, its parameters, the verdicts it reports and its message fields."""

    name: str
    func: CheckFunction
    params: Mapping[str, Param]
    verdicts: tuple[str, ...]
    fields: frozenset[str]
    doc: str = ""

    def bind(self, values: Mapping[str, ParamValue]) -> Params:
        """Validated values over the declared defaults."""
        merged = {name: p.default for name, p in self.params.items()}
        merged.update(values)
        return Params(merged)


_REGISTRY: dict[str, CheckSpec] = {}


def register_check(
    name: str,
    *,
    verdicts: tuple[str, ...],
    params: Mapping[str, Param] | None = None,
    fields: tuple[str, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``func`` under ``name`` with its parameters, the verdicts it can report and its message fields."""
    unknown = [v for v in verdicts if v not in VERDICTS or v == "not_checkable"]
    if unknown:
        raise ValueError(f"check {name!r} declares unknown verdicts {unknown}; allowed: {VERDICTS[:-1]}")

    def decorate(func: CheckFunction) -> CheckFunction:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"a check named {name!r} is already registered")
        _REGISTRY[name] = CheckSpec(
            name=name,
            func=func,
            params=dict(params or {}),
            verdicts=verdicts,
            fields=COMMON_FIELDS | frozenset(fields),
            doc=(func.__doc__ or "").strip().split("\n")[0],
        )
        return func

    return decorate


def registered_checks() -> Mapping[str, CheckSpec]:
    """Every registered check by name (the built-in ones are registered on first call)."""
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


_T = TypeVar("_T")


_PER_TABLE_KEEP = 3


def per_table(func: Callable[[pd.DataFrame], _T]) -> Callable[[pd.DataFrame], _T]:
    """Remember ``func``'s result for the last few tables it was given (by identity): the reference table stays
    the same object across the batches of a run, so derived tables are built once per run, not once per batch
    (a second table, the pack without figures curated from articles in the batch, is kept beside it)."""
    last: list[tuple[pd.DataFrame, _T]] = []

    def wrapper(table: pd.DataFrame) -> _T:
        for at, (known, result) in enumerate(last):
            if known is table:
                # the most recently used first: the run's whole table stays while tables without curated
                # figures come and go
                last.insert(0, last.pop(at))
                return result
        result = func(table)
        last[:] = [(table, result), *last[: _PER_TABLE_KEEP - 1]]
        return result

    wrapper.__doc__ = func.__doc__
    return wrapper


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts (for the short loops that build findings): the values of
    ``frame.to_dict("records")`` (Python scalars, ``Timestamp``), read in one ``to_numpy`` pass, which on the
    frames of a few dozen rows the checks loop over is several times faster."""
    names = list(frame.columns)
    if not names:
        return [{} for _ in range(len(frame))]
    rows: list[list[Any]] = frame.to_numpy(dtype=object).tolist()
    # a numpy column of numbers, booleans or dates comes out as Python scalars and Timestamps already; object
    # and extension columns may hold numpy scalars or pd.NA
    boxed = [
        at for at, dtype in enumerate(frame.dtypes) if not isinstance(dtype, np.dtype) or dtype.kind == "O"
    ]
    if boxed:
        for row in rows:
            for at in boxed:
                row[at] = _boxed(row[at])
    return [dict(zip(names, row, strict=True)) for row in rows]


def _boxed(value: Any) -> Any:
    if isinstance(value, np.floating | np.integer | np.bool_):
        return value.item()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return None if value is pd.NA else value


@cache
def _no_findings() -> pd.DataFrame:
    return _typed_findings(pd.DataFrame(columns=list(RAW_FINDING_COLUMNS)))


def raw_findings(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A check's result table from row dicts (missing columns become null)."""
    if not rows:
        return _no_findings()
    return _typed_findings(pd.DataFrame(rows, columns=list(RAW_FINDING_COLUMNS)))


def _typed_findings(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("observed", "expected_low", "expected_high", "reference_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["reference_date"] = pd.to_datetime(frame["reference_date"])
    return frame

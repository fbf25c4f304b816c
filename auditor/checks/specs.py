"""The declared shapes that rule files are read into and check functions receive.

:mod:`auditor.checks.registry` (check functions and their parameter declarations) and :mod:`auditor.checks.rules`
(the loader of ``rules/``) both import these types; neither imports the other's internals, so there is no loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

ParamKind = Literal["float", "int", "bool", "str", "strs", "floats"]


ParamValue = float | int | bool | str | tuple[str, ...] | tuple[float, ...]


class ParamValueError(ValueError):
    """A parameter value does not fit its declaration; ``allowed`` says what would."""

    def __init__(self, reason: str, allowed: tuple[str, ...] | None = None) -> None:
        self.reason = reason
        self.allowed = allowed
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter a check accepts: its kind, default, and the allowed values or range."""

    kind: ParamKind
    default: ParamValue
    doc: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def allowed(self) -> tuple[str, ...]:
        """What may be written for this parameter, for error messages."""
        if self.choices is not None:
            return self.choices
        bounds = ""
        if self.minimum is not None or self.maximum is not None:
            low = "-inf" if self.minimum is None else f"{self.minimum:g}"
            high = "inf" if self.maximum is None else f"{self.maximum:g}"
            bounds = f" in [{low}, {high}]"
        names = {
            "float": "a number",
            "int": "an integer",
            "bool": "true or false",
            "str": "a string",
            "strs": "a list of strings",
            "floats": "a list of numbers",
        }
        return (names[self.kind] + bounds,)

    def coerce(self, value: object) -> ParamValue:
        """``value`` as this parameter's type; raises :class:`ParamValueError` when it does not fit."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ParamValueError("expected true or false", self.allowed())
            return value
        if self.kind in ("float", "int"):
            number = self._number(value)
            if self.kind == "int":
                if not float(number).is_integer():
                    raise ParamValueError("expected an integer", self.allowed())
                return int(number)
            return float(number)
        if self.kind == "str":
            if not isinstance(value, str):
                raise ParamValueError("expected a string", self.allowed())
            if self.choices is not None and value not in self.choices:
                raise ParamValueError("not an allowed value", self.allowed())
            return value
        if not isinstance(value, list | tuple):
            raise ParamValueError("expected a list", self.allowed())
        if self.kind == "strs":
            if not all(isinstance(v, str) for v in value):
                raise ParamValueError("expected a list of strings", self.allowed())
            bad = [v for v in value if self.choices is not None and v not in self.choices]
            if bad:
                raise ParamValueError(f"{bad[0]!r} is not an allowed value", self.allowed())
            return tuple(str(v) for v in value)
        return tuple(float(self._number(v)) for v in value)

    def _number(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamValueError("expected a number", self.allowed())
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ParamValueError("out of range", self.allowed())
        return float(value)


class Params(Mapping[str, ParamValue]):
    """A rule's validated parameters (defaults filled in), with typed accessors for check functions."""

    def __init__(self, values: Mapping[str, ParamValue]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> ParamValue:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def number(self, name: str) -> float:
        """A float parameter."""
        value = self._values[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"parameter {name!r} is not a number: {value!r}")
        return float(value)

    def integer(self, name: str) -> int:
        """An int parameter."""
        return int(self.number(name))

    def flag(self, name: str) -> bool:
        """A bool parameter."""
        value = self._values[name]
        if not isinstance(value, bool):
            raise TypeError(f"parameter {name!r} is not a flag: {value!r}")
        return value

    def text(self, name: str) -> str:
        """A str parameter."""
        value = self._values[name]
        if not isinstance(value, str):
            raise TypeError(f"parameter {name!r} is not a string: {value!r}")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        """A list-of-strings parameter."""
        value = self._values[name]
        if not isinstance(value, tuple):
            raise TypeError(f"parameter {name!r} is not a list: {value!r}")
        return tuple(str(v) for v in value)

    def numbers(self, name: str) -> tuple[float, ...]:
        """A list-of-numbers parameter."""
        value = self._values[name]
        if not isinstance(value, tuple):
            raise TypeError(f"parameter {name!r} is not a list: {value!r}")
        return tuple(float(v) for v in value)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which claims a rule looks at; ``None`` means any."""

    measures: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    locations: frozenset[str] | None = None

    def mask(self, claims: pd.DataFrame) -> pd.Series:
        """Rows of ``claims`` inside this scope."""
        keep = pd.Series(True, index=claims.index)
        for column, allowed in (
            ("measure", self.measures),
            ("kind", self.kinds),
            ("location", self.locations),
        ):
            if allowed is not None:
                keep &= claims[column].isin(list(allowed))
        return keep


@dataclass(frozen=True, slots=True)
class MeasureRelation:
    """A whole and its disjoint parts: ``displaced = internally_displaced + refugees``."""

    whole: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """Part-whole relations of measures, and which measures add up over places or count people by origin."""

    measures: tuple[MeasureRelation, ...]
    additive_over_places: frozenset[str]
    origin_measures: frozenset[str]
    regions: frozenset[str]

    def part_pairs(self) -> pd.DataFrame:
        """One row per (part, whole) measure pair."""
        rows = [(p, r.whole) for r in self.measures for p in r.parts]
        return pd.DataFrame(rows, columns=["part_measure", "whole_measure"], dtype="object")


@dataclass(frozen=True, slots=True)
class SeriesPart:
    """One addend of a reference: a series id template and a location template (``{place}``, ``{origin}``)."""

    series: str
    location: str


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    """Which series verify which measure and place, with the tolerance and the largest as-of gap allowed."""

    id: str
    measures: frozenset[str]
    kinds: frozenset[str]
    parts: tuple[SeriesPart, ...]
    places: frozenset[str] | None
    default_place: str | None
    tolerance: float
    max_days: int
    annual: bool
    align: Literal["latest", "same_year"]
    min_share: float
    label: str | None
    #: the series counts more than the claims it verifies usually do (an estimate including indirect deaths):
    #: a claim below it is neither confirmed nor contradicted by it, only one near it or above it is judged
    upper_bound: bool = False

    @property
    def needs_origin(self) -> bool:
        """Whether a series id or location uses ``{origin}``."""
        return any("{origin}" in p.series or "{origin}" in p.location for p in self.parts)

"""Numbers and claims as an editor reads them: ``2.5M`` on an axis, ``250,000`` in a sentence, and the reading
"more than 250,000 -> at least 250,000 deaths, Syria, as of 2015-10-01".

Pure functions over plain values and claim rows (mappings with the columns of the claims table); nothing
here does I/O or needs matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

import pandas as pd

from auditor.checks.wording import grouped, is_missing, spoken
from auditor.checks.wording import place_name as wording_place_name
from auditor.checks.wording import trim as _trim

#: Abbreviated scales for axes and compact labels, largest first.
_SHORT_SCALES: Final = ((1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k"))

#: Currency symbols written before the amount; other ISO 4217 codes are written as ``CHF 3 million``.
CURRENCY_SYMBOLS: Final = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_PERCENT_UNITS: Final = frozenset({"percent", "%", "per_cent", "pct"})
_POINT_UNITS: Final = frozenset({"percentage_point", "percentage_points", "pp", "percentage point"})


def _significant(number: float, sig: int) -> str:
    """``number`` (>= 1 or 0) with ``sig`` significant digits, trailing zeros dropped."""
    if number == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(number)))
    return _trim(number, max(0, sig - 1 - magnitude))


def compact(value: float, *, sig: int = 3) -> str:
    """Short label for an axis or a badge: ``2500000 -> "2.5M"``, ``1.2e9 -> "1.2bn"``,
    ``250000 -> "250k"``."""
    if is_missing(value) or math.isinf(value):
        return "–"
    sign = "-" if value < 0 else ""
    # Round first so that 999,999 becomes "1M", not "1000k".
    size = float(f"{abs(value):.{sig}g}")
    for scale, suffix in _SHORT_SCALES:
        if size >= scale:
            return f"{sign}{_significant(size / scale, sig)}{suffix}"
    if size >= 1 or size == 0:
        return f"{sign}{_significant(size, sig)}"
    return f"{sign}{_trim(size, 3)}" if size >= 0.001 else f"{value:.1e}"


def format_amount(value: float, unit: str | None, *, short: bool = False) -> str:
    """``value`` in ``unit`` (a pint unit string, an ISO currency code or ``None`` for a count):
    ``(3.5e9, "USD") -> "$3.5 billion"``, ``(40, "percent") -> "40%"``."""
    number = compact(value) if short else spoken(value)
    if unit is None or is_missing(unit) or unit in {"", "dimensionless", "person", "persons", "people"}:
        return number
    if unit in _PERCENT_UNITS:
        return f"{grouped(value)}%"
    if unit in _POINT_UNITS:
        return f"{grouped(value)} percentage point{'' if value == 1 else 's'}"
    if unit in CURRENCY_SYMBOLS:
        sign = "-" if value < 0 else ""
        bare = number.removeprefix("-")
        return f"{sign}{CURRENCY_SYMBOLS[unit]}{bare}"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        return f"{unit} {number}"
    return f"{number} {unit.replace('_', ' ')}"


def place_name(code: str | None) -> str | None:
    """A readable place name: ISO3 ``"SYR" -> "Syria"``; named regions (``"Europe"``) come back as they are."""
    if code is None or is_missing(code):
        return None
    return wording_place_name(code)


def measure_name(measure: str | None) -> str | None:
    """A measure as words: ``"internally_displaced" -> "internally displaced"``."""
    if measure is None or is_missing(measure):
        return None
    return measure.replace("_", " ")


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` for a timestamp, date or ISO string; ``None`` when missing."""
    if is_missing(value):
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(pd.Timestamp(str(value)).strftime("%Y-%m-%d"))


def _cell(row: Mapping[str, object], key: str) -> object:
    value = row.get(key)
    return None if is_missing(value) else value


def _float(row: Mapping[str, object], key: str) -> float | None:
    value = _cell(row, key)
    return None if value is None else float(value)  # type: ignore[arg-type]


def _str(row: Mapping[str, object], key: str) -> str | None:
    value = _cell(row, key)
    return None if value is None else str(value)


def quantity(claim: Mapping[str, object]) -> str:
    """What the claim says the quantity is, bounds and hedge included: ``"at least 250,000"``,
    ``"between 2 million and 3 million"``, ``"about 4 million"``, ``"11 million"``."""
    unit = _str(claim, "unit")
    value, low, high = _float(claim, "value"), _float(claim, "low"), _float(claim, "high")
    comparator = _str(claim, "comparator") or "eq"
    if comparator == "range" and low is not None and high is not None:
        return f"between {format_amount(low, unit)} and {format_amount(high, unit)}"
    if comparator in ("gt", "ge") and (low is not None or value is not None):
        return f"at least {format_amount(low if low is not None else value, unit)}"  # type: ignore[arg-type]
    if comparator in ("lt", "le") and (high is not None or value is not None):
        return f"at most {format_amount(high if high is not None else value, unit)}"  # type: ignore[arg-type]
    if value is None:
        return "no value read"
    approx = comparator == "approx" or bool(_cell(claim, "approx"))
    return f"{'about ' if approx else ''}{format_amount(value, unit)}"


def hedge(claim: Mapping[str, object]) -> str:
    """The hedge in words: ``"lower bound"``, ``"upper bound"``, ``"range"``, ``"approximate"`` or ``"exact"``
    (with the rounding it implies when ``precision`` is known)."""
    comparator = _str(claim, "comparator") or "eq"
    words = {
        "gt": "lower bound",
        "ge": "lower bound",
        "lt": "upper bound",
        "le": "upper bound",
        "range": "range",
    }
    if comparator in words:
        return words[comparator]
    if comparator == "approx" or bool(_cell(claim, "approx")):
        return "approximate"
    precision = _float(claim, "precision")
    if precision is not None and precision > 1:
        return f"exact as written (rounded to the nearest {grouped(precision)})"
    return "exact"


def reading(claim: Mapping[str, object]) -> str:
    """How the auditor read the claim, in one line: ``"at least 250,000 deaths, Syria, as of 2015-10-01"``."""
    head = quantity(claim)
    what = measure_name(_str(claim, "measure")) or _str(claim, "counted")
    parts = [f"{head} {what}" if what else head]
    place = place_name(_str(claim, "location"))
    if place:
        parts.append(place)
    as_of = iso_date(_cell(claim, "as_of"))
    if as_of:
        parts.append(f"as of {as_of}")
    return ", ".join(parts)


def reading_line(claim: Mapping[str, object]) -> str:
    """The surface and its reading:
    ``"more than 250,000 -> at least 250,000 deaths, Syria, as of 2015-10-01"``."""
    return f"{_str(claim, 'surface') or ''} -> {reading(claim)}"

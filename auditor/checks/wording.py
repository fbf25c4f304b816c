"""Numbers and places in words, shared by the findings' messages (:mod:`auditor.checks.messages`) and the report
(:mod:`auditor.report.formatting`): ``250,000``, ``11 million``, ``Syria``.

Plain functions over plain values, with no pandas/matplotlib cost beyond ``pd.isna``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Final

import pandas as pd

#: Scale words for sentences, largest first; below a million numbers are written with separators.
LONG_SCALES: Final = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
#: Short names where pycountry has only the official one.
_SHORT_NAMES: Final = {"RUS": "Russia", "VNM": "Vietnam", "LAO": "Laos", "SYR": "Syria", "PSE": "Palestine"}


def is_missing(value: object) -> bool:
    """True for ``None``, ``NaN``, ``NaT`` and ``pd.NA`` (the missing markers a DataFrame cell can hold)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def trim(number: float, digits: int) -> str:
    """``number`` with at most ``digits`` decimals and no trailing zeros."""
    text = f"{number:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grouped(value: float) -> str:
    """A number with thousands separators and no spurious decimals: ``250000.0 -> "250,000"``, ``1.5 -> "1.5"``."""
    if is_missing(value) or math.isinf(value):
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def spoken(value: float) -> str:
    """A number as a newspaper writes it: ``11e6 -> "11 million"``, ``2.35e6 -> "2.35 million"``,
    ``250000 -> "250,000"``."""
    if is_missing(value) or math.isinf(value):
        return "–"
    size = abs(value)
    for scale, word in LONG_SCALES:
        if size >= scale:
            sign = "-" if value < 0 else ""
            return f"{sign}{trim(size / scale, 3)} {word}"
    return grouped(value)


@lru_cache(maxsize=1024)
def place_name(code: str) -> str:
    """A readable place name: ISO3 ``"SYR" -> "Syria"``; named regions and unknown codes come back as they are."""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    if len(code) == 3 and code.isalpha() and code.isupper():
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            return str(getattr(country, "common_name", None) or country.name)
    return code

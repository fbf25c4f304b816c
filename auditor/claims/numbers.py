"""Reading the value of a written number: digits with separators, scale words, number words and fractions.

Pure functions over short strings; the scanner (:mod:`auditor.claims.scanner`) finds *where* numbers are, this module says
*what* they are worth and how precisely they were stated.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from auditor.claims.word_tables import number_words

_WORDS: Final[dict[str, Any]] = number_words()

UNITS: Final[dict[str, int]] = {k: int(v) for k, v in _WORDS["units"].items()}
TENS: Final[dict[str, int]] = {k: int(v) for k, v in _WORDS["tens"].items()}
#: Multipliers written as words; ``hundred`` multiplies the current group, the others close it.
SCALES: Final[dict[str, float]] = {k: float(v) for k, v in _WORDS["scales"].items()}
#: Abbreviated scales written right after digits ("1.2bn", "30k", "$3.5m").  ``m`` and ``b`` are only read as
#: scales after a currency (otherwise "48m" is 48 metres); that decision is the scanner's.
SCALE_ABBREVIATIONS: Final[dict[str, float]] = {k: float(v) for k, v in _WORDS["scale_abbreviations"].items()}
#: Denominator words: singular and plural spellings of the fractions a news text uses.
DENOMINATORS: Final[dict[str, int]] = {k: int(v) for k, v in _WORDS["denominators"].items()}
#: Ordinal words and their numbers ("second World War"; "the 21st" is read from its digits).
ORDINALS: Final[dict[str, int]] = {k: int(v) for k, v in _WORDS["ordinals"].items()}
#: Ordinals of one to nine, as the second half of a compound denominator ("one twenty-fifth" = 1/25).
ORDINAL_UNITS: Final[dict[str, int]] = {
    f"{w}{plural}": v for w, v in ORDINALS.items() if v < 10 for plural in ("", "s")
}
DOZENS: Final[frozenset[str]] = frozenset(_WORDS["dozens"])
UNICODE_FRACTIONS: Final[dict[str, float]] = {k: float(v) for k, v in _WORDS["unicode_fractions"].items()}

#: Every word that can be part of a number written in words.
NUMBER_WORDS: Final[frozenset[str]] = frozenset(
    set(UNITS) | set(TENS) | set(SCALES) | set(DENOMINATORS) | DOZENS | {"a", "an", "and", "point", "of"}
)

_SEPARATORS = re.compile(r"[,  \u202f]")
_WORD_SPLIT = re.compile(r"[a-z]+")


def read_digits(text: str) -> tuple[float, float] | None:
    """Value and precision of a digit string with separators (``"250,000"`` -> (250000, 1e4)).

    Accepts ``"1 234 567"``, ``"-9.5"``, ``".08"`` and Indian grouping (``"12,34,567"``); a lone comma with other than
    three digits after it (``"1,3"``, ``"5,00"``) is a decimal comma. Precision is the place value of the last
    significant digit: trailing zeros of a whole number are taken as rounding.
    """
    s = text.strip().replace("−", "-")
    if "," in s and "." not in s:
        head, _, tail = s.rpartition(",")
        if len(tail) != 3 and tail.isdigit() and head.lstrip("-").isdigit():
            s = f"{head}.{tail}"
    cleaned = _SEPARATORS.sub("", s)
    try:
        value = float(cleaned)
    except ValueError:
        return None
    body = cleaned.lstrip("-+")
    if "." in body:
        decimals = len(body.split(".", 1)[1])
        precision = 10.0**-decimals if decimals else 1.0
    else:
        stripped = body.rstrip("0")
        zeros = len(body) - len(stripped)
        precision = 10.0**zeros if stripped and zeros <= _MAX_EXPONENT else 1.0
    if not (math.isfinite(value) and 0 < precision < math.inf):
        return None  # hundreds of digits: not a number a person states
    return value, precision


_MAX_EXPONENT: Final = 300


def value_precision(value: float) -> float:
    """Place value of the last significant digit of a value read from words (``11e6`` -> 1e6, ``2.5e6`` -> 1e5)."""
    v = abs(value)
    if v == 0 or not math.isfinite(v):
        return 1.0
    for exp in range(18, -13, -1):
        unit = 10.0**exp
        if unit > v:
            continue
        q = v / unit
        if abs(q - round(q)) < 1e-9 * max(1.0, q):
            return unit
    return 1e-12


def parse_words(words: list[str]) -> float | None:
    """Value of number words, already lower-cased and split (``["two", "and", "a", "half", "million"]``).

    A token may also be plain digits without separators (``["4", "thousand", "3", "hundred", "and", "21"]``).
    One state machine over the word classes (unit, ten, scale, fraction, "and"/"a"/"point"), kept in one
    function so that each state's transitions read as a table.

    Handles groups and scales ("three hundred forty-five thousand six hundred twelve"), "a"/"an" as one,
    "point" decimals, dozens, fractions ("two thirds", "a quarter", "half a million", "three and a half",
    "two thirds of a million"), and a fraction trailing a closed scale ("3 million and a half" = 3.5 million).
    Returns ``None`` when the words are not a number.
    """
    total = 0.0
    current = 0.0
    seen_number = False
    last_closed_scale = 0.0
    pending_fraction: float | None = None  # "half a" / "two thirds of a" waiting for its scale
    mark = 0.0  # value of the current group at the last "and": a fraction's numerator starts after it
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        if w == "hundreds":  # "five hundreds" is five hundred
            w = "hundred"
        if w in ("and", "of"):
            if w == "and":
                mark = current
            i += 1
            continue
        if w == "point":
            decimals = _read_decimal_digits(words[i + 1 :])
            if decimals is None:
                break
            frac, used = decimals
            current += frac
            i += 1 + used
            seen_number = True
            continue
        if w in ("a", "an"):
            nxt = words[i + 1] if i + 1 < n else ""
            if nxt in DENOMINATORS:
                frac = 1.0 / DENOMINATORS[nxt]
                i += 2
                total, current, pending_fraction = _apply_fraction(
                    total, current, frac, last_closed_scale, words[i:]
                )
                seen_number = True
                continue
            if (nxt in SCALES or nxt in DOZENS) and pending_fraction is None and current == 0:
                current = 1
                i += 1
                continue
            i += 1
            continue
        if w[0].isdigit() or w[0] == ".":
            current += float(w)
            seen_number = True
        elif w in UNITS:
            current += UNITS[w]
            seen_number = True
        elif w in TENS:
            nxt = words[i + 1] if i + 1 < n else ""
            numerator = current - mark or (1.0 if i > 0 and words[i - 1] in ("a", "an") else 0.0)
            if nxt in ORDINAL_UNITS and numerator:
                # "one twenty-fifth", "a twenty-first", "three twenty-firsts": a compound denominator
                current = mark
                frac = numerator / (TENS[w] + ORDINAL_UNITS[nxt])
                total, current, pending_fraction = _apply_fraction(
                    total, current, frac, last_closed_scale, words[i + 2 :]
                )
                seen_number = True
                i += 2
                continue
            current += TENS[w]
            seen_number = True
        elif w in DOZENS:
            if pending_fraction is not None:
                current, pending_fraction = mark + pending_fraction * 12, None
            else:
                current = mark + ((current - mark) or 1) * 12
            seen_number = True
        elif w == "hundred":
            if pending_fraction is not None:
                current, pending_fraction = pending_fraction * 100, None
            else:
                current = (current or 1) * 100
            seen_number = True
        elif w in SCALES:
            scale = SCALES[w]
            if pending_fraction is not None:
                total += (current + pending_fraction) * scale
                pending_fraction = None
            elif current == 0 and total and scale > last_closed_scale:
                total *= scale  # "three lakh crore"
            else:
                total += (current or 1) * scale
            current = mark = 0
            last_closed_scale = scale
            seen_number = True
        elif w in DENOMINATORS:
            denominator = DENOMINATORS[w]
            if w in ("half", "quarter") and current == 0:
                # "half a million", "half million", "quarter million", "half a dozen"
                pending_fraction = 1.0 / denominator
                seen_number = True
                i += 1
                if i < n and words[i] in ("a", "an"):
                    i += 1
                continue
            numerator = (current - mark) or 1.0
            current = mark
            total, current, pending_fraction = _apply_fraction(
                total, current, numerator / denominator, last_closed_scale, words[i + 1 :]
            )
            seen_number = True
        else:
            return None
        i += 1
    if pending_fraction is not None:
        current += pending_fraction
    if not seen_number:
        return None
    return total + current


def _apply_fraction(
    total: float, current: float, frac: float, last_closed_scale: float, rest: list[str]
) -> tuple[float, float, float | None]:
    """Place a fraction: before a scale it waits for it; after a closed scale it is a share of that scale."""
    following = [w for w in rest if w not in ("of", "a", "an", "and")]
    if following and (following[0] in SCALES or following[0] in DOZENS):
        return total, current, frac
    if current == 0 and total and last_closed_scale:
        return total + frac * last_closed_scale, 0.0, None
    return total, current + frac, None


def _read_decimal_digits(words: list[str]) -> tuple[float, int] | None:
    """Digits after "point": "zero three" -> .03; "seventy-one" -> .71; "eleven" -> .11."""
    digits = ""
    used = 0
    while used < len(words):
        w = words[used]
        if w in UNITS:
            digits += str(UNITS[w])
        elif w in TENS:
            nxt = words[used + 1] if used + 1 < len(words) else ""
            if nxt in UNITS and 0 < UNITS[nxt] < 10:
                digits += str(TENS[w] + UNITS[nxt])
                used += 1
            else:
                digits += str(TENS[w])
        else:
            break
        used += 1
    if not digits:
        return None
    return float("0." + digits), used


def split_words(text: str) -> list[str]:
    """Lower-case word tokens of a number phrase (hyphens and extra spaces dropped)."""
    return _WORD_SPLIT.findall(text.lower())

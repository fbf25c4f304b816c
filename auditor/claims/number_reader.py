"""Reading one written number at a position: digits with separators, scale words and abbreviations, number
words, fractions, exponents.

The scanner (:mod:`auditor.claims.scanner`) decides where expressions start (:mod:`auditor.claims.seeds`) and what
surrounds a number
(qualifiers, units, ranges); this module reads the number itself into a :class:`Reading`; the arithmetic of written
numbers is in :mod:`auditor.claims.numbers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from auditor.claims.numbers import (
    DENOMINATORS,
    DOZENS,
    ORDINAL_UNITS,
    ORDINALS,
    SCALE_ABBREVIATIONS,
    SCALES,
    TENS,
    UNICODE_FRACTIONS,
    UNITS,
    parse_words,
    read_digits,
    value_precision,
)
from auditor.claims.numeric_rules import NumericRules

ORDINAL_WORDS: Final = frozenset(ORDINALS)


#: A number written in digits, with thousands separators (Western, Indian or spaced) and decimals.
DIGIT_TOKEN: Final = re.compile(
    r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d{1,2}(?:,\d{2})+,\d{3}(?![\d])|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,])|\d+)"
    r"(?:\.\d+)?|\.\d+"
)
#: A decimal comma before a percent sign: "35,47%", "6,99 %" (one or two decimals, never a thousands group).
_DECIMAL_COMMA_PERCENT: Final = re.compile(r",(\d{1,2})(?=[ \u00a0]?%)")
_EXPONENT_START: Final = frozenset("eE x×")
_TIMES: Final = frozenset("x×")
_SPACE_CHARS: Final = frozenset(" \t\u00a0\n")
# The characters the scale patterns can start with after one separator: a cheap test before each pattern.
_MEGA_STARTS: Final = frozenset("MUEG")
_SCALE_WORD_STARTS: Final = frozenset(
    "HTMBLCD"
)  # hundred, thousand, million, billion, trillion, lakh, crore, dozen
_SCALE_ABBREV_STARTS: Final = frozenset("bmtkKMGBT")
_LIST_CONTINUES = re.compile(r"\s*(?:,|and|or|&)\s*\d")
_PLAIN_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_YEAR_LIKE = re.compile(r"(?:18|19|20)\d\d")
_FRACTION_OF_SCALE = re.compile(
    r"\s+(?:of\s+)?(?:an?\s+)?(?:hundred|thousand|million|billion|trillion|dozen)\b", re.I
)
_COMPOUND_ORDINAL = re.compile(
    r"[-\s]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)s?\b", re.I
)
_WORD_TOKEN = re.compile(r"[A-Za-z]+")
#: A line break that only wraps the line (wire copy wraps at ~65 characters, "30.95\nbillion"): not indented and
#: not a blank line, which start a new paragraph.
_WRAP = r"\n(?![ \t\n])"
_SEP = re.compile(rf"[ \t\u00a0]*(?:{_WRAP})?[ \t\u00a0]*(?:-[ \t\u00a0]*)?")
SPACES = re.compile(r"[ \t\u00a0]*")
_EXPONENT = re.compile(r"[eE][+-]?\d+(?![\w])|\s?[x×]\s?10\^[-+]?\d+")
_POWER = re.compile(r"\^([-+]*)(\d+)(?![\d])")
_FRACTION = re.compile(r"/(\d+)(?![\d/])")
_MIXED_FRACTION = re.compile(r"[ \t]+(\d+)/(\d+)(?![\d/])")
#: The scale abbreviations a number word takes ("one mln"): no single letters ("one m" is not a million).
_WORDS_SCALE_ABBREV: Final = re.compile(rf"(?:[ \t\u00a0]|{_WRAP})(bn|bln|mln|mn|tln|trn)(?![\w])")
SCALE_ABBREV = re.compile(
    rf"(?:[ \t\u00a0]|{_WRAP})?(bn|bln|mln|mn|mil|mio|MM|tln|trn|tn|[kKMGBbTm])(?![\w])"
)
_MEGA_CURRENCY = re.compile(
    r"[ \t]?(?:M|MM)(USD|EUR|GBP|AUD|CAD|CHF|SEK|NOK|DKK)(?![\w])|[ \t]?(USD|EUR|GBP)[ \t]+million(?![\w])"
)
_SCALE_WORD = re.compile(
    rf"(?:[ \t\u00a0]+|{_WRAP})(hundred|thousand|million|billion|trillion|lakh|crore|dozen|dz|doz)s?(?![\w])",
    re.IGNORECASE,
)
A_BEFORE = re.compile(r"(?<![\w])an?\s+$", re.IGNORECASE)
LONE_FRACTION_FOLLOWERS = re.compile(r"\s+(?:of|the|its|their|all|those|his|her|our|them)\b", re.IGNORECASE)


@dataclass(slots=True)
class Reading:
    """A bare number read at a position, before qualifiers and ranges."""

    start: int
    end: int
    value: float
    precision: float
    words: bool  # written (at least partly) in words
    scaled: bool  # a scale word or abbreviation was applied
    plain: str  # the digits as written, for year/identifier tests ("" for words)
    unit: str | None = None
    kind: str = "count"


class NumberReader:
    """Reads the number that starts at a position (see :meth:`read`)."""

    def __init__(self, rules: NumericRules) -> None:
        self.rules = rules

    def read(self, text: str, pos: int) -> Reading | None:
        """Read one number starting exactly at ``pos`` (digits, words, scale, fraction)."""
        ch = text[pos]
        if ch in UNICODE_FRACTIONS:
            v = UNICODE_FRACTIONS[ch]
            return Reading(pos, pos + 1, v, value_precision(v), True, False, "")
        if ch.isdigit() or ch == ".":
            return self._digits_number(text, pos)
        return self._words_number(text, pos)

    def _digits_number(self, text: str, pos: int) -> Reading | None:
        m = DIGIT_TOKEN.match(text, pos)
        if m is None:
            return None
        raw = m.group()
        if "," in raw and text[m.end() : m.end() + 1] == "," and _MALFORMED_GROUPS.match(text, pos):
            return None  # "4,550,00": see unreadable_end
        spaced = " " in raw or "\u00a0" in raw or "\u202f" in raw
        if spaced and _LIST_CONTINUES.match(text, m.end()):  # "the 101 102 and 103 fields": a list
            m = _PLAIN_DIGITS.match(text, pos)
            assert m is not None
            raw = m.group()
        read = read_digits(raw)
        if read is None:
            return None
        value, precision = read
        end = m.end()
        scaled = False
        nxt = text[end : end + 1]  # one character decides which of the patterns below can match at all
        comma = _DECIMAL_COMMA_PERCENT.match(text, end) if nxt == "," and raw.isdigit() else None
        if comma is not None:  # "35,47%": a decimal comma (a thousands group has three digits)
            decimals = comma.group(1)
            value += int(decimals) / 10 ** len(decimals)
            precision = 10.0 ** -len(decimals)
            raw, end = raw + "." + decimals, comma.end(1)
            nxt = text[end : end + 1]
        times_after_space = nxt != " " or text[end + 1 : end + 2] in _TIMES  # "2 x 10^6"
        exp = _EXPONENT.match(text, end) if nxt in _EXPONENT_START and times_after_space else None
        if exp is not None:
            e = exp.group()
            exponent = int(e.split("^")[1]) if "^" in e else int(e[1:])
            value *= 10.0**exponent
            precision *= 10.0**exponent
            end = exp.end()
            scaled = True
        power = _POWER.match(text, end) if exp is None and nxt == "^" else None
        if power is not None:
            sign = -1 if power.group(1).count("-") % 2 else 1
            value = abs(value) ** (sign * int(power.group(2))) * (-1 if value < 0 else 1)
            return Reading(pos, power.end(), value, value_precision(value), False, True, "")
        frac = _FRACTION.match(text, end) if nxt == "/" else None
        if frac is not None and _fiscal_year(raw, frac.group(1)):
            year = Reading(pos, frac.end(), value, 1.0, False, False, raw)
            year.kind = "year"  # "in 1987/88": a fiscal year, not 1987 divided by 88
            return year
        if frac is not None and "," not in raw and "." not in raw and int(frac.group(1)) != 0:
            value = value / int(frac.group(1))
            return Reading(pos, frac.end(), value, value_precision(value), False, False, "")
        spaced_after = nxt in _SPACE_CHARS
        mixed = _MIXED_FRACTION.match(text, end) if spaced_after and "/" in text[end : end + 12] else None
        if mixed is not None and int(mixed.group(2)) > int(mixed.group(1)) > 0:
            value += int(mixed.group(1)) / int(mixed.group(2))
            return Reading(pos, mixed.end(), value, value_precision(value), False, False, "")
        num = Reading(pos, end, value, precision, False, scaled, raw)
        first = text[end + 1 : end + 2] if spaced_after else nxt  # after one separator
        mega = _MEGA_CURRENCY.match(text, end) if first in _MEGA_STARTS else None
        if mega is not None:
            num.value, num.precision, num.end = value * 1e6, precision * 1e6, mega.end()
            num.scaled, num.unit, num.kind = True, mega.group(1) or mega.group(2), "money"
            return num
        word_may_follow = first in _SPACE_CHARS or not first.isascii() or first.upper() in _SCALE_WORD_STARTS
        word = _SCALE_WORD.match(text, end) if spaced_after and word_may_follow else None
        if word is not None and (
            word.group(1).islower() or not _YEAR_LIKE.fullmatch(raw)
        ):  # not "2014 Dozens"
            return self._continue_words(text, pos, [raw.replace(",", "")], word.start(), num)
        abbr = SCALE_ABBREV.match(text, end) if first in _SCALE_ABBREV_STARTS else None
        if abbr is not None:
            token = abbr.group(1)
            if token in ("m", "b", "M", "B", "T", "G") and not self._glued_scale_ok(text, pos, abbr):
                return num
            scale = SCALE_ABBREVIATIONS[token]
            num.value = value * scale
            num.precision = precision * scale
            num.end = abbr.end()
            num.scaled = True
        return num

    def _glued_scale_ok(self, text: str, pos: int, abbr: re.Match[str]) -> bool:
        """Single-letter scales: "M"/"G"/"B"/"T" glued to digits, or "m"/"bn" after a currency or before people."""
        token = abbr.group(1)
        glued = abbr.start() == abbr.end() - len(token)
        if self.rules.currency_before.find(text, pos, 12) is not None:
            return True
        if token in ("M", "G", "B", "T"):
            return glued or abbr.end() >= len(text) or not text[abbr.end()].isalnum()
        if token == "b":
            return glued
        # "11m people", "2m refugees": a lower-case m before a plural noun is a million, not metres
        nxt = re.match(r"\s+([a-z]+)", text[abbr.end() : abbr.end() + 30])
        return bool(glued and nxt and nxt.group(1).endswith("s") and nxt.group(1) not in ("is", "was", "has"))

    def _words_number(self, text: str, pos: int) -> Reading | None:
        m = _WORD_TOKEN.match(text, pos)
        if m is None:
            return None
        first = m.group().lower()
        is_denominator = first in DENOMINATORS and first not in ("half", "halves", "quarter", "quarters")
        if first in ORDINAL_WORDS or is_denominator:
            # "a third" is a fraction ("two thirds" is read from its numerator); a bare "third" is an ordinal
            a = A_BEFORE.search(text, max(0, pos - 4), pos)
            if a is not None and is_denominator:
                v = 1.0 / DENOMINATORS[first]
                end = m.end()
                if not _lone_fraction_ok(text, end):
                    return None
                return Reading(
                    a.start(), end, v, value_precision(v), True, False, "", unit="dimensionless", kind="ratio"
                )
            if first in ORDINAL_WORDS:
                return Reading(
                    pos, m.end(), float(_ordinal_value(first)), 1.0, True, False, "", kind="ordinal"
                )
            return None
        start = pos
        words: list[str] = []
        a = A_BEFORE.search(text, max(0, pos - 4), pos)
        compound_after = first in TENS and _COMPOUND_ORDINAL.match(text, m.end()) is not None
        fraction_of_scale = (
            first in ("half", "quarter") and _FRACTION_OF_SCALE.match(text, m.end()) is not None
        )
        # "a million", "a twenty-first", "a quarter of a million"
        if a is not None and (first in SCALES or first in DOZENS or compound_after or fraction_of_scale):
            start = a.start()
            words.append("a")
        read = self._continue_words(text, start, words, pos, None)
        bare = a is None and first in ("half", "quarter") and not fraction_of_scale
        # "the fourth quarter and 6.0 mln dlrs": a bare half or quarter starts no longer number
        return None if bare and read is not None and read.end > m.end() else read

    def _continue_words(
        self, text: str, start: int, words: list[str], pos: int, head: Reading | None
    ) -> Reading | None:
        """Walk number words (and digit groups) from ``pos``, keeping only what forms one number.

        One loop whose branches are the token classes that may continue a written number; kept together so the
        list of what may follow what reads as one table.
        """
        end = head.end if head is not None else start
        prev = "digit" if head is not None else "start"
        last_good = (list(words), end) if head is not None else None
        cursor = pos
        has_digits = head is not None
        in_decimal = False
        small_and: tuple[list[str], int] | None = None  # before an "and" that must lead to a fraction
        compound: tuple[list[str], int] | None = None  # before tens after a numerator: must end a denominator
        first = head is None
        while True:
            # _SEP crosses a wrapped line only: at a new paragraph the next token is not a word, and the number ends
            at = cursor if first else _SEP.match(text, cursor).end()  # type: ignore[union-attr]
            first = False
            tok = _WORD_TOKEN.match(text, at)
            if tok is None:
                dig = DIGIT_TOKEN.match(text, at)
                if dig is not None and prev in ("scale", "and") and "," not in dig.group() and not in_decimal:
                    words.append(dig.group())
                    prev = "digit"
                    cursor = end = dig.end()
                    has_digits = True
                    last_good = (list(words), end)
                    continue
                break
            w = tok.group().lower()
            cat = _category(w)
            if in_decimal and cat in ("unit", "tens"):
                pass
            elif cat is None or not _allowed(prev, cat, w, words) or in_decimal:
                break
            if (
                cat == "and"
                and prev in ("unit", "tens", "digit")
                and small_and is None
                and last_good is not None
            ):
                small_and = (list(last_good[0]), last_good[1])
            if cat == "tens" and prev in ("unit", "a", "tens") and compound is None and last_good is not None:
                compound = (list(last_good[0]), last_good[1])
            if cat == "point":
                in_decimal = True
            words.append(w)
            prev = cat
            cursor = tok.end()
            if cat not in ("and", "a", "of", "point"):
                end = cursor
                last_good = (list(words), end)
        if compound is not None and last_good is not None:
            tail = last_good[0][len(compound[0]) :]
            if not any(t in ORDINAL_UNITS for t in tail):
                last_good = compound
        if small_and is not None and last_good is not None:
            tail = last_good[0][len(small_and[0]) :]
            if not any(t in DENOMINATORS for t in tail):
                last_good = small_and
        if last_good is None:
            return None
        words, end = last_good
        if not words:
            return None
        if words in (["half"], ["quarter"]):
            # "half of the country" is a ratio; "half-time", "first half" are not numbers
            a = A_BEFORE.search(text, max(0, start - 4), start)
            hedged = a is None and self.rules.before.find(text, start) is not None  # "more than half"
            if not (
                hedged
                or LONE_FRACTION_FOLLOWERS.match(text, end)
                or (a is not None and _lone_fraction_ok(text, end))
            ):
                return None
            start = a.start() if a is not None else start
            v = 0.5 if words == ["half"] else 0.25
            return Reading(
                start, end, v, value_precision(v), True, False, "", unit="dimensionless", kind="ratio"
            )
        value = parse_words(words)
        if value is None:
            return None
        is_fraction = any(w in DENOMINATORS for w in words) and not any(w in SCALES for w in words)
        scaled = any(w in SCALES and w != "hundred" for w in words) or any(w in DOZENS for w in words)
        if head is not None:
            precision = value_precision(value) if scaled else head.precision
            return Reading(
                start, end, value, max(precision, 1e-12), not has_digits, scaled or head.scaled, head.plain
            )
        kind = "ratio" if is_fraction and value < 1 else "count"
        unit = "dimensionless" if kind == "ratio" else None
        precision = value_precision(value)
        abbr = _WORDS_SCALE_ABBREV.match(text, end) if kind == "count" and not scaled else None
        if abbr is not None:  # wire style: "one mln shares", "five bln dlrs"
            scale = SCALE_ABBREVIATIONS[abbr.group(1)]
            value, precision, end, scaled = value * scale, precision * scale, abbr.end(), True
        return Reading(start, end, value, precision, True, scaled, "", unit=unit, kind=kind)


#: An unreadable digit string longer than this (characters) is skipped whole: no stated number is so long.
LONGEST_NUMBER: Final = 64
#: Thousands groups ending in a group of one or two digits ("4,550,00"): a typo, neither 4,550 nor 455,000.
_MALFORMED_GROUPS: Final = re.compile(r"\d{1,3}(?:,\d{3})+,\d{1,2}(?![\d,])")


def unreadable_end(text: str, pos: int) -> int | None:
    """The end of the digits at ``pos`` when they are no number at all, to be passed over once: a run longer than
    any stated number, or thousands groups that end in a short group (a typo whose value cannot be told)."""
    if not (text[pos].isdigit() or text[pos] == "."):
        return None
    bad = _MALFORMED_GROUPS.match(text, pos) if "," in text[pos : pos + 5] else None
    if bad is not None:
        return bad.end()
    run = DIGIT_TOKEN.match(text, pos)
    return run.end() if run is not None and run.end() - pos > LONGEST_NUMBER else None


def _fiscal_year(first: str, second: str) -> bool:
    """Whether "first/second" is a fiscal or season year: "1987/88", "2015/2016"."""
    if len(first) != 4 or not first.isdigit() or not 1900 <= int(first) <= 2099:
        return False
    following = int(first) + 1
    return second == str(following) or (len(second) == 2 and int(second) == following % 100)


def _lone_fraction_ok(text: str, end: int) -> bool:
    """A fraction on its own is a number before "of the …" or at the very end of the text."""
    return bool(LONE_FRACTION_FOLLOWERS.match(text, end)) or not text[end:].strip(" .,;:!?)\n")


def _category(w: str) -> str | None:
    if w in UNITS:
        return "unit"
    if w in TENS:
        return "tens"
    if w in {"hundred", "hundreds"}:
        return "hundred"
    if w in SCALES:
        return "scale"
    if w in DOZENS:
        return "dozen"
    if w in DENOMINATORS:
        return "denom"
    if w in ORDINAL_UNITS:
        return "ordinal_unit"
    if w in ("and", "a", "an", "of", "point"):
        return w if w != "an" else "a"
    return None


def _allowed(prev: str, cat: str, w: str, words: list[str]) -> bool:
    """Whether number word ``w`` (category ``cat``) may follow a word of category ``prev`` in one number."""
    if cat == "unit":
        if prev == "tens":
            return 0 < UNITS[w] < 10 and "point" not in words[-2:-1]
        return prev in ("start", "hundred", "scale", "and", "point", "unit_point")
    if cat == "tens":
        # after a numerator only as the start of a compound denominator ("one twenty-fifth"); see _continue_words
        return prev in ("start", "hundred", "scale", "and", "point", "unit", "a", "tens")
    if cat == "ordinal_unit":
        return prev == "tens" and len(words) >= 2 and _category(words[-2]) in ("unit", "a", "tens", "hundred")
    if cat == "hundred":
        group = words[
            max((i for i, t in enumerate(words) if t in SCALES and t != "hundred"), default=-1) + 1 :
        ]
        if "hundred" in group or "hundreds" in group:
            return False
        if w == "hundreds":
            return prev in ("digit", "unit", "tens")
        return prev in ("start", "digit", "unit", "tens", "a", "half")
    if cat == "scale":
        return prev in (
            "start",
            "digit",
            "unit",
            "tens",
            "hundred",
            "a",
            "denom",
            "scale_small",
            "half",
            "scale",
        )
    if cat == "dozen":
        return prev in ("start", "digit", "unit", "tens", "hundred", "a", "half", "denom")
    if cat == "denom":
        if w in ("half", "quarter", "halves", "quarters") and prev in ("start", "a"):
            return True
        return prev in ("unit", "tens", "hundred", "a", "digit") and prev != "digit"
    if cat == "and":
        return prev in ("hundred", "scale", "unit", "tens", "digit", "denom")
    if cat == "a":
        return prev in ("and", "denom", "of", "half")
    if cat == "of":
        return prev == "denom"
    if cat == "point":
        return prev in ("unit", "tens", "hundred") and "point" not in words
    return False


def _ordinal_value(word: str) -> int:
    return ORDINALS.get(word, 0)


def scale_of(num: Reading) -> float:
    """The scale factor applied to a number ("3 million" -> 1e6), from its value and precision."""
    if not num.scaled:
        return 1.0
    for scale in (1e12, 1e9, 1e6, 1e3):
        if abs(num.value) >= scale and num.precision <= scale:
            return scale
    return 1.0

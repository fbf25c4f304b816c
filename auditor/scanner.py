"""Finding numeric expressions in text: where each number is, its value or interval, unit and kind.

One pass over the text with a seed pattern (a digit, a number word, a fraction sign); from each seed the scanner
reads the whole expression with anchored patterns: the number itself (digits, words, scales, fractions), a currency
before it, a unit or percent sign after it, a qualifier before or after it ("more than", "or more"), a second number
joined into a range ("2 to 3 million", "between 20 and 30"), and what kind of number it is (a year, a date, a phone
number, an ordinal… are numbers but not claims).  Language data comes from ``rules/hedges.yaml`` and
``rules/units.yaml`` through :mod:`auditor.numeric_rules`; value arithmetic from :mod:`auditor.numbers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from auditor.numbers import (
    DENOMINATORS,
    DOZENS,
    SCALE_ABBREVIATIONS,
    SCALES,
    TENS,
    UNICODE_FRACTIONS,
    UNITS,
    parse_words,
    read_digits,
    value_precision,
)
from auditor.numeric_rules import NumericRules, lookup_form

ORDINAL_WORDS: Final = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth hundredth".split()
)
MONTHS: Final = (
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|may|june|july|august|"
    "september|october|november|december"
)
_FRACTION_CHARS = "".join(UNICODE_FRACTIONS)
_SEED_WORDS = sorted(
    set(UNITS) | set(TENS) | set(SCALES) | {"dozen", "half", "quarter"} | set(DENOMINATORS) | ORDINAL_WORDS
)
_VAGUE_TRIGGERS = ("hundreds", "thousands", "millions", "billions", "dozens", "tens", "scores", "percent",
                   "percentage", "majority", "minority")


def _trie(words: list[str]) -> str:
    """A regex alternation of ``words`` factored by common prefixes, so a position is rejected after one char."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            body = f"(?:{body})?"
        return body

    return build(tree)


def _cased(words: list[str] | tuple[str, ...]) -> list[str]:
    """Each word in lower case, Capitalised and UPPER case (faster than a case-insensitive pattern)."""
    return sorted({v for w in words for v in (w.lower(), w.capitalize(), w.upper())})


#: Where an expression may start: a digit run, a fraction sign, a number word, or a vague-quantity trigger word.
SEED: Final = re.compile(
    rf"\d+|[{_FRACTION_CHARS}]"
    rf"|(?<![A-Za-z])(?:(?P<vague>{_trie(_cased(_VAGUE_TRIGGERS))})|{_trie(_cased(_SEED_WORDS))})(?![A-Za-z])"
)
_DIGIT_TOKEN = re.compile(
    r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d{1,2}(?:,\d{2})+,\d{3}(?![\d])|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,])|\d+)"
    r"(?:\.\d+)?|\.\d+"
)
_WORD_TOKEN = re.compile(r"[A-Za-z]+")
_SEP = re.compile(r"[ \t\u00a0]*(?:-[ \t\u00a0]*)?")
_SPACES = re.compile(r"[ \t\u00a0]*")
_EXPONENT = re.compile(r"[eE][+-]?\d+(?![\w])|\s?[x×]\s?10\^[-+]?\d+")
_POWER = re.compile(r"\^([-+]*)(\d+)(?![\d])")
_FRACTION = re.compile(r"/(\d+)(?![\d/])")
_MIXED_FRACTION = re.compile(r"[ \t]+(\d+)/(\d+)(?![\d/])")
_SCALE_ABBREV = re.compile(r"(?:[ \t\u00a0]?)(bn|bln|mln|mn|mil|mio|MM|tln|trn|tn|[kKMGBbTm])(?![\w])")
_MEGA_CURRENCY = re.compile(r"[ \t]?(?:M|MM)(USD|EUR|GBP|AUD|CAD|CHF|SEK|NOK|DKK)(?![\w])|[ \t]?(USD|EUR|GBP)[ \t]+million(?![\w])")
_MEGA_CURRENCY_BEFORE = re.compile(r"(?<![\w])M(USD|EUR|GBP|AUD|CAD|CHF)[ \t]?$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.[A-Za-z]{2,}")
_SUB_UNITS: Final = {"foot": ("inch", 12.0), "USD": ("USC", 100.0), "pound": ("ounce", 16.0), "hour": ("minute", 60.0)}
_MAJOR_CURRENCY_WORDS = re.compile(r"dollars?|euros?|pounds?", re.IGNORECASE)
_GLUED_ID = re.compile(r"[A-Za-z]+\d")
_INCH = re.compile(r"[ \t]*(?:in\.?|inch(?:es)?)(?![\w])")
_SCALE_WORD = re.compile(
    r"[ \t\u00a0]+(hundred|thousand|million|billion|trillion|lakh|crore|dozen|dz|doz)s?(?![\w])", re.IGNORECASE
)
_PLUS_SUFFIX = re.compile(r"(?:\+|-?plus(?![\w]))")
_NEGATIVE_WORD = re.compile(r"(?<![\w])(?:minus|negative)\s+$", re.IGNORECASE)
_A_BEFORE = re.compile(r"(?<![\w])an?\s+$", re.IGNORECASE)
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![\w])", re.IGNORECASE)
_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.m\.|[ap]m(?![\w])|GMT|UTC|BST|CET)?|\d{1,2}\s*(?:[ap]\.m\.|[ap]m(?![\w]))",
    re.IGNORECASE,
)
_DATE_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?![\w])", re.IGNORECASE)
_DATE_BEFORE = re.compile(rf"(?<![\w])(?:{MONTHS})\.?\s+$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![\d])")
_PHONE = re.compile(r"\+?\(?\d[\d ()./-]{6,}\d")
_YEAR_BEFORE = re.compile(
    r"(?<![\w])(?:in|since|by|from|until|till|to|during|of|early|late|mid|before|after|between|and|summer|"
    r"winter|spring|autumn|fall|year|fiscal|through|circa|c\.|the)\s+$|['’]s\s+$|[(\[]$",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"-years?-old|-month-old|-week-old|-day-old|\s?yo(?![\w])", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?<![\w])(?:aged|age|ages)\s+$", re.IGNORECASE)
_CITATION_BEFORE = re.compile(
    r"(?<![\w])(?:p|pp|page|pages|vol|volume|no|nos|nr|nrs|number|chapter|section|article|art|paragraph|para|"
    r"figure|fig|table|exercise|exercises|resolution|rule|route|highway|flight|version|v|room|platform|gate|"
    r"bus|line|level|grade|class|episode|season|act|scene|verse|psalm|amendment|item|step|phase|stage|"
    r"district|zone|ward|sector|unit|block|lot|model|type|mark|mk|series|tier|category|cat)\.?\s*#?\s*$",
    re.IGNORECASE,
)
_SCORE_BEFORE = re.compile(
    r"(?<![\w])(?:won|lost|beat|beaten|drew|draw|defeated|score|scored|scoreline|victory|defeat|win|loss|lead|"
    r"led|trailed|trailing)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_ADDRESS_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Boulevard|Blvd|Drive|Square|Place|Way)\b"
)
_LIST_ITEM = re.compile(r"(?:^|\n)[ \t]*\(?$")
_LIST_AFTER = re.compile(r"[.)][ \t]+\S")
_RATIO_JOIN = re.compile(r"\s+(?:in|out\s+of|of\s+every|over)\s+", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
_ONE_DETERMINERS = frozenset(
    "the this that which each every any no some another last only one such what whichever".split()
)
_ONE_FOLLOWERS = frozenset(
    "of another day time who that which is was you i he she it they we thing way or and another's".split()
)
_LONE_FRACTION_FOLLOWERS = re.compile(r"\s+(?:of|the|its|their|all|those|his|her|our|them)\b", re.IGNORECASE)
_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A numeric expression found in text (offsets into that text, end exclusive)."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    comparator: str
    approx: bool
    precision: float | None
    kind: str
    unit: str | None


@dataclass(slots=True)
class _Num:
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


class Scanner:
    """Finds :class:`Mention` objects in a text using compiled numeric rules."""

    def __init__(self, rules: NumericRules) -> None:
        self.rules = rules

    # -- public ----------------------------------------------------------------------------------------------

    def scan(self, text: str, *, all_numbers: bool = False) -> list[Mention]:
        """Every numeric claim in ``text`` (with ``all_numbers``, every number, each with its kind)."""
        out: list[Mention] = []
        pos = 0
        urls = [(m.start(), m.end()) for m in _URL.finditer(text)] if ("://" in text or "www." in text or "@" in text) else []
        for seed in SEED.finditer(text):
            s = seed.start()
            if s > 0 and text[s - 1] == "." and (s < 2 or not text[s - 2].isalnum()) and text[s].isdigit():
                s -= 1  # ".08"
            if s < pos:
                continue
            if urls and any(a <= s < b for a, b in urls):
                continue
            if seed.group("vague") is not None:
                vague = self._vague(text, s)
                if vague is not None and vague.start >= pos:
                    out.append(vague)
                    pos = vague.end
                continue
            try:
                found = self._expression(text, s)
            except (ValueError, OverflowError, IndexError):
                found = None
            if found is None:
                continue
            mentions, consumed = found
            pos = max(pos, consumed)
            for m in mentions:
                if all_numbers or m.kind in _CLAIM_KINDS:
                    out.append(m)
        return out

    def _vague(self, text: str, pos: int) -> Mention | None:
        """ "hundreds of thousands", "a small percentage": an explicit vague range around a trigger word."""
        window_start = max(0, pos - 12)
        for m in self.rules.vague.finditer(text, window_start, min(len(text), pos + 40)):
            if m.start() <= pos < m.end():
                spec = lookup_form(self.rules.vague_range, m.group())
                if spec is None:
                    return None
                low, high, kind = spec
                unit = "percent" if kind == "percent" else None
                return Mention(m.start(), m.end(), None, low, high, "range", True, None, kind, unit)
        return None

    # -- numbers -----------------------------------------------------------------------------------------------

    def _number(self, text: str, pos: int) -> _Num | None:
        """Read one number starting exactly at ``pos`` (digits, words, scale, fraction)."""
        ch = text[pos]
        if ch in UNICODE_FRACTIONS:
            v = UNICODE_FRACTIONS[ch]
            return _Num(pos, pos + 1, v, value_precision(v), True, False, "")
        if ch.isdigit() or ch == ".":
            return self._digits_number(text, pos)
        return self._words_number(text, pos)

    def _digits_number(self, text: str, pos: int) -> _Num | None:
        m = _DIGIT_TOKEN.match(text, pos)
        if m is None:
            return None
        raw = m.group()
        read = read_digits(raw)
        if read is None:
            return None
        value, precision = read
        end = m.end()
        scaled = False
        exp = _EXPONENT.match(text, end)
        if exp is not None:
            e = exp.group()
            power = int(e.split("^")[1]) if "^" in e else int(e[1:])
            value *= 10.0**power
            precision *= 10.0**power
            end = exp.end()
            scaled = True
        power = _POWER.match(text, end)
        if power is not None and exp is None:
            sign = -1 if power.group(1).count("-") % 2 else 1
            value = abs(value) ** (sign * int(power.group(2))) * (-1 if value < 0 else 1)
            return _Num(pos, power.end(), value, value_precision(value), False, True, "")
        frac = _FRACTION.match(text, end)
        if frac is not None and "," not in raw and "." not in raw and int(frac.group(1)) != 0:
            value = value / int(frac.group(1))
            return _Num(pos, frac.end(), value, value_precision(value), False, False, "")
        mixed = _MIXED_FRACTION.match(text, end)
        if mixed is not None and int(mixed.group(2)) > int(mixed.group(1)) > 0:
            value += int(mixed.group(1)) / int(mixed.group(2))
            return _Num(pos, mixed.end(), value, value_precision(value), False, False, "")
        num = _Num(pos, end, value, precision, False, scaled, raw)
        mega = _MEGA_CURRENCY.match(text, end)
        if mega is not None:
            num.value, num.precision, num.end = value * 1e6, precision * 1e6, mega.end()
            num.scaled, num.unit, num.kind = True, mega.group(1) or mega.group(2), "money"
            return num
        word = _SCALE_WORD.match(text, end)
        if word is not None:
            return self._continue_words(text, pos, [raw.replace(",", "")], word.start(), num)
        abbr = _SCALE_ABBREV.match(text, end)
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
        before = text[max(0, pos - 12) : pos]
        if self.rules.currency_before.find(text, pos, 12) is not None:
            return True
        if token in ("M", "G", "B", "T"):
            return glued or abbr.end() >= len(text) or not text[abbr.end()].isalnum()
        if token == "b":
            return glued
        # "11m people", "2m refugees": a lower-case m before a plural noun is a million, not metres
        nxt = re.match(r"\s+([a-z]+)", text[abbr.end() : abbr.end() + 30])
        return bool(glued and nxt and nxt.group(1).endswith("s") and nxt.group(1) not in ("is", "was", "has"))

    def _words_number(self, text: str, pos: int) -> _Num | None:
        m = _WORD_TOKEN.match(text, pos)
        if m is None:
            return None
        first = m.group().lower()
        is_denominator = first in DENOMINATORS and first not in ("half", "halves", "quarter", "quarters")
        if first in ORDINAL_WORDS or is_denominator:
            # "a third" is a fraction ("two thirds" is read from its numerator); a bare "third" is an ordinal
            a = _A_BEFORE.search(text, max(0, pos - 4), pos)
            if a is not None and is_denominator:
                v = 1.0 / DENOMINATORS[first]
                end = m.end()
                if not _lone_fraction_ok(text, end):
                    return None
                return _Num(a.start(), end, v, value_precision(v), True, False, "", unit="ratio", kind="ratio")
            if first in ORDINAL_WORDS:
                return _Num(pos, m.end(), float(_ordinal_value(first)), 1.0, True, False, "", kind="ordinal")
            return None
        start = pos
        words: list[str] = []
        a = _A_BEFORE.search(text, max(0, pos - 4), pos)
        if a is not None and (first in SCALES or first in DOZENS or first in ("half", "quarter")):
            if first not in ("half", "quarter"):
                start = a.start()
                words.append("a")
        return self._continue_words(text, start, words, pos, None)

    def _continue_words(self, text: str, start: int, words: list[str], pos: int, head: _Num | None) -> _Num | None:
        """Walk number words (and digit groups) from ``pos``, keeping only what forms one number."""
        end = head.end if head is not None else start
        prev = "digit" if head is not None else "start"
        last_good = (list(words), end) if head is not None else None
        cursor = pos
        has_digits = head is not None
        in_decimal = False
        small_and: tuple[list[str], int] | None = None  # before an "and" that must lead to a fraction
        first = head is None
        while True:
            at = cursor if first else _SEP.match(text, cursor).end()  # type: ignore[union-attr]
            first = False
            if "\n" in text[cursor:at]:
                break
            tok = _WORD_TOKEN.match(text, at)
            if tok is None:
                dig = _DIGIT_TOKEN.match(text, at)
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
            elif cat is None or not _allowed(prev, cat, w, words):
                break
            elif in_decimal:
                break
            if cat == "and" and prev in ("unit", "tens", "digit") and small_and is None and last_good is not None:
                small_and = (list(last_good[0]), last_good[1])
            if cat == "point":
                in_decimal = True
            words.append(w)
            prev = cat
            cursor = tok.end()
            if cat not in ("and", "a", "of", "point"):
                end = cursor
                last_good = (list(words), end)
        if small_and is not None and last_good is not None:
            tail = last_good[0][len(small_and[0]) :]
            if not any(t in DENOMINATORS for t in tail):
                last_good = small_and
        if last_good is None:
            return None
        words, end = last_good
        if not words:
            return None
        if words == ["half"] or words == ["quarter"]:
            # "half of the country" is a ratio; "half-time", "first half" are not numbers
            a = _A_BEFORE.search(text, max(0, start - 4), start)
            if not (_LONE_FRACTION_FOLLOWERS.match(text, end) or (a is not None and _lone_fraction_ok(text, end))):
                return None
            start = a.start() if a is not None else start
            v = 0.5 if words == ["half"] else 0.25
            return _Num(start, end, v, value_precision(v), True, False, "", unit="ratio", kind="ratio")
        value = parse_words(words)
        if value is None:
            return None
        is_fraction = any(w in DENOMINATORS for w in words) and not any(w in SCALES for w in words)
        if is_fraction and value < 1 and not _LONE_FRACTION_FOLLOWERS.match(text, end) and len(words) <= 2:
            # "two-thirds of the vote" is a ratio; a bare "third" was handled as an ordinal
            pass
        scaled = any(w in SCALES and w != "hundred" for w in words) or any(w in DOZENS for w in words)
        if head is not None:
            precision = value_precision(value) if scaled else head.precision
            return _Num(start, end, value, max(precision, 1e-12), not has_digits, scaled or head.scaled, head.plain)
        kind = "ratio" if is_fraction and value < 1 else "count"
        unit = "ratio" if kind == "ratio" else None
        return _Num(start, end, value, value_precision(value), True, scaled, "", unit=unit, kind=kind)

    # -- expressions ---------------------------------------------------------------------------------------------

    def _expression(self, text: str, pos: int) -> tuple[list[Mention], int] | None:
        """Read the full expression at a seed: number, unit, qualifiers, range; return mentions and end."""
        num = self._number(text, pos)
        if num is None:
            return None
        if num.kind == "ordinal":
            return [self._plain(num, "ordinal")], num.end
        other = self._non_claim_kind(text, num)
        if other is not None:
            kind, end = other
            return [self._plain(num, kind, end)], end
        sign = _NEGATIVE_WORD.search(text, max(0, num.start - 12), num.start)
        if num.words and num.value == 1 and not num.scaled and sign is None and not self._lone_one_counts(text, num):
            return None
        if sign is not None:
            num.value = -num.value
            num.start = sign.start()
        elif num.start > 0 and text[num.start - 1] in "-−" and (num.start < 2 or not text[num.start - 2].isalnum()):
            num.value = -num.value
            num.start -= 1
        start = self._currency(text, num)
        self._unit(text, num)
        first = num
        # a ratio: "1 in 5", "one out of three"
        ratio = _RATIO_JOIN.match(text, num.end)
        if ratio is not None and num.unit is None and not num.scaled:
            den = self._safe_number(text, ratio.end())
            over = ratio.group().strip().lower() == "over"
            if den is not None and den.unit is None and den.value > 0 and (over or 0 < abs(num.value) < den.value <= 1e6):
                ratio_num = _Num(start, den.end, num.value / den.value, 1.0, False, False, "", "ratio", "ratio")
                ratio_num.precision = value_precision(ratio_num.value)
                comparator, qstart = self._qualifier_before(text, start, ratio_num)
                end = den.end
                after = self._after_qualifier(text, end)
                if after is not None and comparator == "eq":
                    comparator, end = after
                return [self._bounded(qstart, end, ratio_num, comparator)], end
        # a range: "2 to 3 million", "between 20 and 30 percent", "30,000-40,000", "5k-20k"
        rng = self._range(text, first, start)
        if rng is not None:
            return rng
        comparator, qstart = self._qualifier_before(text, start, first)
        end = self._compound_units(text, first)
        after = self._after_qualifier(text, end)
        if after is not None and comparator in ("eq", "approx"):
            comparator, end = after
        elif (plus := _PLUS_SUFFIX.match(text, end)) is not None and comparator == "eq":
            comparator = "ge"
            end = plus.end()
        mention = self._bounded(qstart, end, first, comparator)
        # compound: "more than 10 and less than 40", "at most 100 and at least 20"
        compound = self._compound(text, mention)
        if compound is not None:
            return [compound], compound.end
        return [mention], end

    def _after_qualifier(self, text: str, end: int) -> tuple[str, int] | None:
        """ "or more", "or less" after a number, unless another number follows ("or less than 6000")."""
        after = self.rules.after.match(text, end)
        if after is None:
            return None
        if SEED.match(text, _SPACES.match(text, after.end()).end()) is not None:  # type: ignore[union-attr]
            return None
        cmp = lookup_form(self.rules.after_comparator, after.group().strip())
        return (cmp, after.end()) if cmp is not None else None

    def _compound_units(self, text: str, num: _Num) -> int:
        """ "5 feet 2 inches", "3 dollars 50 cents", "15 dollars and 50": add the smaller unit's part."""
        if num.unit not in _SUB_UNITS:
            return num.end
        sub_unit, factor = _SUB_UNITS[num.unit]
        m = re.match(r"\s+(?:and\s+)?", text[num.end : num.end + 8])
        if m is None:
            return num.end
        at = num.end + m.end()
        if at >= len(text) or SEED.match(text, at) is None:
            return num.end
        part = self._number(text, at)
        if part is None or part.kind == "ordinal" or not 0 <= part.value < factor:
            return num.end
        self._unit(text, part)
        if num.unit == "foot" and part.unit is None and (inch := _INCH.match(text, part.end)) is not None:
            part.unit, part.end = "inch", inch.end()
        money_words = num.kind == "money" and _MAJOR_CURRENCY_WORDS.search(text, num.start, num.end) is not None
        if part.unit == sub_unit or (part.unit is None and money_words and part.end == len(text.rstrip(".")) or
                                     part.unit is None and money_words and not text[part.end:part.end + 2].strip(" .,;")):
            num.value += part.value / factor
            num.precision = min(num.precision, 1.0 / factor)
            num.end = part.end
        return num.end

    def _safe_number(self, text: str, pos: int) -> _Num | None:
        if pos >= len(text):
            return None
        article = re.match(r"an?\s+", text[pos : pos + 4], re.IGNORECASE)
        if article is not None:
            pos += article.end()
        seed = SEED.match(text, pos)
        if seed is None:
            return None
        num = self._number(text, pos)
        if num is None or num.kind == "ordinal":
            return None
        self._unit(text, num)
        return num

    def _bounded(self, start: int, end: int, num: _Num, comparator: str) -> Mention:
        v = num.value
        low = v if comparator in ("gt", "ge") else None
        high = v if comparator in ("lt", "le") else None
        approx = comparator == "approx"
        cmp = "eq" if comparator == "eq" else comparator
        return self._mention(start, end, v, low, high, cmp, approx, num.precision, num.kind, num.unit)

    def _mention(
        self,
        start: int,
        end: int,
        value: float | None,
        low: float | None,
        high: float | None,
        comparator: str,
        approx: bool,
        precision: float | None,
        kind: str,
        unit: str | None,
    ) -> Mention:
        if kind == "count" and ((value is not None and value < 0) or (low is not None and low < 0)):
            kind = "quantity"  # a negative number is a signed quantity, never a count
        return Mention(start, end, value, low, high, comparator, approx, precision, kind, unit)

    def _plain(self, num: _Num, kind: str, end: int | None = None) -> Mention:
        return Mention(num.start, end or num.end, num.value, None, None, "eq", False, num.precision, kind, None)

    def _lone_one_counts(self, text: str, num: _Num) -> bool:
        """A bare "one" is a number only when it counts something ("one person"), not as a pronoun."""
        before = _WORD_BEFORE.search(text, max(0, num.start - 20), num.start)
        if before is not None and before.group(1).lower() in _ONE_DETERMINERS:
            return False
        nxt = re.match(r"\s*([A-Za-z']+)", text[num.end : num.end + 20])
        return nxt is None or nxt.group(1).lower() not in _ONE_FOLLOWERS

    def _currency(self, text: str, num: _Num) -> int:
        """Attach a currency written before the number; return the start of the expression."""
        found = self.rules.currency_before.find(text, num.start, 10)
        if found is None:
            return num.start
        code, cur_start = found
        num.unit = code
        num.kind = "money"
        if not num.scaled:
            abbr = _SCALE_ABBREV.match(text, num.end)
            if abbr is not None and not num.words:
                scale = SCALE_ABBREVIATIONS[abbr.group(1)]
                num.value *= scale
                num.precision *= scale
                num.end = abbr.end()
                num.scaled = True
        return cur_start

    def _unit(self, text: str, num: _Num) -> None:
        """Attach a unit, percent sign or currency word written after the number."""
        if num.kind == "ratio":
            return
        m = self.rules.unit_after.match(text, num.end)
        if m is None:
            return
        surface = m.group().lstrip(" \t-")
        form = lookup_form(self.rules.unit_after_form, surface)
        if form is None:
            return
        if num.kind == "money" and form.kind != "money":
            return
        if form.unit in _TIME_UNITS and num.value != int(num.value) and not num.words:
            pass
        if form.kind == "quantity" and len(surface) <= 2 and surface.islower() and num.words:
            return  # "two m" is not a length
        if form.unit == "percentage_point" and surface.lower() == "points":
            return
        num.unit = form.unit
        num.kind = form.kind
        num.end = m.end()
        if form.unit in ("USC", "GBX") or surface.lower() in ("cents", "pence"):
            num.unit = form.unit

    def _qualifier_before(self, text: str, start: int, num: _Num) -> tuple[str, int]:
        found = self.rules.before.find(text, start)
        if found is None:
            return "eq", start
        cmp, q_start = found
        if num.unit in _TIME_UNITS and text[q_start:start].strip().lower() in self.rules.duration_exempt:
            return "eq", start
        return cmp, q_start

    def _range(self, text: str, first: _Num, start: int) -> tuple[list[Mention], int] | None:
        join = self.rules.range_join.match(text, first.end)
        if join is None:
            return None
        connector = join.group().strip().lower()
        opener = self.rules.range_open.find(text, start, 24)
        open_word = opener[0] if opener is not None else None
        if connector == "and" and open_word != "between":
            return None
        if connector in ("-", "–", "—") and (first.words or first.plain.startswith("0")):
            return None
        if open_word == "from" and opener is not None:
            verb = _WORD_BEFORE.search(text, max(0, opener[1] - 24), opener[1])
            if verb is not None and verb.group(1).lower() in self.rules.change_verbs:
                return None  # "rose from 8 million to 9.4 million": two claims
        second = self._safe_number(text, join.end())
        if second is None:
            return None
        if connector in ("-", "–", "—") and second.kind in _NON_CLAIM_DIGIT_KINDS:
            return None
        if first.unit is not None and second.unit is not None and first.unit != second.unit:
            return None
        low_v, high_v = first.value, second.value
        if second.scaled and not first.scaled and not first.words and low_v * _scale_of(second) <= high_v:
            low_v *= _scale_of(second)
        if first.unit is None and second.unit is not None:
            first.unit, first.kind = second.unit, second.kind
        if second.unit is None and first.unit is not None:
            second.unit = first.unit
        if not low_v < high_v:
            return None
        if _looks_like_years(first, second) or _looks_like_score(text, first, second, connector):
            return None
        if opener is not None:
            start = opener[1]
        else:
            qual = self.rules.before.find(text, start)
            if qual is not None and qual[0] == "approx":
                start = qual[1]
        precision = min(first.precision, second.precision)
        kind = first.kind if first.kind != "count" else second.kind
        unit = first.unit or second.unit
        m = self._mention(start, second.end, None, low_v, high_v, "range", False, precision, kind, unit)
        return [m], second.end

    def _compound(self, text: str, first: Mention) -> Mention | None:
        if first.comparator not in ("gt", "ge", "lt", "le"):
            return None
        join = self.rules.compound_join.match(text, first.end)
        if join is None:
            return None
        qm = self.rules.before_forward.match(text, join.end())
        if qm is None:
            return None
        cmp = lookup_form(self.rules.before_comparator, qm.group().strip())
        if cmp is None:
            return None
        nxt = self._safe_number(text, qm.end())
        if nxt is None:
            return None
        after_end = nxt.end
        after = self.rules.after.match(text, after_end)
        if cmp in ("eq",) and after is not None:
            cmp = lookup_form(self.rules.after_comparator, after.group().strip()) or cmp
        lower_first = first.comparator in ("gt", "ge")
        if lower_first and cmp in ("lt", "le") and first.low is not None and first.low < nxt.value:
            low, high = first.low, nxt.value
        elif not lower_first and cmp in ("gt", "ge") and first.high is not None and nxt.value < first.high:
            low, high = nxt.value, first.high
        else:
            return None
        return self._mention(first.start, after_end, None, low, high, "range", False, first.precision, first.kind, first.unit)

    # -- numbers that are not claims -----------------------------------------------------------------------------

    def _non_claim_kind(self, text: str, num: _Num) -> tuple[str, int] | None:
        """Years, dates, times, phone numbers, identifiers, list numbers, scores, citations, ages, addresses."""
        s, e = num.start, num.end
        if num.words:
            age = _AGE_AFTER.match(text, e)
            if age is not None:
                return "age", age.end()
            return None
        plain = num.plain
        prev_char = text[s - 1] if s > 0 else " "
        next_char = text[e] if e < len(text) else " "
        # glued to letters: identifiers ("A320", "F-16", "COVID-19", "G20")
        if prev_char.isalpha() or (prev_char == "-" and s > 1 and text[s - 2].isalpha()):
            if not (prev_char.isalpha() and self.rules.currency_before.find(text, s, 6)):
                return "identifier", e
        unit_here = self.rules.unit_after.match(text, e)
        unit_ok = unit_here is not None and not text[unit_here.end() : unit_here.end() + 1].isalnum()
        if next_char.isalpha() and _GLUED_ID.match(text, e) and not unit_ok:
            return "identifier", _GLUED_ID.match(text, e).end()  # type: ignore[union-attr]
        if next_char.isalpha() and not num.scaled:
            suffix = _ORDINAL_SUFFIX.match(text, e)
            if suffix is not None:
                date = _DATE_AFTER.match(text, e)
                if date is not None or _DATE_BEFORE.search(text, max(0, s - 12), s):
                    return "date", e + (date.end() - e if date is not None else len(suffix.group()))
                return "ordinal", suffix.end()
        time = _TIME.match(text, s)
        if time is not None and (":" in time.group() or "m" in time.group().lower()) and time.end() > e - 1:
            if ":" in time.group() or time.group()[-1].lower() in "m.":
                return "time", time.end()
        if _NUMERIC_DATE.match(text, s) and not num.scaled:
            d = _NUMERIC_DATE.match(text, s)
            assert d is not None
            return "date", d.end()
        phone = _PHONE.match(text, s - 1 if prev_char == "+" else s)
        if phone is not None and re.search(r"[-()+/.]", phone.group()) and phone.group().count("-") + phone.group().count(" ") >= 2 and len(
            re.sub(r"\D", "", phone.group())
        ) >= 9:
            return "phone", phone.end()
        if not num.scaled and plain.isdigit():
            date_after = _DATE_AFTER.match(text, e)
            if date_after is not None or _DATE_BEFORE.search(text, max(0, s - 12), s):
                if int(plain) <= 31 or len(plain) == 4:
                    return "date", date_after.end() if date_after is not None else e
            if _AGE_AFTER.match(text, e):
                age = _AGE_AFTER.match(text, e)
                assert age is not None
                return "age", age.end()
            if _AGE_BEFORE.search(text, max(0, s - 8), s):
                return "age", e
            if _CITATION_BEFORE.search(text, max(0, s - 16), s):
                return "citation", e
            if (
                len(plain) == 4
                and 1800 <= int(plain) <= 2100
                and self.rules.unit_after.match(text, e) is None
                and self.rules.currency_before.find(text, s, 10) is None
                and self.rules.before.find(text, s) is None
            ):
                if _YEAR_BEFORE.search(text, max(0, s - 12), s) or not re.match(r"\s+[a-z]", text[e : e + 3]):
                    return "year", e
            if prev_char == "[" and next_char == "]":
                return "citation", e + 1
            if _LIST_ITEM.search(text, max(0, s - 4), s) and _LIST_AFTER.match(text, e) and int(plain) < 100:
                return "list_item", e
            if _ADDRESS_AFTER.match(text, e) and int(plain) < 10000:
                return "address", e
        return None


_CLAIM_KINDS: Final = frozenset({"count", "money", "percent", "percentage_point", "quantity", "ratio"})
_NON_CLAIM_DIGIT_KINDS: Final = frozenset({"year", "date", "time", "phone", "identifier"})


def _lone_fraction_ok(text: str, end: int) -> bool:
    """A fraction on its own is a number before "of the …" or at the very end of the text."""
    return bool(_LONE_FRACTION_FOLLOWERS.match(text, end)) or not text[end:].strip(" .,;:!?)\n")


def _category(w: str) -> str | None:
    if w in UNITS:
        return "unit"
    if w in TENS:
        return "tens"
    if w == "hundred" or w == "hundreds":
        return "hundred"
    if w in SCALES:
        return "scale"
    if w in DOZENS:
        return "dozen"
    if w in DENOMINATORS:
        return "denom"
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
        return prev in ("start", "hundred", "scale", "and", "point")
    if cat == "hundred":
        group = words[max((i for i, t in enumerate(words) if t in SCALES and t != "hundred"), default=-1) + 1 :]
        if "hundred" in group or "hundreds" in group:
            return False
        if w == "hundreds":
            return prev in ("digit", "unit", "tens")
        return prev in ("start", "digit", "unit", "tens", "a", "half")
    if cat == "scale":
        return prev in ("start", "digit", "unit", "tens", "hundred", "a", "denom", "scale_small", "half", "scale")
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
    order = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ]
    if word in order:
        return order.index(word) + 1
    return {"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100}.get(word, 0)


def _scale_of(num: _Num) -> float:
    """The scale factor applied to a number ("3 million" -> 1e6), from its value and precision."""
    if not num.scaled:
        return 1.0
    for scale in (1e12, 1e9, 1e6, 1e3):
        if abs(num.value) >= scale and num.precision <= scale:
            return scale
    return 1.0


def _looks_like_years(first: _Num, second: _Num) -> bool:
    """ "2011-2015", "1939–45" are periods, not ranges of counts."""
    p1, p2 = first.plain, second.plain
    return (
        len(p1) == 4
        and p1.isdigit()
        and 1800 <= int(p1) <= 2100
        and (len(p2) in (2, 4))
        and p2.isdigit()
        and first.unit is None
    )


def _looks_like_score(text: str, first: _Num, second: _Num, connector: str) -> bool:
    """ "won 3-1" is a score."""
    if connector not in ("-", "–", "—") or first.value > 30 or second.value > 30:
        return False
    return bool(_SCORE_BEFORE.search(text, max(0, first.start - 40), first.start))


def with_offset(mention: Mention, offset: int) -> Mention:
    """The same mention shifted by ``offset`` characters."""
    return replace(mention, start=mention.start + offset, end=mention.end + offset)

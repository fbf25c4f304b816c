"""Finding numeric expressions in text: where each number is, its value or interval, unit and kind.

One pass over the text with a seed pattern (a digit, a number word, a fraction sign, a vague-quantity word); from each
seed the scanner reads the whole expression: the number itself (:mod:`auditor.claims.number_reader`), a currency before it,
a unit or percent sign after it, a qualifier before or after it ("more than", "or more"), a second number joined
into a range ("2 to 3 million", "between 20 and 30"), and whether it is a number that is not a claim
(:mod:`auditor.claims.number_kinds`).  Language data comes from ``rules/hedges.yaml`` and ``rules/units.yaml`` through
:mod:`auditor.claims.numeric_rules`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from auditor.claims.number_kinds import (
    CLAIM_KINDS,
    NON_CLAIM_DIGIT_KINDS,
    looks_like_score,
    looks_like_years,
    non_claim_kind,
)
from auditor.claims.number_reader import SCALE_ABBREV, SPACES, NumberReader, Reading, scale_of, unreadable_end
from auditor.claims.numbers import SCALE_ABBREVIATIONS, value_precision
from auditor.claims.numeric_rules import NumericRules, lookup_form
from auditor.claims.seeds import SEED, seeds

#: A web address, or an e-mail address starting where a word may (a long run is tried once, not from each character).
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![^\s@<(\[\"'“‘])[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
_SUB_UNITS: Final = {
    "foot": ("inch", 12.0),
    "USD": ("USC", 100.0),
    "pound": ("ounce", 16.0),
    "hour": ("minute", 60.0),
}
_MAJOR_CURRENCY_WORDS = re.compile(r"dollars?|euros?|pounds?", re.IGNORECASE)
_INCH = re.compile(r"[ \t]*(?:in\.?|inch(?:es)?)(?![\w])")
_PLUS_SUFFIX = re.compile(r"(?:\+|-?plus(?![\w]))")
_NEGATIVE_WORD = re.compile(r"(?<![\w])(?:minus|negative)\s+$", re.IGNORECASE)
_RATIO_NOUN_JOIN = re.compile(r"\s+[a-z]+\s+in\s+")
_RATIO_NOUN_END = re.compile(
    r"\s*(?:[.,;:!?)]|$)|\s+(?:is|are|was|were|has|have|had|will|would|now|still|lives|live|lived)\b"
)
_RATIO_JOIN = re.compile(r"\s+(?:in|out\s+of|of\s+every|over)\s+", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
_ONE_DETERMINERS = frozenset(
    [
        "number",
        "the",
        "this",
        "that",
        "which",
        "each",
        "every",
        "any",
        "no",
        "some",
        "another",
        "last",
        "only",
        "one",
        "such",
        "what",
        "whichever",
    ]
)
_ONE_FOLLOWERS = frozenset(
    [
        "of",
        "another",
        "day",
        "time",
        "who",
        "that",
        "which",
        "is",
        "was",
        "you",
        "i",
        "he",
        "she",
        "it",
        "they",
        "we",
        "thing",
        "way",
        "or",
        "and",
        "another's",
    ]
)
_OLD = re.compile(r"\s+old\b")
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


def _representable(m: Mention) -> bool:
    """Finite numbers and a positive precision: what the claims table holds (``1e-400`` or 400 digits are not)."""
    finite = all(x is None or math.isfinite(x) for x in (m.value, m.low, m.high))
    return finite and (m.precision is None or 0 < m.precision < math.inf)


class Scanner:
    """Finds :class:`Mention` objects in a text using compiled numeric rules."""

    def __init__(self, rules: NumericRules) -> None:
        self.rules = rules
        self.reader = NumberReader(rules)

    # -- public ----------------------------------------------------------------------------------------------

    def scan(self, text: str, *, all_numbers: bool = False) -> list[Mention]:
        """Every numeric claim in ``text`` (with ``all_numbers``, every number, each with its kind)."""
        return list(self.mentions(text, all_numbers=all_numbers))

    def mentions(self, text: str, *, all_numbers: bool = False) -> Iterator[Mention]:
        """:meth:`scan` one mention at a time, in the order of the text (memory does not grow with the text)."""
        pos = 0
        # addresses come in the order of the text, like the seeds: one look at the next address per seed
        urls = _URL.finditer(text) if ("://" in text or "www." in text or "@" in text) else iter(())
        url = next(urls, None)
        for seed, vague_seed in seeds(text):
            s = seed
            if s > 0 and text[s - 1] == "." and (s < 2 or not text[s - 2].isalnum()) and text[s].isdigit():
                s -= 1  # ".08"
            if s < pos:
                continue
            while url is not None and url.end() <= s:
                url = next(urls, None)
            if url is not None and url.start() <= s:
                continue
            if vague_seed:
                vague = self._vague(text, s)
                if vague is not None and vague.start >= pos:
                    yield vague
                    pos = vague.end
                continue
            try:
                found = self._expression(text, s)
            except (ValueError, OverflowError, IndexError):
                found = None
            if found is None:
                skip = unreadable_end(text, s)
                if skip is not None:  # skipped once, not from each digit
                    pos = skip
                continue
            mentions, consumed = found
            pos = max(pos, consumed)
            for m in mentions:
                if (all_numbers or m.kind in CLAIM_KINDS) and _representable(m):
                    yield m

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

    def _expression(self, text: str, pos: int) -> tuple[list[Mention], int] | None:
        """Read the full expression at a seed: number, unit, qualifiers, range; return mentions and end."""
        num = self.reader.read(text, pos)
        if num is None:
            return None
        if num.kind == "ordinal":
            return [self._plain(num, "ordinal")], num.end
        other = non_claim_kind(self.rules, text, num)
        if other is not None:
            kind, end = other
            return [self._plain(num, kind, end)], end
        sign = (
            _NEGATIVE_WORD.search(text, max(0, num.start - 12), num.start)
            if num.start > 0 and text[num.start - 1].isspace()  # the word is followed by white space
            else None
        )
        if (
            num.words
            and num.value == 1
            and not num.scaled
            and sign is None
            and not self._lone_one_counts(text, num)
        ):
            return None
        if sign is not None:
            num.value = -num.value
            num.start = sign.start()
        elif (
            num.start > 0
            and text[num.start - 1] in "-−"
            and (num.start < 2 or not text[num.start - 2].isalnum())
        ):
            num.value = -num.value
            num.start -= 1
        start = self._currency(text, num)
        self._unit(text, num)
        first = num
        ratio = self._ratio(text, num, start)
        if ratio is not None:
            return [ratio], ratio.end
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

    def _ratio(self, text: str, num: Reading, start: int) -> Mention | None:
        """ "1 in 5", "one out of three", "one resident in five", "1 over 3": a ratio, with its qualifiers."""
        if num.unit is not None or num.scaled:
            return None
        join = _RATIO_JOIN.match(text, num.end)
        noun_between = False
        if join is None:
            join = _RATIO_NOUN_JOIN.match(text, num.end)  # "one resident in five is ..."
            noun_between = join is not None
        if join is None:
            return None
        den = self._safe_number(text, join.end())
        if den is None or den.unit is not None or den.value <= 0:
            return None
        over = join.group().strip().lower() == "over"
        if not (over or 0 < abs(num.value) < den.value <= 1e6):
            return None
        if noun_between and (den.value > 100 or _RATIO_NOUN_END.match(text, den.end) is None):
            return None
        ratio = Reading(
            start, den.end, num.value / den.value, 1.0, False, False, "", "dimensionless", "ratio"
        )
        ratio.precision = value_precision(ratio.value)
        comparator, qstart = self._qualifier_before(text, start, ratio)
        end = den.end
        after = self._after_qualifier(text, end)
        if after is not None and comparator in ("eq", "approx"):
            comparator, end = after
        return self._bounded(qstart, end, ratio, comparator)

    def _after_qualifier(self, text: str, end: int) -> tuple[str, int] | None:
        """ "or more", "or less" after a number, unless another number follows ("or less than 6000")."""
        after = self.rules.after.match(text, end)
        if after is None:
            return None
        if SEED.match(text, SPACES.match(text, after.end()).end()) is not None:  # type: ignore[union-attr]
            return None
        cmp = lookup_form(self.rules.after_comparator, after.group().strip())
        return (cmp, after.end()) if cmp is not None else None

    def _compound_units(self, text: str, num: Reading) -> int:
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
        part = self.reader.read(text, at)
        if part is None or part.kind == "ordinal" or not 0 <= part.value < factor:
            return num.end
        self._unit(text, part)
        if num.unit == "foot" and part.unit is None and (inch := _INCH.match(text, part.end)) is not None:
            part.unit, part.end = "inch", inch.end()
        money_words = (
            num.kind == "money" and _MAJOR_CURRENCY_WORDS.search(text, num.start, num.end) is not None
        )
        # "15 dollars 50": a bare number right after a currency word, ending the phrase, is its cents
        bare_cents = part.unit is None and money_words and not text[part.end : part.end + 2].strip(" .,;")
        if part.unit == sub_unit or bare_cents:
            num.value += part.value / factor
            num.precision = min(num.precision, 1.0 / factor)
            num.end = part.end
        return num.end

    def _safe_number(self, text: str, pos: int) -> Reading | None:
        if pos >= len(text):
            return None
        article = re.match(r"an?\s+", text[pos : pos + 4], re.IGNORECASE)
        if article is not None:
            pos += article.end()
        seed = SEED.match(text, pos)
        if seed is None:
            return None
        num = self.reader.read(text, pos)
        if num is None or num.kind == "ordinal":
            return None
        self._unit(text, num)
        return num

    def _bounded(self, start: int, end: int, num: Reading, comparator: str) -> Mention:
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

    def _plain(self, num: Reading, kind: str, end: int | None = None) -> Mention:
        return Mention(
            num.start, end or num.end, num.value, None, None, "eq", False, num.precision, kind, None
        )

    def _lone_one_counts(self, text: str, num: Reading) -> bool:
        """A bare "one" is a number only when it counts something ("one person"), not as a pronoun."""
        before = _WORD_BEFORE.search(text, max(0, num.start - 20), num.start)
        if before is not None and before.group(1).lower() in _ONE_DETERMINERS:
            return False
        nxt = re.match(r"[\s-]*([A-Za-z']+)", text[num.end : num.end + 20])
        if nxt is None:
            return before is None  # "One" on its own is a number; "the fastest growing one." is a pronoun
        return nxt.group(1).lower() not in _ONE_FOLLOWERS

    def _currency(self, text: str, num: Reading) -> int:
        """Attach a currency written before the number; return the start of the expression."""
        found = self.rules.currency_before.find(text, num.start, 10)
        if found is None:
            return num.start
        code, cur_start = found
        num.unit = code
        num.kind = "money"
        if not num.scaled:
            abbr = SCALE_ABBREV.match(text, num.end)
            if abbr is not None and not num.words:
                scale = SCALE_ABBREVIATIONS[abbr.group(1)]
                num.value *= scale
                num.precision *= scale
                num.end = abbr.end()
                num.scaled = True
        return cur_start

    def _unit(self, text: str, num: Reading) -> None:
        """Attach a unit, percent sign or currency word written after the number."""
        if num.kind == "ratio":
            return
        nxt = text[num.end : num.end + 1]
        if not nxt or (nxt.isascii() and nxt.lower() not in self.rules.unit_after_starts):
            return  # one look at the next character rules out most numbers (",", ")", ".")
        m = self.rules.unit_after.match(text, num.end)
        if m is None:
            return
        surface = m.group().lstrip(" \t-")
        form = lookup_form(self.rules.unit_after_form, surface)
        if form is None:
            return
        if num.kind == "money" and form.kind != "money":
            return  # "$5 billion" is not followed by a second unit
        if form.kind == "quantity" and len(surface) <= 2 and surface.islower() and num.words:
            return  # "two m" is not a length
        num.unit = form.unit
        num.kind = form.kind
        num.end = m.end()

    def _qualifier_before(self, text: str, start: int, num: Reading) -> tuple[str, int]:
        found = self.rules.before.find(text, start)
        if found is None:
            return "eq", start
        cmp, q_start = found
        duration = num.unit in _TIME_UNITS and _OLD.match(text, num.end) is None  # not "over 30 years old"
        if duration and text[q_start:start].strip().lower() in self.rules.duration_exempt:
            return "eq", start
        return cmp, q_start

    def _range(self, text: str, first: Reading, start: int) -> tuple[list[Mention], int] | None:
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
        if (
            (connector in ("-", "–", "—") and second.kind in NON_CLAIM_DIGIT_KINDS)
            or (first.unit is not None and second.unit is not None and first.unit != second.unit)
            or (first.unit == "percent" and second.unit is None)
        ):  # the last: a change, then a level ("fell 3.2 pct to 7.3 billion", "fell 0.1 pct to 164.1")
            return None
        low_v, high_v = first.value, second.value
        if second.scaled and not first.scaled and not first.words and low_v * scale_of(second) <= high_v:
            low_v *= scale_of(second)
        if first.unit is None and second.unit is not None:
            first.unit, first.kind = second.unit, second.kind
        if second.unit is None and first.unit is not None:
            second.unit = first.unit
        if not low_v < high_v:
            return None
        if looks_like_years(first, second) or looks_like_score(text, first, second, connector):
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
        return self._mention(
            first.start, after_end, None, low, high, "range", False, first.precision, first.kind, first.unit
        )

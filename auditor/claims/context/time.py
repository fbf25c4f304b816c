"""As of when: the time expressions of a sentence and the as-of date each stands for.

A full date ("3 September 2015") is that day; a month or year is its last day, capped at the article date; a
since-phrase ("since March 2011") is a total up to the article date; "last year", "this month", "yesterday"
resolve against the article date. The words that open a since-phrase or date a bare year are in
``rules/grammar.yaml``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from auditor.claims.context.sentence import distance
from auditor.claims.context.words import Grammar, alternation, with_capitals
from auditor.claims.lexicon import trie_pattern

_MONTH_NUMBERS: Final = {
    name: i
    for i in range(1, 13)
    for name in {calendar.month_name[i], calendar.month_abbr[i], "Sept" if i == 9 else calendar.month_abbr[i]}
}
_M: Final = "(?:" + trie_pattern(_MONTH_NUMBERS) + r")\b\.?"
_Y: Final = r"(?:19|20)\d\d(?![\d%])"
_D: Final = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PART: Final = (
    r"(?:(?:early|late|mid-?|the\s+(?:end|start|beginning|middle|first\s+half|second\s+half)\s+of)\s*)?"
)
_RELATIVE: Final = re.compile(
    r"\b(?:(?P<which>[Ll]ast|[Pp]revious|[Tt]his|[Pp]ast)\s+(?P<unit>year|month)|(?P<yday>[Yy]esterday))\b"
)
#: How far before a date a since-word still opens its phrase, and what closes one first (a number, a clause mark).
_OPENER_REACH: Final = 120
_BREAK: Final = re.compile(r"[\d,;:.!?()]")
#: a cheap pre-check: a date is parsed only around a year
_YEAR: Final = re.compile(r"[12][09]\d\d(?![\d%])")


@dataclass(frozen=True)
class DateReader:
    """The date pattern of one grammar (its since-words and year prepositions)."""

    dates: re.Pattern[str]
    #: a since-word that a date further on completes: "since the conflict began [in March 2011]"
    opener: re.Pattern[str]

    def _opened(self, chunk: str, start: int) -> bool:
        """Whether a since-phrase opened shortly before ``start``, with no number or clause mark between."""
        openers = list(self.opener.finditer(chunk, max(0, start - _OPENER_REACH), start))
        return bool(openers) and _BREAK.search(chunk, openers[-1].end(), start) is None

    def find(
        self, chunk: str, offset: int, doc_date: dt.date | None
    ) -> list[tuple[int, int, dt.date | None]]:
        """The time expressions of a sentence with the as-of date each stands for."""
        found: list[tuple[int, int, dt.date | None]] = []
        last = -1
        for year in _YEAR.finditer(chunk):
            for m in self.dates.finditer(chunk, max(last + 1, year.start() - 45), year.end()):
                if m.end() == year.end():
                    since = m.group("since") is not None or self._opened(chunk, m.start())
                    value = doc_date if since else _date_value(m, doc_date)
                    found.append((m.start() + offset, m.end() + offset, value))
                    last = m.end()
        if doc_date is not None and ("year" in chunk or "month" in chunk or "esterday" in chunk):
            found.extend(_relative(chunk, offset, doc_date))
        return found


@cache
def date_reader(grammar: Grammar) -> DateReader:
    """The date reader of ``grammar`` (compiled once per grammar)."""
    since = alternation(with_capitals(grammar.since))
    prepositions = alternation(with_capitals(grammar.year_prepositions))
    pattern = re.compile(
        rf"""(?P<since>\b(?:{since})\s+{_PART}
                (?:{_D}\s+(?:of\s+)?{_M}|{_M}(?:\s+{_D})?|{_Y})(?:,?\s+{_Y})?)
            |(?P<dmy>\b(?P<d1>{_D})\s+(?:of\s+)?(?P<m1>{_M}),?\s+(?P<y1>{_Y}))
            |(?P<mdy>\b(?P<m2>{_M})\s+(?P<d2>{_D}),?\s+(?P<y2>{_Y}))
            |(?P<my>\b(?P<m3>{_M}),?\s+(?:of\s+)?(?P<y3>{_Y}))
            |(?P<y>\b(?:{prepositions}|[Bb]etween\s+{_Y}\s+and)\s+{_PART}(?P<y4>{_Y}))""",
        re.X,
    )
    opener = re.compile(r"(?i)\b(?:since|began|begun|erupted|broke\s+out|started|beginning|start)\b")
    return DateReader(pattern, opener)


def as_of(
    dates: list[tuple[int, int, dt.date | None]], span: tuple[int, int], doc_date: dt.date | None
) -> dt.date | None:
    """The date of the time expression nearest the number at ``span`` (else the article date)."""
    best, best_d = doc_date, 1 << 30
    for start, end, value in dates:
        if start < span[1] and end > span[0]:
            continue  # the number itself
        d = distance(start, end, span)
        if d < best_d:
            best, best_d = value, d
    return best


def _relative(chunk: str, offset: int, doc_date: dt.date) -> list[tuple[int, int, dt.date | None]]:
    found: list[tuple[int, int, dt.date | None]] = []
    for m in _RELATIVE.finditer(chunk):
        if m.group("yday") is not None:
            value = doc_date - dt.timedelta(days=1)
        elif m.group("which").lower() in ("this", "past"):
            value = doc_date
        elif m.group("unit") == "year":
            value = dt.date(doc_date.year - 1, 12, 31)
        else:
            value = doc_date.replace(day=1) - dt.timedelta(days=1)
        found.append((m.start() + offset, m.end() + offset, value))
    return found


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date_value(m: re.Match[str], doc_date: dt.date | None) -> dt.date | None:
    """The as-of date a matched time expression stands for, capped at the article date for periods."""
    group = m.lastgroup
    value: dt.date | None = None
    period = True
    if group in {"dmy", "mdy"}:
        n = "1" if group == "dmy" else "2"
        day = int(re.sub(r"\D", "", m.group("d" + n)))
        month = _MONTH_NUMBERS[m.group("m" + n).rstrip(".")]
        year = int(m.group("y" + n))
        period = False
        try:
            value = dt.date(year, month, day)
        except ValueError:
            return None
    elif group == "my":
        value = _month_end(int(m.group("y3")), _MONTH_NUMBERS[m.group("m3").rstrip(".")])
    elif group == "y":
        value = dt.date(int(m.group("y4")), 12, 31)
    if value is not None and period and doc_date is not None and value > doc_date:
        return doc_date
    return value

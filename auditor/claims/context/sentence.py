"""What a sentence says once for all its numbers, and nearness of spans within it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from auditor.claims.places import PlaceMention

_CLAUSE: Final = re.compile(r"[,;:()\[\]\"“”—–]")  # a comma counts when white space follows


class Sentence:
    """The places, dates, sources and trigger words of one sentence (offsets are into the document text)."""

    __slots__ = (
        "as_of",
        "attributions",
        "clauses",
        "end",
        "nouns",
        "places",
        "start",
        "title_case",
        "triggers",
        "words",
    )

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.places: list[PlaceMention] = []
        self.clauses: list[int] | None = None  # offsets of clause-ending punctuation (lazy)
        self.as_of: list[tuple[int, int, dt.date | None]] = []
        self.attributions: list[tuple[int, int, str]] = []
        #: lower-case words without punctuation, and the trigger / noun hits among them (lazy)
        self.words: list[str] | None = None
        self.triggers: list[tuple[int, int, str]] | None = None
        self.nouns: list[tuple[int, int, str]] | None = None
        self.title_case: bool | None = None  # a headline in title case (lazy)

    def clause(self, text: str, span: tuple[int, int]) -> tuple[int, int]:
        """The stretch between punctuation marks that holds the number at ``span``."""
        if self.clauses is None:
            self.clauses = [
                m.start()
                for m in _CLAUSE.finditer(text, self.start, self.end)
                if m.group() != "," or (m.end() < self.end and text[m.end()].isspace())
            ]
        lo, hi = self.start, self.end
        for pos in self.clauses:
            if pos < span[0]:
                lo = pos
            elif pos >= span[1]:
                hi = pos
                break
        return lo, hi


def distance(start: int, end: int, span: tuple[int, int]) -> int:
    """Characters between ``[start, end)`` and ``span`` (0 when they overlap)."""
    return start - span[1] if start >= span[1] else (span[0] - end if end <= span[0] else 0)


def nearest(items: list[tuple[int, int, str]], span: tuple[int, int], lo: int, hi: int) -> str | None:
    """The value of the item inside ``[lo, hi)`` nearest to ``span``."""
    best, best_d = None, 1 << 30
    for start, end, value in items:
        if start >= lo and end <= hi:
            d = distance(start, end, span)
            if d < best_d:
                best, best_d = value, d
    return best

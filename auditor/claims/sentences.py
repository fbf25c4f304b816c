"""Sentence boundaries, found once per document and looked up per claim with a binary search."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from auditor.claims.word_tables import number_words

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before white space and an upper-case
# letter, digit or opening quote, or at a line break.  Common abbreviations do not end a sentence.
_BOUNDARY: Final = re.compile(r"""[.!?]["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])|\n\s*""")
_ABBREVIATIONS: Final = frozenset(number_words()["abbreviations"])
_LAST_WORD: Final = re.compile(r"([A-Za-z.]+)\.$")


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (always begins with 0)."""
    starts = [0]
    for m in _BOUNDARY.finditer(text):
        if text[m.start()] == ".":
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start() + 1)
            if word is not None:
                w = word.group(1).lower().rstrip(".")
                if w in _ABBREVIATIONS or len(w) == 1:
                    continue
        starts.append(m.end())
    return starts


def sentence_span(text: str, starts: list[int], pos: int) -> tuple[int, int]:
    """(start, end) of the sentence holding offset ``pos``, trimmed of surrounding white space."""
    i = bisect_right(starts, pos) - 1
    begin = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    while end > begin and text[end - 1].isspace():
        end -= 1
    while begin < end and text[begin].isspace():
        begin += 1
    return begin, end

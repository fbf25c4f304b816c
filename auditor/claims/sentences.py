"""Sentence boundaries, found once per document and looked up per claim with a binary search.

A "sentence" is never longer than :data:`MAX_SENTENCE_CHARS`: text without sentence punctuation (a results table
pasted as text, a run of numbers, one 10 MB line) is cut into pieces of at most that length, at a white space
where there is one.  Every claim's context is read within its sentence, so this bound keeps extraction linear in
the length of the text however it is punctuated.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from auditor.claims.word_tables import number_words

#: The longest sentence read as one (characters); real news sentences are far shorter (the longest of 93,000
#: sentences in the shared news corpus has 2,272 characters, the next 1,063, and 99.99% have under 600).
MAX_SENTENCE_CHARS: Final = 1000

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before white space and an upper-case
# letter, digit or opening quote, or at a line break.  Common abbreviations do not end a sentence.  The pattern
# starts with the class of the characters that may end a sentence, so that the engine skips the others without
# trying the pattern there (as ``[.!?]["'”’)\]]*\s+(?=…)|\n\s*`` would be tried at every position).
_BOUNDARY: Final = re.compile(r"""[.!?\n](?:(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])|(?<=\n)\s*)""")
#: A line break that only wraps a sentence (wire copy is hard-wrapped at ~65 characters): one break, followed at
#: once by a lower-case word after a word, a figure or a comma ("revenues of 600,971 dlrs,\ncompared with"), or by
#: any word after a word no sentence ends with ("general elections in\nApril"). A new paragraph is indented or
#: follows a blank line, and a heading or a list item does not start in lower case.
_SOFT_WRAP: Final = re.compile(r"(?<=[\w,%)])\n(?=[a-z])")
_WRAP_AFTER: Final = frozenset(
    ("a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "than", "to", "with")
)
_WORD_BEFORE: Final = re.compile(r"\b([a-z]+)$")
_ABBREVIATIONS: Final = frozenset(number_words()["abbreviations"])
_LAST_WORD: Final = re.compile(r"([A-Za-z.]+)\.$")


def sentence_starts(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[int]:
    """Start offsets of the sentences of ``text`` (always begins with 0), none longer than ``max_chars``."""
    starts = [0]
    for m in _BOUNDARY.finditer(text):
        at = m.start()
        ch = text[at]
        if ch == "\n":
            if _wraps(text, at):
                continue
        elif ch == ".":
            word = _LAST_WORD.search(text, max(0, at - 12), at + 1)
            if word is not None:
                w = word.group(1).lower().rstrip(".")
                if w in _ABBREVIATIONS or len(w) == 1:
                    continue
        end = m.end()
        if end - starts[-1] > max_chars:
            _cut_long(text, starts, end, max_chars)
        starts.append(end)
    _cut_long(text, starts, len(text), max_chars)
    return starts


def _wraps(text: str, pos: int) -> bool:
    """Whether the line break at ``pos`` only wraps its sentence."""
    if _SOFT_WRAP.match(text, pos):
        return True
    word = _WORD_BEFORE.search(text[max(0, pos - 6) : pos])
    return word is not None and word.group(1) in _WRAP_AFTER and text[pos + 1 : pos + 2].isalnum()


def _cut_long(text: str, starts: list[int], end: int, max_chars: int) -> None:
    """Append cuts to ``starts`` so that the stretch from its last start to ``end`` has no piece over
    ``max_chars``: each piece ends after the last space or tab in its second half, else exactly at the bound."""
    begin = starts[-1]
    while end - begin > max_chars:
        limit = begin + max_chars
        half = begin + max_chars // 2
        space = max(text.rfind(" ", half, limit), text.rfind("\t", half, limit))
        begin = space + 1 if space >= 0 else limit
        starts.append(begin)


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

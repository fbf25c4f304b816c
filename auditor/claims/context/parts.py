"""Where a count sits in a list of parts: "killed 26 people, including 19 children and [16] women, and injured
11 others". Word positions only (the words before a number, as ``str.split`` cuts them); what the parts count
is decided by :class:`auditor.claims.context.measure.MeasureReader`.
"""

from __future__ import annotations

import re
from typing import Final

from auditor.claims.context.words import PUNCT

#: How many words the noun of an earlier listed part may have ("19 [young] children and").
PART_NOUN_WORDS: Final = 3
#: How far after a number in an aside the comma that closes it may be (characters).
_ASIDE_REACH: Final = 80
#: A whitespace-separated token, as ``str.split`` cuts the words before a number.
_TOKEN: Final = re.compile(r"\S+")

Tails = tuple[tuple[str, ...], ...]


def opener_at_end(tails: Tails, words: list[str]) -> int | None:
    """Where the aside opener (one of ``tails``, as word tuples) starts when the words end with it ("killed 30,
    including"); else None."""
    tokens = tuple(w.strip(PUNCT).lower() for w in words[-3:])
    return next((len(words) - len(o) for o in tails if tokens[-len(o) :] == o), None)


def list_opener(tails: Tails, words: list[str]) -> int | None:
    """Where the aside opener starts when the words end with it (:func:`opener_at_end`), or with an earlier part
    of the list it opened and a joining word or comma ("including 19 children and [16] women", "including 5 boys,
    4 girls, [3] women"); else None."""
    direct = opener_at_end(tails, words)
    if direct is not None or not words:
        return direct
    last = words[-1].lower()
    if last in ("and", "or"):
        at = len(words) - 2
    elif last.endswith(",") and not last[:1].isdigit():
        at = len(words) - 1
    else:
        return None
    for j in range(at, max(-1, at - PART_NOUN_WORDS - 1), -1):
        if words[j][:1].isdigit():
            return list_opener(tails, words[:j]) if j < at else None
    return None


def aside_close(text: str, end: int) -> int | None:
    """How many words after the number at ``end`` the comma that closes its aside ends ("[18] children and 20
    women," -> 4); None when a sentence mark comes first or no comma does within a few words."""
    for j, token in enumerate(text[end : end + _ASIDE_REACH].split()):
        if token[-1:] in ";:.!?":
            return None
        if token.endswith(","):
            return j + 1
    return None


def whole_before(tails: Tails, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the count a few words before the aside opener that ``text[start:end]`` ends with ("the toll has
    reached [20] people, including"); None when it ends with no opener or no count is near it."""
    tokens = list(_TOKEN.finditer(text, start, end))
    opener = opener_at_end(tails, [t.group() for t in tokens[-3:]])
    if opener is None:
        return None
    opener += len(tokens) - min(3, len(tokens))
    for j in range(opener - 1, max(-1, opener - PART_NOUN_WORDS - 2), -1):
        token = tokens[j]
        if token.group()[:1].isdigit():
            return token.start(), token.start() + len(token.group().rstrip(PUNCT))
    return None

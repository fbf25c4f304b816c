"""Where number expressions may start in a text: a digit run, a fraction sign, a number word or a vague-quantity
trigger word (:data:`SEED` defines one position; :func:`seeds` finds them all in a text, faster).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from auditor.claims.lexicon import trie_pattern
from auditor.claims.numbers import DENOMINATORS, ORDINALS, SCALES, TENS, UNICODE_FRACTIONS, UNITS
from auditor.claims.word_tables import number_words

ORDINAL_WORDS: Final = frozenset(ORDINALS)
_FRACTION_CHARS = "".join(UNICODE_FRACTIONS)
_SEED_WORDS = sorted(
    set(UNITS) | set(TENS) | set(SCALES) | {"dozen", "half", "quarter"} | set(DENOMINATORS) | ORDINAL_WORDS
)
_VAGUE_TRIGGERS: Final = tuple(number_words()["vague_quantities"])


def _cased(words: list[str] | tuple[str, ...]) -> list[str]:
    """Each word in lower case, Capitalised and UPPER case (faster than a case-insensitive pattern)."""
    return sorted({v for w in words for v in (w.lower(), w.capitalize(), w.upper())})


#: Where an expression may start: a digit run, a fraction sign, a number word, or a vague-quantity trigger word.
#: The definition, used to test one position; :func:`seeds` finds the same matches in a whole text faster.
SEED: Final = re.compile(
    rf"\d+|[{_FRACTION_CHARS}]"
    rf"|(?<![A-Za-z])(?:(?P<vague>{trie_pattern(_cased(_VAGUE_TRIGGERS))})|{trie_pattern(_cased(_SEED_WORDS))})(?![A-Za-z])"
)
_VAGUE_FORMS: Final = frozenset(_cased(_VAGUE_TRIGGERS))
# The two kinds of seed, each searched on its own: a pattern that starts with a character class lets the engine skip
# the other characters without trying the pattern there (one alternation of both kinds is tried at every position).
#: A digit run or a fraction sign (the same as ``\d+|[½…]``, led by one class).
_DIGIT_SEED: Final = re.compile(rf"[\d{_FRACTION_CHARS}](?:(?<=\d)\d*)?")
# Every seed word is letters only, so a match is the whole word and the two word lists can share one trie (a word in
# both is vague, as in SEED, where the vague branch comes first); lower-case branches first, as most words are.
_WORD_TRIE: Final = trie_pattern(
    sorted(_VAGUE_FORMS | set(_cased(_SEED_WORDS)), key=lambda w: (w[0].isupper(), w))
)
#: A seed word after a character that is not a letter (group 1); led by that class, which is rarer than the letters
#: words start with.
_WORD_SEED: Final = re.compile(rf"[^A-Za-z]({_WORD_TRIE})(?![A-Za-z])")
#: A seed word at the very start of a text, which has no character before it.
_FIRST_WORD_SEED: Final = re.compile(rf"{_WORD_TRIE}(?![A-Za-z])")


def seeds(text: str) -> Iterator[tuple[int, bool]]:
    """Where expressions may start in ``text``, in order: the start of each :data:`SEED` match of
    ``SEED.finditer(text)`` and whether it is a vague-quantity trigger (its ``vague`` group matched)."""
    first = _FIRST_WORD_SEED.match(text)
    words = (m.span(1) for m in _WORD_SEED.finditer(text))
    word = first.span() if first is not None else next(words, None)
    for digit in _DIGIT_SEED.finditer(text):
        at = digit.start()
        while word is not None and word[0] < at:
            yield word[0], text[word[0] : word[1]] in _VAGUE_FORMS
            word = next(words, None)
        yield at, False
    while word is not None:
        yield word[0], text[word[0] : word[1]] in _VAGUE_FORMS
        word = next(words, None)

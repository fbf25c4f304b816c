"""Property-based tests of the public extraction API (issue 9): whatever the text, extraction never raises and every
row it returns validates, points at its surface and quotes a bounded sentence that holds it.

Texts are drawn from random Unicode and from mixes of what numeric claims are made of: number words, digits with
separators, hedges, currency and unit symbols, very long digit runs and deeply nested brackets. The budget (examples
per test) keeps ``make test`` fast; set ``HYPOTHESIS_PROFILE=thorough`` for a longer search. Hypothesis keeps its
example database in ``.hypothesis/`` (not in git).
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor import Document, extract_claims
from auditor.claims.sentences import MAX_SENTENCE_CHARS, sentence_starts
from auditor.schemas import ClaimsSchema, columns, validate

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_WORDS = [
    "one",
    "two",
    "eleven",
    "twenty",
    "hundred",
    "thousand",
    "million",
    "billion",
    "half",
    "quarter",
    "dozen",
    "hundreds of thousands",
    "a few",
    "tens of",
    "third",
    "first",
    "zero",
    "point",
    "and",
    "a",
    "an",
]
_HEDGES = [
    "more than",
    "over",
    "about",
    "nearly",
    "almost",
    "up to",
    "at least",
    "at most",
    "fewer than",
    "some",
    "or more",
    "or less",
    "between",
    "to",
    "from",
    "rose to",
    "fell from",
    "compared with",
    "-",
    "–",
    "—",
    "per cent",
    "in",
    "out of",
    "of every",
    "was",
    "said",
    "killed",
    "displaced",
    "fled",
    "refugees",
    "people",
]
_SYMBOLS = [
    "$",
    "£",
    "€",
    "¥",
    "US$",
    "A$",
    "USD",
    "EUR",
    "bn",
    "m",
    "k",
    "M",
    "%",
    "‰",
    "percent",
    "percentage points",
    "pp",
    "km",
    "km²",
    "kg",
    "t",
    "°C",
    "ft",
    "in.",
    "mph",
    "x",
    "×",
    "10^",
    "e",
    "E-",
    "½",
    "¾",
    "²",
    "+",
    "±",
    "#",
    "No.",
    "§",
    "@",
    "www.",
    "http://",
    "(",
    ")",
    "[",
    "]",
    "'",
    "’",
    '"',
    "“",
    "/",
    ":",
    ";",
]
_SEPARATORS = [" ", " ", ",", ", ", ".", ". ", "\n", "\t", "\u00a0", "\u202f", "-", "/", "", "\r\n", "\x00"]


def _digits() -> st.SearchStrategy[str]:
    plain = st.integers(min_value=0, max_value=10**15).map(str)
    grouped = st.integers(min_value=1000, max_value=10**12).map(lambda n: f"{n:,}")
    spaced = grouped.map(lambda s: s.replace(",", " "))
    decimal = st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda f: f"{f:.3f}")
    long_run = st.integers(min_value=40, max_value=1500).map(lambda n: "9" * n)
    long_groups = st.integers(min_value=20, max_value=300).map(lambda n: "1" + ",111" * n)
    return st.one_of(plain, grouped, spaced, decimal, long_run, long_groups)


def _nested() -> st.SearchStrategy[str]:
    return st.tuples(st.integers(1, 200), st.sampled_from(["()", "[]", "“”", "<>"]), _digits()).map(
        lambda t: t[1][0] * t[0] + t[2] + t[1][1] * t[0]
    )


_PIECE = st.one_of(
    _digits(),
    st.sampled_from(_WORDS),
    st.sampled_from(_HEDGES),
    st.sampled_from(_SYMBOLS),
    _nested(),
    st.text(max_size=8),
)
_MIXED = st.lists(st.tuples(_PIECE, st.sampled_from(_SEPARATORS)), max_size=40).map(
    lambda parts: "".join(p + s for p, s in parts)
)
_TEXT = st.one_of(st.text(max_size=300), _MIXED)


def _assert_valid(claims: pd.DataFrame, texts: dict[str, str]) -> None:
    assert list(claims.columns) == columns(ClaimsSchema)
    validate(ClaimsSchema, claims, "claims")  # raises SchemaError naming the failed check
    for row in claims.itertuples():
        text = texts[row.doc_id]
        assert text[row.start : row.end] == row.surface
        assert len(row.sentence) <= MAX_SENTENCE_CHARS
        assert row.sentence in text


@given(text=_TEXT, all_numbers=st.booleans())
def test_extraction_never_raises_and_every_row_validates(text: str, all_numbers: bool) -> None:
    claims = extract_claims(text, all_numbers=all_numbers)
    _assert_valid(claims, {"text": text})


@given(
    texts=st.lists(_TEXT, min_size=1, max_size=4),
    day=st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))),
)
def test_documents_with_dates_give_rows_that_validate(texts: list[str], day: dt.date | None) -> None:
    docs = [Document(doc_id=f"doc-{i}", text=t, date=day) for i, t in enumerate(texts)]
    claims = extract_claims(docs)
    _assert_valid(claims, {d.doc_id: d.text for d in docs})
    assert not claims.duplicated(["doc_id", "claim_id"]).any()


@given(text=_TEXT)
def test_sentences_cover_the_text_in_order_and_are_bounded(text: str) -> None:
    starts = sentence_starts(text)
    ends = [*starts[1:], len(text)]
    assert starts[0] == 0
    assert all(0 <= a <= b <= len(text) for a, b in zip(starts, ends, strict=True))
    assert all(b - a <= MAX_SENTENCE_CHARS for a, b in zip(starts, ends, strict=True))

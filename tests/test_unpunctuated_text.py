"""Text without sentence punctuation and numbers too long to read (issue 9): what extraction finds and what a claim
row carries. Cases are in tests/cases/unpunctuated.yaml.

Before the fix, each claim row carried its own copy of its sentence, and a "sentence" of unpunctuated text was the
whole text: 16,000 numbers on one line took 4.2 GB. These tests pin the cause, not a time: sentences are bounded,
the claims of a sentence share one bounded text, and the claims found are those found before.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor import Document, extract_claims
from auditor.claims.extract import CLAIM_COLUMNS, default_extractor
from auditor.claims.sentences import MAX_SENTENCE_CHARS, sentence_span, sentence_starts

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "unpunctuated.yaml").read_text(encoding="utf-8")
)


def _text(case: dict[str, Any]) -> str:
    return str(case.get("before", "")) + str(case["repeat"]) * int(case["times"]) + str(case.get("after", ""))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_claims_found_in_unpunctuated_text(case: dict[str, Any]) -> None:
    claims = extract_claims(_text(case))
    assert len(claims) == case["claims"]
    assert dict(Counter(claims["surface"])) == case["surfaces"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sentence_splitter_bounds_every_sentence(case: dict[str, Any]) -> None:
    text = _text(case)
    starts = sentence_starts(text)
    ends = [*starts[1:], len(text)]
    assert starts[0] == 0
    assert all(a <= b for a, b in zip(starts, ends, strict=True)), "sentences are in order"
    assert max(b - a for a, b in zip(starts, ends, strict=True)) <= MAX_SENTENCE_CHARS


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_claim_rows_carry_no_unbounded_copy_of_the_text(case: dict[str, Any]) -> None:
    text = _text(case)
    claims = extract_claims(text)
    assert claims["sentence"].str.len().max() <= MAX_SENTENCE_CHARS
    # the distinct sentences together are no longer than the text: each piece of text is quoted once, whatever
    # the number of claims in it
    assert claims["sentence"].drop_duplicates().str.len().sum() <= len(text)
    for row in claims.itertuples():
        assert row.surface in row.sentence


def test_long_unpunctuated_text_is_cut_at_white_space() -> None:
    text = "seven people " * 400
    starts = sentence_starts(text)
    assert len(starts) > 1
    assert all(text[s - 1] == " " for s in starts[1:]), "a cut falls after a space, never inside a word"


def test_a_sentence_of_ordinary_length_is_kept_whole() -> None:
    sentence = "The agency said " + ", ".join(f"{n} people" for n in range(40)) + " had fled."
    assert len(sentence) < MAX_SENTENCE_CHARS
    text = f"First line.\n{sentence} Another sentence."
    start, end = sentence_span(text, sentence_starts(text), text.index("12 people"))
    assert text[start:end] == sentence


def test_claims_of_one_sentence_share_one_string() -> None:
    text = "1 " * 450 + "\n" + "2 " * 450  # two sentences of 450 numbers each
    cols: dict[str, list[Any]] = {c: [] for c in CLAIM_COLUMNS}
    for _ in default_extractor()._append(cols, Document(doc_id="d", text=text), False, None):
        pass
    assert len(cols["sentence"]) == 900
    assert len({id(s) for s in cols["sentence"]}) == 2, "one string per sentence, not one copy per claim"


def test_a_huge_document_streams_in_tables_of_bounded_rows() -> None:
    doc = Document(doc_id="d", text="5 people and " * 2500)
    extractor = default_extractor()
    frames = [f for f in extractor.frames([doc], max_rows=1000) if len(f)]
    assert [len(f) for f in frames] == [1000, 1000, 500]
    whole = extractor.frame([doc])
    pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), whole)

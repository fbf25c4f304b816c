"""The cheap tests that run before the end-anchored searches of auditor/claims/number_kinds.py only skip searches
that could not match; texts in tests/cases/number_kind_gates.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.claims import number_kinds as nk

TEXTS: list[str] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "number_kind_gates.yaml").read_text(encoding="utf-8")
)["texts"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_skipped_search_is_one_that_would_not_match(text: str) -> None:
    matched = 0
    for s in range(1, len(text) + 1):
        before = text[max(0, s - 16) : s].rstrip()
        if nk._DATE_BEFORE.search(text, max(0, s - 12), s):
            matched += 1
            assert nk._may_end_with(before, nk._MONTH_WORDS), s
        if nk._AGE_BEFORE.search(text, max(0, s - 8), s):
            matched += 1
            assert nk._may_end_with(before, nk._AGE_WORDS), s
        if nk._CITATION_BEFORE.search(text, max(0, s - 16), s):
            matched += 1
            assert nk._may_cite(before), s
        if nk._DOCUMENT_BEFORE.search(text, max(0, s - 40), s):
            matched += 1
            assert nk._may_follow_document(text[max(0, s - 40) : s]), s
    assert matched >= 6  # the text has something for each pattern

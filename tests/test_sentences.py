"""Where sentences begin and end (auditor/claims/sentences.py); cases in tests/cases/sentences.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims.sentences import sentence_span, sentence_starts

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "sentences.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sentences(case: dict[str, Any]) -> None:
    text = str(case["text"])
    starts = sentence_starts(text)
    spans = [sentence_span(text, starts, s) for s in starts]
    assert [text[a:b] for a, b in spans if b > a] == case["sentences"]

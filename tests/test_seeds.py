"""Where expressions start (auditor/claims/number_reader.py): SEED and its faster split search, seeds(); cases in
tests/cases/seeds.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims.seeds import SEED, seeds

DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "seeds.yaml").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = DATA["cases"]


def _single_pattern(text: str) -> list[tuple[int, bool]]:
    return [(m.start(), m.group("vague") is not None) for m in SEED.finditer(text)]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_seeds_of_a_text(case: dict[str, Any]) -> None:
    text = str(case["text"])
    found = [[m.group(), m.group("vague") is not None] for m in SEED.finditer(text)]
    assert found == case["seeds"]
    assert list(seeds(text)) == _single_pattern(text)


def test_split_seed_search_finds_what_the_single_pattern_finds_at_every_offset() -> None:
    text = str(DATA["realistic"])
    assert len(_single_pattern(text)) > 30  # the paragraph has seeds of every kind
    for offset in range(len(text)):
        assert list(seeds(text[offset:])) == _single_pattern(text[offset:]), offset

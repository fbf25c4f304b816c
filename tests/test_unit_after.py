"""The unit after a number (auditor/claims/numeric_rules.py): UnitAfter.match, through its narrow copies, gives
the match of the whole pattern; cases in tests/cases/unit_after.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims.numeric_rules import default_numeric_rules

DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "unit_after.yaml").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = DATA["cases"]


def _span(m: Any) -> tuple[int, int] | None:
    return None if m is None else m.span()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_unit_after_a_number(case: dict[str, Any]) -> None:
    unit_after = default_numeric_rules().unit_after
    text, at = str(case["text"]), int(case["at"])
    m = unit_after.match(text, at)
    assert (m.group() if m else None) == case["unit"]
    assert _span(m) == _span(unit_after.pattern.match(text, at))


def test_narrow_unit_search_matches_what_the_whole_pattern_matches_at_every_offset() -> None:
    unit_after = default_numeric_rules().unit_after
    text = str(DATA["realistic"])
    found = [_span(unit_after.pattern.match(text, i)) for i in range(len(text))]
    assert sum(s is not None for s in found) > 20  # the paragraph has units of every kind
    assert [_span(unit_after.match(text, i)) for i in range(len(text))] == found

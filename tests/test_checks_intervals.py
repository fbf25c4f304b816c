"""How hedges and rounding turn a stated number into intervals (cases in tests/cases/checks/intervals.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from test_checks_builders import claims_frame, load_cases

from auditor.checks.intervals import claim_intervals, gap_ratio, overlaps


@pytest.mark.parametrize("case", load_cases("intervals"))
def test_claim_intervals(case: dict[str, Any]) -> None:
    row = claim_intervals(claims_frame([case["claim"]]), approx_margin=0.1, open_slack=0.2).iloc[0]
    for name in ("strict", "rounded", "hard"):
        prefix = "round" if name == "rounded" else name
        got = [row[f"{prefix}_low"], row[f"{prefix}_high"]]
        assert got == pytest.approx(case[name]), f"{name} interval"


def test_overlaps_counts_touching_intervals_as_overlapping() -> None:
    frame = claims_frame([{"surface": "1", "value": 1}])
    one = frame["value"]
    assert bool(overlaps(one, one * 2, one * 2, one * 3).iloc[0])
    assert not bool(overlaps(one, one * 2, one * 3, one * 4).iloc[0])


def test_gap_ratio_is_one_when_intervals_meet_and_the_ratio_of_nearest_ends_otherwise() -> None:
    value = claims_frame([{"surface": "10", "value": 10}])["value"]
    assert gap_ratio(value, value, value, value).iloc[0] == 1.0
    assert gap_ratio(value * 3, value * 4, value, value * 2).iloc[0] == pytest.approx(1.5)

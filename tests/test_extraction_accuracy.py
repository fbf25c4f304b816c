"""The extractor's accuracy floors on the peer suites in ../shared/suites (benchmarks/extraction_accuracy.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "extraction_accuracy.py"
_SPEC = importlib.util.spec_from_file_location("extraction_accuracy", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
accuracy = importlib.util.module_from_spec(_SPEC)
sys.modules["extraction_accuracy"] = accuracy
_SPEC.loader.exec_module(accuracy)


@pytest.fixture(scope="module")
def scores(request: pytest.FixtureRequest) -> dict[str, float]:
    from conftest import shared_root

    root = shared_root()
    if root is None or not (root / "suites").is_dir():
        pytest.skip("../shared/suites is not present beside the checkout")
    return {r.suite: r.rate for r in accuracy.score(root / "suites")}


@pytest.mark.parametrize("suite", list(accuracy.FLOORS))
def test_suite_floor(scores: dict[str, float], suite: str) -> None:
    assert suite in scores, f"suite {suite} missing from ../shared/suites"
    assert scores[suite] >= accuracy.FLOORS[suite], (
        f"{suite}: {scores[suite]:.1%} < {accuracy.FLOORS[suite]:.0%}"
    )


def test_case_matching_rules() -> None:
    item = {"value": None, "low": 250000, "high": None, "start": 0, "end": 5}
    assert accuracy.case_passes([item], [(250000.0, 250000.0, None, 0, 17)])
    assert not accuracy.case_passes([item], [(250000.0, None, None, 0, 17)])
    assert accuracy.case_passes([], [])
    assert not accuracy.case_passes([], [(1.0, None, None, 0, 1)])

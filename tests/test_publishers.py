"""Naming a reference publisher in a sentence or attribution (auditor/checks/publishers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checks.publishers import names_publisher

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "publishers.yaml").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['text']}|{c['publisher']}" for c in CASES])
def test_names_publisher(case: dict[str, Any]) -> None:
    assert names_publisher(case["text"], case["publisher"]) is case["names"]

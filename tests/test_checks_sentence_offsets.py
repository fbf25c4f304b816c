"""``sentence_offsets`` finds every claim inside its sentence, even when a surface also occurs earlier in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.checks.two_times import sentence_offsets

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "sentence_offsets.yaml").read_text("utf-8"))[
    "cases"
]


def _claims(case: dict[str, Any]) -> tuple[pd.DataFrame, list[int]]:
    """The claims table of a case and the offsets expected inside the plain sentence."""
    marked = case["text"]
    sentence = marked.replace("[", "").replace("]", "")
    rows, expected = [], []
    for n, m in enumerate(re.finditer(r"\[([^\]]+)\]", marked)):
        inside = m.start() - 2 * n  # each earlier claim removed two brackets
        expected.append(inside)
        rows.append(
            {"doc_id": "d", "sentence": sentence, "start": case["at"] + inside, "surface": m.group(1)}
        )
    return pd.DataFrame(rows), expected


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_sentence_offsets(case: dict[str, Any]) -> None:
    claims, expected = _claims(case)
    assert sentence_offsets(claims).tolist() == expected

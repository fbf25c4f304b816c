"""The hand-built run behind the report tests (tests/fixtures/report/run.yaml) and its loader.

Other report tests import :func:`load_run` from here; the tests below guard the fixture itself, so a broken
fixture fails here with a clear message rather than somewhere inside the report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.schemas import (
    ClaimsSchema,
    DocumentsSchema,
    FindingsSchema,
    ReferenceSchema,
    VerdictsSchema,
    columns,
    validate,
)

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "run.yaml"
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end]: from after the previous full stop or line break to the next one."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[(before[-1] if before else 0) : (after.end() if after else len(text))].strip()


def _locate(text: str, surface: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.find(surface, at + 1)
        if at < 0:
            raise AssertionError(
                f"{FIXTURE}: surface {surface!r} (occurrence {occurrence}) is not in the text"
            )
    return at


def _table(rows: list[dict[str, Any]], model: Any, defaults: dict[str, Any]) -> pd.DataFrame:
    filled = [{c: row.get(c, defaults.get(c)) for c in columns(model)} for row in rows]
    return validate(model, pd.DataFrame(filled, columns=columns(model)))


def load_run(path: Path = FIXTURE) -> dict[str, pd.DataFrame]:
    """The fixture's tables: documents, claims, verdicts, findings, references (validated) and history."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    documents = _table(data["documents"], DocumentsSchema, {})
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    claims, verdicts = [], []
    for row in data["claims"]:
        text = texts[row["doc_id"]]
        start = _locate(text, row["surface"], int(row.get("occurrence", 1)))
        end = start + len(row["surface"])
        claims.append({**row, "start": start, "end": end, "sentence": _sentence(text, start, end)})
        verdicts.append({k: row.get(k) for k in ("doc_id", "claim_id", "verdict", "reason")})
    claim_defaults = {"comparator": "eq", "approx": False, "kind": "count"}
    return {
        "documents": documents,
        "claims": _table(claims, ClaimsSchema, claim_defaults),
        "verdicts": _table(verdicts, VerdictsSchema, {}),
        "findings": _table(
            [{"rule_id": r["check"], "severity": "info", **r} for r in data["findings"]], FindingsSchema, {}
        ),
        "references": _table(data["references"], ReferenceSchema, {"cumulative": False}),
        "history": pd.DataFrame(data["history"]).assign(started=lambda d: pd.to_datetime(d["started"])),
    }


@pytest.fixture
def run_tables() -> dict[str, pd.DataFrame]:
    """The fixture run, loaded fresh for each test."""
    return load_run()


def test_fixture_claims_point_at_their_surface(run_tables: dict[str, pd.DataFrame]) -> None:
    texts = dict(zip(run_tables["documents"]["doc_id"], run_tables["documents"]["text"], strict=True))
    for claim in run_tables["claims"].to_dict("records"):
        assert texts[claim["doc_id"]][claim["start"] : claim["end"]] == claim["surface"]
        assert claim["surface"] in claim["sentence"]


def test_fixture_findings_and_verdicts_name_known_claims(run_tables: dict[str, pd.DataFrame]) -> None:
    keys = set(zip(run_tables["claims"]["doc_id"], run_tables["claims"]["claim_id"], strict=True))
    for table in ("verdicts", "findings"):
        assert set(zip(run_tables[table]["doc_id"], run_tables[table]["claim_id"], strict=True)) <= keys
    assert len(run_tables["verdicts"]) == len(run_tables["claims"])


def test_fixture_covers_every_verdict(run_tables: dict[str, pd.DataFrame]) -> None:
    from auditor.schemas import VERDICTS

    assert set(run_tables["verdicts"]["verdict"]) == set(VERDICTS)

"""One request's articles through the extractor and the engine, as ``auditor check`` runs them, and the claims as
the JSON lines ``auditor check --format jsonl`` (or ``auditor extract --format jsonl``) writes (the extraction
and the check are :mod:`auditor.checks.pipeline`'s, shared with the Python API)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.checks import pipeline
from auditor.checks import presentation as present
from auditor.checks.engine import CheckResult
from auditor.checks.pipeline import Checked
from auditor.io.documents import Document
from auditor.io.output import open_writer
from auditor.schemas import ClaimsSchema, columns
from auditor.serve.startup import Loaded

#: Articles extracted and checked together when an NDJSON batch is streamed.
STREAM_BATCH: Final = 50


def check(loaded: Loaded, docs: Sequence[Document]) -> Checked:
    """Extract and check ``docs`` against the loaded rules and references."""
    return pipeline.check_documents(docs, references=loaded.references, rules=loaded.rules)


@dataclass(frozen=True, slots=True)
class Answer:
    """One article of a batch: its rows, its claims as JSON lines (:func:`check_lines`) and its coverage counts."""

    checked: Checked
    lines: list[str]
    coverage: dict[str, int]


def answers(loaded: Loaded, docs: Sequence[Document]) -> list[Answer]:
    """Each article's :class:`Answer`, as ``docs`` checked one by one give them, from one engine call: the claims
    are rendered for the whole batch at once (each line stands alone) and split by article."""
    checked = check(loaded, docs)
    if len(docs) == 1:
        return [Answer(checked, check_lines(checked), coverage(checked))]
    lines = check_lines(checked)
    whole = len(lines) == len(
        checked.claims
    )  # else a value held a line separator: each article rendered alone
    claims, found, verdicts = (
        _positions(checked.claims),
        _positions(checked.result.findings),
        _positions(checked.result.verdicts),
    )
    out: list[Answer] = []
    for doc in docs:
        rows = claims.get(doc.doc_id, [])
        part = Checked(
            claims=checked.claims.iloc[rows],
            result=CheckResult(
                findings=checked.result.findings.iloc[found.get(doc.doc_id, [])],
                verdicts=checked.result.verdicts.iloc[verdicts.get(doc.doc_id, [])],
            ),
        )
        out.append(Answer(part, [lines[at] for at in rows] if whole else check_lines(part), coverage(part)))
    return out


def _positions(frame: pd.DataFrame) -> dict[str, list[int]]:
    """Per article id, the positions of its rows in ``frame`` (in order)."""
    positions: dict[str, list[int]] = {}
    for at, doc_id in enumerate(frame["doc_id"].tolist()):
        positions.setdefault(str(doc_id), []).append(at)
    return positions


def check_lines(checked: Checked) -> list[str]:
    """One JSON object a claim, with exactly the columns of ``auditor check --format jsonl``."""
    cols = (*columns(ClaimsSchema), *present.PER_CLAIM_EXTRA)
    return _lines(present.per_claim(checked.claims, checked.result), cols)


def claim_lines(claims: pd.DataFrame) -> list[str]:
    """One JSON object a claim, with the claims-table columns."""
    return _lines(claims, columns(ClaimsSchema))


def coverage(checked: Checked) -> dict[str, int]:
    """The coverage counts: numbers found, checked, needing attention, not checkable."""
    counts = present.Coverage()
    if len(checked.result.verdicts):
        counts.add(checked.result.verdicts)
    return {
        "numbers": counts.found,
        "checked": counts.checked,
        "attention": counts.attention,
        "not_checkable": counts.not_checkable,
    }


def _lines(frame: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    buffer = io.StringIO()
    writer = open_writer("jsonl", buffer, cols)
    writer.write(frame)
    writer.close()
    return buffer.getvalue().splitlines()

"""Check results as one row per claim, for ``auditor check`` and anyone else who lists them.

* :func:`per_claim`: every claims-table column, then ``verdict``, ``reason`` (set for ``not_checkable``) and
  ``findings`` (the claim's findings as a list of plain objects, JSON-ready: dates as ``YYYY-MM-DD``, missing
  values as ``None``);
* :func:`flat_view`: the same without the nested list but with the deciding finding's message, suggestion,
  reference and source (for CSV);
* :func:`editor_view`: what an editor reads in a terminal: the quote, how it was read, the verdict, the reference
  and its source, and the finding;
* :func:`flagged`: the claims needing attention, for ``--only flagged``;
* :class:`Coverage` and its line "N numbers found · M checked · K need attention · J not checkable";
* :class:`Presentation`: all of the above for one batch as ``auditor check`` shows it (:class:`Shown`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from auditor.checks.engine import CheckResult
from auditor.checks.messages import REASON_WORDS, amount, what
from auditor.checks.registry import records
from auditor.checks.verdicts import lead_findings
from auditor.checks.wording import is_missing, place_name, spoken
from auditor.io.output import line_renderer
from auditor.schemas import SEVERITIES, ClaimsSchema, FindingsSchema, columns

KEYS: Final = ["doc_id", "claim_id"]
ATTENTION: Final = ("needs_review", "likely_error", "outdated")
#: Columns of :func:`editor_view`.
EDITOR_COLUMNS: Final = (
    "doc",
    "quote",
    "surface",
    "reading",
    "verdict",
    "status",
    "reference",
    "source",
    "finding",
)
#: Columns of :func:`per_claim` after the claims-table ones.
PER_CLAIM_EXTRA: Final = ("verdict", "reason", "findings")
#: Columns of :func:`flat_view` after the claims-table ones.
FLAT_EXTRA: Final = (
    "verdict",
    "reason",
    "message",
    "suggestion",
    "reference_value",
    "reference_date",
    "series_id",
    "source",
)
_QUOTE_WIDTH: Final = 90


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        return value.item()
    return value


def _findings_lists(findings: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    lists: dict[tuple[str, str], list[dict[str, Any]]] = {}
    keep = [c for c in columns(FindingsSchema) if c not in KEYS]
    for record in records(findings):
        key = (str(record["doc_id"]), str(record["claim_id"]))
        lists.setdefault(key, []).append({c: _plain(record[c]) for c in keep})
    return lists


def _with_verdicts(claims: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """The claims-table columns and each claim's verdict and reason (the verdicts come in the claims' order)."""
    out = claims[columns(ClaimsSchema)].reset_index(drop=True)
    verdicts = result.verdicts.reset_index(drop=True)
    if not (out["claim_id"].equals(verdicts["claim_id"]) and out["doc_id"].equals(verdicts["doc_id"])):
        return out.merge(verdicts, on=KEYS, how="left")
    return out.assign(verdict=verdicts["verdict"], reason=verdicts["reason"])


def per_claim(claims: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """Claims-table columns + ``verdict``, ``reason`` and ``findings`` (list of objects), one row per claim."""
    out = _with_verdicts(claims, result)
    lists = _findings_lists(result.findings)
    found = [lists.get((d, c), []) for d, c in zip(out["doc_id"], out["claim_id"], strict=True)]
    out["findings"] = pd.Series(found, index=out.index, dtype="object")
    return out


def flat_view(claims: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """Claims-table columns + the verdict and the deciding finding's message, suggestion, reference and source."""
    lead = lead_findings(result.findings)
    lead = lead[[*KEYS, "message", "suggestion", "reference_value", "reference_date", "series_id", "source"]]
    out = _with_verdicts(claims, result).merge(lead, on=KEYS, how="left")
    return out[[*columns(ClaimsSchema), *FLAT_EXTRA]]


def _number(value: object, unit: object) -> str:
    number = spoken(float(str(value)))
    if unit in ("percent", "%"):
        return f"{number}%"
    if isinstance(unit, str) and unit:
        return f"{number} {unit.replace('_', ' ')}"
    return number


def reading_line(claim: Mapping[str, Any]) -> str:
    """How a claim was read: ``"more than 250,000 -> at least 250,000 deaths, Syria, as of 2015-10-01"``."""
    value, low, high = claim.get("value"), claim.get("low"), claim.get("high")
    unit, comparator = claim.get("unit"), claim.get("comparator")
    if comparator == "range" and not is_missing(low) and not is_missing(high):
        head = f"{_number(low, unit)} to {_number(high, unit)}"
    elif comparator in ("gt", "ge") and not (is_missing(low) and is_missing(value)):
        head = f"at least {_number(value if is_missing(low) else low, unit)}"
    elif comparator in ("lt", "le") and not (is_missing(high) and is_missing(value)):
        head = f"at most {_number(value if is_missing(high) else high, unit)}"
    elif not is_missing(value):
        head = ("about " if comparator == "approx" or claim.get("approx") is True else "") + _number(
            value, unit
        )
    else:
        head = "no value read"
    parts = [" ".join(p for p in (head, what(claim.get("measure"), claim.get("counted"))) if p)]
    location = claim.get("location")
    if isinstance(location, str):
        parts.append(place_name(location))
    as_of = claim.get("as_of")
    if not is_missing(as_of):
        parts.append(f"as of {pd.Timestamp(str(as_of)).strftime('%Y-%m-%d')}")
    return f"{claim.get('surface', '')} -> {', '.join(parts)}"


def _quote(sentence: str, surface: str) -> str:
    """The sentence, cut around the surface when it is long."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= _QUOTE_WIDTH:
        return sentence
    at = max(sentence.find(surface), 0)
    start = max(0, min(at - _QUOTE_WIDTH // 3, len(sentence) - _QUOTE_WIDTH))
    text = sentence[start : start + _QUOTE_WIDTH]
    return ("…" if start else "") + text + ("…" if start + _QUOTE_WIDTH < len(sentence) else "")


def _why_not_checked(reasons: pd.Series) -> pd.Series:
    """Per claim without a finding: why it was not checked, in words (empty for the others)."""
    return reasons.map(lambda r: f"Not checkable: {REASON_WORDS[r]}." if isinstance(r, str) else "")


def editor_view(claims: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """One row per claim for a terminal: doc, quote, surface, reading, verdict (in words), status (the verdict
    code), reference, source, finding."""
    flat = flat_view(claims, result)
    verdict = flat["verdict"].str.replace("_", " ")
    verdict = verdict.where(
        flat["reason"].isna(), verdict + " (" + flat["reason"].fillna("").str.replace("_", " ") + ")"
    )
    reference = [
        "" if pd.isna(v) else f"{amount(v)} ({d.strftime('%Y-%m-%d')})" if not pd.isna(d) else amount(v)
        for v, d in zip(flat["reference_value"], flat["reference_date"], strict=True)
    ]
    rows = records(flat)
    return pd.DataFrame(
        {
            "doc": flat["doc_id"],
            "quote": [_quote(str(r["sentence"]), str(r["surface"])) for r in rows],
            "surface": flat["surface"],
            "reading": [reading_line(r) for r in rows],
            "verdict": verdict,
            "status": flat["verdict"],
            "reference": reference,
            "source": flat["source"].fillna(""),
            "finding": flat["message"].fillna(_why_not_checked(flat["reason"])),
        },
        index=flat.index,
    )


def flagged(claims: pd.DataFrame, result: CheckResult) -> pd.DataFrame:
    """The claims whose verdict needs attention (:data:`ATTENTION`), for ``--only flagged``."""
    verdicts = result.verdicts
    needing = pd.MultiIndex.from_frame(verdicts.loc[verdicts["verdict"].isin(list(ATTENTION)), KEYS])
    return claims[pd.MultiIndex.from_frame(claims[KEYS]).isin(needing)]


@dataclass(slots=True)
class Coverage:
    """Counts over the verdicts of a run, accumulated batch by batch."""

    found: int = 0
    checked: int = 0
    attention: int = 0
    not_checkable: int = 0

    def add(self, verdicts: pd.DataFrame) -> None:
        """Count one batch's verdicts."""
        self.found += len(verdicts)
        not_checkable = int((verdicts["verdict"] == "not_checkable").sum())
        self.not_checkable += not_checkable
        self.checked += len(verdicts) - not_checkable
        self.attention += int(verdicts["verdict"].isin(list(ATTENTION)).sum())

    def merge(self, other: Coverage) -> None:
        """Add the counts of another batch."""
        self.found += other.found
        self.checked += other.checked
        self.attention += other.attention
        self.not_checkable += other.not_checkable

    def line(self) -> str:
        """ "N numbers found · M checked · K need attention · J not checkable"."""
        return (
            f"{self.found} numbers found · {self.checked} checked · {self.attention} need attention · "
            f"{self.not_checkable} not checkable"
        )


@dataclass(frozen=True, slots=True)
class Shown:
    """One checked batch as ``auditor check`` shows it: the counts of its verdicts, the worst severity of its
    findings (an index of :data:`~auditor.schemas.SEVERITIES`, -1 for none) and its rows (the view, or its JSON
    lines already rendered)."""

    coverage: Coverage
    worst: int
    rows: pd.DataFrame | str


@dataclass(frozen=True, slots=True)
class Presentation:
    """How ``auditor check`` shows each batch (``--format``, ``--only``). Picklable: a ``--jobs`` worker shows
    its own batches, and with ``render`` also turns ``jsonl`` rows into their text."""

    fmt: str
    only: str = "all"
    render: bool = False
    output_columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        extra = FLAT_EXTRA if self.fmt == "csv" else PER_CLAIM_EXTRA
        object.__setattr__(self, "output_columns", (*columns(ClaimsSchema), *extra))

    def __call__(self, claims: pd.DataFrame, result: CheckResult) -> Shown:
        coverage = Coverage()
        coverage.add(result.verdicts)
        worst = max((SEVERITIES.index(str(s)) for s in result.findings["severity"].unique()), default=-1)
        shown = flagged(claims, result) if self.only == "flagged" else claims
        view = {"table": editor_view, "csv": flat_view}.get(self.fmt, per_claim)(shown, result)
        render = line_renderer(self.fmt, self.output_columns) if self.render else None
        return Shown(coverage, worst, view if render is None else render(view))

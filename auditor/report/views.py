"""From the run's tables to what the templates show: validated and joined tables, the article list, the
highlighted text of an article and the card of each claim.

Everything here is plain data (dicts, lists, strings); HTML escaping is left to the templates.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import pandas as pd

from auditor.checks.wording import grouped, is_missing
from auditor.errors import SchemaError
from auditor.report.formatting import (
    format_amount,
    hedge,
    iso_date,
    measure_name,
    place_name,
    quantity,
    reading,
)
from auditor.report.verdicts import ATTENTION, ORDER, REASONS, STYLES, Coverage, style, worst
from auditor.schemas import (
    VERDICTS,
    ClaimsSchema,
    DocumentsSchema,
    FindingsSchema,
    ReferenceSchema,
    VerdictsSchema,
    validate,
)

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class RunTables:
    """The run's tables, validated; ``claims`` carries each claim's ``verdict`` and ``reason``."""

    documents: pd.DataFrame
    claims: pd.DataFrame
    findings: pd.DataFrame
    references: pd.DataFrame


def prepare(
    documents: pd.DataFrame,
    claims: pd.DataFrame,
    verdicts: pd.DataFrame,
    findings: pd.DataFrame,
    references: pd.DataFrame,
) -> RunTables:
    """Validate each table against its model, check that they fit together, and join verdicts onto claims."""
    documents = validate(DocumentsSchema, documents)
    claims = validate(ClaimsSchema, claims)
    verdicts = validate(VerdictsSchema, verdicts)
    findings = validate(FindingsSchema, findings)
    references = validate(ReferenceSchema, references)
    _check_offsets(documents, claims)
    keys = ["doc_id", "claim_id"]
    joined = claims.merge(verdicts, on=keys, how="left", indicator=True)
    lacking = joined[joined["_merge"] == "left_only"]
    if not lacking.empty:
        first = lacking.iloc[0]
        raise SchemaError(
            "verdicts",
            f"{len(lacking)} claim(s) have no verdict, first doc_id {first['doc_id']!r} claim_id "
            f"{first['claim_id']!r}; allowed: exactly one verdict per claim, one of {', '.join(VERDICTS)}",
        )
    _check_known(verdicts, claims, "verdicts")
    _check_known(findings, claims, "findings")
    return RunTables(documents, joined.drop(columns="_merge"), findings, references)


def _check_known(table: pd.DataFrame, claims: pd.DataFrame, name: str) -> None:
    known = set(zip(claims["doc_id"], claims["claim_id"], strict=True))
    for i, (doc, claim) in enumerate(zip(table["doc_id"], table["claim_id"], strict=True)):
        if (doc, claim) not in known:
            raise SchemaError(
                name,
                f"row {i}: field 'claim_id' = {claim!r} (doc_id {doc!r}) is not in the claims table; "
                "allowed: the (doc_id, claim_id) of a claim of this run",
            )


def _check_offsets(documents: pd.DataFrame, claims: pd.DataFrame) -> None:
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    for i, row in enumerate(records(claims[["doc_id", "claim_id", "start", "end", "surface"]])):
        text = texts.get(row["doc_id"])
        if text is None:
            raise SchemaError(
                "claims",
                f"row {i}: field 'doc_id' = {row['doc_id']!r} is not in the documents table; "
                "allowed: the doc_id of a document of this run",
            )
        start, end = int(row["start"]), int(row["end"])
        if end > len(text):
            raise SchemaError(
                "claims",
                f"row {i} (doc_id {row['doc_id']!r}, claim_id {row['claim_id']!r}): field 'end' = {end} "
                f"is past the end of the text; allowed: 1..{len(text)}",
            )
        if text[start:end] != row["surface"]:
            raise SchemaError(
                "claims",
                f"row {i} (doc_id {row['doc_id']!r}, claim_id {row['claim_id']!r}): field 'surface' = "
                f"{row['surface']!r} is not the text at {start}:{end} ({text[start:end]!r}); "
                "allowed: the exact span of the text",
            )


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts keyed by column name."""
    return cast(list[dict[str, Any]], df.to_dict("records"))


def article_filename(doc_id: str) -> str:
    """A file name for an article page that is safe on every OS and unique per ``doc_id``."""
    slug = _UNSAFE.sub("-", doc_id).strip("-.")[:60] or "article"
    digest = hashlib.sha1(doc_id.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{slug}-{digest}.html"


def verdict_counts(verdicts: pd.Series) -> dict[str, int]:
    """Claims per verdict, every verdict present (zeros included)."""
    counts = verdicts.value_counts()
    return {v: int(counts.get(v, 0)) for v in ORDER}


def article_rows(tables: RunTables) -> list[dict[str, Any]]:
    """One row per article for the run index, worst verdict first."""
    by_doc = dict(tuple(tables.claims.groupby("doc_id", sort=False)["verdict"]))
    rows: list[dict[str, Any]] = []
    for doc in records(tables.documents[["doc_id", "title", "date", "source"]]):
        verdicts = by_doc.get(doc["doc_id"], pd.Series([], dtype=object))
        counts = verdict_counts(verdicts)
        bad = worst(verdicts)
        rows.append(
            {
                "doc_id": doc["doc_id"],
                "title": _title(doc["title"], doc["doc_id"]),
                "date": iso_date(doc["date"]),
                "source": None if is_missing(doc["source"]) else doc["source"],
                "counts": counts,
                "worst": bad,
                "total": int(sum(counts.values())),
                "href": f"articles/{article_filename(str(doc['doc_id']))}",
            }
        )
    rows.sort(key=lambda r: str(r["date"] or ""), reverse=True)
    rows.sort(key=_severity_key)
    return rows


def flagged_claims(tables: RunTables) -> list[dict[str, Any]]:
    """Every claim of the run that needs a look, worst first: its article, quote (number marked), verdict,
    one-line finding and the link to its card on the article page."""
    claims = tables.claims
    flagged = claims[claims["verdict"].isin(list(ATTENTION))]
    wanted = zip(flagged["doc_id"].astype(str), flagged["claim_id"].astype(str), strict=True)
    out = _claim_entries(tables, set(wanted))
    out.sort(key=lambda r: STYLES[r["verdict"]].rank)
    return out


def changed_claims(tables: RunTables, before: pd.DataFrame) -> list[dict[str, Any]]:
    """The claims whose verdict is not the one in ``before`` (an earlier run's verdicts: ``doc_id, claim_id,
    verdict``), worst new verdict first; each entry as in :func:`flagged_claims` plus ``old_verdict``."""
    keys = ["doc_id", "claim_id"]
    merged = tables.claims[[*keys, "verdict"]].merge(
        before[[*keys, "verdict"]], on=keys, how="inner", suffixes=("", "_before")
    )
    changed = merged[merged["verdict"] != merged["verdict_before"]]
    old = {
        (str(d), str(c)): str(v)
        for d, c, v in zip(changed["doc_id"], changed["claim_id"], changed["verdict_before"], strict=True)
    }
    out = _claim_entries(tables, set(old))
    for entry in out:
        entry["old_verdict"] = old[(entry["doc_id"], entry["claim_id"])]
    out.sort(key=lambda r: STYLES[r["verdict"]].rank)
    return out


def _claim_entries(tables: RunTables, wanted: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The ``(doc_id, claim_id)`` claims in ``wanted``, in article order: article title, quote with the number
    marked, verdict, the most serious finding's message and the link to the claim's card."""
    claims = tables.claims
    docs = {doc_id for doc_id, _ in wanted}
    if not docs:
        return []
    titles = {str(d["doc_id"]): _title(d["title"], d["doc_id"]) for d in records(tables.documents)}
    messages: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for finding in records(tables.findings[tables.findings["doc_id"].isin(list(docs))]):
        messages.setdefault((str(finding["doc_id"]), str(finding["claim_id"])), []).append(finding)
    out: list[dict[str, Any]] = []
    for doc_id, group in claims[claims["doc_id"].isin(list(docs))].groupby("doc_id", sort=False):
        rows = sorted(records(group), key=lambda c: int(c["start"]))
        anchors = _anchors([str(c["claim_id"]) for c in rows])
        for claim in rows:
            key = (str(doc_id), str(claim["claim_id"]))
            if key not in wanted:
                continue
            verdict = str(claim["verdict"])
            found = messages.get(key, [])
            found.sort(
                key=lambda f: (_SEVERITY_RANK.get(str(f["severity"]), 9), STYLES[str(f["verdict"])].rank)
            )
            reason = None if is_missing(claim.get("reason")) else str(claim["reason"])
            sentence, surface = str(claim["sentence"]), str(claim["surface"])
            at = sentence.find(surface)
            card = anchors[key[1]].removeprefix("claim-")
            out.append(
                {
                    "doc_id": key[0],
                    "claim_id": key[1],
                    "verdict": verdict,
                    "title": titles.get(key[0], key[0]),
                    "surface": surface,
                    "quote_before": sentence[:at] if at >= 0 else sentence,
                    "quote_mark": surface if at >= 0 else "",
                    "quote_after": sentence[at + len(surface) :] if at >= 0 else "",
                    "finding": str(found[0]["message"]) if found else _default_finding(verdict, reason),
                    "href": f"articles/{article_filename(key[0])}#card-{card}",
                }
            )
    return out


def _severity_key(row: Mapping[str, Any]) -> tuple[int, int]:
    """Worst verdict first, then the article with most claims of that verdict."""
    bad = row["worst"]
    if not bad:
        return (len(ORDER), 0)
    return (STYLES[bad].rank, -int(row["counts"][bad]))


def _title(title: object, doc_id: object) -> str:
    return str(doc_id) if is_missing(title) or not str(title).strip() else str(title)


# --- one article --------------------------------------------------------------------------------------------


class ReferenceIndex:
    """Reference rows by ``(series_id, date)``, to name the publisher and link of a finding's reference."""

    def __init__(self, references: pd.DataFrame) -> None:
        self._rows: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        for row in records(references):
            self._rows.setdefault((str(row["series_id"]), iso_date(row["date"])), []).append(row)

    def find(self, series_id: str, date: str | None, location: object) -> dict[str, Any] | None:
        """The reference row a finding used (preferring the claim's place), or ``None``."""
        rows = self._rows.get((series_id, date), [])
        return next((r for r in rows if r["location"] == location), rows[0] if rows else None)


def _segments(text: str, claims: list[dict[str, Any]], anchors: dict[str, str]) -> list[dict[str, Any]]:
    """The text cut into plain runs and claim spans (a claim overlapping an earlier one is not
    highlighted)."""
    segments: list[dict[str, Any]] = []
    pos = 0
    for row in sorted(claims, key=lambda c: (int(c["start"]), int(c["end"]))):
        start, end = int(row["start"]), int(row["end"])
        if start < pos:
            continue
        if start > pos:
            segments.append({"claim": False, "text": text[pos:start]})
        anchor = anchors[str(row["claim_id"])]
        segments.append(
            {
                "claim": True,
                "text": text[start:end],
                "verdict": row["verdict"],
                "anchor": anchor,
                "card_id": f"card-{anchor.removeprefix('claim-')}",
                "reading": reading(row),
            }
        )
        pos = end
    if pos < len(text):
        segments.append({"claim": False, "text": text[pos:]})
    return segments


def _anchors(claim_ids: list[str]) -> dict[str, str]:
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for i, claim_id in enumerate(claim_ids):
        base = _UNSAFE.sub("-", claim_id).strip("-") or str(i)
        anchor = f"claim-{base}" if f"claim-{base}" not in used else f"claim-{base}-{i}"
        used.add(anchor)
        anchors[claim_id] = anchor
    return anchors


def article_view(
    doc: Mapping[str, Any], claims: list[dict[str, Any]], findings: list[dict[str, Any]], refs: ReferenceIndex
) -> dict[str, Any]:
    """What the article page shows: header facts, highlighted text, flagged cards and the collapsed groups.
    ``claims`` and ``findings`` are the article's rows (as from :func:`records`)."""
    claims = sorted(claims, key=lambda c: int(c["start"]))
    anchors = _anchors([str(c["claim_id"]) for c in claims])
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_claim.setdefault(str(finding["claim_id"]), []).append(finding)
    cards = [
        card_view(row, by_claim.get(str(row["claim_id"]), []), refs, anchors[str(row["claim_id"])])
        for row in claims
    ]
    flagged = sorted((c for c in cards if c["verdict"] in ATTENTION), key=lambda c: STYLES[c["verdict"]].rank)
    unchecked = [c for c in cards if c["verdict"] == "not_checkable"]
    passing = [c for c in cards if STYLES[c["verdict"]].passing]
    groups = []
    if unchecked:
        groups.append(
            {
                "id": "not-checkable",
                "verdict": "not_checkable",
                "cards": unchecked,
                "title": f"{len(unchecked)} number{'s' if len(unchecked) != 1 else ''} with nothing to "
                "check against",
            }
        )
    if passing:
        groups.append(
            {
                "id": "passing",
                "verdict": "matches",
                "cards": passing,
                "title": f"{len(passing)} number{'s' if len(passing) != 1 else ''} that match the references",
            }
        )
    return {
        "doc_id": doc["doc_id"],
        "title": _title(doc.get("title"), doc["doc_id"]),
        "date": iso_date(doc.get("date")),
        "source": None if is_missing(doc.get("source")) else doc.get("source"),
        "summary": Coverage.count(str(c["verdict"]) for c in claims).line(),
        "segments": _segments(str(doc["text"]), claims, anchors),
        "flagged": flagged,
        "groups": groups,
        "total": len(cards),
    }


def card_view(
    claim: Mapping[str, Any], findings: list[dict[str, Any]], refs: ReferenceIndex, anchor: str
) -> dict[str, Any]:
    """The card of one claim, from its row and its findings' rows."""
    verdict = str(claim["verdict"])
    rows = list(findings)
    rows.sort(key=lambda f: (_SEVERITY_RANK.get(str(f["severity"]), 9), STYLES[str(f["verdict"])].rank))
    sentence, surface = str(claim["sentence"]), str(claim["surface"])
    at = sentence.find(surface)
    before, mark, after = (
        (sentence[:at], surface, sentence[at + len(surface) :]) if at >= 0 else (sentence, "", "")
    )
    references = _checked_against(rows, refs, claim.get("location"))
    reason = None if is_missing(claim.get("reason")) else str(claim["reason"])
    still_fine = style(verdict).still_fine
    if reason:
        still_fine = f"Not checked because {REASONS.get(reason, reason)}. {still_fine}"
    return {
        "verdict": verdict,
        "card_id": f"card-{anchor.removeprefix('claim-')}",
        "anchor": anchor,
        "surface": surface,
        "reading": reading(claim),
        "quote_before": before,
        "quote_mark": mark,
        "quote_after": after,
        "read": _read_rows(claim),
        "references": references,
        "unchecked": f"Not compared with a reference: {REASONS.get(reason, reason)}."
        if reason
        else "No reference series was used for this number.",
        "findings": [str(f["message"]) for f in rows],
        "default_finding": _default_finding(verdict, reason),
        "still_fine": still_fine,
        "fix": _fix(verdict, rows, references),
    }


def _read_rows(claim: Mapping[str, Any]) -> list[tuple[str, str]]:
    measure = measure_name(claim.get("measure"))
    counted = None if is_missing(claim.get("counted")) else str(claim["counted"])
    what = measure or "unknown"
    if counted:
        what = f"{what} (counts “{counted}”)"
    location = None if is_missing(claim.get("location")) else str(claim["location"])
    place = (
        f"{place_name(location)} ({location})" if location and place_name(location) != location else location
    )
    unit = None if is_missing(claim.get("unit")) else str(claim["unit"])
    attribution = None if is_missing(claim.get("attribution")) else str(claim["attribution"])
    return [
        ("Reading", reading(claim)),
        ("Value", quantity(claim)),
        ("Unit", unit or "none (a count)"),
        ("Measure", what),
        ("Place", place or "not stated"),
        ("As of", iso_date(claim.get("as_of")) or "not stated"),
        ("Hedge", hedge(claim)),
        ("Said by", attribution or "not attributed in the sentence"),
    ]


def _checked_against(
    rows: list[dict[str, Any]], refs: ReferenceIndex, location: object
) -> list[dict[str, Any]]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for f in rows:
        if is_missing(f.get("series_id")):
            continue
        series_id, date = str(f["series_id"]), iso_date(f.get("reference_date"))
        if (series_id, date) in seen:
            continue
        seen.add((series_id, date))
        ref = refs.find(series_id, date, location) or {}
        value = f.get("reference_value")
        value = ref.get("value") if is_missing(value) else value
        unit = None if is_missing(ref.get("unit")) else str(ref["unit"])
        low, high = ref.get("low"), ref.get("high")
        bounds = None if low is None or high is None or is_missing(low) or is_missing(high) else (low, high)
        url = None if is_missing(ref.get("url")) else str(ref["url"])
        out.append(
            {
                "series_id": series_id,
                "location": place_name(ref.get("location")) if ref else None,
                "publisher": ref.get("publisher") or (None if is_missing(f.get("source")) else f["source"]),
                "dataset": ref.get("dataset"),
                "date": date,
                "value": None if value is None or is_missing(value) else format_amount(float(value), unit),
                "range": None
                if bounds is None
                else f"{grouped(float(bounds[0]))}–{grouped(float(bounds[1]))}",
                "url": url,
                "url_text": _short_url(url) if url else None,
            }
        )
    return out


def _short_url(url: str, limit: int = 60) -> str:
    parts = urlsplit(url)
    text = f"{parts.netloc}{parts.path}" if parts.netloc else url
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _default_finding(verdict: str, reason: str | None) -> str:
    if reason:
        return f"Not checkable: {REASONS.get(reason, reason)}."
    return {
        "matches": "The figure matches the reference.",
        "matches_within_rounding": "The figure matches the reference once its rounding is allowed for.",
    }.get(verdict, f"{style(verdict).word}; the check gave no further detail.")


def _fix(verdict: str, rows: list[dict[str, Any]], references: list[dict[str, Any]]) -> str | None:
    for f in rows:
        if not is_missing(f.get("suggestion")) and str(f["suggestion"]).strip():
            return str(f["suggestion"])
    if style(verdict).passing:
        return None
    ref = references[0] if references else None
    if verdict == "not_checkable":
        return "Nothing to change from the auditor's side; if the figure matters, verify it with its source."
    if ref is None:
        return "Check the figure with its source and correct it or attribute it."
    cited = f"{ref['value']} as of {ref['date']} ({ref['publisher'] or ref['series_id']})"
    if verdict == "outdated":
        return f"Update the figure to the latest one ({cited}) or say when the quoted figure was true."
    return f"Check the figure against the reference ({cited}); correct it, or attribute it to its source."

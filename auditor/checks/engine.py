"""The checking engine: claims (+ references, + rules) -> findings and one verdict per claim.

Steps, each over a whole batch of articles at once:

1. keep the numbers that are claims (other kinds get ``not_checkable``/``no_measure``, see
   :mod:`auditor.checks.verdicts`); fill a missing ``as_of`` from the article's date when documents are given;
2. resolve whose people and which place each claim is about (:mod:`auditor.checks.subjects`);
3. align claims with reference observations once (:mod:`auditor.checks.alignment`);
4. run every rule on the claims in its scope; each registered check returns raw findings that are given the rule's
   id, capped severity, message and suggestion here (:mod:`auditor.checks.messages`);
5. decide one verdict per claim (:mod:`auditor.checks.verdicts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import pandas as pd

from auditor.checks import messages as say
from auditor.checks.alignment import Alignment, align
from auditor.checks.registry import RAW_FINDING_COLUMNS, CheckInput, per_table, records
from auditor.checks.rule_set import load_rule_set
from auditor.checks.rules import Rule, RuleSet
from auditor.checks.specs import Scope
from auditor.checks.subjects import refugee_sources, resolve_subjects
from auditor.checks.validation import validated
from auditor.checks.verdicts import capped, decide
from auditor.errors import SchemaError
from auditor.schemas import (
    CLAIM_KINDS,
    ClaimsSchema,
    FindingsSchema,
    ReferenceSchema,
    VerdictsSchema,
    columns,
    empty,
    validate,
)

KEYS: Final = ["doc_id", "claim_id"]
_REFERENCE_COLUMNS: Final = (
    "series_id",
    "measure",
    "location",
    "date",
    "value",
    "low",
    "high",
    "cumulative",
    "publisher",
    "dataset",
)
#: Columns of the findings table taken from the checks' raw findings as they are.
_FINDING_VALUES: Final = tuple(
    c for c in RAW_FINDING_COLUMNS if c not in ("doc_id", "claim_id", "verdict", "facts")
)
_CLAIM_FACT_COLUMNS: Final = [
    "surface",
    "measure",
    "counted",
    "place",
    "origin",
    "placed_by",
    "as_of",
    "value",
    "low",
    "high",
]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Findings (:class:`~auditor.schemas.FindingsSchema`) and one verdict per claim
    (:class:`~auditor.schemas.VerdictsSchema`)."""

    findings: pd.DataFrame
    verdicts: pd.DataFrame


def load_rules(directory: Path | None = None) -> RuleSet:
    """Load and validate a rules folder (the shipped rules by default); raises :class:`~auditor.errors.RuleError`."""
    return load_rule_set(directory)


def _with_document_dates(claims: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    if documents is None or documents.empty or not claims["as_of"].isna().any():
        return claims
    dates = documents.drop_duplicates("doc_id").set_index("doc_id")["date"]
    return claims.assign(as_of=claims["as_of"].fillna(claims["doc_id"].map(dates)))


def _validated(claims: pd.DataFrame) -> pd.DataFrame:
    """``claims`` validated against the claims model, unless pandera already validated this very object (the
    extractor's batches are): a copy or a new frame is validated again."""
    schema = claims.pandera.schema
    if schema is not None and schema.name == "ClaimsSchema":
        return claims
    return validate(ClaimsSchema, claims, "claims")


@cache
def _no_findings() -> pd.DataFrame:
    return empty(FindingsSchema)


#: The article ids a reference row's definition cites as where its figure was found: the id after "article" or
#: "also" ("found in FA-KES article fakes-1923848320 (...); also fakes-1923848211 (...)"), or a list of them
#: ("articles a-1, a-2 and a-3").
_CITED_IDS: Final = re.compile(
    r"\b(?:articles?|also)\s+(?P<ids>[^\s()\[\],;]+(?:(?:\s*,\s*|\s+and\s+)(?!\d+\s)[^\s()\[\],;]+)*)"
)
_ID_SEPARATOR: Final = re.compile(r"\s*,\s*|\s+and\s+")


@per_table
def _slim(references: pd.DataFrame) -> pd.DataFrame:
    """The reference columns checks use, with text as plain objects (faster to join than Arrow strings);
    built once per reference table."""
    used = references[list(_REFERENCE_COLUMNS)]
    text = [c for c in ("series_id", "measure", "location", "publisher", "dataset") if c in used.columns]
    return used.astype(dict.fromkeys(text, "object"))


def _findings(raws: list[tuple[pd.DataFrame, Rule]], claims: pd.DataFrame) -> pd.DataFrame:
    """Raw findings of the rules (each with its rule) -> the rows of the findings table, messages and suggestions
    rendered; built once per call in plain Python (each rule's few rows as a frame of its own cost more)."""
    if not raws:
        return _no_findings()
    by_key = {(c["doc_id"], c["claim_id"]): c for c in records(claims[[*KEYS, *_CLAIM_FACT_COLUMNS]])}
    common: dict[tuple[object, object], dict[str, str]] = {}
    added: dict[str, list[str | None]] = {
        name: [] for name in ("finding_id", "rule_id", "check", "severity", "message", "suggestion")
    }
    for raw, rule in raws:
        seen: dict[tuple[object, object], int] = {}
        for record in records(raw):
            key = (record["doc_id"], record["claim_id"])
            if key not in common:
                common[key] = say.claim_facts(by_key[key])
            facts = {**common[key], **(record["facts"] or {})}
            verdict = str(record["verdict"])
            template = rule.suggestions.get(verdict)
            number = seen.get(key, 0)
            seen[key] = number + 1
            finding_id = f"{record['doc_id']}:{record['claim_id']}:{rule.id}"
            added["finding_id"].append(f"{finding_id}:{number}" if number else finding_id)
            added["rule_id"].append(rule.id)
            added["check"].append(rule.check.name)
            added["severity"].append(capped(verdict, rule.severity))
            added["message"].append(say.render(rule.messages[verdict], facts))
            added["suggestion"].append(say.render(template, facts) if template else None)
    rows = pd.concat([raw for raw, _ in raws], ignore_index=True)
    return pd.DataFrame(
        {
            "finding_id": added["finding_id"],
            "doc_id": rows["doc_id"],
            "claim_id": rows["claim_id"],
            "rule_id": added["rule_id"],
            "check": added["check"],
            "verdict": rows["verdict"],
            "severity": pd.Series(added["severity"], dtype="object"),
            **{c: rows[c] for c in _FINDING_VALUES},
            "message": added["message"],
            "suggestion": added["suggestion"],
        }
    )


def _ids_cited(definition: str) -> set[str]:
    """The article ids ``definition`` names as where its figure was found (whole ids, never a part of one)."""
    return {
        cited
        for match in _CITED_IDS.finditer(definition)
        for cited in _ID_SEPARATOR.split(match["ids"])
        if cited
    }


@per_table
def _citations(references: pd.DataFrame) -> dict[str, pd.Index]:
    """Per article id a reference row cites (in its definition, or as its whole link): those rows (built once per
    table). An id is matched whole, so an article called "a" or "article" cites nothing."""
    if "definition" not in references.columns:
        return {}
    cited: dict[str, list[object]] = {}
    definitions = references["definition"].fillna("").astype(str)
    links = references.get("url", pd.Series("", index=references.index)).fillna("").astype(str)
    for row, definition, link in zip(references.index, definitions, links, strict=True):
        for doc_id in _ids_cited(definition) | ({link.strip()} - {""}):
            cited.setdefault(doc_id, []).append(row)
    return {doc_id: pd.Index(rows) for doc_id, rows in cited.items()}


_WITHOUT: list[tuple[pd.DataFrame, tuple[object, ...], pd.DataFrame]] = []


def _without(references: pd.DataFrame, rows: tuple[object, ...]) -> pd.DataFrame:
    """``references`` without ``rows``, the same object for the same request (so tables derived from it are
    cached like the full table's)."""
    for table, dropped, result in _WITHOUT:
        if table is references and dropped == rows:
            return result
    result = references.drop(list(rows))
    _WITHOUT[:] = [(references, rows, result), *_WITHOUT[:1]]
    return result


def may_be_cited(references: pd.DataFrame, doc_id: str) -> bool:
    """Whether a reference row was curated from article ``doc_id`` (looked up in a table built once per pack): such
    an article is checked on its own, against the pack without those rows, at the cost of a whole batch."""
    return doc_id in _citations(references)


def _self_cited(references: pd.DataFrame, doc_ids: Iterable[str]) -> dict[str, pd.Index]:
    """Per article id: the reference rows whose definition or link names that article as where the figure was
    found (curated published figures). An article is never checked against a figure taken from itself."""
    citations = _citations(references)
    return {doc_id: citations[doc_id] for doc_id in doc_ids if doc_id in citations}


def _checked_apart(
    claims: pd.DataFrame,
    documents: pd.DataFrame | None,
    references: pd.DataFrame,
    rules: RuleSet,
    cited: dict[str, pd.Index],
) -> CheckResult:
    """An article a reference figure was curated from is checked without that figure: articles citing the same
    figures are checked together, each group on its own, so a verdict never depends on the batch's articles.
    ``references`` is the slim table (:func:`_slim`), so each group's table is a cheap drop of a few rows."""
    groups: dict[tuple[object, ...], list[str]] = {}
    for doc_id, rows in cited.items():
        groups.setdefault(tuple(sorted(rows)), []).append(doc_id)
    own = claims["doc_id"].isin(list(cited))
    parts = [
        _checked(
            claims[claims["doc_id"].isin(ids)].reset_index(drop=True),
            documents,
            _without(references, rows),
            rules,
        )
        for rows, ids in groups.items()
    ]
    if (~own).any():
        parts.append(_checked(claims[~own].reset_index(drop=True), documents, references, rules))
    return CheckResult(
        findings=pd.concat([p.findings for p in parts], ignore_index=True),
        verdicts=pd.concat([p.verdicts for p in parts], ignore_index=True),
    )


def check_claims(
    claims: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    references: pd.DataFrame,
    rules: RuleSet,
) -> CheckResult:
    """Check a batch of claims (any number of articles) against each other and the references."""
    claims = _validated(claims).reset_index(drop=True)
    missing = [c for c in columns(ReferenceSchema) if c not in references.columns]
    if missing:
        raise SchemaError("reference", f"missing columns {missing}; expected {columns(ReferenceSchema)}")
    cited = _self_cited(references, claims["doc_id"].unique())
    result = (
        _checked_apart(claims, documents, _slim(references), rules, cited)
        if cited
        else _checked(claims, documents, _slim(references), rules)
    )
    # the outputs of the whole call validated once, whatever parts it was checked in
    findings = result.findings
    return CheckResult(
        findings=_no_findings().copy() if findings.empty else validated(FindingsSchema, findings, "findings"),
        verdicts=validated(VerdictsSchema, result.verdicts, "verdicts"),
    )


def _checked(
    claims: pd.DataFrame, documents: pd.DataFrame | None, references: pd.DataFrame, rules: RuleSet
) -> CheckResult:
    """:func:`check_claims` on validated claims (index 0..n-1) against a slim reference table; the findings and
    verdicts are validated by the caller."""
    claims = _with_document_dates(claims, documents)
    # plain Python strings: the checks filter, join and loop over small frames, where Arrow strings cost more
    text = [c for c in claims.columns if pd.api.types.is_string_dtype(claims[c])]
    work = claims.astype(dict.fromkeys(text, "object"))
    checkable = work[work["kind"].isin(list(CLAIM_KINDS))]
    subjects = resolve_subjects(checkable, rules.hierarchy.origin_measures, refugee_sources(references))
    alignment = align(subjects, references, rules.references)

    found: list[tuple[pd.DataFrame, Rule]] = []
    inputs: dict[Scope, CheckInput | None] = {}  # rules with the same scope share one input
    for rule in rules.rules:
        if rule.scope not in inputs:
            scoped = subjects[rule.scope.mask(subjects)]
            inputs[rule.scope] = (
                None
                if scoped.empty
                else CheckInput(
                    claims=scoped,
                    aligned=alignment.aligned[alignment.aligned["row"].isin(scoped.index)],
                    candidates=alignment.candidates[alignment.candidates["row"].isin(scoped.index)],
                    references=references,
                    hierarchy=rules.hierarchy,
                    specs=rules.references,
                    documents=documents,
                )
            )
        data = inputs[rule.scope]
        if data is None:
            continue
        raw = rule.check.func(data, rule.params)
        if len(raw):
            found.append((raw, rule))
    findings = _findings(found, subjects)
    reasons = _with_unsettled(subjects, alignment, findings)
    return CheckResult(findings=findings, verdicts=decide(claims, findings, reasons))


def _with_unsettled(subjects: pd.DataFrame, alignment: Alignment, findings: pd.DataFrame) -> pd.DataFrame:
    """The alignment's reasons, plus ``unsettled`` for claims aligned with observations that no check judged
    (older, lower cumulative totals they may have grown from; estimates that count more)."""
    rows = pd.Index(alignment.aligned["row"].unique())
    if rows.empty:
        return alignment.reasons
    aligned = subjects.loc[rows, ["doc_id", "claim_id"]]
    judged = pd.MultiIndex.from_frame(findings[["doc_id", "claim_id"]]) if len(findings) else None
    keys = pd.MultiIndex.from_frame(aligned)
    unjudged = rows[~keys.isin(judged)] if judged is not None else rows
    if unjudged.empty:
        return alignment.reasons
    extra = pd.DataFrame({"row": unjudged, "reason": "unsettled"})
    return pd.concat([alignment.reasons, extra], ignore_index=True) if len(alignment.reasons) else extra

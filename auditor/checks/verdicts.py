"""One verdict per claim, from its findings.

The worst finding wins, in this order (best first): ``matches``, ``matches_within_rounding``, ``needs_review``,
``likely_error``, ``outdated``. ``outdated`` ranks above ``likely_error`` because it is the more specific account of a
mismatch: the figure was right on an earlier date (the outdated check only fires when the claim fits an older
observation, so the mismatch with the latest one is explained). A claim without findings is ``not_checkable`` with
the reason the alignment gave (see :mod:`auditor.checks.alignment`).

Numbers that are not claims (years, ordinals... listed with ``--all-numbers``) are kept, so that every row of the
claims table has exactly one verdict: ``not_checkable`` with reason ``no_measure`` (they state no measured
quantity). No check looks at them.

A finding's severity is its rule's severity, capped by what its verdict warrants: a confirmation is ``info``,
``needs_review`` and ``outdated`` at most ``warning``, ``likely_error`` up to ``error``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from auditor.schemas import CLAIM_KINDS, SEVERITIES

KEYS: Final = ["doc_id", "claim_id"]
PRECEDENCE: Final = ("matches", "matches_within_rounding", "needs_review", "likely_error", "outdated")
#: The highest severity each verdict warrants.
VERDICT_SEVERITY: Final = {
    "matches": "info",
    "matches_within_rounding": "info",
    "needs_review": "warning",
    "outdated": "warning",
    "likely_error": "error",
}


def capped_severity(verdicts: pd.Series, rule_severity: str) -> pd.Series:
    """Per finding: the rule's severity, capped by what the verdict warrants."""
    return pd.Series([capped(v, rule_severity) for v in verdicts], index=verdicts.index, dtype="object")


def capped(verdict: str, rule_severity: str) -> str:
    """One finding's severity: the rule's, capped by what ``verdict`` warrants."""
    return SEVERITIES[min(SEVERITIES.index(VERDICT_SEVERITY[verdict]), SEVERITIES.index(rule_severity))]


def lead_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """The finding that decides each claim's verdict: worst verdict, then highest severity, then first listed."""
    if findings.empty:
        return findings
    ranked = findings.assign(
        _rank=findings["verdict"].map(PRECEDENCE.index),
        _sev=findings["severity"].map(SEVERITIES.index),
        _order=range(len(findings)),
    )
    ranked = ranked.sort_values(["_rank", "_sev", "_order"], ascending=[False, False, True], kind="stable")
    return ranked.drop_duplicates(KEYS).drop(columns=["_rank", "_sev", "_order"]).reset_index(drop=True)


def decide(claims: pd.DataFrame, findings: pd.DataFrame, reasons: pd.DataFrame) -> pd.DataFrame:
    """Exactly one verdict per claim (row of ``claims``), in the columns of :class:`VerdictsSchema` (the engine
    validates the verdicts of a whole call once).

    ``reasons`` holds ``row`` (the claim's index label in ``claims``) and ``reason`` for claims no reference was
    aligned with; checkable claims it does not list default to ``no_reference``."""
    position = pd.Series(np.arange(len(claims)), index=claims.index)
    is_claim = claims["kind"].isin(list(CLAIM_KINDS)).to_numpy()
    reason = np.where(is_claim, "no_reference", "no_measure").astype(object)
    if len(reasons):
        listed = position[reasons["row"]].to_numpy()
        reason[listed] = np.where(is_claim[listed], reasons["reason"].to_numpy(dtype=object), "no_measure")
    verdict = np.full(len(claims), "not_checkable", dtype=object)
    if len(findings):
        lead = lead_findings(findings)
        mentioned = claims[claims["claim_id"].isin(lead["claim_id"].unique())]
        at = dict(
            zip(
                zip(mentioned["doc_id"], mentioned["claim_id"], strict=True),
                position[mentioned.index],
                strict=True,
            )
        )
        rows = [at[key] for key in zip(lead["doc_id"], lead["claim_id"], strict=True)]
        verdict[rows] = lead["verdict"].to_numpy(dtype=object)
        reason[rows] = None
    return pd.DataFrame(
        {
            "doc_id": claims["doc_id"].to_numpy(),
            "claim_id": claims["claim_id"].to_numpy(),
            "verdict": verdict,
            "reason": reason,
        }
    )

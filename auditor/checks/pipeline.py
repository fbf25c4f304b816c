"""Articles held in memory through the extractor and the engine, with the calls ``auditor check`` makes for each
of its batches (:func:`~auditor.claims.extract.extract_batches`, then
:func:`~auditor.checks.engine.check_claims`): shared by ``auditor serve`` and the Python API (``auditor.check``),
so that they give the command line's rows for the same articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from auditor.checks.engine import CheckResult, check_claims
from auditor.checks.rules import RuleSet
from auditor.claims.extract import extract_batches
from auditor.io.documents import Document
from auditor.schemas import ClaimsSchema, FindingsSchema, VerdictsSchema, empty


@dataclass(frozen=True, slots=True)
class Checked:
    """The claims of some articles and what the engine made of them."""

    claims: pd.DataFrame
    result: CheckResult


def extract(docs: Sequence[Document], *, all_numbers: bool = False) -> pd.DataFrame:
    """The claims table of ``docs``, extracted as one batch (empty, with its columns, when they state no
    number)."""
    frames = list(extract_batches(docs, all_numbers=all_numbers, batch_size=max(1, len(docs))))
    return (
        frames[0]
        if len(frames) == 1
        else pd.concat(frames, ignore_index=True)
        if frames
        else empty(ClaimsSchema)
    )


def check_documents(
    docs: Sequence[Document], *, references: pd.DataFrame, rules: RuleSet, all_numbers: bool = False
) -> Checked:
    """Extract and check ``docs`` against ``references`` with ``rules`` (verdicts do not depend on which
    articles are checked together, so one batch gives the rows of any batching)."""
    claims = extract(docs, all_numbers=all_numbers)
    if claims.empty:
        return Checked(claims, CheckResult(findings=empty(FindingsSchema), verdicts=empty(VerdictsSchema)))
    return Checked(claims, check_claims(claims, references=references, rules=rules))

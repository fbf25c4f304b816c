"""How a claim is read against an observation, shared by the checks against reference data.

``with_intervals`` adds a claim's strict, rounded and logical intervals (:mod:`auditor.checks.intervals`);
``classify`` turns a claim interval joined with an observation into ``matches``, ``matches_within_rounding``,
``needs_review`` or ``likely_error``; ``READING_PARAMS`` are the parameters every such check takes;
``candidate_rows`` walks each candidate's series rows with its claim.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.checks.alignment import reference_index
from auditor.checks.intervals import claim_intervals, gap_ratios
from auditor.checks.observations import Row
from auditor.checks.registry import records
from auditor.checks.specs import Param, Params

KEYS: Final = ["doc_id", "claim_id"]

READING_PARAMS: Final = {
    "approx_margin": Param("float", 0.1, "relative half-width read into 'about X'", minimum=0, maximum=1),
    "open_slack": Param(
        "float", 0.2, "how far above 'more than X' (below 'nearly X') a reader expects the figure", minimum=0
    ),
    "cumulative_growth": Param(
        "float",
        1.0,
        "how much a cumulative total may have grown per year since an older observation (a claim above an old "
        "total but within that growth needs review, it is not a likely error)",
        minimum=0,
    ),
}


def stated_point(claims: pd.DataFrame) -> pd.Series:
    """The number as stated: the value, else the bound."""
    return claims["value"].fillna(claims["low"]).fillna(claims["high"])


def with_intervals(claims: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The claims with their strict, rounded and logical intervals and their stated point."""
    intervals = claim_intervals(
        claims, approx_margin=params.number("approx_margin"), open_slack=params.number("open_slack")
    )
    return pd.concat([claims, intervals], axis=1).assign(point=stated_point(claims))


def reference_interval(rows: pd.DataFrame, open_slack: float) -> tuple[pd.Series, pd.Series]:
    """What an observation allows, widened by the entry's ``tolerance``. A published lower bound ("more than
    230,000": ``low`` without ``high``) is read like a claim's, up to ``open_slack`` above it; an upper bound the
    same way below it."""
    low, high = _reference_bounds(rows, open_slack)
    return pd.Series(low, index=rows.index), pd.Series(high, index=rows.index)


def _floats(rows: pd.DataFrame, column: str) -> np.ndarray:
    return rows[column].to_numpy(dtype="float64", na_value=np.nan)


def _reference_bounds(rows: pd.DataFrame, open_slack: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`reference_interval` as float arrays (the frames are a few dozen rows: numpy, not pandas)."""
    value, low, high = _floats(rows, "ref_value"), _floats(rows, "ref_low"), _floats(rows, "ref_high")
    lower_only = ~np.isnan(low) & np.isnan(high)
    upper_only = ~np.isnan(high) & np.isnan(low)
    low = np.where(np.isnan(low), np.where(~upper_only, value, high * (1 - open_slack)), low)
    high = np.where(np.isnan(high), np.where(~lower_only, value, low * (1 + open_slack)), high)
    tolerance = _floats(rows, "tolerance")
    return low * (1 - tolerance), high * (1 + tolerance)


def _vague(rows: pd.DataFrame) -> pd.Series:
    """Rows whose claim is a vague quantity ("millions", "dozens of"): a range read from words, with no value."""
    if not {"comparator", "approx", "value"} <= set(rows.columns):
        return pd.Series(False, index=rows.index)
    approx = rows["approx"].fillna(False).astype(bool)
    return (rows["comparator"] == "range") & approx & rows["value"].isna()


def classify(rows: pd.DataFrame, review_ratio: float, open_slack: float, growth: float = 0.0) -> pd.Series:
    """Verdict per row of claim intervals joined with an observation (``ref_value``, ``ref_low``, ``ref_high``,
    ``tolerance``; ``cumulative`` and ``gap_days`` when known).

    A cumulative total observed ``gap_days`` before the claim may have grown since: a claim above it but within
    ``growth`` per year of it is ``unsettled`` (the older total neither confirms nor contradicts it) rather than a
    mismatch. A vague quantity near the observation fits within its wording (``matches_within_rounding``)."""
    low, high = _reference_bounds(rows, open_slack)
    round_low, round_high = _floats(rows, "round_low"), _floats(rows, "round_high")
    strict = _overlaps(_floats(rows, "strict_low"), _floats(rows, "strict_high"), low, high)
    rounded = _overlaps(round_low, round_high, low, high)
    hard = _overlaps(_floats(rows, "hard_low"), _floats(rows, "hard_high"), low, high)
    near = gap_ratios(round_low, round_high, low, high) <= review_ratio
    grown = np.zeros(len(rows), dtype=bool)
    if growth and "cumulative" in rows and "gap_days" in rows:
        years = np.maximum(_floats(rows, "gap_days"), 0) / 365.25
        cumulative = rows["cumulative"].astype(bool).to_numpy(dtype=bool)
        grown_high = np.where(~cumulative, high, high * (1 + growth * years))
        above = round_low > high
        grown = above & _overlaps(round_low, round_high, low, grown_high)
    # a vague quantity ("millions displaced", "thousands of"): near is as close as its wording can be
    loose = hard | near
    vague = loose & _vague(rows).to_numpy(dtype=bool)
    verdict = np.select(
        [strict, rounded | vague, grown, loose],
        ["matches", "matches_within_rounding", "unsettled", "needs_review"],
        "likely_error",
    )
    return pd.Series(verdict, index=rows.index, dtype="object")


def _overlaps(low_a: np.ndarray, high_a: np.ndarray, low_b: np.ndarray, high_b: np.ndarray) -> np.ndarray:
    """:func:`~auditor.checks.intervals.overlaps` over float arrays."""
    return (low_a <= high_b) & (low_b <= high_a)


def source_label(publisher: object, dataset: object) -> str:
    """ "Publisher, dataset" as a finding names its source."""
    return f"{publisher}, {dataset}" if dataset and dataset != publisher else str(publisher)


def candidate_rows(
    claims: pd.DataFrame, cands: pd.DataFrame, references: pd.DataFrame
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any], int, int, Row]]:
    """For each candidate (in order) whose claim has an as-of date, each row of its series in table order:
    ``(candidate position, candidate, claim, claim's as-of in ns, row position, row)``."""
    by_key = {(claim["doc_id"], claim["claim_id"]): claim for claim in records(claims)}
    by_series = reference_index(references).by_series
    for at, cand in enumerate(records(cands)):
        claim = by_key.get((cand["doc_id"], cand["claim_id"]))
        if claim is None or pd.isna(claim["as_of"]):
            continue
        as_of = pd.Timestamp(claim["as_of"]).value
        for number, row in enumerate(by_series.rows(cand["series_id"])):
            yield at, cand, claim, as_of, number, row

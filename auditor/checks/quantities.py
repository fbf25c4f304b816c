"""Which claims of one article state the same quantity, and which are definite enough to contradict another.

Used by the consistency checks (:mod:`auditor.checks.consistency`): a quantity is its measure, counted group,
place, origin, period and unit, and an event count is compared only with the counts of its own sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def incident_key(claims: pd.DataFrame) -> pd.Series:
    """What an event count can be compared with: the counts of its own sentence (an article's events are mostly
    different incidents: "UNICEF said 25 casualties" and "airstrikes killed 58" elsewhere); "" for totals."""
    if "scope" not in claims.columns:
        return pd.Series("", index=claims.index, dtype="object")
    event = claims["scope"].eq("event").fillna(False).astype(bool)
    return claims["sentence"].astype(str).where(event, "")


def definite(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims precise enough to contradict another: no vague quantity ("scores of", "millions"), no part
    that the sentence itself narrows (``qualifier`` subset: deaths in one prison) and no criterion (``qualifier``
    threshold: "all donations over £5,000")."""
    vague = (
        (claims["comparator"] == "range")
        & claims["approx"].fillna(False).astype(bool)
        & claims["value"].isna()
    )
    subset = (
        claims["qualifier"].isin(["subset", "threshold"]).fillna(False)
        if "qualifier" in claims.columns
        else False
    )
    return claims[~(vague | subset)]


def quantity_key(claims: pd.DataFrame, generic: Sequence[str]) -> pd.DataFrame:
    """Columns that identify "the same quantity": measure, counted group (generic nouns folded), place, origin,
    period, unit and, for an event count, its sentence (missing values as empty strings so that they join)."""
    counted = claims["counted"].fillna("").str.lower().str.strip()
    counted = counted.where(~counted.isin(list(generic)), "")
    return pd.DataFrame(
        {
            "k_incident": incident_key(claims),
            "k_measure": claims["measure"].fillna("").astype(str),
            "k_counted": counted.astype(str),
            "k_place": claims["place"].fillna("").astype(str),
            "k_origin": claims["origin"].fillna("").astype(str),
            "k_as_of": pd.to_datetime(claims["as_of"]).dt.strftime("%Y-%m-%d").fillna(""),
            "k_unit": claims["unit"].fillna("").astype(str),
        },
        index=claims.index,
    )

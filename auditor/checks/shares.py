"""``population_share``: a share of a place's population ("half of Syria's population has fled their homes", "45%
of the country's pre-war population") read as a count of people, and checked against the series of its measure.

The share becomes a count with the population series of the pack at the claim's date (or, for a pre-war
population, on the day before the war of its place: ``wars`` in ``rules/places.yaml``). That count is aligned
like any count claim (:func:`auditor.checks.alignment.align`, the same ``references.yaml`` entries) and compared
with a margin suited to newsroom shares ("nearly half"): within ``margin`` of the share's interval it fits;
beyond ``factor`` times it is a likely error when the sentence itself names the place; otherwise the check says
nothing (precision first).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

import numpy as np
import pandas as pd

from auditor.checks import alignment
from auditor.checks import messages as say
from auditor.checks.comparison import KEYS, READING_PARAMS, source_label, with_intervals
from auditor.checks.population import population_at, population_series
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
from auditor.checks.specs import Param, Params

#: What must follow a share for it to be a share of a population: "of Syria's (pre-war) population", "of the
#: country's population", "the population".
_OF_POPULATION: Final = re.compile(
    r"\s*(?:of\s+)?(?:the\s+|its\s+)?(?:[\w’'-]+?(?:'s|’s|s)\s+)?(?P<prewar>pre-?war\s+)?population\b", re.I
)


def _shares(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims followed by "of ... population", with ``prewar`` set when that population is the pre-war one."""
    keep, prewar = [], []
    for sentence, surface in zip(claims["sentence"], claims["surface"], strict=True):
        at = str(sentence).find(str(surface))
        found = _OF_POPULATION.match(str(sentence), at + len(str(surface))) if at >= 0 else None
        keep.append(found is not None)
        prewar.append(found is not None and found.group("prewar") is not None)
    return claims[keep].assign(prewar=np.asarray(prewar, dtype=bool)[keep])


def _population_date(row: dict[str, object]) -> pd.Timestamp:
    """When the population is counted: the claim's date, or the day before the war of its place."""
    from auditor.claims.places import default_gazetteer

    began = default_gazetteer().war_start(str(row["place"])) if row["prewar"] else None
    return (
        pd.Timestamp(began) - pd.Timedelta(days=1) if began is not None else pd.Timestamp(str(row["as_of"]))
    )


def _as_counts(shares: pd.DataFrame, data: CheckInput, params: Params) -> pd.DataFrame:
    """Each share with its population and the count it implies (``point``, ``implied_low``/``implied_high``)."""
    pop = population_series(data.references).get(params.text("series"))
    if pop is None or shares.empty:
        return shares.iloc[:0]
    scale = np.where(shares["kind"].eq("percent"), 0.01, 1.0)
    shares = with_intervals(shares, params).assign(
        fraction_low=lambda t: t["round_low"] * scale,
        fraction_high=lambda t: t["round_high"] * scale,
        fraction=lambda t: t["point"] * scale,
        pop_place=lambda t: t["place"].astype("object"),
        pop_date=[_population_date(r) for r in records(shares[["place", "prewar", "as_of"]])],
    )
    merged = population_at(shares, pop, "pop_date", params.integer("max_days"))
    return merged.assign(
        implied_low=merged["fraction_low"] * merged["population"],
        implied_high=merged["fraction_high"] * merged["population"],
        implied=merged["fraction"] * merged["population"],
    )


@register_check(
    "population_share",
    verdicts=("matches_within_rounding", "likely_error"),
    params={
        **READING_PARAMS,
        "series": Param("str", "worldbank.population.population", "the population series id"),
        "max_days": Param("int", 1830, "largest gap between the population figure and its date", minimum=0),
        "margin": Param("float", 0.25, "relative margin around the share's count that still fits", minimum=0),
        "factor": Param("float", 2.0, "how many times off the count must be to be a likely error", minimum=1),
    },
    fields=("population", "population_date", "implied", "reference", "publisher", "by_date", "subject"),
)
def population_share(data: CheckInput, params: Params) -> pd.DataFrame:
    """A share of a place's population, as a count of people, against the series of its measure."""
    counts = _as_counts(_shares(data.claims[data.claims["place"].notna()]), data, params)
    if counts.empty:
        return raw_findings([])
    pseudo = counts.assign(
        kind="count",
        value=counts["implied"],
        low=np.nan,
        high=np.nan,
        origin=None,
        scope=None,
        qualifier=None,
    )
    # a share is of a whole population: no scale floor (min_share) keeps a far-off count from the comparison
    specs = tuple(dataclasses.replace(spec, min_share=0.0) for spec in data.specs)
    aligned = alignment.align(pseudo, data.references, specs).aligned
    if aligned.empty:
        return raw_findings([])
    rows = counts.merge(aligned.drop(columns=["location"]), on=KEYS).drop_duplicates(KEYS)
    margin, factor = params.number("margin"), params.number("factor")
    fits = (rows["ref_value"] >= rows["implied_low"] * (1 - margin)) & (
        rows["ref_value"] <= rows["implied_high"] * (1 + margin)
    )
    off = (rows["ref_value"] * factor < rows["implied_low"]) | (
        rows["ref_value"] > rows["implied_high"] * factor
    )
    # an error needs the sentence's own place: "half the country's population" in an article datelined Beirut
    # may still be Syria's
    off = off & rows["placed_by"].isna() if "placed_by" in rows else off
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id"],
            "verdict": "matches_within_rounding" if ok else "likely_error",
            "observed": row["implied"],
            "expected_low": row["implied_low"],
            "expected_high": row["implied_high"],
            "reference_value": row["ref_value"],
            "reference_date": row["ref_date"],
            "series_id": row["series_id"],
            "source": source_label(row["publisher"], row["dataset"]),
            "facts": {
                "population": say.amount(row["population"]),
                "population_date": say.date_phrase(row["population_date"], annual=True),
                "implied": say.amount(row["implied"]),
                "reference": say.amount(row["ref_value"], like=row["implied"]),
                "publisher": str(row["publisher"]),
                "by_date": say.date_phrase(row["ref_date"], annual=bool(row["annual"])),
                "subject": say.place_phrase(row["place"]),
            },
        }
        for row, ok, bad in zip(records(rows), fits, off, strict=True)
        if ok or bad
    ]
    return raw_findings(out)

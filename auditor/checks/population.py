"""``exceeds_population``: a count of people larger than the population of its place (or of its origin) on its
date, by the population series of the reference pack."""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.checks import messages as say
from auditor.checks.comparison import KEYS, READING_PARAMS, source_label, stated_point, with_intervals
from auditor.checks.registry import CheckInput, per_table, raw_findings, records, register_check
from auditor.checks.specs import Param, Params

#: A claim scaled down by one of these factors that fits the population may be a slipped decimal point or scale
#: word ("108 million" for 10.8 million): the message names the smaller figure.
_SLIPS: Final = ((10, "A tenth"), (100, "A hundredth"), (1000, "A thousandth"), (1_000_000, "A millionth"))
#: The smallest share of the population the scaled-down figure must reach to be offered as the likely reading.
_SLIP_MIN_SHARE: Final = 0.01
#: Below this multiple of the population an overshoot is more likely another figure than a slipped digit
#: ("90 million Iraqis" for a population of 37.6 million).
_SLIP_MIN_RATIO: Final = 3.0


def slip_note(claimed: float, population: float) -> str:
    """The sentence naming a decimal slip, or "" when no power of ten brings the claim into a plausible share.

    ``(108e6, 19.9e6)`` -> " A tenth of it, 10.8 million, would be 54% of that population: check the decimal
    point and the scale word."
    """
    if claimed < _SLIP_MIN_RATIO * population:
        return ""
    for factor, name in _SLIPS:
        scaled = claimed / factor
        if scaled <= population:
            share = scaled / population
            if share < _SLIP_MIN_SHARE:
                return ""
            return (
                f" {name} of it, {say.amount(scaled)}, would be {share:.0%} of that population: check the "
                "decimal point and the scale word."
            )
    return ""


@per_table
def population_series(references: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every population series (measure ``population``) by id, ready for as-of joins by place."""
    pop = references[references["measure"] == "population"]
    pop = pop.assign(
        pop_place=pop["location"].astype("object"), date=pd.to_datetime(pop["date"]).astype("datetime64[ns]")
    )
    series: dict[str, pd.DataFrame] = {}
    for series_id, table in pop.groupby("series_id"):
        table.attrs["smallest"] = float(table["value"].min())
        series[str(series_id)] = table
    return series


def population_at(rows: pd.DataFrame, pop: pd.DataFrame, when: str, max_days: int) -> pd.DataFrame:
    """Each row with the latest population of its ``pop_place`` on or before its ``when`` date, at most
    ``max_days`` older (``population``, ``population_date``, ``pop_publisher``, ``pop_dataset``); rows with none
    are left out."""
    table = pop[["pop_place", "date", "value", "publisher", "dataset"]].rename(
        columns={
            "value": "population",
            "date": "population_date",
            "publisher": "pop_publisher",
            "dataset": "pop_dataset",
        }
    )
    merged = pd.merge_asof(
        rows.assign(**{when: pd.to_datetime(rows[when]).astype("datetime64[ns]")}).sort_values(
            when, kind="stable"
        ),
        table.sort_values("population_date", kind="stable"),
        left_on=when,
        right_on="population_date",
        by="pop_place",
        direction="backward",
    )
    return merged[(merged[when] - merged["population_date"]).dt.days <= max_days]


@register_check(
    "exceeds_population",
    verdicts=("likely_error",),
    params={
        **READING_PARAMS,
        "series": Param("str", "worldbank.population.population", "the population series id"),
        "max_days": Param(
            "int", 1830, "largest gap between the claim's date and the population figure", minimum=0
        ),
        "tolerance": Param("float", 0.0, "relative margin over the population", minimum=0),
    },
    fields=("population", "population_place", "publisher", "by_date", "slip"),
)
def exceeds_population(data: CheckInput, params: Params) -> pd.DataFrame:
    """A count of people larger than the population of its place or origin."""
    pop = population_series(data.references).get(params.text("series"))
    if pop is None:
        return raw_findings([])
    # a count larger than the smallest population on record for its places is worth a closer look
    claims = data.claims[stated_point(data.claims) > pop.attrs["smallest"]]
    if claims.empty:
        return raw_findings([])
    claims = with_intervals(claims, params)
    pairs = pd.concat(
        [claims.assign(pop_place=claims["place"]), claims.assign(pop_place=claims["origin"])],
        ignore_index=True,
    )
    pairs = pairs[pairs["pop_place"].notna() & pairs["as_of"].notna()].drop_duplicates([*KEYS, "pop_place"])
    if pairs.empty:
        return raw_findings([])
    pairs = pairs.assign(pop_place=pairs["pop_place"].astype("object"))
    merged = population_at(pairs, pop, "as_of", params.integer("max_days"))
    over = merged[merged["strict_low"] > merged["population"] * (1 + params.number("tolerance"))]
    over = over.sort_values("population", kind="stable").drop_duplicates(KEYS)
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id"],
            "verdict": "likely_error",
            "observed": row["point"],
            "expected_high": row["population"],
            "reference_value": row["population"],
            "reference_date": row["population_date"],
            "series_id": params.text("series"),
            "source": source_label(row["pop_publisher"], row["pop_dataset"]),
            "facts": {
                "population": say.amount(row["population"], like=row["point"]),
                "population_place": say.place_phrase(row["pop_place"]).removeprefix("in "),
                "publisher": str(row["pop_publisher"]),
                "by_date": say.date_phrase(row["population_date"]),
                "slip": slip_note(float(row["point"]), float(row["population"])),
            },
        }
        for row in records(over)
    ]
    return raw_findings(out)

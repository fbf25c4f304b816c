"""``exceeds_population``: a count of people larger than the population of its place (or of its origin) on its
date, by the population series of the reference pack."""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

import numpy as np
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


class _ByPlace:
    """A population series per place, read on first use of the place: its dates (nanoseconds, oldest first) and
    (value, publisher, dataset)."""

    def __init__(self, pop: pd.DataFrame) -> None:
        self._pop = pop
        self._at = pop.groupby("pop_place", sort=False).indices
        self._read: dict[object, tuple[list[int], list[tuple[float, object, object]]] | None] = {}

    def get(self, place: object) -> tuple[list[int], list[tuple[float, object, object]]] | None:
        if place not in self._read:
            at = self._at.get(place)
            self._read[place] = None if at is None else self._rows(np.asarray(at))
        return self._read[place]

    def _rows(self, at: np.ndarray) -> tuple[list[int], list[tuple[float, object, object]]]:
        table = self._pop.iloc[np.sort(at)].sort_values("date", kind="stable")
        dates: list[int] = table["date"].to_numpy(dtype="datetime64[ns]").view("int64").tolist()
        rows = zip(
            table["value"].tolist(), table["publisher"].tolist(), table["dataset"].tolist(), strict=True
        )
        return dates, list(rows)


@per_table
def _by_place(pop: pd.DataFrame) -> _ByPlace:
    return _ByPlace(pop)


def population_at(rows: pd.DataFrame, pop: pd.DataFrame, when: str, max_days: int) -> pd.DataFrame:
    """Each row with the latest population of its ``pop_place`` on or before its ``when`` date, at most
    ``max_days`` older (``population``, ``population_date``, ``pop_publisher``, ``pop_dataset``); rows with none
    are left out.

    The rows come sorted by ``when`` (stable) with a fresh index, as ``merge_asof`` gave them; each looks its
    place up by bisection in plain Python."""
    left = (
        rows.assign(**{when: pd.to_datetime(rows[when]).astype("datetime64[ns]")})
        .sort_values(when, kind="stable")
        .reset_index(drop=True)
    )
    series = _by_place(pop)
    nat = int(np.iinfo("int64").min)
    found_dates: list[int] = []
    values: list[float] = []
    publishers: list[object] = []
    datasets: list[object] = []
    for place, date in zip(
        left["pop_place"].tolist(), left[when].to_numpy().view("int64").tolist(), strict=True
    ):
        known = series.get(place) if date != nat else None
        at = bisect_right(known[0], date) if known is not None else 0
        if known is None or not at:
            found_dates.append(nat)
            values.append(np.nan)
            publishers.append(np.nan)
            datasets.append(np.nan)
            continue
        value, publisher, dataset = known[1][at - 1]
        found_dates.append(known[0][at - 1])
        values.append(value)
        publishers.append(publisher)
        datasets.append(dataset)
    merged = left.assign(
        population_date=np.asarray(found_dates, dtype="int64").view("datetime64[ns]"),
        population=np.asarray(values, dtype="float64"),
        pop_publisher=pd.Series(publishers, dtype=pop["publisher"].dtype),
        pop_dataset=pd.Series(datasets, dtype=pop["dataset"].dtype),
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

"""``incident_record``: a count of one sea incident ("38 refugees drowned off Farmakonisi on Sunday") against the
incident IOM's Missing Migrants Project recorded in the same waters in the week before the article.

National series cannot settle an event count (such claims are ``not_checkable``, reason ``event_level``); IOM's
incident records can. The pack keeps each Mediterranean incident as three series, ``iom.incident_<id>.deaths``,
``.missing`` and ``.dead_and_missing`` (:func:`auditor.reference.loaders.load_iom_missing_migrants`), located in
the country of the first place its description names. A claim fits when an incident of its countries (those the
claim is placed in and those its sentence names, with the countries sharing the same crossing) within
``window_days`` before its date recorded a figure of its measure inside the claim's interval. The check only
confirms: an incident with other figures may be another boat, so a miss says nothing (precision first).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from auditor.checks import messages as say
from auditor.checks.comparison import KEYS, READING_PARAMS, with_intervals
from auditor.checks.registry import CheckInput, per_table, raw_findings, records, register_check
from auditor.checks.specs import Param, Params
from auditor.claims.places import mentions

PREFIX: Final = "iom.incident_"
#: Which of an incident's figures a claim of each measure may be: the dead, the missing, or both together (a
#: first report often counts the missing as dead).
_FIGURES: Final = {
    "deaths": ("deaths", "dead_and_missing"),
    "missing": ("missing", "dead_and_missing"),
    "dead_and_missing": ("dead_and_missing",),
}
#: How the figures read in a finding.
_WORDS: Final = {"deaths": "dead", "missing": "missing", "dead_and_missing": "dead and missing"}


@per_table
def incidents(references: pd.DataFrame) -> pd.DataFrame:
    """One row per incident figure: ``incident``, ``figure``, ``location``, ``date``, ``value``, ``publisher`` (built
    once per reference table)."""
    ids = references["series_id"].astype("object")
    rows = references[ids.str.startswith(PREFIX)]
    parts = rows["series_id"].astype("object").str.removeprefix(PREFIX).str.split(".", n=1, expand=True)
    if rows.empty or parts.shape[1] < 2:
        return pd.DataFrame(columns=["incident", "figure", "location", "date", "value", "publisher"])
    return pd.DataFrame(
        {
            "incident": parts[0],
            "figure": parts[1],
            "location": rows["location"],
            "date": pd.to_datetime(rows["date"]),
            "value": rows["value"],
            "publisher": rows["publisher"],
        }
    )


def _countries(row: dict[str, object], waters: list[frozenset[str]]) -> set[str]:
    """The claim's place and the countries its sentence names, with those sharing a crossing."""
    named = {m.code for m in mentions(str(row["sentence"]))}
    named |= {str(row[c]) for c in ("place", "location") if isinstance(row.get(c), str)}
    codes = {c for c in named if len(c) == 3 and c.isupper()}
    for group in waters:
        if codes & group:
            codes |= group
    return codes


@register_check(
    "incident_record",
    verdicts=("matches",),
    params={
        **READING_PARAMS,
        "window_days": Param("int", 7, "how many days before the claim's date an incident may be", minimum=0),
        "min_value": Param("float", 5, "smaller counts fit too many incidents to confirm one", minimum=0),
        "same_waters": Param(
            "strs",
            ("GRC TUR CYP", "ITA MLT LBY TUN EGY", "ESP MAR DZA GIB"),
            "countries whose incidents are one crossing (a boat leaving Turkey sinks off a Greek island)",
        ),
    },
    fields=("recorded", "incident_date", "where", "publisher"),
)
def incident_record(data: CheckInput, params: Params) -> pd.DataFrame:
    """Event counts of deaths or missing that an IOM incident record of the same waters and week confirms."""
    claims = data.claims[data.claims["measure"].isin(list(_FIGURES)) & data.claims["scope"].eq("event")]
    claims = claims[claims["as_of"].notna()]
    if claims.empty:
        return raw_findings([])
    known = incidents(data.references)
    if known.empty:
        return raw_findings([])
    claims = with_intervals(claims, params)
    claims = claims[claims["point"] >= params.number("min_value")]
    waters = [frozenset(g.split()) for g in params.texts("same_waters")]
    window = pd.Timedelta(days=params.integer("window_days"))
    out: list[dict[str, object]] = []
    for row in records(claims):
        as_of = pd.Timestamp(str(row["as_of"]))
        near = known[
            known["location"].isin(_countries(row, waters))
            & (known["date"] <= as_of)
            & (known["date"] >= as_of - window)
            & known["figure"].isin(_FIGURES[str(row["measure"])])
            & (known["value"] >= row["round_low"])
            & (known["value"] <= row["round_high"])
        ]
        if near.empty:
            continue
        best = near.sort_values("date", ascending=False, kind="stable").iloc[0]
        out.append(
            {
                **{k: row[k] for k in KEYS},
                "verdict": "matches",
                "observed": row["point"],
                "reference_value": best["value"],
                "reference_date": best["date"],
                "series_id": f"{PREFIX}{best['incident']}.{best['figure']}",
                "source": f"{best['publisher']}, Missing Migrants Project",
                "facts": {
                    "recorded": f"{say.amount(best['value'])} {_WORDS[str(best['figure'])]}",
                    "incident_date": say.date_phrase(best["date"]).removeprefix("by "),
                    "where": say.place_phrase(str(best["location"])),
                    "publisher": str(best["publisher"]),
                },
            }
        )
    return raw_findings(out)

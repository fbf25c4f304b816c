"""The part-whole views a report draws: which reference series make up which node of a hierarchy, and which
of an article's claims belong on which node.

The displacement view for people from a country of origin: displaced = internally displaced + refugees
abroad, and refugees abroad include those in Syria's neighbours and those in Europe.
:func:`part_whole_tables` turns the reference table and an article's claims into the ``nodes`` and
``claims`` inputs of :func:`auditor.report.charts.part_whole`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.checks.subjects import dominant_countries
from auditor.checks.wording import is_missing
from auditor.report.formatting import compact, place_name


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """One node: its reference series and place (``{origin}`` is filled in), and the claims that belong on
    it."""

    node: str
    label: str
    parent: str | None
    series: str | None
    location: str | None
    measures: tuple[str, ...]
    #: Claim locations that put a claim on this node; ``{origin}`` and ``None`` (no place) may be listed.
    claim_locations: tuple[str | None, ...]


DISPLACEMENT: Final = (
    NodeSpec(
        "displaced",
        "Displaced from {place} (inside + abroad)",
        None,
        None,
        None,
        ("displaced",),
        ("{origin}", None, "World"),
    ),
    NodeSpec(
        "internally_displaced",
        "Internally displaced in {place}",
        "displaced",
        "idmc.displacement.internally_displaced",
        "{origin}",
        ("internally_displaced",),
        ("{origin}", None),
    ),
    NodeSpec(
        "refugees_abroad",
        "Refugees from {place}, all countries",
        "displaced",
        "unhcr.popstats.refugees.from_{origin}",
        "World",
        ("refugees", "migrants"),
        ("{origin}", None, "World"),
    ),
    NodeSpec(
        "neighbours",
        "in Syria's neighbours",
        "refugees_abroad",
        "unhcr.syria_regional.refugees.from_{origin}",
        "Syria's neighbours",
        ("refugees", "migrants"),
        ("Syria's neighbours",),
    ),
    NodeSpec(
        "europe",
        "in Europe",
        "refugees_abroad",
        "unhcr.popstats.refugees.from_{origin}",
        "Europe",
        ("refugees", "migrants", "asylum_applications"),
        ("Europe", "European Union"),
    ),
)

_ORIGIN = re.compile(r"\.from_([A-Z]{3})$")


def origins(references: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Countries of origin the view can be drawn for (those with ``from_<ISO3>`` series that the claims name),
    the articles' main countries first: an article about Syria that also counts refugees in Turkey is drawn for
    Syria."""
    available = {m.group(1) for s in references["series_id"].unique() if (m := _ORIGIN.search(str(s)))}
    main: list[str] = []
    if {"doc_id", "sentence", "start", "location"} <= set(claims.columns) and len(claims):
        main = [str(code) for code in dominant_countries(claims).value_counts().index]
    named = [str(loc) for loc in claims["location"].dropna().value_counts().index]
    ranked = list(dict.fromkeys([*main, *named]))
    return [code for code in ranked if code in available]


def latest_value(
    references: pd.DataFrame, series_id: str, location: str, as_of: pd.Timestamp | None
) -> float | None:
    """The latest value of a series at a place on or before ``as_of`` (the latest of all when ``as_of`` is
    None)."""
    rows = references[(references["series_id"] == series_id) & (references["location"] == location)]
    if as_of is not None:
        rows = rows[rows["date"] <= as_of]
    if rows.empty:
        return None
    return float(rows.sort_values("date")["value"].iloc[-1])


def part_whole_tables(
    references: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    origin: str,
    as_of: pd.Timestamp | None,
    spec: tuple[NodeSpec, ...] = DISPLACEMENT,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``(nodes, claims_on_nodes)`` for the chart, or ``None`` when fewer than two nodes have a value or no
    claim belongs on the view. ``claims`` may carry a ``verdict`` column, which is passed on."""
    place = place_name(origin) or origin
    rows = []
    for node in spec:
        value = None
        if node.series is not None and node.location is not None:
            series = node.series.format(origin=origin)
            value = latest_value(references, series, node.location.format(origin=origin), as_of)
        rows.append(
            {
                "node": node.node,
                "label": node.label.format(place=place),
                "parent": node.parent,
                "value": value,
            }
        )
    nodes = pd.DataFrame(rows, columns=["node", "label", "parent", "value"])
    if nodes["value"].notna().sum() < 2:
        return None
    marks = []
    for _, claim in claims.iterrows():
        node_id = _node_for(claim, spec, origin)
        point = _claim_value(claim)
        if node_id is None or point is None:
            continue
        marks.append(
            {
                "node": node_id,
                "value": point,
                "verdict": None if is_missing(claim.get("verdict")) else claim.get("verdict"),
                "label": f"article: {claim.get('surface') or compact(point)}",
            }
        )
    if not marks:
        return None
    return nodes, pd.DataFrame(marks, columns=["node", "value", "verdict", "label"])


def _node_for(claim: pd.Series, spec: tuple[NodeSpec, ...], origin: str) -> str | None:
    measure = claim.get("measure")
    location = None if is_missing(claim.get("location")) else str(claim.get("location"))
    for node in spec:
        if measure not in node.measures:
            continue
        allowed = {None if loc is None else loc.format(origin=origin) for loc in node.claim_locations}
        if location in allowed:
            return node.node
    return None


def _claim_value(claim: pd.Series) -> float | None:
    for key in ("value", "low", "high"):
        value = claim.get(key)
        if not is_missing(value):
            return float(value)  # type: ignore[arg-type]
    return None

"""Which charts a report draws, from which rows, with which captions.

Charts are planned as :class:`PlannedChart` (a key, a drawing function and words) and drawn one at a time
when the report is written, so a large run never holds many figures in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from auditor.checks.wording import is_missing
from auditor.report import charts
from auditor.report.formatting import iso_date, place_name
from auditor.report.hierarchies import origins, part_whole_tables
from auditor.report.verdicts import ATTENTION, STYLES, Coverage

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class PlannedChart:
    """A chart to draw: ``key`` becomes the file name (``<key>.svg`` and ``<key>.png``)."""

    key: str
    draw: Callable[[], Figure]
    caption: str
    alt: str


def stated_points(claims: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One point per claim that was compared with a reference value: the finding behind the claim's verdict
    (else its most severe one), with the claim's verdict, surface and unit."""
    cols = ["doc_id", "claim_id", "observed", "reference_value", "verdict", "label", "unit"]
    with_ref = findings[findings["reference_value"].notna()]
    if with_ref.empty:
        return pd.DataFrame(columns=cols)
    merged = with_ref.merge(
        claims[["doc_id", "claim_id", "verdict", "surface", "unit", "value", "low", "high"]],
        on=["doc_id", "claim_id"],
        suffixes=("_finding", ""),
    )
    merged["primary"] = merged["verdict_finding"] == merged["verdict"]
    merged["severity_rank"] = merged["severity"].map(_SEVERITY_RANK).fillna(9)
    merged = merged.sort_values(["primary", "severity_rank"], ascending=[False, True])
    merged = merged.drop_duplicates(["doc_id", "claim_id"])
    stated = merged["observed"].fillna(merged["value"]).fillna(merged["low"]).fillna(merged["high"])
    return pd.DataFrame(
        {
            "doc_id": merged["doc_id"],
            "claim_id": merged["claim_id"],
            "observed": stated.astype(float),
            "reference_value": merged["reference_value"].astype(float),
            "verdict": merged["verdict"],
            "label": merged["surface"].str.slice(0, 40),
            "unit": merged["unit"],
        }
    ).reset_index(drop=True)


def with_current_run(
    history: pd.DataFrame | None, run_id: str, started: pd.Timestamp, cov: Coverage
) -> pd.DataFrame:
    """The history table with this run's counts added when it is not in it yet."""
    row = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "started": started,
                "n_claims": cov.found,
                "n_checked": cov.checked,
                "n_attention": cov.attention,
                "n_likely_error": cov.likely_errors,
                "n_not_checkable": cov.not_checkable,
            }
        ]
    )
    if history is None or history.empty:
        return row
    if run_id in set(history["run_id"].astype(str)):
        return history
    return pd.concat([history, row], ignore_index=True)


def run_charts(
    claims: pd.DataFrame,
    findings: pd.DataFrame,
    documents: pd.DataFrame,
    history: pd.DataFrame,
    *,
    tolerance: float,
) -> list[PlannedChart]:
    """The charts of a run's index page."""
    planned = []
    points = stated_points(claims, findings)
    if not points.empty:
        n_slips = int(
            ((points["observed"] / points["reference_value"]).pipe(lambda r: (r >= 30) | (r <= 1 / 30))).sum()
        )
        planned.append(
            PlannedChart(
                "stated-vs-reference",
                lambda: charts.stated_vs_reference(points, tolerance=tolerance),
                "Each marker is a number from the articles, placed by its reference value (across) and "
                "what the article says (up), both on log scales. Markers on the diagonal agree, the shaded "
                f"band is the tolerance (±{tolerance:.0%}), and markers on the dashed lines are off by a "
                f"factor of 1,000: a thousand/million/billion slip ({n_slips} in this run).",
                f"Scatter of {len(points)} stated figures against their reference values.",
            )
        )
    if not claims.empty:
        table = claims[["doc_id", "verdict"]].merge(documents[["doc_id", "source", "title"]], on="doc_id")
        by, title = "source", "Verdicts by source"
        if table["source"].isna().all():
            table["article"] = table["title"].fillna(table["doc_id"]).str.slice(0, 40)
            by, title = "article", "Verdicts by article"
        planned.append(
            PlannedChart(
                "verdicts-by-source",
                lambda: charts.verdicts_by_group(table, by=by, title=title),
                f"Numbers found per {by}, split by verdict (colour and hatching); the {by}s with the "
                "largest share of flagged numbers are at the top.",
                f"Stacked bars of verdict counts per {by}.",
            )
        )
    if len(history) >= 1:
        planned.append(
            PlannedChart(
                "flag-rate",
                lambda: charts.flag_rate(history),
                "Share of checked numbers that needed attention in each run (likely errors included), and of "
                "likely errors alone. A jump after a rule or reference update is worth a look.",
                f"Line chart of the flag rate over {len(history)} run(s).",
            )
        )
    return planned


def article_charts(
    key: str,
    doc: dict[str, Any],
    claims: pd.DataFrame,
    findings: pd.DataFrame,
    references: pd.DataFrame,
    *,
    limit: int = 3,
) -> list[PlannedChart]:
    """Charts for one article: a timeline per reference series behind its flagged claims, and the part-whole
    view when its claims belong on one. ``key`` prefixes the file names."""
    planned: list[PlannedChart] = []
    article_date = None if is_missing(doc.get("date")) else pd.Timestamp(doc["date"])
    flagged = claims[claims["verdict"].isin(ATTENTION)]
    used = findings[findings["claim_id"].isin(flagged["claim_id"]) & findings["series_id"].notna()]
    for series_id in used["series_id"].drop_duplicates().tolist()[: max(0, limit - 1)]:
        series = references[references["series_id"] == series_id]
        location = _series_location(series, flagged, used[used["series_id"] == series_id])
        if location is None:
            continue
        series = series[series["location"] == location]
        marked = claims[claims["claim_id"].isin(findings.loc[findings["series_id"] == series_id, "claim_id"])]
        marked = marked.assign(label=marked["surface"].str.slice(0, 30))
        where = place_name(location) or location
        planned.append(
            PlannedChart(
                f"{key}-timeline-{len(planned) + 1}",
                partial(charts.reference_timeline, series, marked, article_date=article_date),
                f"{series_id} for {where} as published over time (step line), with the article's figure "
                "(marker) and its date (dashed line). A figure that matches an older step is outdated; a "
                "cumulative total that steps down is itself suspect.",
                f"Timeline of {series_id} for {where} with the article's claim marked.",
            )
        )
    for origin in origins(references, claims)[:1]:
        as_of = article_date if article_date is not None else claims["as_of"].max()
        tables = part_whole_tables(
            references, claims, origin=origin, as_of=None if is_missing(as_of) else as_of
        )
        if tables is None:
            continue
        nodes, marks = tables
        where = place_name(origin) or origin
        planned.append(
            PlannedChart(
                f"{key}-part-whole",
                partial(charts.part_whole, nodes, marks, title=f"People displaced from {where}"),
                f"How the people displaced from {where} break down as of "
                f"{iso_date(as_of) or 'the latest data'}: each bar is split into its parts, hatching is what "
                "the listed parts leave out, and markers show the article's figures on the bar they are "
                "about.",
                f"Part-whole bars of displacement from {where} with the article's claims marked.",
            )
        )
    return planned[:limit]


def _series_location(series: pd.DataFrame, claims: pd.DataFrame, used: pd.DataFrame) -> str | None:
    """The place of the series the findings used: the flagged claim's place when the series has it."""
    places = set(series["location"])
    for location in claims["location"].dropna():
        if location in places:
            return str(location)
    dates = set(used["reference_date"].dropna())
    at_dates = series[series["date"].isin(dates)]["location"]
    if not at_dates.empty:
        return str(at_dates.iloc[0])
    return str(series["location"].iloc[0]) if not series.empty else None


def worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles that have something flagged, worst first (the order the article charts are drawn in)."""
    return [r for r in rows if r["worst"] in ATTENTION and not STYLES[r["worst"]].passing]

"""Charts for editors: each function takes DataFrames and returns a matplotlib Figure.

No I/O happens here (saving is :func:`auditor.report.atomic.save_figure`). Figures are built without pyplot,
so nothing accumulates in global state and no backend is chosen on import (saving picks the file format's
renderer). Shared axes helpers are in :mod:`auditor.report.chart_axes`; :func:`part_whole` lives in
:mod:`auditor.report.part_whole_chart` and is re-exported here. Verdicts are drawn with the
colour, marker shape and hatch of :mod:`auditor.report.verdicts`.

Inputs (only the columns named are read):

* :func:`stated_vs_reference`: ``observed``, ``reference_value``, ``verdict``, optional ``label``, ``unit``.
* :func:`reference_timeline`: a reference table for one series and place (``date``, ``value``, optional
  ``low``/``high``, ``series_id``, ``location``, ``measure``, ``unit``) and claims with ``value``, ``low``,
  ``high``, ``comparator``, ``as_of``, optional ``verdict``, ``label``.
* :func:`part_whole`: nodes ``node``, ``label``, ``parent``, ``value``; claims ``node``, ``value``,
  ``verdict``, optional ``label``.
* :func:`verdicts_by_group`: one row per claim with ``verdict`` and the grouping column.
* :func:`flag_rate`: one row per run with ``started``, ``n_checked``, ``n_attention``, ``n_likely_error``.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, PercentFormatter

from auditor.checks.wording import is_missing
from auditor.errors import DataError
from auditor.report.chart_axes import (
    COMPACT,
    LABEL_SIZE,
    date_axis,
    date_x,
    empty_note,
    figure,
    need_columns,
    place_labels,
    verdict_of,
)
from auditor.report.formatting import compact, place_name
from auditor.report.part_whole_chart import part_whole
from auditor.report.verdicts import ORDER, STYLES, style

_SLIP_FACTOR: Final = 1000.0


# --- stated vs reference ------------------------------------------------------------------------------------


def stated_vs_reference(
    points: pd.DataFrame, *, tolerance: float = 0.1, title: str = "Stated figures against the reference"
) -> Figure:
    """Each claim's stated value against its reference value on log-log axes, with ``y = x``, the relative
    ``tolerance`` band and the x1,000 lines on which thousand/million/billion slips fall."""
    need_columns(points, "stated-vs-reference", ("observed", "reference_value", "verdict"))
    fig, ax = figure()
    data = points.dropna(subset=["observed", "reference_value"])
    data = data[(data["observed"] > 0) & (data["reference_value"] > 0)]
    ax.set_title(title, loc="left", fontweight="bold")
    if data.empty:
        empty_note(ax, "No checked claim has a reference value to compare with")
        return fig
    unit = _single_unit(data)
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo = float(min(data["observed"].min(), data["reference_value"].min())) / 3
    hi = float(max(data["observed"].max(), data["reference_value"].max())) * 3
    # At least two decades so that a lone point sits in readable context.
    if hi / lo < 100:
        mid = math.sqrt(lo * hi)
        lo, hi = mid / 10, mid * 10
    xs = np.geomspace(lo, hi, 200)
    ax.fill_between(
        xs,
        xs * (1 - tolerance),
        xs * (1 + tolerance),
        color="#0072B2",
        alpha=0.15,
        linewidth=0,
        label=f"Tolerance ±{tolerance:.0%}",
    )
    ax.plot(xs, xs, color="#0072B2", linewidth=1.2, label="Stated = reference")
    for factor, text in ((_SLIP_FACTOR, "×1,000"), (1 / _SLIP_FACTOR, "÷1,000")):
        ax.plot(xs, xs * factor, color="#777777", linewidth=0.9, linestyle=(0, (4, 3)))
        _label_line(ax, xs, xs * factor, lo=lo, hi=hi, text=f"{text} slip")
    for verdict in ORDER:
        rows = data[data["verdict"] == verdict]
        if rows.empty:
            continue
        look = style(verdict)
        ax.scatter(
            rows["reference_value"],
            rows["observed"],
            s=64,
            marker=look.marker,
            color=look.colour,
            edgecolors="black",
            linewidths=0.6,
            zorder=3,
            label=f"{look.word} ({len(rows)})",
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(COMPACT)
        axis.set_minor_formatter(NullFormatter())
    suffix = f" ({unit}, log scale)" if unit else " (log scale)"
    ax.set_xlabel(f"Reference value{suffix}")
    ax.set_ylabel(f"Stated in the article{suffix}")
    ax.legend(loc="upper left", fontsize=8, frameon=True)
    place_labels(ax, _point_labels(data))
    return fig


def _single_unit(data: pd.DataFrame) -> str | None:
    if "unit" not in data.columns:
        return "count"
    units = {("count" if is_missing(u) else str(u)) for u in data["unit"]}
    return units.pop() if len(units) == 1 else None


def _label_line(
    ax: Axes, xs: np.ndarray[Any, Any], ys: np.ndarray[Any, Any], *, lo: float, hi: float, text: str
) -> None:
    inside = np.flatnonzero((ys > lo) & (ys < hi))
    if inside.size < 10:
        return
    i = int(inside[int(inside.size * 0.75)])
    ax.annotate(
        text,
        (float(xs[i]), float(ys[i])),
        fontsize=LABEL_SIZE - 1,
        color="#555555",
        rotation=0,
        xytext=(4, -10),
        textcoords="offset points",
    )


def _point_labels(data: pd.DataFrame, *, few: int = 6, most: int = 10) -> list[tuple[float, float, str]]:
    """The labels of every point when there are at most ``few``; else of the ``most`` flagged points furthest
    from the diagonal (the slips first), so labels stay readable on a large run."""
    data = data.assign(ratio=(data["observed"] / data["reference_value"]).astype(float))
    if len(data) > few:
        flagged = data["verdict"].map(lambda v: v in STYLES and not STYLES[v].passing).astype(bool)
        data = data[flagged].assign(distance=lambda d: d["ratio"].map(lambda r: abs(math.log10(r))))
        data = data.sort_values("distance", ascending=False)
        data = data.drop_duplicates(["observed", "reference_value"]).head(most)
    labels = []
    for _, row in data.iterrows():
        r = float(row["ratio"])
        text = row.get("label")
        if is_missing(text) or not text:
            text = compact(float(row["observed"]))
        if r >= 30 or r <= 1 / 30:
            text = f"{text} (×{compact(r)})" if r >= 1 else f"{text} (÷{compact(1 / r)})"
        labels.append((float(row["reference_value"]), float(row["observed"]), str(text)))
    return labels


# --- reference timeline -------------------------------------------------------------------------------------


def reference_timeline(
    series: pd.DataFrame,
    claims: pd.DataFrame | None = None,
    *,
    article_date: pd.Timestamp | None = None,
    title: str | None = None,
) -> Figure:
    """A reference series as a step line over its as-of dates, with the article's claims and date marked."""
    need_columns(series, "reference", ("date", "value"))
    for key in ("series_id", "location"):
        if key in series.columns and series[key].nunique() > 1:
            raise DataError(
                f"reference table for the timeline holds several values in column {key!r} "
                f"(got {sorted(map(str, series[key].unique()))}); allowed: one series at one place"
            )
    fig, ax = figure()
    data = series.sort_values("date")
    ax.set_title(title or _timeline_title(data), loc="left", fontweight="bold")
    if data.empty:
        empty_note(ax, "The reference series has no observation")
        return fig
    dates = pd.to_datetime(data["date"])
    values = data["value"].astype(float)
    end = _timeline_end(dates, claims, article_date)
    # The last published value stays in force until the next one: carry it to the right edge.
    ax.step(
        [*dates, end],
        [*values, values.iloc[-1]],
        where="post",
        color="#0072B2",
        linewidth=1.8,
        label="Reference (value in force)",
    )
    ax.plot(dates, values, linestyle="none", marker="o", markersize=4, color="#0072B2", label="Published")
    if {"low", "high"} <= set(data.columns) and data[["low", "high"]].notna().all(axis=1).any():
        ax.fill_between(
            dates,
            data["low"].astype(float),
            data["high"].astype(float),
            step="post",
            color="#0072B2",
            alpha=0.15,
            linewidth=0,
            label="Reference uncertainty",
        )
    if article_date is not None:
        ax.axvline(
            date_x(article_date),
            color="#333333",
            linestyle=(0, (4, 3)),
            linewidth=1,
            label=f"Article date ({pd.Timestamp(article_date):%Y-%m-%d})",
        )
    claimed: list[float] = []
    labels: list[tuple[float, float, str]] = []
    if claims is not None and not claims.empty:
        need_columns(claims, "claims", ("value", "low", "high", "comparator"))
        claimed = _mark_claims_in_time(ax, claims, article_date, labels)
    every = [v for v in [*values, *claimed] if v > 0]
    if every and max(every) / min(every) > 50:
        # A claim off by orders of magnitude (a slip) would flatten the series: use a log scale.
        ax.set_yscale("log")
        ax.set_ylim(min(every) / 2, max(every) * 3)
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_ylim(bottom=0, top=max([*values, *claimed]) * 1.12)
    ax.yaxis.set_major_formatter(COMPACT)
    date_axis(ax)
    span = max(end - dates.iloc[0], pd.Timedelta(days=60))
    ax.set_xlim(date_x(dates.iloc[0] - span * 0.04), date_x(end + span * 0.1))
    ax.set_xlabel("As-of date")
    ax.set_ylabel(_value_label(data))
    ax.legend(loc="upper left", fontsize=8)
    place_labels(ax, labels)
    return fig


def _timeline_title(data: pd.DataFrame) -> str:
    """ "Deaths in Syria, as published by SOHR" from the series' own columns."""
    if data.empty:
        return "Reference over time"
    first = data.iloc[0]
    measure = str(first.get("measure") or first.get("series_id") or "Reference").replace("_", " ")
    title = measure.capitalize()
    if not is_missing(first.get("location")):
        title += f" in {place_name(str(first['location']))}"
    if not is_missing(first.get("publisher")):
        title += f", as published by {first['publisher']}"
    return title


def _timeline_end(
    dates: pd.Series, claims: pd.DataFrame | None, article_date: pd.Timestamp | None
) -> pd.Timestamp:
    """The right end of the timeline: the latest of the last observation, the claims and the article date."""
    candidates = [pd.Timestamp(dates.iloc[-1])]
    if article_date is not None:
        candidates.append(pd.Timestamp(article_date))
    if claims is not None and "as_of" in claims.columns:
        candidates += [pd.Timestamp(d) for d in claims["as_of"].dropna()]
    return max(candidates)


def _value_label(data: pd.DataFrame) -> str:
    unit = None
    if "unit" in data.columns and data["unit"].notna().any():
        unit = str(data["unit"].dropna().iloc[0])
    measure = str(data["measure"].iloc[0]).replace("_", " ") if "measure" in data.columns else "value"
    return f"{measure.capitalize()} ({unit or 'count'})"


def _claim_point(row: pd.Series) -> tuple[float, float | None, float | None] | None:
    """(marker value, low end, high end) of a claim, or ``None`` when it has no number."""
    value, low, high = (None if is_missing(row.get(k)) else float(row[k]) for k in ("value", "low", "high"))
    comparator = str(row.get("comparator") or "eq")
    if comparator == "range" and low is not None and high is not None:
        return (value if value is not None else (low + high) / 2, low, high)
    if comparator in ("gt", "ge"):
        bound = low if low is not None else value
        return None if bound is None else (bound, bound, None)
    if comparator in ("lt", "le"):
        bound = high if high is not None else value
        return None if bound is None else (bound, None, bound)
    return None if value is None else (value, None, None)


def _mark_claims_in_time(
    ax: Axes, claims: pd.DataFrame, article_date: pd.Timestamp | None, labels: list[tuple[float, float, str]]
) -> list[float]:
    """Mark each claim at its as-of date (else the article date), adding its label to ``labels``; returns the
    values marked."""
    seen: set[str] = set()
    marked: list[float] = []
    for _, row in claims.iterrows():
        point = _claim_point(row)
        when = row.get("as_of")
        when = article_date if is_missing(when) else when
        if point is None or when is None or is_missing(when):
            continue
        x = date_x(when)
        verdict = verdict_of(row)
        look = style(verdict) if verdict else None
        colour = look.colour if look else "#333333"
        y, low, high = point
        marked += [v for v in point if v is not None]
        label = f"Article: {look.word.lower()}" if look else "Article"
        ax.scatter(
            [x],
            [y],
            s=90,
            marker=look.marker if look else "o",
            color=colour,
            edgecolors="black",
            linewidths=0.7,
            zorder=4,
            label=None if label in seen else label,
        )
        seen.add(label)
        if low is not None and high is not None and low != high:
            ax.vlines(x, low, high, color=colour, linewidth=2.5, zorder=3)
        elif low is not None and high is None:
            ax.annotate("", (x, y * 1.12), xytext=(x, y), arrowprops={"arrowstyle": "->", "color": colour})
        elif high is not None and low is None:
            ax.annotate("", (x, y * 0.88), xytext=(x, y), arrowprops={"arrowstyle": "->", "color": colour})
        text = row.get("label")
        if is_missing(text) or not text:
            text = compact(y)
        labels.append((x, y, str(text)))
    return marked


# --- batch charts -------------------------------------------------------------------------------------------


def verdicts_by_group(
    table: pd.DataFrame, *, by: str = "source", title: str = "Verdicts by source", limit: int = 15
) -> Figure:
    """Stacked horizontal bars: for each value of ``by`` (an outlet, an article), its claims by verdict;
    groups beyond ``limit`` (by number of claims) are pooled as "Other"."""
    need_columns(table, "verdicts", ("verdict", by))
    fig, ax = figure()
    ax.set_title(title, loc="left", fontweight="bold")
    if table.empty:
        empty_note(ax, "No claims in this run")
        return fig
    groups = table[by].astype("object").where(table[by].notna(), "(unknown)").astype(str)
    counts = pd.crosstab(groups, table["verdict"]).reindex(columns=list(ORDER), fill_value=0)
    if len(counts) > limit:
        keep = counts.sum(axis=1).nlargest(limit - 1).index
        other = counts.drop(index=keep).sum().rename("Other")
        counts = pd.concat([counts.loc[keep], other.to_frame().T])
    flagged = counts[[v for v in ORDER if not STYLES[v].passing and v != "not_checkable"]].sum(axis=1)
    counts = counts.loc[(flagged / counts.sum(axis=1).clip(lower=1)).sort_values(ascending=True).index]
    fig.set_size_inches(8.0, 1.6 + 0.42 * len(counts))
    left = np.zeros(len(counts))
    for verdict in ORDER:
        look = style(verdict)
        widths = counts[verdict].to_numpy(dtype=float)
        if widths.sum() == 0:
            continue
        ax.barh(
            list(counts.index),
            widths,
            left=left,
            color=look.colour,
            hatch=look.hatch,
            edgecolor="white",
            label=look.word,
            height=0.65,
        )
        left += widths
    ax.grid(False, axis="y")
    ax.xaxis.set_major_formatter(COMPACT)
    ax.set_xlabel("Numbers found (claims)")
    ax.set_ylabel(by.replace("_", " ").capitalize())
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="Verdict", title_fontsize=8)
    return fig


def flag_rate(
    history: pd.DataFrame, *, title: str = "Share of checked numbers flagged, run by run"
) -> Figure:
    """Over past runs: the share of checked claims that need attention, and of likely errors."""
    need_columns(history, "history", ("started", "n_checked", "n_attention", "n_likely_error"))
    fig, ax = figure((8.0, 4.0))
    ax.set_title(title, loc="left", fontweight="bold")
    data = history.sort_values("started")
    if data.empty:
        empty_note(ax, "No past runs yet")
        return fig
    when = pd.to_datetime(data["started"])
    checked = data["n_checked"].astype(float).where(data["n_checked"] > 0)
    looks = (
        ("n_attention", "needs_review", "Need attention (incl. likely errors)"),
        ("n_likely_error", "likely_error", "Likely errors"),
    )
    for column, verdict, label in looks:
        look = style(verdict)
        ax.plot(
            when,
            data[column].astype(float) / checked,
            marker=look.marker,
            color=look.colour,
            label=label,
            linewidth=1.6,
            markersize=7,
            markeredgecolor="black",
            markeredgewidth=0.5,
        )
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_ylim(bottom=0)
    date_axis(ax)
    first, last = when.min(), when.max()
    if last - first < pd.Timedelta(days=1):
        # one run (or runs within a day): matplotlib would widen a single date to four years of empty axis
        middle = first + (last - first) / 2
        ax.set_xlim(date_x(middle - pd.Timedelta(hours=12)), date_x(middle + pd.Timedelta(hours=12)))
    ax.set_xlabel("Run started")
    ax.set_ylabel("Share of checked numbers (%)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


__all__ = ["flag_rate", "part_whole", "reference_timeline", "stated_vs_reference", "verdicts_by_group"]

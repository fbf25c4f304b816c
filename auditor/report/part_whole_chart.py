"""The part-whole chart: one bar per node of a hierarchy, a parent's bar split into its children, and the
article's claims marked on the node they are about."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from auditor.checks.wording import is_missing
from auditor.errors import DataError
from auditor.report.chart_axes import COMPACT, LABEL_SIZE, figure, need_columns, place_labels, verdict_of
from auditor.report.formatting import compact
from auditor.report.verdicts import style

#: Neutral colours for the bars of a part-whole chart (kept apart from the verdict colours).
_NODE_COLOURS: Final = ("#1B3A5C", "#3B6FB6", "#F0E442", "#9CC3E6", "#A6A6A6", "#C5B0D5", "#5B7F95")
_DARK_NODES: Final = frozenset({"#1B3A5C", "#3B6FB6", "#5B7F95"})


def part_whole(
    nodes: pd.DataFrame,
    claims: pd.DataFrame | None = None,
    *,
    title: str = "How the parts add up",
    unit: str = "people",
) -> Figure:
    """One bar per node of a hierarchy (parents before children); a parent's bar is split into its children,
    with what they leave over hatched, and the article's claims are marked on the node they are about."""
    need_columns(nodes, "part-whole", ("node", "label", "parent", "value"))
    values = _node_values(nodes)
    order = list(nodes["node"])
    depth = _depths(nodes)
    colour = {n: _NODE_COLOURS[i % len(_NODE_COLOURS)] for i, n in enumerate(order)}
    children: dict[str, list[str]] = {n: [] for n in order}
    for _, row in nodes.iterrows():
        if not is_missing(row["parent"]):
            children[str(row["parent"])].append(str(row["node"]))
    fig, ax = figure((8.0, 1.2 + 0.75 * len(order)))
    ax.set_title(title, loc="left", fontweight="bold")
    ax.grid(False, axis="y")
    hatched = False
    ends: dict[str, float] = {}
    for y, node in enumerate(order):
        total = values[node]
        if total is None:
            continue
        parts = [(c, v) for c in children[node] if (v := values[c]) is not None]
        if not parts:
            ax.barh(y, total, color=colour[node], edgecolor="white", height=0.6)
            ends[node] = total
            continue
        left = 0.0
        for child, value in parts:
            ax.barh(y, value, left=left, color=colour[child], edgecolor="white", height=0.6)
            if value > 0.08 * total:
                ax.text(
                    left + value / 2,
                    y,
                    compact(value),
                    ha="center",
                    va="center",
                    fontsize=LABEL_SIZE - 1,
                    color="white" if colour[child] in _DARK_NODES else "black",
                )
            left += value
        if total > left * 1.0001:
            ax.barh(y, total - left, left=left, color="white", edgecolor="#999999", hatch="///", height=0.6)
            hatched = True
        ends[node] = max(total, left)
    for y, node in enumerate(order):
        total = values[node]
        if total is not None:
            ax.text(
                ends[node], y, f"  {compact(total)}", va="center", ha="left", fontsize=8, fontweight="bold"
            )
    legend: list[Any] = []
    if hatched:
        legend.append(
            Patch(facecolor="white", edgecolor="#999999", hatch="///", label="Not in the parts listed")
        )
    labels: list[tuple[float, float, str]] = []
    if claims is not None and not claims.empty:
        need_columns(claims, "claims", ("node", "value"))
        handles, labels = _mark_claims_on_nodes(ax, claims, order)
        legend += handles
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(["   " * depth[n] + str(lbl) for n, lbl in zip(order, nodes["label"], strict=True)])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(COMPACT)
    ax.set_xlim(0, _x_max(values, claims))
    ax.set_xlabel(f"Number of {unit}")
    if legend:
        ax.legend(handles=legend, loc="lower right", fontsize=8)
    place_labels(ax, labels)
    return fig


def _node_values(nodes: pd.DataFrame) -> dict[str, float | None]:
    """Each node's value; a node without one is the sum of its children (when they all have one)."""
    values: dict[str, float | None] = {
        str(r["node"]): (None if is_missing(r["value"]) else float(r["value"])) for _, r in nodes.iterrows()
    }
    for _, row in nodes.iloc[::-1].iterrows():
        node = str(row["node"])
        if values[node] is None:
            kids = [values[str(k)] for k in nodes.loc[nodes["parent"] == node, "node"]]
            if kids and all(k is not None for k in kids):
                values[node] = float(sum(k for k in kids if k is not None))
    return values


def _depths(nodes: pd.DataFrame) -> dict[str, int]:
    parent = {
        str(r["node"]): (None if is_missing(r["parent"]) else str(r["parent"])) for _, r in nodes.iterrows()
    }
    depth: dict[str, int] = {}
    for node, first in parent.items():
        d, up = 0, first
        while up is not None and d <= len(parent):
            if up not in parent:
                raise DataError(
                    f"part-whole table: node {node!r} has parent {up!r}, which is not a node; "
                    f"allowed: one of {sorted(parent)}"
                )
            d, up = d + 1, parent[up]
        depth[node] = d
    return depth


def _mark_claims_on_nodes(
    ax: Axes, claims: pd.DataFrame, order: list[str]
) -> tuple[list[Any], list[tuple[float, float, str]]]:
    """Mark each claim on its node's bar; return the legend handles and the claims' labels."""
    handles: dict[str, Any] = {}
    labels: list[tuple[float, float, str]] = []
    for _, row in claims.iterrows():
        node = str(row["node"])
        if node not in order or is_missing(row["value"]):
            continue
        verdict = verdict_of(row)
        look = style(verdict) if verdict else None
        y, x = order.index(node), float(row["value"])
        mark = ax.scatter(
            [x],
            [y],
            s=110,
            marker=look.marker if look else "o",
            color=look.colour if look else "#333333",
            edgecolors="black",
            linewidths=0.8,
            zorder=4,
        )
        ax.vlines(x, y - 0.38, y + 0.38, color="black", linewidth=1.2, zorder=3)
        text = row.get("label")
        text = f"article: {compact(x)}" if is_missing(text) or not text else str(text)
        labels.append((x, y, text))
        key = f"Article: {look.word.lower()}" if look else "Article"
        handles.setdefault(key, mark)
    for key, mark in handles.items():
        mark.set_label(key)
    return list(handles.values()), labels


def _x_max(values: dict[str, float | None], claims: pd.DataFrame | None) -> float:
    top = max((v for v in values.values() if v is not None), default=1.0)
    if claims is not None and "value" in claims.columns and claims["value"].notna().any():
        top = max(top, float(claims["value"].max()))
    return top * 1.15

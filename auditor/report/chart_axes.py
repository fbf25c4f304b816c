"""Axes helpers shared by the charts of :mod:`auditor.report.charts`: a blank figure (shown inline in a notebook),
a column check that names what is missing, an empty-chart note, compact number ticks, date axes, the verdict of a
plotted row and point labels placed so that none covers another (:func:`place_labels`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from auditor.checks.wording import is_missing
from auditor.errors import DataError
from auditor.report.formatting import compact
from auditor.report.verdicts import STYLES

FIGSIZE: Final = (8.0, 5.0)

#: Type size of the labels on a chart (points): legible at the default size (8 x 5 in at 100 dpi).
LABEL_SIZE: Final = 9.0
#: Offsets (points from the marker) tried in turn for a point label until its box covers no other text.
_LABEL_OFFSETS: Final = ((6, 4), (6, -14), (-6, 4), (-6, -14), (6, 16), (6, -26), (-6, 16), (-6, -26))


class ChartFigure(Figure):
    """A chart's figure, which Jupyter and IPython show inline (as the PNG a report would save) without pyplot
    and whatever backend is chosen: nothing global is touched to draw or to show it."""

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        from auditor.report.atomic import figure_bytes

        width, height = self.get_size_inches() * self.dpi
        # drawn at the saved resolution, shown at the figure's size
        return figure_bytes(self, "png"), {"width": round(width), "height": round(height)}


def figure(size: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    fig = ChartFigure(figsize=size, layout="constrained", dpi=100)
    ax = fig.add_subplot()
    ax.grid(True, which="major", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def need_columns(df: pd.DataFrame, table: str, needed: Sequence[str]) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(
            f"{table} table for the chart lacks column(s) {', '.join(missing)} "
            f"(got {', '.join(map(str, df.columns)) or 'no columns'}); "
            f"allowed: a table with {', '.join(needed)}"
        )


def empty_note(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555", fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


COMPACT = FuncFormatter(lambda x, _pos: compact(x))


def date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def date_x(when: object) -> float:
    """A date as a matplotlib x coordinate."""
    return float(mdates.date2num(pd.Timestamp(str(when)).to_pydatetime()))  # type: ignore[no-untyped-call]


def verdict_of(row: pd.Series) -> str | None:
    value = row.get("verdict")
    return None if is_missing(value) or value not in STYLES else str(value)


def place_labels(ax: Axes, labels: Sequence[tuple[float, float, str]], *, colour: str = "#222222") -> None:
    """Annotate each ``(x, y, text)`` at the first offset of :data:`_LABEL_OFFSETS` where its box stays inside
    the axes and overlaps neither the legend nor any text already there; a label that fits nowhere is left out
    rather than drawn over another. Call it last (limits, scales and legend set): it lays the figure out to
    measure the boxes."""
    if not labels:
        return
    root = ax.get_figure(root=True)
    if not isinstance(root, Figure):
        return
    root.draw_without_rendering()
    frame = ax.get_window_extent()
    taken = [t.get_window_extent() for t in ax.texts if t.get_text()]
    legend = ax.get_legend()
    if legend is not None:
        taken.append(legend.get_window_extent())
    for x, y, text in labels:
        for dx, dy in _LABEL_OFFSETS:
            note = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else "right",
                fontsize=LABEL_SIZE,
                color=colour,
            )
            box = note.get_window_extent()
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            note.remove()

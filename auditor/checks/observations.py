"""The observations of a reference table per (series id, location), in plain Python, for as-of look-ups by
bisection: the latest observation on or before a date, or the last one of a calendar year.

Built per series on first use and kept with the table's :class:`~auditor.checks.alignment.ReferenceIndex`, so a
warm call of the engine looks up each claim's series in a dict and bisects a list of dates instead of joining
frames. The observations keep the order of the index's ``observations`` (by date, the table's order among equal
dates), so that among observations of the same date the last one wins, as ``merge_asof`` picks it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

#: Nanoseconds in a day (``Timedelta.days`` is the floor of a gap in these).
DAY_NS: int = 86_400 * 10**9


class Observation(NamedTuple):
    """One reference observation: its date in nanoseconds since the epoch and the columns the alignment keeps."""

    date: int
    value: float
    low: float
    high: float
    publisher: object
    dataset: object
    cumulative: bool


class Dated(NamedTuple):
    """The observations of one (series, location), oldest first, with their dates for bisection."""

    dates: list[int]
    items: list[Observation]


class Row(NamedTuple):
    """One row of a reference table, with the columns the checks against other places read."""

    location: str
    date: int
    value: float
    low: float
    high: float
    publisher: object
    dataset: object
    cumulative: bool


class SeriesObservations:
    """Per series id, per location, the :class:`Dated` observations of one table's ``observations`` frame (the
    ``ref_*``-named, date-sorted one), and the series' rows in the table's order, read on first use."""

    def __init__(
        self,
        observations: pd.DataFrame,
        positions: Mapping[str, np.ndarray],
        table: pd.DataFrame,
        table_positions: Mapping[str, np.ndarray],
    ) -> None:
        self._observations = observations
        self._positions = positions
        self._table = table
        self._table_positions = table_positions
        self._series: dict[str, dict[str, Dated]] = {}
        self._rows: dict[str, list[Row]] = {}

    def rows(self, series_id: str) -> list[Row]:
        """The table's rows of ``series_id``, in table order (every location)."""
        found = self._rows.get(series_id)
        if found is None:
            at = self._table_positions.get(series_id)
            found = [] if at is None else _rows(self._table.iloc[at])
            self._rows[series_id] = found
        return found

    def of(self, series_id: str, location: str) -> Dated | None:
        """The observations of ``series_id`` at ``location``, or None when there are none."""
        found = self._series.get(series_id)
        if found is None:
            found = self._read(series_id)
            self._series[series_id] = found
        return found.get(location)

    def _read(self, series_id: str) -> dict[str, Dated]:
        at = self._positions.get(series_id)
        if at is None:
            return {}
        out: dict[str, Dated] = {}
        for location, *fields in _columns(self._observations.iloc[np.sort(at)], "ref_"):
            dated = out.setdefault(location, Dated([], []))
            dated.dates.append(fields[0])
            dated.items.append(Observation(*fields))
        return out


def _rows(table: pd.DataFrame) -> list[Row]:
    return [Row(*row) for row in _columns(table, "")]


def _columns(frame: pd.DataFrame, prefix: str) -> Iterator[tuple[Any, ...]]:
    """Each row's location, date (ns), value, low, high, publisher, dataset and cumulative flag (bool); the date and
    figure columns named with ``prefix`` ("ref_" in the aligned observations, "" in the reference table)."""
    dates = pd.to_datetime(frame[f"{prefix}date"]).to_numpy(dtype="datetime64[ns]").view("int64").tolist()
    return zip(
        frame["location"].tolist(),
        dates,
        frame[f"{prefix}value"].tolist(),
        frame[f"{prefix}low"].tolist(),
        frame[f"{prefix}high"].tolist(),
        frame["publisher"].tolist(),
        frame["dataset"].tolist(),
        [bool(v) for v in frame["cumulative"].tolist()],
        strict=True,
    )


def latest(dated: Dated, as_of: int) -> Observation | None:
    """The last observation dated on or before ``as_of`` (nanoseconds), or None."""
    at = bisect_right(dated.dates, as_of)
    return dated.items[at - 1] if at else None


def last_of_year(dated: Dated, year: int) -> Observation | None:
    """The last observation dated in calendar ``year``, or None."""
    at = bisect_right(dated.dates, pd.Timestamp(year=year + 1, month=1, day=1).value - 1)
    if not at:
        return None
    found = dated.items[at - 1]
    return found if pd.Timestamp(found.date).year == year else None

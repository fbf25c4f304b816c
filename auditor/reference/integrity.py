"""From a loader's draft rows to a validated reference table: the checks every reference source must pass.

A draft has the reference columns plus ``_line`` (the file line each row came from) and, when it merges
several files, ``_file``. :func:`finish` drops rows whose value is missing (suppressed cells), then refuses
negative values, duplicate keys (series, location, as-of date) and date gaps in cumulative series with a
:class:`~auditor.errors.ReferenceDataError` naming the file, the line, the column and the bad value, and
finally validates against :class:`~auditor.schemas.ReferenceSchema`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from auditor.errors import ReferenceDataError, SchemaError
from auditor.reference.parsing import FILE, LINE
from auditor.schemas import ReferenceSchema, columns, validate

COLUMNS: Final[tuple[str, ...]] = tuple(columns(ReferenceSchema))
KEY: Final = ("series_id", "location", "date")
_MAX_LISTED: Final = 5


def finish(draft: pd.DataFrame, path: Path | str, *, skipped: Iterable[str] = ()) -> pd.DataFrame:
    """Check and validate a loader's draft; the result is sorted by series, location and date."""
    path = Path(path)
    table = draft.loc[draft["value"].notna()]
    for column in ("value", "low", "high"):
        check_not_negative(table, column, path)
    check_unique(table, path)
    check_no_gaps(table, path)
    out = table.sort_values(list(KEY), kind="stable").loc[:, list(COLUMNS)].reset_index(drop=True)
    try:
        out = validate(ReferenceSchema, out, table="reference")
    except SchemaError as exc:
        raise ReferenceDataError(path, f"rows do not fit the reference table model: {exc.report}") from exc
    out.attrs["skipped_places"] = sorted(set(skipped))
    return out


def _first(table: pd.DataFrame, mask: pd.Series, path: Path) -> tuple[int, Path, int]:
    """Position, file and file line of the first row where ``mask`` holds."""
    i = int(np.argmax(mask.to_numpy()))
    where = Path(table[FILE].iloc[i]) if FILE in table.columns else path
    return i, where, int(table[LINE].iloc[i])


def check_not_negative(table: pd.DataFrame, column: str, path: Path) -> None:
    """A count of people or deaths cannot be negative."""
    below = table[column] < 0
    if below.any():
        i, where, line = _first(table, below, path)
        raise ReferenceDataError(
            where,
            "negative value",
            row=line,
            column=column,
            value=table[column].iloc[i],
            allowed=("a number >= 0",),
        )


def check_unique(table: pd.DataFrame, path: Path) -> None:
    """One observation per series, location and as-of date."""
    dup = table.duplicated(list(KEY), keep="first")
    if not dup.any():
        return
    i, where, line = _first(table, dup, path)
    row = table.iloc[i]
    same = (
        (table["series_id"] == row["series_id"])
        & (table["location"] == row["location"])
        & (table["date"] == row["date"])
    )
    _, first_where, first = _first(table, same, path)
    in_file = "" if first_where == where else f" of {first_where}"
    day = pd.Timestamp(row["date"]).date().isoformat()
    raise ReferenceDataError(
        where,
        f"duplicate key: series {row['series_id']!r}, location {row['location']!r}, date {day} "
        f"is already on row {first}{in_file}",
        row=line,
        column="date",
        value=day,
        allowed=("one row per series_id, location and date",),
    )


def check_no_gaps(table: pd.DataFrame, path: Path) -> None:
    """A cumulative series on a regular calendar (every year-end or every month-end) misses no step.

    Irregular series (announcements, portal updates, days with records) have no expected dates and pass.
    """
    cumulative = table.loc[table["cumulative"].astype(bool)]
    if cumulative.empty:
        return
    for (series, location), group in cumulative.groupby(["series_id", "location"], sort=True):
        stamps = pd.DatetimeIndex(group["date"]).sort_values()
        if len(stamps) < 2:
            continue
        if ((stamps.month == 12) & (stamps.day == 31)).all():
            expected, step = pd.date_range(stamps[0], stamps[-1], freq="YE-DEC"), "every year-end"
        elif stamps.is_month_end.all():
            expected, step = pd.date_range(stamps[0], stamps[-1], freq="ME"), "every month-end"
        else:
            continue
        missing = expected.difference(stamps)
        if missing.empty:
            continue
        listed = ", ".join(d.date().isoformat() for d in missing[:_MAX_LISTED])
        if len(missing) > _MAX_LISTED:
            listed += f" and {len(missing) - _MAX_LISTED} more"
        after = group.loc[pd.DatetimeIndex(group["date"]) > missing[0]].sort_values("date").iloc[0]
        raise ReferenceDataError(
            Path(after[FILE]) if FILE in group.columns else path,
            f"gap in cumulative series {series!r} at {location!r}: no value for {listed}",
            row=int(after[LINE]),
            column="date",
            value=pd.Timestamp(after["date"]).date().isoformat(),
            allowed=(f"{step} from {stamps[0].date().isoformat()} to {stamps[-1].date().isoformat()}",),
        )


def draft(
    rows: pd.DataFrame,
    *,
    series_id: pd.Series | str,
    measure: pd.Series | str,
    location: pd.Series | str,
    date: pd.Series,
    value: pd.Series,
    cumulative: bool,
    publisher: pd.Series | str,
    dataset: pd.Series | str,
    definition: pd.Series | str,
    url: pd.Series | str,
    retrieved: pd.Series | str,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Assemble draft reference rows aligned with ``rows`` (whose ``_line`` is kept)."""
    n = len(rows)
    nan = pd.Series(np.full(n, np.nan), index=rows.index)
    return pd.DataFrame(
        {
            "series_id": series_id,
            "measure": measure,
            "location": location,
            "date": date,
            "value": value.astype(float),
            "low": nan if low is None else low.astype(float),
            "high": nan if high is None else high.astype(float),
            "unit": unit,
            "cumulative": cumulative,
            "publisher": publisher,
            "dataset": dataset,
            "definition": definition,
            "url": url,
            "retrieved": retrieved,
            LINE: rows[LINE],
        },
        index=rows.index,
    )

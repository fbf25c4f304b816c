"""Loader for UNHCR's monthly asylum applications export (country of asylum, origin, year, month, value).

The export lists only non-zero cells, and ``*`` for a cell UNHCR suppressed (1-4 applications). A calendar-year
total is the sum of its twelve months, and only exists where the country of asylum reported every month of that
year (a month with no row for any origin means the country did not report, not zero applications). Totals are
kept for all origins together (``unhcr.monthly_asylum.asylum_applications`` at the country of asylum) and for the
origins news quotes by name (``...from_<ISO3>``); suppressed cells make the total a range.
"""

from __future__ import annotations

import calendar
from pathlib import Path
from typing import Final

import pandas as pd

from auditor.reference.integrity import draft, finish
from auditor.reference.names import place_code
from auditor.reference.parsing import LINE, numbers, read_rows, refuse, year_end, years
from auditor.reference.sources import SOURCES

_MONTHS: Final = {name: number for number, name in enumerate(calendar.month_name) if name}
#: Each suppressed cell holds 1-4 applications.
_SUPPRESSED: Final = (1, 4)
_DEFINITION: Final = (
    "new asylum applications lodged during the calendar year (sum of the 12 monthly figures UNHCR received from the "
    "country of asylum)"
)


def load_unhcr_asylum_monthly(
    path: Path, *, origins: tuple[str, ...] = ("SYR", "AFG", "IRQ", "ERI")
) -> pd.DataFrame:
    """Calendar-year totals of new asylum applications per country of asylum (all origins, and ``origins``)."""
    source = SOURCES["unhcr_asylum_monthly"]
    table = read_rows(path, ("country_of_asylum", "origin", "year", "month", "value"))
    month = table["month"].str.strip()
    refuse(
        table,
        ~month.isin(list(_MONTHS)),
        "month",
        path,
        reason="not an English month name",
        allowed=tuple(_MONTHS),
    )
    raw = table["value"].str.strip()
    suppressed = raw == "*"
    table = table.assign(value=raw.where(~suppressed, "0"))
    value = numbers(table, "value", path)
    names = table["country_of_asylum"].astype(str)
    host = names.map(place_code)
    origin = table["origin"].astype(str).map(place_code)
    cells = pd.DataFrame(
        {
            "host": host,
            "origin": origin,
            "year": years(table, "year", path),
            "month": month.map(_MONTHS),
            "low": value + suppressed * _SUPPRESSED[0],
            "high": value + suppressed * _SUPPRESSED[1],
            "suppressed": suppressed.astype(int),
            LINE: table[LINE],
        }
    ).loc[host.notna()]
    reported = cells.groupby(["host", "year"])["month"].nunique()
    complete = reported[reported == 12].index
    cells = cells.set_index(["host", "year"]).loc[lambda c: c.index.isin(complete)].reset_index()
    totals = [cells.assign(series="unhcr.monthly_asylum.asylum_applications")]
    named = cells.loc[cells["origin"].isin(origins)]
    totals.append(named.assign(series="unhcr.monthly_asylum.asylum_applications.from_" + named["origin"]))
    summed = (
        pd.concat(totals)
        .groupby(["series", "host", "year"], sort=True)
        .agg(
            low=("low", "sum"),
            high=("high", "sum"),
            suppressed=("suppressed", "sum"),
            **{LINE: (LINE, "min")},
        )
        .reset_index()
    )
    ranged = summed["suppressed"] > 0
    note = summed["suppressed"].map(
        lambda n: (
            f"; {n} cells suppressed by UNHCR (1-4 applications each), so the total is a range" if n else ""
        )
    )
    rows = draft(
        summed,
        series_id=summed["series"],
        measure="asylum_applications",
        location=summed["host"],
        date=year_end(summed["year"]),
        value=summed["low"],
        low=summed["low"].where(ranged),
        high=summed["high"].where(ranged),
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=_DEFINITION
        + summed["series"]
        .str.extract(r"from_(\w+)$")[0]
        .map(lambda o: f", applicants from {o}" if isinstance(o, str) else ", all origins")
        + note,
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path, skipped=set(names[host.isna()].str.strip()))

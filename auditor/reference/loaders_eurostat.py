"""Loaders for Eurostat's asylum application tables (``migr_asyappctza``, annual, bulk CSV export).

Layout: long, one row per ``TIME`` x ``GEO`` (reporting state, "European Union (28 countries)", or "Total" =
EU-28 + EFTA) x ``CITIZEN`` x ``ASYL_APP``; ``Value`` has thousands separators and ``:`` for not available;
``Flag and Footnotes`` holds ``p`` (provisional) and ``d`` (definition differs). Applications are flows over
the calendar year, dated 31 December.

Series: ``eurostat.asylum.asylum_applications[.from_<ISO3>]`` are *first-time* applicants (the only kind the
by-citizenship table has, so the two stay comparable); ``eurostat.asylum_all.asylum_applications`` are all
applicants (first-time and repeated). Location: the reporting state or "European Union" (EU-28 as published).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from auditor.reference.integrity import draft, finish
from auditor.reference.names import place_code
from auditor.reference.parsing import numbers, read_rows, refuse, year_end, years
from auditor.reference.sources import SOURCES

_COLUMNS: Final = ("TIME", "GEO", "CITIZEN", "ASYL_APP", "UNIT", "Value", "Flag and Footnotes")
_KINDS: Final[dict[str, tuple[str, str]]] = {
    "First time applicant": ("eurostat.asylum.asylum_applications", "first-time asylum applicants"),
    "Asylum applicant": (
        "eurostat.asylum_all.asylum_applications",
        "asylum applicants (first-time and repeated)",
    ),
}
_FLAGS: Final = {"p": "provisional", "d": "definition differs, see Eurostat metadata"}


def _common(table: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, set[str]]:
    """Check units and application kinds, map GEO to a place, build the definition."""
    for column, allowed in (("UNIT", ("Person",)), ("ASYL_APP", tuple(_KINDS))):
        refuse(
            table,
            ~table[column].str.strip().isin(allowed),
            column,
            path,
            reason=f"unexpected {column}",
            allowed=allowed,
        )
    geo = table["GEO"].map(lambda n: place_code(n, regions=True))
    skipped = set(table.loc[geo.isna(), "GEO"].str.strip())
    table = table.assign(geo=geo).loc[geo.notna()].copy()
    kind = table["ASYL_APP"].str.strip()
    table["series"] = kind.map(lambda k: _KINDS[k][0])
    flags = (
        table["Flag and Footnotes"]
        .str.strip()
        .map(lambda f: "".join(f" ({_FLAGS[c]})" for c in f if c in _FLAGS))
    )
    eu = (table["geo"] == "European Union").map(lambda is_eu: ", EU-28 total as published" if is_eu else "")
    table["definition"] = kind.map(lambda k: _KINDS[k][1]) + " during the calendar year" + eu + flags
    return table, skipped


def _rows(table: pd.DataFrame, path: Path, key: str, series: pd.Series) -> pd.DataFrame:
    source = SOURCES[key]
    return draft(
        table,
        series_id=series,
        measure="asylum_applications",
        location=table["geo"],
        date=year_end(years(table, "TIME", path)),
        value=numbers(table, "Value", path),
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=table["definition"],
        url=source.cite_url,
        retrieved=source.retrieved,
    )


def load_eurostat_asylum_by_citizenship(path: Path) -> pd.DataFrame:
    """First-time applicants by citizenship: ``eurostat.asylum.asylum_applications.from_<ISO3>``."""
    table, skipped = _common(read_rows(path, (*_COLUMNS[:2], "CITIZEN", *_COLUMNS[3:])), path)
    citizen = table["CITIZEN"].map(place_code)
    skipped |= set(table.loc[citizen.isna(), "CITIZEN"].str.strip())
    table = table.assign(citizen=citizen).loc[citizen.notna()]
    return finish(
        _rows(
            table, path, "eurostat_first_time_by_citizenship", table["series"] + ".from_" + table["citizen"]
        ),
        path,
        skipped=skipped,
    )


def load_eurostat_asylum_totals(path: Path) -> pd.DataFrame:
    """Applicants of all citizenships: first-time (``eurostat.asylum``) and all (``eurostat.asylum_all``).

    Rows for ``CITIZEN`` = "Extra-EU-28" are left out (the total is the figure news quotes).
    """
    table, skipped = _common(read_rows(path, _COLUMNS), path)
    citizen = table["CITIZEN"].str.strip()
    allowed = ("Total", "Extra-EU-28")
    refuse(
        table,
        ~citizen.isin(allowed),
        "CITIZEN",
        path,
        reason="unexpected CITIZEN in a totals table",
        allowed=allowed,
        shown=citizen,
    )
    table = table.loc[citizen == "Total"]
    return finish(_rows(table, path, "eurostat_totals", table["series"]), path, skipped=skipped)

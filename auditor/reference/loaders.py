"""Loaders for the smaller public formats (IDMC, UCDP, World Bank, VDC, IOM) and the curated death tolls.

Each ``load_<name>(path)`` reads one file in its publisher's layout and returns a table validated by
:class:`~auditor.schemas.ReferenceSchema`; UNHCR and Eurostat formats live in :mod:`loaders_unhcr` and
:mod:`loaders_eurostat`. Annual stocks and flows are dated 31 December and say so in ``definition``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from auditor.claims.places import REGIONS, country_code
from auditor.reference.integrity import draft, finish
from auditor.reference.names import place_code
from auditor.reference.parsing import LINE, dates, numbers, read_rows, refuse, year_end, years
from auditor.reference.sources import SOURCES

_IDMC: Final[dict[str, tuple[str, str]]] = {
    "Conflict Stock Displacement": (
        "idmc.displacement.internally_displaced",
        "people living in internal displacement due to conflict and violence, stock at end of year",
    ),
    "Conflict New Displacements": (
        "idmc.conflict_new_displacements.internally_displaced",
        "new internal displacements due to conflict and violence during the calendar year (flow, not people)",
    ),
    "Disaster New Displacements": (
        "idmc.disaster_new_displacements.internally_displaced",
        "new internal displacements due to disasters during the calendar year (flow, not people)",
    ),
}
#: IOM "Region of Incident" values that are one of the auditor's named regions.
_IOM_REGIONS: Final = ("Europe", "Middle East")
_IOM_COLUMNS: Final = ("Region of Incident", "Reported Date", "Reported Year", "Total Dead and Missing")
#: What one incident row also needs: its id, the dead and the missing, and where it happened.
_IOM_INCIDENT_COLUMNS: Final = (
    "Web ID",
    "Number Dead",
    "Minimum Estimated Number of Missing",
    "Location Description",
)
#: Incidents kept one by one (the rest only in the yearly sums): the sea crossings to Europe.
_IOM_INCIDENT_REGION: Final = "Mediterranean"
#: One incident's figures: series suffix, measure, column.
_IOM_INCIDENT_FIGURES: Final = (
    ("deaths", "Number Dead"),
    ("missing", "Minimum Estimated Number of Missing"),
    ("dead_and_missing", "Total Dead and Missing"),
)
#: Curated death-toll qualifiers; each but the exact one says the figure is a lower bound.
QUALIFIERS: Final = ("", "at least", "more than", "upwards of")
_QUALIFIERS_SHOWN: Final = tuple(q or "(empty: an exact figure)" for q in QUALIFIERS)
CURATED_COLUMNS: Final = (
    "series_id",
    "publisher",
    "location",
    "date",
    "date_precision",
    "value",
    "low",
    "high",
    "qualifier",
    "cumulative",
    "definition",
    "statement",
    "source_document",
    "url",
    "corpus",
    "retrieved",
)
_PUBLISHED_SERIES: Final = re.compile(r"[a-z][a-z_]*\.published\.[a-z_]+")
_SERIES_FORM: Final = ("<publisher>.published.<measure>",)
_PRECISIONS: Final = ("day", "month")
_BOOL: Final = ("false", "true")


def _iso_or_name(codes: pd.Series, names: pd.Series) -> pd.Series:
    """A publisher's ISO3 code when the country library knows it, else the code its name maps to."""
    by_code = codes.str.strip().map(lambda c: c if country_code(c) == c else None)
    return by_code.fillna(names.map(place_code))


def load_idmc_displacement(path: Path) -> pd.DataFrame:
    """IDMC GIDD: IDP stock (conflict) per country-year; new displacements as their own series."""
    source = SOURCES["idmc_displacement"]
    table = read_rows(path, ("ISO3", "Name", "Year", *_IDMC))
    location = _iso_or_name(table["ISO3"], table["Name"])
    skipped = set(table.loc[location.isna(), "Name"].str.strip())
    table = table.assign(location=location).loc[location.notna()]
    date = year_end(years(table, "Year", path))
    parts = [
        draft(
            table,
            series_id=series,
            measure="internally_displaced",
            location=table["location"],
            date=date,
            value=numbers(table, column, path),
            cumulative=False,
            publisher=source.publisher,
            dataset=source.dataset,
            definition=definition,
            url=source.cite_url,
            retrieved=source.retrieved,
        )
        for column, (series, definition) in _IDMC.items()
    ]
    return finish(pd.concat(parts), path, skipped=skipped)


def load_ucdp_brd(path: Path) -> pd.DataFrame:
    """UCDP battle-related deaths (dyadic): ``ucdp.brd.deaths`` per country and year, best/low/high summed.

    Dyad-years fought in several countries (``location_inc`` lists more than one) cannot be split and are
    left out; so are deaths outside state-based conflict (UCDP counts them in other datasets).
    """
    source = SOURCES["ucdp_brd"]
    table = read_rows(path, ("location_inc", "year", "bd_best", "bd_low", "bd_high"))
    location = table["location_inc"].map(place_code)
    skipped = set(table.loc[location.isna(), "location_inc"].str.strip())
    table = table.assign(location=location).loc[location.notna()]
    parsed = pd.DataFrame(
        {
            "location": table["location"],
            "year": years(table, "year", path),
            "value": numbers(table, "bd_best", path),
            "low": numbers(table, "bd_low", path),
            "high": numbers(table, "bd_high", path),
            LINE: table[LINE],
        }
    )
    grouped = parsed.groupby(["location", "year"], as_index=False, sort=True).agg(
        value=("value", "sum"),
        low=("low", "sum"),
        high=("high", "sum"),
        dyads=("value", "size"),
        **{LINE: (LINE, "min")},
    )
    definition = (
        "battle deaths in state-based conflict in the country in the year (not one-sided or non-state "
        "violence); " + grouped["dyads"].astype(str) + " dyads"
    )
    rows = draft(
        grouped,
        series_id="ucdp.brd.deaths",
        measure="deaths",
        location=grouped["location"],
        date=year_end(grouped["year"]),
        value=grouped["value"],
        low=grouped["low"],
        high=grouped["high"],
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=definition,
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path, skipped=skipped)


def load_worldbank_population(path: Path) -> pd.DataFrame:
    """World Bank SP.POP.TOTL: ``worldbank.population.population`` per country and for "World" (WLD).

    The Bank's other aggregates (income groups, its own regions, today's EU) are left out: the pack builder
    sums the auditor's regions from their members instead.
    """
    source = SOURCES["worldbank_population"]
    table = read_rows(path, ("Country Name", "Country Code", "Year", "Value"))
    world = table["Country Code"].str.strip() == "WLD"
    location = _iso_or_name(table["Country Code"], table["Country Name"]).where(~world, "World")
    location = location.where(~table["Country Name"].str.strip().isin(REGIONS) | world)
    skipped = set(table.loc[location.isna(), "Country Name"].str.strip())
    table = table.assign(location=location).loc[location.notna()]
    rows = draft(
        table,
        series_id="worldbank.population.population",
        measure="population",
        location=table["location"],
        date=year_end(years(table, "Year", path)),
        value=numbers(table, "Value", path),
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition="mid-year population",
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path, skipped=skipped)


def load_vdc_documented_deaths(path: Path) -> pd.DataFrame:
    """VDC records per day of death, accumulated: ``vdc.documented.deaths`` in SYR since March 2011.

    Days without records are absent from the file (zero), so the cumulative series is irregular.
    """
    source = SOURCES["vdc_documented_deaths"]
    table = read_rows(path, ("Date of death", "# killed"))
    day = dates(table, "Date of death", path, fmt="%Y-%m-%d", example="2015-10-01")
    count = numbers(table, "# killed", path)
    order = np.argsort(day.to_numpy(), kind="stable")
    table, day, count = table.iloc[order], day.iloc[order], count.iloc[order]
    rows = draft(
        table,
        series_id="vdc.documented.deaths",
        measure="deaths",
        location="SYR",
        date=day,
        value=count.fillna(0).cumsum().where(count.notna()),
        cumulative=True,
        publisher=source.publisher,
        dataset=source.dataset,
        definition="deaths documented by name from March 2011 to the date (partial scrape: a lower bound)",
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path)


def load_iom_missing_migrants(path: Path) -> pd.DataFrame:
    """IOM Missing Migrants incidents summed per year: ``iom.missing_migrants.deaths`` (dead and missing), and the
    Mediterranean incidents one by one (see :func:`_iom_incidents`).

    Locations: "World" (all incidents) and IOM's regions of incident that are named regions (Europe, Middle
    East). A year the file covers only in part is dated at its last incident and says so.
    """
    source = SOURCES["iom_missing_migrants"]
    table = read_rows(path, _IOM_COLUMNS)
    incidents = (
        _iom_incidents(table, path)
        if all(c in table.columns for c in _IOM_INCIDENT_COLUMNS)
        else pd.DataFrame()
    )
    parsed = pd.DataFrame(
        {
            "region": table["Region of Incident"].str.strip(),
            "year": years(table, "Reported Year", path),
            "day": dates(table, "Reported Date", path, fmt="%d-%b-%y", example="9-Jul-19"),
            "value": numbers(table, "Total Dead and Missing", path),
            LINE: table[LINE],
        }
    )
    last = parsed.groupby("year")["day"].max()
    scopes = [("World", parsed)] + [(r, parsed.loc[parsed["region"] == r]) for r in _IOM_REGIONS]
    parts = []
    for place, subset in scopes:
        grouped = subset.groupby("year", as_index=False, sort=True).agg(
            value=("value", "sum"), incidents=("value", "size"), **{LINE: (LINE, "min")}
        )
        end = year_end(grouped["year"])
        upto = grouped["year"].map(last)
        partial = upto < end
        date = end.where(~partial, upto)
        where = "worldwide" if place == "World" else f"with region of incident {place}"
        period = partial.map(lambda p: "from 1 January to the date (part year)" if p else "in the year")
        parts.append(
            draft(
                grouped,
                series_id="iom.missing_migrants.deaths",
                measure="deaths",
                location=place,
                date=date,
                value=grouped["value"],
                cumulative=False,
                publisher=source.publisher,
                dataset=source.dataset,
                definition="dead and missing migrants in incidents recorded " + where + " " + period,
                url=source.cite_url,
                retrieved=source.retrieved,
            )
        )
    return finish(pd.concat([*parts, incidents]), path)


def _first_country(description: str) -> str | None:
    """The country of the first place an incident's description names ("Canakkale/Babakale, Turkey, en route to
    Lesvos" -> TUR); None when it names none or only a region."""
    from auditor.claims.places import mentions

    codes = [m.code for m in mentions(description) if len(m.code) == 3 and m.code.isupper()]
    return codes[0] if codes else None


def _iom_incidents(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Each Mediterranean incident: series ``iom.incident_<Web ID>.deaths``, ``.missing`` and ``.dead_and_missing``,
    dated on its reported date, located in the country of the first place its description names ("Off the coast
    of Bodrum"); incidents whose country cannot be read are left out."""
    source = SOURCES["iom_missing_migrants"]
    med = table[table["Region of Incident"].str.contains(_IOM_INCIDENT_REGION, na=False)]
    if med.empty:
        return pd.DataFrame()
    country = med["Location Description"].fillna("").map(_first_country)
    med = med[country.notna()]
    day = dates(med, "Reported Date", path, fmt="%d-%b-%y", example="9-Jul-19")
    parts = []
    for measure, column in _IOM_INCIDENT_FIGURES:
        value = numbers(med, column, path)
        rows = med.assign(value=value)[value.notna()]
        parts.append(
            draft(
                rows,
                series_id="iom.incident_" + rows["Web ID"].astype(str).str.strip() + "." + measure,
                measure=measure,
                location=country[rows.index],
                date=day[rows.index],
                value=rows["value"],
                cumulative=False,
                publisher=source.publisher,
                dataset=source.dataset,
                definition=f"{measure.replace('_', ' ')} of one incident: "
                + rows["Location Description"].str.strip(),
                url=source.cite_url,
                retrieved=source.retrieved,
            )
        )
    return pd.concat(parts)


def load_published_death_tolls(path: Path) -> pd.DataFrame:
    """The curated table of published cumulative death tolls (one row per announced figure).

    Columns: :data:`CURATED_COLUMNS`. ``low``/``high`` bound a figure announced as a range or with a
    qualifier ("more than X": low = X); ``corpus`` names a news corpus the figure was only found in (such rows
    should not be used to judge that corpus), and becomes part of ``dataset``.
    """
    table = read_rows(path, CURATED_COLUMNS, comment="#")
    for column in ("series_id", "publisher", "location", "statement", "source_document", "retrieved"):
        empty = table[column].str.strip() == ""
        refuse(table, empty, column, path, reason="empty cell", allowed=(f"a non-empty {column}",))
    bad = ~table["series_id"].str.fullmatch(_PUBLISHED_SERIES.pattern)
    refuse(table, bad, "series_id", path, reason="not a published-figures series", allowed=_SERIES_FORM)
    bad = ~table["qualifier"].isin(QUALIFIERS)
    refuse(table, bad, "qualifier", path, reason="unknown qualifier", allowed=_QUALIFIERS_SHOWN)
    bad = ~table["date_precision"].isin(_PRECISIONS)
    refuse(table, bad, "date_precision", path, reason="unknown precision", allowed=_PRECISIONS)
    flags = table["cumulative"].str.strip().str.lower()
    refuse(table, ~flags.isin(("true", "false")), "cumulative", path, reason="not a boolean", allowed=_BOOL)
    value, low, high = (numbers(table, c, path) for c in ("value", "low", "high"))
    disordered = (low > value) | (high < value)
    refuse(
        table, disordered, "low", path, reason="bounds exclude the value", allowed=("low <= value <= high",)
    )
    unbounded = (table["qualifier"] != "") & low.isna()
    refuse(
        table,
        unbounded,
        "low",
        path,
        reason="a qualified figure needs a lower bound",
        allowed=("low = value",),
    )
    corpus = table["corpus"].str.strip()
    note = corpus.map(lambda c: f", quoted in the {c} corpus" if c else "")
    said = table["qualifier"].map(lambda q: f"{q} " if q else "") + value.map(lambda v: f"{v:,.0f}")
    rows = draft(
        table,
        series_id=table["series_id"],
        measure=table["series_id"].str.split(".").str[2],
        location=table["location"],
        date=dates(table, "date", path, fmt="%Y-%m-%d", example="2015-07-02"),
        value=value,
        low=low,
        high=high,
        cumulative=True,
        publisher=table["publisher"],
        dataset="published death tolls" + note,
        definition=table["definition"]
        + "; "
        + said
        + ", "
        + table["statement"]
        + "; found in "
        + table["source_document"],
        url=table["url"].str.strip().replace("", None),
        retrieved=table["retrieved"],
    )
    rows["cumulative"] = flags == "true"
    return finish(rows, path)

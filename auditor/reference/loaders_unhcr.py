"""Loaders for UNHCR's public formats: the popstats annual time series and the Syria regional portal.

popstats (end-of-year stocks, 1951-2016) comes as UNHCR's packed streamgraph JSON and as three CSVs
flattened from it (summed by origin, summed by country of asylum, every cell with Syria as origin or asylum).
The Syria Regional Refugee Response portal gives registered Syrian refugees per host country on irregular
reporting dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from auditor.errors import ReferenceDataError
from auditor.reference.integrity import draft, finish
from auditor.reference.names import place_code
from auditor.reference.parsing import LINE, dates, numbers, read_rows, refuse, year_end, years
from auditor.reference.sources import SOURCES

#: popstats population types the checks use: measure and definition. The other types (returnees, returned
#: IDPs, stateless, others of concern) have no canonical measure and are left out.
POPULATION_TYPES: Final[dict[str, tuple[str, str]]] = {
    "Refugees (incl. refugee-like situations)": (
        "refugees",
        "refugees (incl. refugee-like situations), stock at end of year",
    ),
    "Asylum-seekers": (
        "asylum_applications",
        "asylum-seekers with applications pending, stock at end of year (not new applications)",
    ),
    "Internally displaced persons": (
        "internally_displaced",
        "internally displaced persons protected or assisted by UNHCR, stock at end of year",
    ),
}
_OTHER_TYPES: Final = ("Returned IDPs", "Returnees", "Stateless", "Others of concern")
_KNOWN_TYPES: Final = (*POPULATION_TYPES, *_OTHER_TYPES)
#: Each cell UNHCR suppressed holds 1-4 persons.
_SUPPRESSED_MAX: Final = 4
_REGIONAL_DEFINITION: Final = (
    "Syrian refugees registered with UNHCR (or awaiting registration) in the host country on the report date"
)
_RAW_NAME: Final = re.compile(r"syria-refugees-(?P<country>[a-z]+)-(?P<stamp>\d{6})\.csv")


def _population_types(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Keep the rows of the population types in :data:`POPULATION_TYPES`; an unknown type is an error."""
    kinds = table["population_type"].str.strip()
    refuse(
        table,
        ~kinds.isin(_KNOWN_TYPES),
        "population_type",
        path,
        reason="unknown population type",
        allowed=_KNOWN_TYPES,
        shown=kinds,
    )
    kept = table.loc[kinds.isin(list(POPULATION_TYPES))].copy()
    kept["measure"] = kept["population_type"].str.strip().map(lambda t: POPULATION_TYPES[t][0])
    kept["definition"] = kept["population_type"].str.strip().map(lambda t: POPULATION_TYPES[t][1])
    return kept


def _places(table: pd.DataFrame, column: str, *, regions: bool = False) -> tuple[pd.Series, set[str]]:
    """Place codes of a name column and the set of names that map to no single place."""
    names = table[column].astype(str)
    codes = names.map(lambda n: place_code(n, regions=regions))
    return codes, set(names[codes.isna()].str.strip())


def _suppression_bounds(value: pd.Series, suppressed: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Sums over suppressed cells are lower bounds: low = sum, high = sum + 4 per suppressed cell."""
    has = suppressed > 0
    low = value.where(has)
    high = (value + _SUPPRESSED_MAX * suppressed).where(has)
    note = suppressed.astype(int).map(
        lambda n: (
            f"; {n} cells suppressed by UNHCR (1-4 persons each), so the sum is a lower bound" if n else ""
        )
    )
    return low, high, note


def _popstats_sums(
    path: Path, source_key: str, place_column: str, extra_column: str, *, by_origin: bool
) -> pd.DataFrame:
    """One of popstats' summed tables: per origin over all countries of asylum (``by_origin``: series
    ``unhcr.popstats.<measure>.from_<ISO3>`` at "World"), or per country of asylum over all origins (series
    ``unhcr.popstats.<measure>`` at that country)."""
    source = SOURCES[source_key]
    table = read_rows(path, ("year", place_column, "population_type", "value", extra_column, "n_suppressed"))
    table = _population_types(table, path)
    place, skipped = _places(table, place_column)
    table = table.assign(place_code=place).loc[place.notna()]
    value = numbers(table, "value", path)
    suppressed = numbers(table, "n_suppressed", path).fillna(0)
    low, high, note = _suppression_bounds(value, suppressed)
    series = "unhcr.popstats." + table["measure"]
    rows = draft(
        table,
        series_id=series + ".from_" + table["place_code"] if by_origin else series,
        measure=table["measure"],
        location="World" if by_origin else table["place_code"],
        date=year_end(years(table, "year", path)),
        value=value,
        low=low,
        high=high,
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=table["definition"]
        + (", all countries of asylum" if by_origin else ", all origins")
        + note,
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path, skipped=skipped)


def load_unhcr_popstats_by_origin(path: Path) -> pd.DataFrame:
    """popstats summed over countries of asylum: ``unhcr.popstats.<measure>.from_<ISO3>`` at "World"."""
    return _popstats_sums(path, "unhcr_popstats_by_origin", "origin", "n_asylum_countries", by_origin=True)


def load_unhcr_popstats_by_asylum(path: Path) -> pd.DataFrame:
    """popstats summed over origins: ``unhcr.popstats.<measure>`` hosted in each country of asylum."""
    return _popstats_sums(path, "unhcr_popstats_by_asylum", "country_of_asylum", "n_origins", by_origin=False)


def load_unhcr_popstats_syria_detail(path: Path) -> pd.DataFrame:
    """popstats cells with Syria as origin (by country of asylum) or as asylum (by origin).

    Series ``unhcr.popstats.<measure>.from_SYR`` located in each country of asylum, and
    ``unhcr.popstats.<measure>.from_<origin>`` located in SYR. Empty (suppressed) cells are left out.
    """
    source = SOURCES["unhcr_popstats_syria_detail"]
    table = read_rows(path, ("year", "origin", "country_of_asylum", "population_type", "value"))
    table = _population_types(table, path)
    origin, skipped_o = _places(table, "origin")
    asylum, skipped_a = _places(table, "country_of_asylum")
    table = table.assign(origin_code=origin, asylum_code=asylum)
    table = table.loc[origin.notna() & asylum.notna() & (origin != asylum)]
    value = numbers(table, "value", path)
    rows = draft(
        table,
        series_id="unhcr.popstats." + table["measure"] + ".from_" + table["origin_code"],
        measure=table["measure"],
        location=table["asylum_code"],
        date=year_end(years(table, "year", path)),
        value=value,
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=table["definition"],
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    return finish(rows, path, skipped=skipped_o | skipped_a)


def load_unhcr_popstats_json(path: Path, *, origins: Collection[str] | None = None) -> pd.DataFrame:
    """UNHCR's packed popstats JSON: each origin x asylum cell as ``unhcr.popstats.<measure>.from_<origin>``.

    ``origins`` (ISO3 codes) keeps only those countries of origin. ``null`` cells (suppressed) are left out.
    There are no lines in this format; an error names the JSON key path in place of a row.
    """
    source = SOURCES["unhcr_popstats_json"]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReferenceDataError(path, f"cannot read file: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(path, f"not a JSON document: {exc}") from exc
    if not isinstance(data, dict) or not {"codeValues", "nested"} <= data.keys():
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ReferenceDataError(path, "missing key", value=got, allowed=("codeValues", "nested"))
    names = data["codeValues"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ReferenceDataError(path, "codeValues is not a list of names", column="codeValues")
    codes = [place_code(n) for n in names]
    keep = set(origins) if origins is not None else None
    records: list[tuple[str, str, str, int, float]] = []
    for year, by_type in data["nested"].items():
        for kind, by_origin in by_type.items():
            if kind not in _KNOWN_TYPES:
                raise ReferenceDataError(
                    path, "unknown population type", column=f"nested/{year}", value=kind, allowed=_KNOWN_TYPES
                )
            if kind not in POPULATION_TYPES:
                continue
            for o, by_asylum in by_origin.items():
                origin = _code_at(codes, o, path, f"nested/{year}/{kind}")
                if origin is None or (keep is not None and origin not in keep):
                    continue
                for a, cell in by_asylum.items():
                    asylum = _code_at(codes, a, path, f"nested/{year}/{kind}/{o}")
                    if asylum is None or asylum == origin or cell is None:
                        continue
                    if not isinstance(cell, int | float) or isinstance(cell, bool) or cell < 0:
                        raise ReferenceDataError(
                            path,
                            "not a count",
                            column=f"nested/{year}/{kind}/{o}/{a}",
                            value=cell,
                            allowed=("a number >= 0", "null (suppressed)"),
                        )
                    records.append((origin, asylum, kind, int(year), float(cell)))
    table = pd.DataFrame(records, columns=["origin", "asylum", "kind", "year", "value"])
    table[LINE] = np.zeros(len(table), dtype=np.int64)
    measure = table["kind"].map(lambda t: POPULATION_TYPES[t][0])
    rows = draft(
        table,
        series_id="unhcr.popstats." + measure + ".from_" + table["origin"],
        measure=measure,
        location=table["asylum"],
        date=year_end(table["year"]),
        value=table["value"],
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=table["kind"].map(lambda t: POPULATION_TYPES[t][1]),
        url=source.cite_url,
        retrieved=source.retrieved,
    )
    skipped = {n.strip() for n, c in zip(names, codes, strict=True) if c is None}
    return finish(rows, path, skipped=skipped)


def _code_at(codes: list[str | None], index: str, path: Path, where: str) -> str | None:
    if not index.isdigit() or int(index) >= len(codes):
        raise ReferenceDataError(
            path, "country index out of range", column=where, value=index, allowed=(f"0-{len(codes) - 1}",)
        )
    return codes[int(index)]


def _regional_rows(table: pd.DataFrame, path: Path, country: pd.Series, files: pd.Series) -> pd.DataFrame:
    source = SOURCES["unhcr_syria_regional"]
    stamps = files.str.extract(_RAW_NAME.pattern + "$")["stamp"]
    retrieved = ("20" + stamps.str[0:2] + "-" + stamps.str[2:4] + "-" + stamps.str[4:6]).fillna(
        source.retrieved
    )
    return draft(
        table,
        series_id="unhcr.syria_regional.refugees.from_SYR",
        measure="refugees",
        location=country,
        date=dates(table, "date", path, fmt="%Y-%m-%d", example="2015-08-25"),
        value=numbers(table, "count", path),
        cumulative=False,
        publisher=source.publisher,
        dataset=source.dataset,
        definition=_REGIONAL_DEFINITION,
        url=source.cite_url,
        retrieved=retrieved,
    )


def load_unhcr_syria_regional(path: Path) -> pd.DataFrame:
    """The tidy union of the portal files: ``unhcr.syria_regional.refugees.from_SYR`` per host country."""
    table = read_rows(path, ("host_country", "date", "registered_syrian_refugees", "source_file"))
    table = table.rename(columns={"registered_syrian_refugees": "count"})
    country, skipped = _places(table, "host_country")
    table = table.loc[country.notna()]
    rows = _regional_rows(table, path, country.loc[table.index], table["source_file"].str.strip())
    return finish(rows, path, skipped=skipped)


def load_unhcr_syria_regional_raw(path: Path) -> pd.DataFrame:
    """One raw portal file ``syria-refugees-<country>-<YYMMDD>.csv`` (``date;count`` lines, no header)."""
    match = _RAW_NAME.fullmatch(path.name)
    if match is None:
        raise ReferenceDataError(
            path, "unexpected file name", value=path.name, allowed=("syria-refugees-<country>-<YYMMDD>.csv",)
        )
    code = place_code(match["country"].capitalize())
    if code is None:
        raise ReferenceDataError(path, "unknown host country in the file name", value=match["country"])
    table = read_rows(path, ("date", "count"), delimiter=";", header=("date", "count"))
    rows = _regional_rows(
        table, path, pd.Series(code, index=table.index), pd.Series(path.name, index=table.index)
    )
    return finish(rows, path)

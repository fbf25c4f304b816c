#!/usr/bin/env python3
"""Build the shipped reference pack (``reference/*.csv`` and ``reference/MANIFEST.json``) from public files.

Usage::

    .venv/bin/python scripts/build_reference_pack.py [SHARED] [--out DIR]

``SHARED`` is the shared data folder (default ``$AUDITOR_SHARED`` or ``../shared`` beside the checkout); the
public files are read from ``SHARED/data/reference`` with the loaders in :mod:`auditor.reference`, and the
curated death tolls from ``reference/curated/``. Only the series, places and years that serve news checking
are kept. Re-running on the same inputs writes identical bytes; every file is written atomically.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.claims.places import REGIONS
from auditor.errors import AuditorError
from auditor.reference import LOADERS
from auditor.reference.integrity import COLUMNS
from auditor.reference.names import skipped_places
from auditor.reference.pack import (
    MANIFEST,
    carried_region_sum,
    load_reference,
    region_sums,
    sha256_of,
    write_atomic,
    write_manifest,
    write_pack_csv,
)
from auditor.reference.sources import SOURCES

REPO = Path(__file__).resolve().parents[1]
CURATED = Path("curated") / "syria_death_toll_published.csv"
#: Regions summed from member countries (the publishers' own "World" figures are kept as published).
SUMMED_REGIONS = tuple(r for r in REGIONS if r != "World")
#: The regions a news article names when it says where Syrian refugees went.
REFUGEE_REGIONS = ("Europe", "European Union", "Syria's neighbours")


@dataclass(frozen=True)
class PackFile:
    """One pack file: its name, the public files it draws on, and how to build its rows from them."""

    name: str
    sources: tuple[str, ...]
    build: Callable[[dict[str, pd.DataFrame]], pd.DataFrame]


def _year(table: pd.DataFrame) -> pd.Series:
    return pd.DatetimeIndex(table["date"]).year.to_series(index=table.index)


def _popstats(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Refugees by origin (World), Syrians by country of asylum (+ regions), refugees and IDPs by host."""
    origin = loaded["unhcr_popstats_by_origin"]
    syrian = origin["series_id"].str.endswith(".from_SYR")
    keep_origin = (syrian & (_year(origin) >= 2000)) | (
        (origin["measure"] == "refugees") & (_year(origin) >= 2012)
    )
    detail = loaded["unhcr_popstats_syria_detail"]
    from_syria = detail.loc[detail["series_id"].str.endswith(".from_SYR") & (_year(detail) >= 2011)]
    asylum = loaded["unhcr_popstats_by_asylum"]
    idps = (asylum["measure"] == "internally_displaced") & (asylum["value"] > 0)  # 0 = none UNHCR assists
    keep_asylum = (_year(asylum) >= 2012) & ((asylum["measure"] == "refugees") | idps)
    return pd.concat(
        [
            origin.loc[keep_origin],
            from_syria.loc[from_syria["measure"] == "refugees"],  # pending asylum cases: regions only
            region_sums(from_syria, REFUGEE_REGIONS),
            asylum.loc[keep_asylum],
        ]
    )


def _regional(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Registered Syrian refugees per host, thinned to the last report of each month, and their sum."""
    table = loaded["unhcr_syria_regional"]
    months = pd.DatetimeIndex(table["date"]).to_period("M")
    last = table.assign(month=months).sort_values("date").groupby(["location", "month"]).tail(1)
    total = carried_region_sum(table, "Syria's neighbours", url=SOURCES["unhcr_syria_regional"].cite_url)
    return pd.concat([last.drop(columns="month"), total])


def _idmc(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    table = loaded["idmc_displacement"]
    return table.loc[~table["series_id"].str.startswith("idmc.disaster_")]


def _eurostat(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    by_citizen = loaded["eurostat_first_time_by_citizenship"]
    syrians = by_citizen.loc[by_citizen["series_id"].str.endswith(".from_SYR")]
    return pd.concat([syrians, loaded["eurostat_totals"]])


def _population(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every year the World Bank publishes (pre-war and historic claims need the old years), and region sums."""
    table = loaded["worldbank_population"]
    countries = table.loc[table["location"] != "World"]
    return pd.concat([table, region_sums(countries, SUMMED_REGIONS)])


def _vdc(loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The cumulative documented-deaths series at the last day with records of each month."""
    table = loaded["vdc_documented_deaths"]
    months = pd.DatetimeIndex(table["date"]).to_period("M")
    return table.assign(month=months).groupby("month").tail(1).drop(columns="month")


def _since(key: str, year: int) -> Callable[[dict[str, pd.DataFrame]], pd.DataFrame]:
    return lambda loaded: loaded[key].loc[_year(loaded[key]) >= year]


def _only(key: str) -> Callable[[dict[str, pd.DataFrame]], pd.DataFrame]:
    return lambda loaded: loaded[key]


PACK: tuple[PackFile, ...] = (
    PackFile(
        "unhcr_popstats.csv",
        ("unhcr_popstats_by_origin", "unhcr_popstats_syria_detail", "unhcr_popstats_by_asylum"),
        _popstats,
    ),
    PackFile("unhcr_syria_regional.csv", ("unhcr_syria_regional",), _regional),
    PackFile("unhcr_asylum_monthly.csv", ("unhcr_asylum_monthly",), _only("unhcr_asylum_monthly")),
    PackFile("idmc_displacement.csv", ("idmc_displacement",), _idmc),
    PackFile("eurostat_asylum.csv", ("eurostat_first_time_by_citizenship", "eurostat_totals"), _eurostat),
    PackFile("ucdp_brd.csv", ("ucdp_brd",), _since("ucdp_brd", 2005)),
    PackFile("worldbank_population.csv", ("worldbank_population",), _population),
    PackFile("vdc_documented_deaths.csv", ("vdc_documented_deaths",), _vdc),
    PackFile("iom_missing_migrants.csv", ("iom_missing_migrants",), _only("iom_missing_migrants")),
    PackFile("published_death_tolls.csv", ("published_death_tolls",), _only("published_death_tolls")),
)


def provenance(shared: Path) -> dict[str, dict[str, str]]:
    """The ``data/PROVENANCE.md`` table rows by file path (``…/name`` resolved against the row above)."""
    text = (shared / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    entries: dict[str, dict[str, str]] = {}
    header: list[str] = []
    folder = ""
    for line in text.splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = [c.strip("` ") for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        match = re.match(r"`([^`]+)`", cells[0])
        if match is None:
            continue
        path = match.group(1)
        if path.startswith("…/"):
            path = folder + path[2:]
        folder = path.rsplit("/", 1)[0] + "/"
        entries[path] = {h: c.replace("`", "") for h, c in zip(header[1:], cells[1:], strict=False)}
    return entries


def _provenance_of(entries: dict[str, dict[str, str]], path: str) -> dict[str, str] | None:
    """The PROVENANCE row of ``path``: its own row, else a row whose path is a glob matching it."""
    if path in entries:
        return entries[path]
    return next((entry for pattern, entry in entries.items() if fnmatch.fnmatch(path, pattern)), None)


def _source_record(shared: Path, key: str, entries: dict[str, dict[str, str]]) -> dict[str, Any]:
    source = SOURCES[key]
    path = shared / source.shared_path
    record: dict[str, Any] = {
        "path": source.shared_path,
        "sha256": sha256_of(path),
        "publisher": source.publisher,
        "dataset": source.dataset,
        "url": source.url,
        "homepage": source.homepage,
        "retrieved": source.retrieved,
        "provenance": _provenance_of(entries, source.shared_path),
    }
    if key == "published_death_tolls":
        record.update(
            publisher="United Nations; Syrian Observatory for Human Rights", url=None, retrieved=None
        )
    return record


def _file_record(
    name: str, folder: Path, table: pd.DataFrame, sources: list[dict[str, Any]]
) -> dict[str, Any]:
    dates = pd.DatetimeIndex(table["date"])
    return {
        "file": name,
        "sha256": sha256_of(folder / name),
        "bytes": (folder / name).stat().st_size,
        "rows": len(table),
        "publishers": sorted(table["publisher"].unique().tolist()),
        "datasets": sorted(table["dataset"].unique().tolist()),
        "series": sorted(table["series_id"].unique().tolist()),
        "as_of": {"first": dates.min().date().isoformat(), "last": dates.max().date().isoformat()},
        "sources": sources,
    }


def load_sources(shared: Path, curated: Path) -> dict[str, pd.DataFrame]:
    """Every file the pack draws on, loaded and validated; left-out place names go to stderr."""
    loaded: dict[str, pd.DataFrame] = {}
    for key in sorted({k for f in PACK for k in f.sources}):
        path = curated if key == "published_death_tolls" else shared / SOURCES[key].shared_path
        loaded[key] = LOADERS[key](path)
        skipped = skipped_places(loaded[key])
        if skipped:
            print(
                f"{key}: left out {len(skipped)} names that are no single place: {'; '.join(skipped)}",
                file=sys.stderr,
            )
    return loaded


def build(shared: Path, out: Path, curated: Path | None = None) -> dict[str, Any]:
    """Write every pack file and the MANIFEST into ``out``; returns the manifest.

    ``curated`` is the hand-curated death-toll table (default: the checkout's ``reference/curated``); it is
    copied into ``out`` when ``out`` is another folder, so that the pack there is complete.
    """
    curated = curated or REPO / "reference" / CURATED
    if curated.resolve() != (out / CURATED).resolve():
        write_atomic(out / CURATED, curated.read_bytes())
    loaded = load_sources(shared, curated)
    entries = provenance(shared)
    records = []
    for pack_file in PACK:
        table = pack_file.build(loaded)
        write_pack_csv(table, out / pack_file.name)
        checked = load_reference([out / pack_file.name])
        records.append(
            _file_record(
                pack_file.name, out, checked, [_source_record(shared, k, entries) for k in pack_file.sources]
            )
        )
    wanted = {f.name for f in PACK}
    for stale in sorted(out.glob("*.csv")):
        if stale.name not in wanted:
            print(f"removing {stale.name}: no longer part of the pack", file=sys.stderr)
            stale.unlink()
    load_reference([out])  # the whole pack loads together: no key in two files
    curated_source = _source_record(shared, "published_death_tolls", entries)
    manifest: dict[str, Any] = {
        "pack": "auditor reference pack",
        "built_by": "scripts/build_reference_pack.py",
        "shared": "paths of sources are relative to the shared data folder (../shared beside the checkout)",
        "columns": list(COLUMNS),
        "files": records,
        "curated": [
            {
                "file": CURATED.as_posix(),
                "sha256": sha256_of(out / CURATED),
                "rows": len(loaded["published_death_tolls"]),
                "sources": [curated_source],
            }
        ],
    }
    write_manifest(out, manifest)
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit status 2 on bad input, naming the file and row."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_shared = os.environ.get("AUDITOR_SHARED") or str(REPO.parent / "shared")
    parser.add_argument("shared", nargs="?", default=default_shared, type=Path, help="shared data folder")
    parser.add_argument("--out", default=REPO / "reference", type=Path, help="pack folder to write")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "reference").is_dir():
        print(f"error: {args.shared}/data/reference is not a folder", file=sys.stderr)
        return 2
    try:
        manifest = build(args.shared, args.out)
    except AuditorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    total = sum(f["bytes"] for f in manifest["files"])
    rows = sum(f["rows"] for f in manifest["files"])
    files = len(manifest["files"])
    print(f"wrote {files} files, {rows} rows, {total / 1e6:.2f} MB and {MANIFEST} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The reference pack: CSV files whose columns are exactly the reference table's, plus a MANIFEST.

:func:`load_reference` reads pack files (or folders of them, or data packages) into one validated reference
table, and with no argument loads the shipped pack once per process; :func:`load_reference_with_shipped` is what
``--reference`` (added to the shipped pack) and ``--no-default-reference`` select.
:func:`write_pack_csv` and :func:`write_manifest` write them back deterministically and atomically, and
:func:`region_sums` / :func:`carried_region_sum` build the named-region aggregates the builder adds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.claims.lexicon import iso3_codes
from auditor.claims.places import REGIONS, region_members
from auditor.errors import ReferenceDataError, UsageError
from auditor.io.destinations import write_bytes
from auditor.reference.datapackage import DESCRIPTOR, datapackage_files, is_datapackage
from auditor.reference.integrity import COLUMNS, finish
from auditor.reference.parsing import FILE, LINE, dates, numbers, read_rows, refuse
from auditor.resources import reference_dir

MANIFEST: Final = "MANIFEST.json"
SERIES_ID: Final = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+\.[a-z_]+(?:\.from_[A-Z]{3})?")
_REQUIRED: Final = ("series_id", "measure", "location", "publisher", "dataset")
_BOOLEANS: Final = {"true": True, "false": False}
_SERIES_FORM: Final = ("<publisher>.<dataset>.<measure>[.from_<ISO3>] in lower case",)
_PLACES: Final = ("an ISO 3166-1 alpha-3 code", *REGIONS)


# --- reading ------------------------------------------------------------------------------------------------


def load_reference(paths: Iterable[Path | str] | None = None) -> pd.DataFrame:
    """Pack CSV files, folders of them (``*.csv`` directly inside) and data packages as one reference table.

    ``None`` loads the shipped pack (:func:`auditor.resources.reference_dir`), cached for the process; callers
    get a copy they may modify. Duplicate keys across files are errors like duplicates within one file.
    """
    if paths is None:
        return _default_pack().copy()
    return _load(tuple(Path(p) for p in paths))


def load_reference_with_shipped(paths: Iterable[Path | str] = (), *, shipped: bool = True) -> pd.DataFrame:
    """What ``--reference PATH ...`` and ``--no-default-reference`` select: the shipped pack plus ``paths``
    (or ``paths`` alone when ``shipped`` is false). A key in a user file and in the shipped pack is an error."""
    extra = tuple(Path(p) for p in paths)
    if not extra:
        if not shipped:
            raise UsageError(
                "--no-default-reference", True, reason="give at least one --reference PATH with it"
            )
        return load_reference()
    return _load((reference_dir(), *extra) if shipped else extra)


def reference_files(paths: Iterable[Path | str]) -> tuple[Path, ...]:
    """The pack CSV files behind ``paths``: a file itself, a data package's resources (``datapackage.json`` or
    its folder), else a folder's ``*.csv`` files."""
    files: list[Path] = []
    for path in (Path(p) for p in paths):
        if is_datapackage(path):
            files.extend(datapackage_files(path))
        elif path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                raise ReferenceDataError(
                    path, "no reference CSV files in this folder", allowed=("*.csv", DESCRIPTOR)
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ReferenceDataError(path, "no such file or folder")
    return tuple(files)


@cache
def _default_pack() -> pd.DataFrame:
    return _load((reference_dir(),))


def _load(paths: tuple[Path, ...]) -> pd.DataFrame:
    files = reference_files(paths)
    if not files:
        raise ReferenceDataError(None, "no reference files given")
    raw = pd.concat([read_pack_csv(f) for f in files], ignore_index=True)
    return finish(_draft(raw, files[0]), files[0])


def read_pack_csv(path: Path) -> pd.DataFrame:
    """The cells of one pack file as text, with ``_line`` and ``_file``; checks the header."""
    try:
        raw = path.read_bytes()
        table = pd.read_csv(
            io.BytesIO(raw), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
    except OSError as exc:
        raise ReferenceDataError(path, f"cannot read file: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _unreadable(path, raw, exc) from exc
    names = [str(c).strip() for c in table.columns]
    table.columns = pd.Index(names)
    for name in COLUMNS:
        if name not in names:
            raise ReferenceDataError(
                path,
                f"missing column; the header has {', '.join(names)}",
                row=1,
                column=name,
                allowed=COLUMNS,
            )
    for name in names:
        if name not in COLUMNS:
            raise ReferenceDataError(path, "unexpected column", row=1, column=name, allowed=COLUMNS)
    if raw.count(b"\n") - raw.endswith(b"\n") + 1 == len(table) + 1:
        table[LINE] = np.arange(2, len(table) + 2, dtype=np.int64)
    else:  # quoted line breaks: count lines the slow way
        table[LINE] = read_rows(path, COLUMNS)[LINE].to_numpy()
    table[FILE] = str(path)
    return table


def _unreadable(path: Path, raw: bytes, exc: Exception) -> ReferenceDataError:
    """The error for a file pandas cannot read as CSV, with the file line (``row``) where pandas stopped."""
    row: int | None = None
    if isinstance(exc, UnicodeDecodeError):
        row = raw.count(b"\n", 0, exc.start) + 1
        reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
    elif isinstance(exc, pd.errors.EmptyDataError):
        reason = "empty file, not even a header"
    else:  # pandas names a 1-based "line", or a 0-based "row" counting the header as row 0
        message = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
        if found := re.search(r"\bline (\d+)", message):
            row = int(found.group(1))
        elif found := re.search(r"\brow (\d+)", message):
            row = int(found.group(1)) + 1
            message = f"{message[: found.start()]}row {row}{message[found.end() :]}"
        reason = f"malformed CSV: {message}"
    return ReferenceDataError(
        path, reason, row=row, allowed=(f"UTF-8 CSV with the header {','.join(COLUMNS)}",)
    )


def _draft(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Typed draft rows from pack cells; each error names the row's own file (``_file``)."""
    cells = {column: table[column].str.strip() for column in _REQUIRED}  # each column stripped once
    for column in _REQUIRED:
        empty = cells[column] == ""
        refuse(table, empty, column, path, reason="empty cell", allowed=(f"a non-empty {column}",))
    ids = cells["series_id"]
    bad = ~ids.str.fullmatch(SERIES_ID.pattern)
    refuse(table, bad, "series_id", path, reason="malformed series id", allowed=_SERIES_FORM)
    locations = cells["location"]
    bad = ~locations.isin(set(REGIONS) | iso3_codes())
    refuse(table, bad, "location", path, reason="unknown place code", allowed=_PLACES)
    flags = table["cumulative"].str.strip().str.lower()
    refuse(
        table, ~flags.isin(_BOOLEANS), "cumulative", path, reason="not a boolean", allowed=tuple(_BOOLEANS)
    )
    optional = {c: table[c].str.strip().replace("", None) for c in ("unit", "definition", "url", "retrieved")}
    return pd.DataFrame(
        {
            "series_id": ids,
            "measure": cells["measure"],
            "location": locations,
            "date": dates(table, "date", path, fmt="%Y-%m-%d", example="2015-12-31"),
            "value": numbers(table, "value", path),
            "low": numbers(table, "low", path),
            "high": numbers(table, "high", path),
            "unit": optional["unit"],
            "cumulative": flags.map(_BOOLEANS).astype(bool),
            "publisher": cells["publisher"],
            "dataset": cells["dataset"],
            "definition": optional["definition"],
            "url": optional["url"],
            "retrieved": optional["retrieved"],
            LINE: table[LINE],
            FILE: table[FILE],
        },
        index=table.index,
    )


# --- writing ------------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    if pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else format(float(value), ".10g")


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    text = str(cell)
    if "\n" in text or "\r" in text:
        raise ReferenceDataError(None, "line break inside a cell", value=text)
    return text


def pack_csv_text(table: pd.DataFrame) -> str:
    """The pack-format CSV text of a reference table: fixed column order, ISO dates, no float noise."""
    ordered = table.sort_values(["series_id", "location", "date"], kind="stable")
    cells: dict[str, list[str]] = {}
    for column in COLUMNS:
        series = ordered[column]
        if column == "date":
            cells[column] = list(pd.DatetimeIndex(series).strftime("%Y-%m-%d"))
        elif column in ("value", "low", "high"):
            cells[column] = [_number(v) for v in series.astype(float)]
        elif column == "cumulative":
            cells[column] = ["true" if bool(v) else "false" for v in series]
        else:
            cells[column] = [_text(v) for v in series.astype(object)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(zip(*(cells[c] for c in COLUMNS), strict=True))
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as :func:`auditor.io.destinations.write_bytes` does (atomically for a file)."""
    write_bytes(path, data, make_parents=True)


def write_pack_csv(table: pd.DataFrame, path: Path) -> str:
    """Write a reference table as a pack file atomically; returns the file's sha256."""
    data = pack_csv_text(table).encode("utf-8")
    write_atomic(path, data)
    return hashlib.sha256(data).hexdigest()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``MANIFEST.json`` deterministically (given key order, two-space indent, final newline)."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(folder / MANIFEST, text.encode("utf-8"))


def read_manifest(folder: Path | None = None) -> dict[str, Any]:
    """The pack's MANIFEST (default: the shipped pack), e.g. for a report's methods footer."""
    path = (folder or reference_dir()) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReferenceDataError(path, f"cannot read manifest: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(path, f"not a JSON document: {exc}", row=exc.lineno) from exc
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ReferenceDataError(path, "manifest has no list of files", column="files")
    return data


def verify_manifest(folder: Path | None = None) -> list[str]:
    """How the MANIFEST and the files beside it differ (missing, changed, unlisted); empty when intact."""
    folder = folder or reference_dir()
    manifest = read_manifest(folder)
    problems = []
    listed = set()
    for entry in [*manifest["files"], *manifest.get("curated", [])]:
        name = entry["file"]
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: listed in {MANIFEST} but missing")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{name}: sha256 differs from {MANIFEST}")
    for path in sorted(folder.glob("*.csv")):
        if path.name not in listed:
            problems.append(f"{path.name}: not listed in {MANIFEST}")
    return problems


# --- region aggregates --------------------------------------------------------------------------------------


def region_sums(table: pd.DataFrame, regions: Iterable[str]) -> pd.DataFrame:
    """Each series summed over each region's member countries, per as-of date.

    ``low``/``high`` of the sum are the sums of the members' bounds (a member without bounds adds its value)
    when any member has bounds. The definition says which members were summed, out of how many.
    """
    parts = []
    for region in regions:
        members = region_members(region)
        sub = table.loc[table["location"].isin(members)].copy()
        if sub.empty:
            continue
        sub["low_or_value"] = sub["low"].fillna(sub["value"])
        sub["high_or_value"] = sub["high"].fillna(sub["value"])
        grouped = sub.groupby(["series_id", "date"], sort=True).agg(
            value=("value", "sum"),
            low=("low_or_value", "sum"),
            high=("high_or_value", "sum"),
            any_low=("low", "count"),
            any_high=("high", "count"),
            members=("location", "nunique"),
            **{c: (c, "first") for c in ("measure", "unit", "cumulative", "publisher", "dataset", "url")},
            **{c: (c, "first") for c in ("definition", "retrieved")},
        )
        grouped = grouped.reset_index()
        grouped["low"] = grouped["low"].where(grouped["any_low"] > 0)
        grouped["high"] = grouped["high"].where(grouped["any_high"] > 0)
        base = grouped["definition"].fillna("").str.replace(r";.*$", "", regex=True)
        grouped["definition"] = (
            base
            + "; sum over the "
            + grouped["members"].astype(str)
            + f" of {len(members)} member countries of {region} with a figure (auditor.claims.places.region_members)"
        )
        grouped["location"] = region
        parts.append(grouped.loc[:, list(COLUMNS)])
    return pd.concat(parts, ignore_index=True) if parts else table.iloc[0:0].loc[:, list(COLUMNS)]


def carried_region_sum(
    table: pd.DataFrame, region: str, *, max_age_days: int = 92, url: str | None = None
) -> pd.DataFrame:
    """Sum of irregularly reported members at each month-end, each member's latest figure carried forward.

    A month counts only when every member has a figure no older than ``max_age_days``; the sum is dated at the
    newest member figure it includes (when it could first have been known). ``url`` replaces the members' own.
    """
    members = sorted(region_members(region))
    parts = []
    for series_id, series in table.loc[table["location"].isin(members)].groupby("series_id", sort=True):
        wide = series.pivot(index="date", columns="location", values="value").sort_index()
        if set(wide.columns) != set(members):
            continue
        stamps = pd.DatetimeIndex(wide.index)
        months = pd.date_range(stamps.min(), stamps.max() + pd.offsets.MonthEnd(1), freq="ME")
        rows = []
        for month in months:
            upto = series.loc[series["date"] <= month]
            latest = upto.sort_values("date").groupby("location").tail(1)
            if len(latest) < len(members):
                continue
            if (month - latest["date"]).max() > pd.Timedelta(days=max_age_days):
                continue
            rows.append((latest["date"].max(), latest["value"].sum(), month))
        if not rows:
            continue
        sums = pd.DataFrame(rows, columns=["date", "value", "month"]).drop_duplicates("date", keep="last")
        first = series.iloc[0]
        base = str(first["definition"]).split(";")[0]
        parts.append(
            pd.DataFrame(
                {
                    "series_id": series_id,
                    "measure": first["measure"],
                    "location": region,
                    "date": sums["date"].to_numpy(),
                    "value": sums["value"].to_numpy(),
                    "low": np.nan,
                    "high": np.nan,
                    "unit": first["unit"],
                    "cumulative": bool(first["cumulative"]),
                    "publisher": first["publisher"],
                    "dataset": first["dataset"],
                    "definition": f"{base}; sum over {', '.join(members)} of each country's latest figure "
                    f"on or before the date (none older than {max_age_days} days)",
                    "url": url if url is not None else first["url"],
                    "retrieved": series["retrieved"].max(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else table.iloc[0:0].loc[:, list(COLUMNS)]

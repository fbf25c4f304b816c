"""Reading public reference files cell by cell, keeping the line each row came from.

Every reader returns a DataFrame of *strings* plus a ``_line`` column (1-based line number in the file, header
included), so that any later complaint can name the file, the line and the column. Cell parsers turn those
strings into numbers and dates: suppressed or missing cells (:data:`SUPPRESSED`) become NaN, any other text
that is not a number raises :class:`~auditor.errors.ReferenceDataError` naming file, row, column and value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from auditor.errors import ReferenceDataError

LINE: Final = "_line"
#: Column naming the file of each row when a table merges several files.
FILE: Final = "_file"
#: Cells publishers use for "suppressed", "not available" or "not applicable"; read as missing.
SUPPRESSED: Final = frozenset({"", "*", "..", "-", ":", "NA", "n/a"})
_LINE_END: Final = re.compile(r"(?<=\n)")
_SEPARATORS: Final = r"[,\u00a0 ]"
_NUMBER_ALLOWED: Final = (
    "a number (thousands separators allowed)",
    "a suppressed cell: *, .., -, :, NA or empty",
)


def read_rows(
    path: Path,
    required: Sequence[str],
    *,
    delimiter: str = ",",
    header: Sequence[str] | None = None,
    encoding: str = "utf-8-sig",
    comment: str | None = None,
) -> pd.DataFrame:
    """Read a delimited text file into string columns plus ``_line``; check the ``required`` columns exist.

    ``header`` names the columns of a file that has no header row (every line is data). Blank lines, and lines
    starting with ``comment`` when given, are skipped.
    """
    try:
        with path.open(encoding=encoding, newline="") as handle:
            records = _records(path, handle.read(), delimiter, comment)
    except OSError as exc:
        raise ReferenceDataError(path, f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, f"not {encoding} text (byte {exc.start}: {exc.reason})") from exc
    if header is None:
        if not records:
            raise ReferenceDataError(path, "empty file: no header row", row=1, allowed=required)
        first_line, names = records[0]
        names = [n.strip() for n in names]
        records = records[1:]
    else:
        first_line, names = 0, list(header)
    missing = [c for c in required if c not in names]
    if missing:
        raise ReferenceDataError(
            path,
            f"missing column {missing[0]!r}; the header has {', '.join(repr(n) for n in names)}",
            row=first_line or 1,
            column=missing[0],
            allowed=required,
        )
    width = len(names)
    for line, cells in records:
        if len(cells) != width:
            raise ReferenceDataError(
                path,
                f"row has {len(cells)} cells but the header has {width} columns",
                row=line,
                value=delimiter.join(cells),
            )
    table = pd.DataFrame([cells for _, cells in records], columns=names, dtype=object)
    if not records:
        table = pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    table[LINE] = np.array([line for line, _ in records], dtype=np.int64)
    return table


def _records(path: Path, text: str, delimiter: str, comment: str | None) -> list[tuple[int, list[str]]]:
    """CSV records with the file line each starts on (records may span lines inside quotes)."""
    numbered = [
        (number, line)
        for number, line in enumerate(_LINE_END.split(text), start=1)
        if line and not (comment is not None and line.startswith(comment))
    ]
    reader = csv.reader((line for _, line in numbered), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    consumed = 0
    try:
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                records.append((numbered[consumed][0], cells))
            consumed = reader.line_num
    except csv.Error as exc:
        line = numbered[min(consumed, len(numbered) - 1)][0] if numbered else 1
        raise ReferenceDataError(path, f"malformed CSV: {exc}", row=line) from exc
    return records


def refuse(
    table: pd.DataFrame,
    bad: pd.Series,
    column: str,
    path: Path,
    *,
    reason: str,
    allowed: Sequence[str],
    shown: pd.Series | None = None,
) -> None:
    """Raise for the first row where ``bad`` holds, naming its file, line, ``column`` and cell.

    The file is the row's ``_file`` when the table merges several files, else ``path``; ``shown`` replaces the
    cell text in the message (e.g. the stripped text).
    """
    bad = bad.fillna(False).astype(bool)
    if not bad.any():
        return
    i = int(np.argmax(bad.to_numpy()))
    where = Path(table[FILE].iloc[i]) if FILE in table.columns else path
    value = (shown if shown is not None else table[column]).iloc[i]
    raise ReferenceDataError(
        where, reason, row=int(table[LINE].iloc[i]), column=column, value=value, allowed=allowed
    )


def numbers(table: pd.DataFrame, column: str, path: Path, *, negative: bool = False) -> pd.Series:
    """Parse ``column`` as numbers: thousands separators dropped, suppressed cells NaN, other text an error.

    Negative numbers are errors unless ``negative`` is true (counts of people cannot be negative).
    """
    raw = table[column].astype(str)
    parsed = pd.to_numeric(raw, errors="coerce").astype(float)
    retry = parsed.isna()
    if retry.any():  # slow path only for cells that are not plain numbers
        text = raw[retry].str.strip()
        missing = text.isin(SUPPRESSED)
        written = text[~missing]  # suppressed cells (most: empty low and high) stay NaN without the regex
        if len(written):
            cleaned = written.str.replace(_SEPARATORS, "", regex=True)
            parsed[written.index] = pd.to_numeric(cleaned, errors="coerce").astype(float)
        bad = pd.Series(False, index=raw.index)
        bad[retry] = parsed[retry].isna() & ~missing
        refuse(
            table, bad, column, path, reason="not a number", allowed=_NUMBER_ALLOWED, shown=raw.str.strip()
        )
    refuse(table, parsed.abs() == np.inf, column, path, reason="not a finite number", allowed=_NUMBER_ALLOWED)
    if not negative:
        refuse(table, parsed < 0, column, path, reason="negative value", allowed=("a number >= 0",))
    return parsed


def dates(table: pd.DataFrame, column: str, path: Path, *, fmt: str, example: str) -> pd.Series:
    """Parse ``column`` as dates in ``fmt``; other text is an error naming the form expected."""
    raw = table[column].astype(str).str.strip()
    parsed = pd.to_datetime(raw, format=fmt, errors="coerce")
    refuse(
        table,
        parsed.isna(),
        column,
        path,
        reason="not a date",
        allowed=(f"a date like {example}",),
        shown=raw,
    )
    return parsed.astype("datetime64[ns]")


def years(table: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """Parse ``column`` as calendar years (four digits, 1900-2100)."""
    raw = table[column].astype(str).str.strip()
    parsed = pd.to_numeric(raw.where(raw.str.fullmatch(r"\d{4}")), errors="coerce")
    bad = parsed.isna() | (parsed < 1900) | (parsed > 2100)
    refuse(table, bad, column, path, reason="not a year", allowed=("a four-digit year 1900-2100",), shown=raw)
    return parsed.astype(np.int64)


def year_end(year: pd.Series) -> pd.Series:
    """31 December of each year: the as-of date of an annual stock or of a flow over the calendar year."""
    return pd.to_datetime(year.astype(str) + "-12-31", format="%Y-%m-%d").astype("datetime64[ns]")

"""Writing tables for people and programs: a terminal table, CSV, a JSON array or JSON lines, in batches.

Every format is a :class:`Writer` opened once with :func:`open_writer`, fed one DataFrame per batch and
closed, so a command can stream any number of rows in constant memory; :func:`write_table` does all three for
one frame.

Machine formats (``csv``, ``json``, ``jsonl``) write exactly the chosen columns in order, missing values as
empty (CSV) or ``null`` (JSON), timestamps as ``YYYY-MM-DD`` and floats as floats (``250000.0``). They are
vectorised (``DataFrame.to_json``/``to_csv`` per batch), never a Python loop per row.

The ``table`` format is for an editor at a terminal. For a claims table it shows the article, the quoted
surface, how the number was read (``> 250,000``, ``≈ 11,000,000``, ``2,000,000–3,000,000``), kind, unit,
measure, place and as-of date. Column widths are fixed from the first batch and the terminal width, so every
batch lines up under one header; long cells are cut with ``…``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Final, Protocol, TextIO

import numpy as np
import pandas as pd

from auditor.errors import UsageError
from auditor.io.destinations import open_text

FORMATS: Final = ("table", "csv", "json", "jsonl")

#: What the ``table`` format shows of a claims table (``doc`` and ``reading`` are derived).
CLAIMS_VIEW: Final = ("doc", "surface", "reading", "kind", "unit", "measure", "location", "as_of")
_VIEW_NEEDS: Final = frozenset({"doc_id", "surface", "comparator", "value", "low", "high"})
#: Widest a column of the table format grows; columns not named here get ``_DEFAULT_CAP``.
_CAPS: Final = {
    "doc": 30,
    "surface": 48,
    "reading": 30,
    "kind": 16,
    "unit": 12,
    "measure": 22,
    "location": 18,
    "as_of": 10,
    "sentence": 60,
    "message": 80,
}
_DEFAULT_CAP: Final = 30
#: Width a column gets even when the first batch's cells are shorter (later batches may hold longer ones).
_ROOM: Final = {
    "doc": 16,
    "surface": 24,
    "reading": 14,
    "kind": 16,
    "measure": 12,
    "location": 8,
    "as_of": 10,
}
#: Width a column keeps while others can still be narrowed (the quote matters most to an editor).
_KEEP: Final = {"doc": 12, "surface": 30, "reading": 20, "as_of": 10}
_MIN_WIDTH: Final = 4
_GAP: Final = "  "
#: Columns cut in the middle: ids and paths differ at their ends ("bbc-…-0412", "articles/…/story.md").
_CUT_MIDDLE: Final = frozenset({"doc", "doc_id", "claim_id", "finding_id", "series_id"})
_SYMBOLS: Final = {"eq": "", "approx": "≈ ", "gt": "> ", "ge": "≥ ", "lt": "< ", "le": "≤ "}


class Writer(Protocol):
    """Receives a table batch by batch and finishes the output on :meth:`close`."""

    def write(self, frame: pd.DataFrame) -> None:
        """Write the rows of one batch."""

    def close(self) -> None:
        """Finish the output (closing brackets, a header for an empty result); the stream stays open."""


def open_writer(
    fmt: str, stream: TextIO, columns: Sequence[str] | None = None, *, width: int | None = None
) -> Writer:
    """A writer for ``fmt`` (one of :data:`FORMATS`) onto ``stream``.

    ``columns`` are the columns written, in order (all of the frame's when ``None``); for ``table`` they are
    the columns shown, by default :data:`CLAIMS_VIEW` for a claims table. ``width`` bounds the table's line
    length (default: the terminal's).
    """
    cols = tuple(columns) if columns is not None else None
    if fmt == "jsonl":
        return JsonLinesWriter(stream, cols)
    if fmt == "json":
        return JsonArrayWriter(stream, cols)
    if fmt == "csv":
        return CsvWriter(stream, cols)
    if fmt == "table":
        return TableWriter(stream, cols, width=width)
    raise UsageError("--format", fmt, allowed=FORMATS)


def write_table(df: pd.DataFrame, fmt: str, stream: TextIO, *, columns: Sequence[str] | None = None) -> None:
    """Write one whole table in ``fmt``."""
    writer = open_writer(fmt, stream, columns)
    writer.write(df)
    writer.close()


@contextmanager
def atomic_output(path: str | Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text stream onto ``path`` for ``-o PATH``, written as :func:`auditor.io.destinations.open_text` says.

    A regular or new file is replaced in one step when the block ends without an exception (on an exception
    it is left as it was); ``/dev/null``, other character devices and named pipes are written straight through;
    ``-`` is standard output; a folder is refused with :class:`~auditor.errors.OutputError`.
    """
    with open_text(path, encoding=encoding) as stream:
        yield stream


# --- machine formats ----------------------------------------------------------------------------------------


def _machine_frame(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The chosen columns, timestamps as ``YYYY-MM-DD`` strings (missing stays missing)."""
    out = frame[list(columns)] if columns is not None else frame
    dates = [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c])]
    if dates:
        out = out.assign(**{str(c): out[c].dt.strftime("%Y-%m-%d") for c in dates})
    return out


#: Rows turned into JSON at a time: the JSON text of a batch is built (and copied) a slice at a time, so a batch
#: of long rows (a sentence each) never sits in memory as JSON at once.
_JSON_ROWS: Final = 2000


def _json_lines(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> Iterator[str]:
    out = _machine_frame(frame, columns)
    for start in range(0, len(out), _JSON_ROWS):
        text = out.iloc[start : start + _JSON_ROWS].to_json(
            orient="records", lines=True, force_ascii=False, double_precision=15
        )
        yield text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True, slots=True)
class JsonLines:
    """Renders a batch as the JSON lines :class:`JsonLinesWriter` writes for it; picklable, so that a ``--jobs``
    worker renders its own batches and the command only writes the text."""

    columns: tuple[str, ...] | None

    def __call__(self, frame: pd.DataFrame) -> str:
        return "".join(_json_lines(frame, self.columns))


def line_renderer(fmt: str, columns: Sequence[str] | None) -> JsonLines | None:
    """For ``jsonl`` (whose lines stand alone), what renders a batch as its text; None for the other formats."""
    return JsonLines(tuple(columns) if columns is not None else None) if fmt == "jsonl" else None


def write_rows(writer: Writer, stream: TextIO, rows: pd.DataFrame | str) -> None:
    """A batch's rows: a frame through ``writer``, or the text a worker rendered (:class:`JsonLines`) as it is."""
    if isinstance(rows, str):
        stream.write(rows)
    else:
        writer.write(rows)


class JsonLinesWriter:
    """One JSON object per row and line."""

    def __init__(self, stream: TextIO, columns: tuple[str, ...] | None) -> None:
        self._stream = stream
        self._columns = columns

    def write(self, frame: pd.DataFrame) -> None:
        """Append the batch's rows."""
        for text in _json_lines(frame, self._columns):
            self._stream.write(text)

    def close(self) -> None:
        """Nothing to finish: every line stands alone."""


class JsonArrayWriter:
    """One JSON array of row objects across all batches (``[]`` when there are none)."""

    def __init__(self, stream: TextIO, columns: tuple[str, ...] | None) -> None:
        self._stream = stream
        self._columns = columns
        self._opened = False

    def write(self, frame: pd.DataFrame) -> None:
        """Append the batch's rows to the array."""
        # A JSON string never holds a raw newline: the newlines of JSON lines are exactly the row separators.
        for text in _json_lines(frame, self._columns):
            self._stream.write((",\n" if self._opened else "[\n") + text.rstrip("\n").replace("\n", ",\n"))
            self._opened = True

    def close(self) -> None:
        """Close the array."""
        self._stream.write("\n]\n" if self._opened else "[]\n")


class CsvWriter:
    """CSV with one header line across all batches (header only if no rows came but columns are known)."""

    def __init__(self, stream: TextIO, columns: tuple[str, ...] | None) -> None:
        self._stream = stream
        self._columns = columns
        self._header_written = False

    def write(self, frame: pd.DataFrame) -> None:
        """Append the batch's rows (and the header before the first)."""
        if not len(frame) and self._header_written:
            return
        _machine_frame(frame, self._columns).to_csv(
            self._stream, index=False, header=not self._header_written, lineterminator="\n"
        )
        self._header_written = True

    def close(self) -> None:
        """Write the header if no batch came."""
        if not self._header_written and self._columns is not None:
            pd.DataFrame(columns=list(self._columns)).to_csv(self._stream, index=False, lineterminator="\n")
            self._header_written = True


# --- terminal table -----------------------------------------------------------------------------------------


class TableWriter:
    """An aligned, width-bounded text table; widths are fixed by the first batch so later batches line up."""

    def __init__(
        self,
        stream: TextIO,
        columns: tuple[str, ...] | None,
        *,
        width: int | None = None,
        empty: str = "(nothing to show)",
    ) -> None:
        self._stream = stream
        self._columns = columns
        self._width = width if width is not None else shutil.get_terminal_size((160, 24)).columns
        self._empty = empty
        self._widths: dict[str, int] | None = None
        self._right: frozenset[str] = frozenset()

    def write(self, frame: pd.DataFrame) -> None:
        """Append the batch's rows (and the header before the first)."""
        if not len(frame):
            return
        view = self._view(frame)
        cells = {str(c): _cells(view[c]) for c in view.columns}
        if self._widths is None:
            self._right = frozenset(str(c) for c in view.columns if pd.api.types.is_numeric_dtype(view[c]))
            self._widths = _fit_widths(cells, self._width)
            header = {c: pd.Series([c]) for c in self._widths}
            rule = {c: pd.Series(["-" * w]) for c, w in self._widths.items()}
            self._emit(header, right=frozenset())
            self._emit(rule, right=frozenset())
        self._emit(cells, right=self._right)

    def close(self) -> None:
        """Say so when there were no rows at all."""
        if self._widths is None:
            self._stream.write(self._empty + "\n")

    def _view(self, frame: pd.DataFrame) -> pd.DataFrame:
        columns = self._columns
        if columns is None:
            columns = (
                CLAIMS_VIEW if set(frame.columns) >= _VIEW_NEEDS else tuple(str(c) for c in frame.columns)
            )
        derived = {"doc": lambda f: f["doc_id"], "reading": reading}
        data = {
            c: (derived[c](frame) if c not in frame.columns and c in derived else frame[c]) for c in columns
        }
        return pd.DataFrame(data, index=frame.index)

    def _emit(self, cells: dict[str, pd.Series], *, right: frozenset[str]) -> None:
        assert self._widths is not None
        parts = []
        for column, width in self._widths.items():
            text = _cut(cells[column], width, middle=column in _CUT_MIDDLE)
            parts.append(text.str.rjust(width) if column in right else text.str.ljust(width))
        lines = reduce(lambda a, b: a + _GAP + b, parts).str.rstrip()
        self._stream.write("\n".join(lines.tolist()) + "\n")


def reading(frame: pd.DataFrame) -> pd.Series:
    """How each claim was read, from ``comparator``, ``value``, ``low`` and ``high``.

    ``> 250,000``, ``≈ 11,000,000``, ``2,000,000–3,000,000``; empty where no number was read.
    """
    value, low, high = (frame[c].astype("float64") for c in ("value", "low", "high"))
    cmp = frame["comparator"].astype(str)
    number = value.where(value.notna(), low.where(cmp.isin(["gt", "ge"]), high))
    shown = _numbers(number)
    symbol = cmp.map(_SYMBOLS).fillna("")
    single = (symbol + shown).where(number.notna(), "")
    span = _numbers(low) + "–" + _numbers(high)
    is_range = (cmp == "range") & low.notna() & high.notna()
    return pd.Series(np.where(is_range, span, single), index=frame.index, dtype=str)


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers with thousands separators and no spurious decimals (``250,000``, ``0.4``); missing: ``""``."""
    return values.map(lambda v: "" if pd.isna(v) else format(v, ",.15g"))


def _cells(column: pd.Series) -> pd.Series:
    """A column as display strings: dates ``YYYY-MM-DD``, numbers compact, booleans yes/no, missing empty."""
    text: pd.Series
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(column):
        text = column.map({True: "yes", False: "no"})
    elif pd.api.types.is_float_dtype(column):
        text = _numbers(column)
    else:
        text = column.astype(object).where(column.notna(), "").astype(str)
    cells: pd.Series = text.fillna("").astype(str).str.replace(r"\s+", " ", regex=True)
    return cells


def _cut(text: pd.Series, width: int, *, middle: bool = False) -> pd.Series:
    """Cells longer than ``width`` cut to ``width`` characters with ``…`` at the end (or in the middle)."""
    long = text.str.len() > width
    if not long.any():
        return text
    if middle and width >= 5:
        head = (width - 1) // 3
        tail = width - 1 - head
        short = text.str.slice(0, head) + "…" + text.str.slice(-tail)
    else:
        short = text.str.slice(0, width - 1) + "…"
    return text.where(~long, short)


def _fit_widths(cells: dict[str, pd.Series], total: int) -> dict[str, int]:
    """Each column as wide as its header and first-batch cells (up to a cap), narrowed to fit ``total``."""
    widths = {}
    for column, text in cells.items():
        longest = int(text.str.len().max()) if len(text) else 0
        wanted = max(longest, _ROOM.get(column, 0))
        widths[column] = max(len(column), min(wanted, _CAPS.get(column, _DEFAULT_CAP)))
    excess = sum(widths.values()) + len(_GAP) * (len(widths) - 1) - total
    for keep in (_KEEP, {}):
        floor = {c: min(widths[c], max(len(c), _MIN_WIDTH, keep.get(c, 0))) for c in widths}
        while excess > 0:
            shrinkable = [c for c in widths if widths[c] > floor[c]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda c: widths[c] - floor[c])
            widths[widest] -= 1
            excess -= 1
    return widths

"""Sources split into parts that workers read on their own (``--dask``): planned once, read anywhere.

:func:`plan_parts` looks at the sources without parsing a document: a JSONL file is cut at line starts into
byte ranges of about ``target`` bytes (counting lines, so errors still name ``FILE:LINE``), a Parquet file into
runs of whole row groups (a row is named ``FILE:ROW``, counted from 1 like a line), and single-article files
(``.txt``, ``.md``, ``.html``) are grouped until a group holds ``target`` bytes. Parts come in reading order,
the order a local run reads the same sources in.

:func:`read_part` reads one part with the readers of :mod:`auditor.io.documents`, so a part's documents and
errors are those a local run gives for the same lines, rows or files. A Parquet dataset has a column ``text``
and optional ``id``, ``title``, ``date`` (a string or a date) and ``source``, read as JSONL fields are.
Document ids are checked for uniqueness within a part and against the ids the caller says earlier parts read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Final, Literal

from auditor.errors import DocumentError, UsageError
from auditor.io.dates import check_order
from auditor.io.documents import (
    STDIN,
    SUFFIXES,
    Document,
    ErrorHandler,
    _Item,
    _lines,
    _read_jsonl,
    _Reading,
    _record,
    _walk,
    read_documents,
)

PARQUET: Final = ".parquet"
#: Columns read from a Parquet dataset (``text`` is required).
PARQUET_COLUMNS: Final = ("id", "text", "title", "date", "source")
_CHUNK: Final = 8 << 20


@dataclass(frozen=True, slots=True)
class Part:
    """One unit of work: ``jsonl`` lines of ``path`` from byte ``start`` (line ``first``) to byte ``end``;
    ``parquet`` row groups ``groups`` of ``path`` (first row ``first``); ``files``: whole article ``files``."""

    kind: Literal["jsonl", "parquet", "files"]
    path: str = ""
    start: int = 0
    end: int = 0
    first: int = 1
    groups: tuple[int, ...] = ()
    files: tuple[str, ...] = ()

    def name(self) -> str:
        """Where the part is, for messages: ``news.jsonl:1-4000`` (bytes), ``a.parquet:rows 1+``, ``3 files``."""
        if self.kind == "jsonl":
            return f"{self.path} bytes {self.start}-{self.end} (from line {self.first})"
        if self.kind == "parquet":
            return f"{self.path} row groups {self.groups[0]}-{self.groups[-1]} (from row {self.first})"
        return f"{len(self.files)} files from {self.files[0]}"


def plan_parts(sources: Sequence[str], target: int, on_error: ErrorHandler) -> list[Part]:
    """The parts of ``sources`` (files and folders; standard input cannot be shared out) of about ``target``
    bytes each; a missing source or an unreadable Parquet footer goes to ``on_error``."""
    parts: list[Part] = []
    group: list[str] = []
    size = 0
    for source in sources:
        if str(source) == STDIN:
            raise UsageError(
                "--dask", STDIN, reason="standard input cannot be shared out to workers; give files"
            )
        root = Path(source)
        if not root.exists():
            on_error(DocumentError(root.as_posix(), "no such file or directory"))
            continue
        for path in _walk(root, frozenset(), (*SUFFIXES, PARQUET)) if root.is_dir() else [root]:
            if isinstance(path, DocumentError):
                on_error(path)
                continue
            suffix = path.suffix.lower()
            if suffix in (".jsonl", PARQUET):
                if group:
                    parts.append(Part("files", files=tuple(group)))
                    group, size = [], 0
                try:
                    parts += (
                        _jsonl_parts(path, target) if suffix == ".jsonl" else _parquet_parts(path, target)
                    )
                except (OSError, ValueError) as exc:
                    on_error(DocumentError(path.as_posix(), f"cannot read the file: {exc}"))
                continue
            group.append(path.as_posix())
            size += path.stat().st_size
            if size >= target:
                parts.append(Part("files", files=tuple(group)))
                group, size = [], 0
    if group:
        parts.append(Part("files", files=tuple(group)))
    return parts


def _jsonl_parts(path: Path, target: int) -> list[Part]:
    """Byte ranges of about ``target`` bytes, each starting at a line start, with that line's number."""
    parts = []
    start, first, newlines, at = 0, 1, 0, 0
    with path.open("rb") as stream:
        while True:
            while at < start + target and (chunk := stream.read(min(_CHUNK, start + target - at))):
                newlines += chunk.count(b"\n")
                at += len(chunk)
            at, newlines = _line_end(stream, at, newlines)
            if at <= start:
                break
            parts.append(Part("jsonl", path.as_posix(), start=start, end=at, first=first))
            start, first = at, newlines + 1
    return parts


def _line_end(stream: BinaryIO, at: int, newlines: int) -> tuple[int, int]:
    """Read on to the end of the line byte ``at`` is in (unless ``at`` starts a line)."""
    if at == 0:
        return at, newlines
    stream.seek(at - 1)
    if stream.read(1) == b"\n":
        return at, newlines
    while rest := stream.readline(_CHUNK):
        at += len(rest)
        if rest.endswith(b"\n"):
            return at, newlines + 1
    return at, newlines


def _parquet_parts(path: Path, target: int) -> list[Part]:
    """Runs of whole row groups holding about ``target`` bytes (uncompressed) each."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    if "text" not in meta.schema.names:
        raise ValueError(
            f"no column 'text'; a Parquet dataset needs text and may have {', '.join(PARQUET_COLUMNS)}"
        )
    parts, groups, size, first, row = [], [], 0, 1, 1
    for index in range(meta.num_row_groups):
        group = meta.row_group(index)
        groups.append(index)
        size += group.total_byte_size
        row += group.num_rows
        if size >= target or index == meta.num_row_groups - 1:
            parts.append(Part("parquet", path.as_posix(), first=first, groups=tuple(groups)))
            groups, size, first = [], 0, row
    return parts


def read_part(
    part: Part,
    *,
    on_error: ErrorHandler,
    date_order: str | None = None,
    max_doc_bytes: int | None = None,
    taken: Iterable[str] = (),
) -> Iterator[Document]:
    """The documents of ``part``; each bad line, row or file goes to ``on_error`` (and is skipped), and so does
    a document whose id is in ``taken`` (ids read before this part) or was read earlier in the part."""
    if part.kind == "files":
        yield from read_documents(
            part.files, on_error=on_error, date_order=date_order, max_doc_bytes=max_doc_bytes, taken=taken
        )
        return
    reading = _Reading(check_order(date_order), max_doc_bytes)
    items = _jsonl_range(part, reading) if part.kind == "jsonl" else _parquet_rows(part, reading)
    seen = set(taken)
    for item in items:
        if isinstance(item, DocumentError):
            on_error(item)
        elif item[0].doc_id in seen:
            on_error(
                DocumentError(
                    item[1], f"duplicate document id {item[0].doc_id!r}; ids must be unique", line=item[2]
                )
            )
        else:
            seen.add(item[0].doc_id)
            yield item[0]


def _jsonl_range(part: Part, reading: _Reading) -> Iterator[_Item]:
    path = Path(part.path)
    try:
        with path.open("rb") as stream:
            stream.seek(part.start)
            lines = _lines(stream, reading.limit)
            yield from _read_jsonl(_until(lines, stream, part.end), part.path, reading, part.first)
    except OSError as exc:
        yield DocumentError(part.path, f"cannot read the file: {exc.strerror or exc}")


def _until(lines: Iterator[bytes], stream: BinaryIO, end: int) -> Iterator[bytes]:
    """``lines`` up to the one that ends at or after byte ``end`` of ``stream``."""
    if stream.tell() >= end:
        return
    for line in lines:
        yield line
        if stream.tell() >= end:
            return


def _parquet_rows(part: Part, reading: _Reading) -> Iterator[_Item]:
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(part.path)
    names = [c for c in PARQUET_COLUMNS if c in handle.schema_arrow.names]
    table = handle.read_row_groups(list(part.groups), columns=names)
    for number, row in enumerate(table.to_pylist(), start=part.first):
        text = row.get("text")
        if isinstance(text, str) and reading.over(len(text.encode("utf-8"))):
            yield reading.too_large(part.path, line=number)
            continue
        day = row.get("date")
        if isinstance(day, date | datetime):
            row["date"] = day.isoformat()
        yield _record(row, part.path, number, reading.order)

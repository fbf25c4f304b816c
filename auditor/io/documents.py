"""Reading articles (files, folders, JSONL batches, stdin) into :class:`Document` records and a table.

:func:`read_documents` streams: it holds one file (or one JSONL line) at a time, so a corpus of any size reads
in constant memory. A bad file or line never stops the run; it is handed to ``on_error`` as a
:class:`~auditor.errors.DocumentError` naming the file and line, and reading goes on with the next one.

Sources and their ``doc_id``:

* ``.txt`` / ``.md``: one article per file, ``doc_id`` = the path as given (a Markdown ``# Heading`` on the
  first line becomes the title);
* ``.html`` / ``.htm``: the main text only (trafilatura), with the page's title and publication date when
  declared;
* ``.jsonl``: one article per line with ``id``, ``text`` and optional ``title``, ``date`` (a string in one of
  the forms of :mod:`auditor.io.dates`), ``source``; other keys are ignored; a line without ``id`` gets
  ``<path>:<line>``;
* a directory: every file above, recursively, in sorted order, skipping hidden entries and ``README.*`` files
  (a folder's own documentation is not an article); links to folders are followed, a link loop is an error, and
  so is a folder holding no article at all;
* ``-``: standard input, one article, or JSONL when the first non-space character is ``{``.

A document larger than ``max_doc_bytes`` (a file, or one JSONL line; ``--max-doc-bytes``) is refused with an error
naming it and the limit, without reading more of it than the limit: one huge file or line never sits in memory.

Bytes become text in :mod:`auditor.io.encodings`: UTF-8 as is; UTF-16, a mixed file or a detected legacy
encoding with a :class:`~auditor.io.encodings.DecodingWarning` naming the file and the encoding; binary refused.

A date is read once, here, with ``date_order`` (``dmy``/``mdy``) for numeric dates (:func:`auditor.io.dates.read_date`).
A date that cannot be read does not drop its article: the article is read without a date (its claims are then
``not_checkable`` with reason ``no_date``) and a :class:`DateWarning` names the file, line and bad value.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Final

import pandas as pd

from auditor.errors import DateError, DocumentError
from auditor.io.dates import DATE_FORMS, as_date, check_order, read_date
from auditor.io.encodings import decode
from auditor.schemas import DocumentsSchema, validate

#: File suffixes read as articles (compared case-insensitively).
SUFFIXES: Final = (".htm", ".html", ".jsonl", ".md", ".txt")
#: The source name that means standard input, and the id/path its documents are reported under.
STDIN: Final = "-"
STDIN_NAME: Final = "<stdin>"

#: The default of ``--max-doc-bytes`` (5 MB): the largest document read.
DEFAULT_MAX_DOC_BYTES: Final = 5 * 1024 * 1024

_HTML: Final = frozenset({".html", ".htm"})
_SKIP_CHUNK: Final = 1 << 20  # what is read at a time of the rest of a line too long to keep


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read from its source; ``date`` is the publication date when known (a date string such as
    ``"2015-10-01"`` is read into a date; another type raises :class:`~auditor.errors.ArgumentTypeError`)."""

    doc_id: str
    text: str
    title: str | None = None
    date: date | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.date is not None and type(self.date) is not date:
            object.__setattr__(self, "date", as_date(self.date, "date"))


class DateWarning(UserWarning):
    """A document's date could not be read; it is read without one (the message names file, line and value)."""


ErrorHandler = Callable[[DocumentError], None]
# What the per-source readers yield: a document with its file and line (for duplicate ids), or an error.
_Item = tuple[Document, str, int | None] | DocumentError


def read_documents(
    sources: Sequence[str | Path],
    *,
    on_error: ErrorHandler,
    date_order: str | None = None,
    max_doc_bytes: int | None = None,
    taken: Iterable[str] = (),
) -> Iterator[Document]:
    """Yield the articles of ``sources`` one at a time; each bad file or line goes to ``on_error`` instead.

    ``date_order`` (``dmy``, ``mdy`` or None) is the order of day and month in numeric dates such as
    ``01/10/2015``; without it such a date is read only when one reading exists. Document ids must be unique
    across all sources: a repeated id is an error and its document is skipped (so is an id in ``taken``, the
    ids read before these sources). A document (file or JSONL line) of more than ``max_doc_bytes`` bytes is an
    error too (None: no limit).
    """
    order = check_order(date_order)
    seen = set(taken)
    for source in sources:
        for item in _read_source(source, _Reading(order, max_doc_bytes)):
            if isinstance(item, DocumentError):
                on_error(item)
                continue
            doc, where, line = item
            if doc.doc_id in seen:
                on_error(
                    DocumentError(
                        where, f"duplicate document id {doc.doc_id!r}; ids must be unique", line=line
                    )
                )
                continue
            seen.add(doc.doc_id)
            yield doc


def documents_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """The documents table (``doc_id, title, date, source, text``) of ``docs``, validated."""
    rows = [(d.doc_id, d.title, d.date, d.source, d.text) for d in docs]
    frame = pd.DataFrame.from_records(rows, columns=["doc_id", "title", "date", "source", "text"])
    frame["date"] = pd.to_datetime(frame["date"])
    return validate(DocumentsSchema, frame, "documents")


# --- sources ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """How documents are read: the order of numeric dates and the size limit (None: none)."""

    order: str | None
    limit: int | None = None

    def too_large(self, where: str, *, size: int | None = None, line: int | None = None) -> DocumentError:
        """The error for a document over the limit (its size when known)."""
        got = f"{size:,} bytes, " if size is not None else ""
        reason = (
            f"document is {got}over the limit of {self.limit or 0:,} bytes (--max-doc-bytes); it was not read"
        )
        return DocumentError(where, reason, line=line)

    def over(self, size: int) -> bool:
        """Whether ``size`` bytes are over the limit."""
        return self.limit is not None and size > self.limit


def _read_source(source: str | Path, reading: _Reading) -> Iterator[_Item]:
    if str(source) == STDIN:
        yield from _read_stdin(reading)
        return
    path = Path(source)
    if path.is_dir():
        found = False
        for entry in _walk(path, frozenset()):
            found = True
            yield from _read_file(entry, reading) if isinstance(entry, Path) else (entry,)
        if not found:
            reason = f"no articles in this folder (files ending in {', '.join(SUFFIXES)}; hidden files and README.* are skipped)"
            yield DocumentError(path.as_posix(), reason)
    elif not path.exists():
        yield DocumentError(path.as_posix(), _missing(path))
    else:
        yield from _read_file(path, reading)


def _missing(path: Path) -> str:
    """Why ``path`` cannot be found: no such entry, a symbolic link loop, or a link to nothing."""
    if not path.is_symlink():
        return "no such file or directory"
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself); allowed: a link to a file or folder"
    return f"broken symbolic link to {str(path.readlink())!r}, which does not exist"


def _walk(
    folder: Path, ancestors: frozenset[str], suffixes: Sequence[str] = SUFFIXES
) -> Iterator[Path | DocumentError]:
    """The article files under ``folder``, depth-first in sorted order (a folder's files, then its folders),
    without hidden entries or READMEs. Links to folders are followed, except one leading back to a folder being
    read (a loop): that link, and a folder that cannot be listed, are errors."""
    real = os.path.realpath(folder)
    if real in ancestors:
        reason = f"symbolic link loop: it leads back to {real!r}, which is being read; not followed"
        yield DocumentError(folder.as_posix(), reason)
        return
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield DocumentError(folder.as_posix(), f"cannot read the folder: {exc.strerror or exc}")
        return
    folders = []
    for entry in entries:
        if _is_folder(entry):
            folders.append(Path(entry.path))
        elif not entry.name.upper().startswith("README.") and Path(entry.name).suffix.lower() in suffixes:
            yield Path(entry.path)
    for inner in folders:
        yield from _walk(inner, ancestors | {real}, suffixes)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop or a link to nothing: read as a file, whose error names it
        return False


def _read_file(path: Path, reading: _Reading) -> Iterator[_Item]:
    where = path.as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield _unsupported(where, suffix)
        return
    try:
        with path.open("rb") as stream:
            if suffix == ".jsonl":
                yield from _read_jsonl(_lines(stream, reading.limit), where, reading)
                return
            data = stream.read() if reading.limit is None else stream.read(reading.limit + 1)
            if reading.over(len(data)):
                size = os.fstat(stream.fileno()).st_size if path.is_file() else None
                yield reading.too_large(where, size=size)
                return
    except OSError as exc:
        yield DocumentError(where, f"cannot read the file: {exc.strerror or exc}")
        return
    yield from _read_bytes(data, where, suffix, reading.order)


def _lines(stream: BinaryIO, limit: int | None) -> Iterator[bytes]:
    """The lines of ``stream``; with ``limit``, a longer line comes cut after ``limit + 1`` bytes of text (the
    rest is read and dropped), so that one huge line is never held in memory."""
    if limit is None:
        yield from stream
        return
    while line := stream.readline(limit + 2):  # room for the text, one byte more, and "\r\n" less one
        if len(line) == limit + 2 and not line.endswith(b"\n"):
            while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
        yield line


def documents_from_bytes(
    data: bytes,
    *,
    suffix: str,
    name: str,
    date_order: str | None = None,
    max_doc_bytes: int | None = None,
) -> list[Document]:
    """The articles in ``data``, read as a file named ``name`` with ``suffix`` would be (nothing touches the file
    system: ``name`` is only the id and the place errors name); raises the first :class:`DocumentError`."""
    suffix = suffix.lower()
    if suffix not in SUFFIXES:
        raise _unsupported(name, suffix)
    reading = _Reading(check_order(date_order), max_doc_bytes)
    if suffix != ".jsonl" and reading.over(len(data)):
        raise reading.too_large(name, size=len(data))
    items = _read_jsonl(data.splitlines(keepends=True), name, reading) if suffix == ".jsonl" else None
    docs = []
    for item in items if items is not None else _read_bytes(data, name, suffix, reading.order):
        if isinstance(item, DocumentError):
            raise item
        docs.append(item[0])
    return docs


def _unsupported(where: str, suffix: str) -> DocumentError:
    return DocumentError(
        where, f"unsupported file type {suffix or '(no suffix)'!r}; allowed: {', '.join(SUFFIXES)}"
    )


def _read_bytes(data: bytes, where: str, suffix: str, order: str | None) -> Iterator[_Item]:
    """The one article of a non-JSONL file's bytes."""
    try:
        text = decode(data, where)
        title: str | None = None
        published: date | None = None
        if suffix in _HTML:
            text, title, published = _html_article(text, where)
        elif suffix == ".md":
            title = _markdown_title(text)
    except DocumentError as exc:
        yield exc
        return
    if not text.strip():
        yield DocumentError(where, "no text to read (the file is empty or holds only markup)")
        return
    yield Document(doc_id=where, text=text, title=title, date=published), where, None


def _read_stdin(reading: _Reading) -> Iterator[_Item]:
    stream = sys.stdin.buffer
    lines = _lines(stream, reading.limit)
    head: list[bytes] = []
    for raw in lines:
        head.append(raw)
        if raw.removeprefix(codecs.BOM_UTF8).strip():
            break
    start = b"".join(head).removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"{"):
        yield from _read_jsonl(chain(head, lines), STDIN_NAME, reading)
        return
    data = b"".join(head)
    data += stream.read() if reading.limit is None else stream.read(max(0, reading.limit + 1 - len(data)))
    if reading.over(len(data)):
        yield reading.too_large(STDIN_NAME)
        return
    try:
        text = decode(data, STDIN_NAME)
    except DocumentError as exc:
        yield exc
        return
    if not text.strip():
        yield DocumentError(STDIN_NAME, "no text to read (standard input is empty)")
        return
    yield Document(doc_id=STDIN_NAME, text=text), STDIN_NAME, None


# --- JSONL --------------------------------------------------------------------------------------------------


def _read_jsonl(lines: Iterable[bytes], where: str, reading: _Reading, first: int = 1) -> Iterator[_Item]:
    """One document per non-blank line (numbered from ``first``); a binary stream stops at its first NUL byte
    with one error."""
    for number, line in enumerate(lines, start=first):
        raw = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
        if b"\x00" in raw:
            yield DocumentError(
                where, "binary data (NUL byte); expected UTF-8 JSON, one object per line", line=number
            )
            return
        if not raw.strip():
            continue
        if reading.over(len(raw.rstrip(b"\r\n"))):
            yield reading.too_large(where, line=number)
            continue
        try:
            record = json.loads(raw.rstrip(b"\r\n").decode("utf-8"))
        except UnicodeDecodeError as exc:
            byte = f"0x{raw[exc.start]:02x}"
            reason = f"not valid UTF-8 (byte {byte} at column {exc.start + 1}); JSONL must be UTF-8"
            yield DocumentError(where, reason, line=number)
            continue
        except json.JSONDecodeError as exc:
            reason = f"malformed JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
            yield DocumentError(where, reason, line=number)
            continue
        yield _record(record, where, number, reading.order)


def document_from_record(
    record: Mapping[str, object], where: str, line: int, *, date_order: str | None = None
) -> Document:
    """A mapping with the keys of a JSONL line (``id``, ``text``, optional ``title``, ``date``, ``source``) as a
    document, read as that line would be (a documents DataFrame's row in the Python API); raises the
    :class:`~auditor.errors.DocumentError` naming ``where``, ``line`` and the first bad field."""
    item = _record(dict(record), where, line, check_order(date_order))
    if isinstance(item, DocumentError):
        raise item
    return item[0]


def _record(record: object, where: str, line: int, order: str | None) -> _Item:
    """A JSONL object as a document, or the error naming its first bad field."""
    if not isinstance(record, dict):
        return DocumentError(where, f"expected a JSON object, got {_json_type(record)}", line=line)
    text = record.get("text")
    if text is None:
        reason = "missing field 'text'" if "text" not in record else "field 'text' is null; expected a string"
        return DocumentError(where, reason, line=line)
    if not isinstance(text, str):
        return DocumentError(where, f"field 'text' must be a string, got {_json_type(text)}", line=line)
    if not text.strip():
        return DocumentError(where, "field 'text' is empty", line=line)
    raw_id = record.get("id")
    if raw_id is None:
        doc_id = f"{where}:{line}"
    elif isinstance(raw_id, str) and raw_id.strip():
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        reason = f"field 'id' must be a non-empty string or an integer (got {raw_id!r})"
        return DocumentError(where, reason, line=line)
    fields: dict[str, str | None] = {}
    for name in ("title", "source"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            reason = f"field {name!r} must be a string or null, got {_json_type(value)} {value!r}"
            return DocumentError(where, reason, line=line)
        fields[name] = value
    day = _jsonl_date(record.get("date"), f"{where}:{line}", order)
    doc = Document(doc_id=doc_id, text=text, title=fields["title"], date=day, source=fields["source"])
    return doc, where, line


def _jsonl_date(value: object, where: str, order: str | None) -> date | None:
    """A JSONL ``date`` field read once (null or ``""``: no date); an unreadable one warns and gives no date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        got = f"{_json_type(value)} {value!r}"
        _warn_no_date(where, f"field 'date' must be a string, got {got}; allowed: {DATE_FORMS}, or null")
        return None
    try:
        return read_date(value, order=order)
    except DateError as exc:
        _warn_no_date(where, f"field 'date' {exc}")
        return None


def _warn_no_date(where: str, problem: str) -> None:
    message = (
        f"{where}: {problem}; the article is read without a date, so its claims are not checked against "
        "reference data (not_checkable: no_date)"
    )
    warnings.warn(message, DateWarning, stacklevel=2)


def _json_type(value: object) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)


# --- markup -------------------------------------------------------------------------------------------------


def _markdown_title(text: str) -> str | None:
    """The first line as a title when it is a level-one ``# Heading``."""
    first = text.lstrip("\n").split("\n", 1)[0]
    if not first.startswith("# "):
        return None
    return first[2:].strip() or None


def _html_article(html: str, where: str) -> tuple[str, str | None, date | None]:
    """Main text, title and declared publication date of a page (its plain text if it has no main text)."""
    import trafilatura

    params = {"extensive_search": False, "original_date": True}
    result = trafilatura.bare_extraction(
        html, include_comments=False, with_metadata=True, date_extraction_params=params
    )
    text = getattr(result, "text", None) or ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    title = getattr(result, "title", None) or None
    declared = getattr(result, "date", None)
    published = None
    if declared:
        try:
            published = read_date(str(declared))
        except DateError as exc:
            _warn_no_date(where, f"the page's date {exc}")
    return text, title, published

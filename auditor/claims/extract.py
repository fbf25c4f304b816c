"""Claim extraction: article text to rows of the claims table.

:class:`Extractor` ties the parts together: the :class:`~auditor.claims.scanner.Scanner` finds numeric expressions, the
sentence index places each in its sentence, and the :class:`~auditor.claims.context.ContextReader` reads what is counted,
where, when and who said it.  Rows are collected as columns per batch of documents and turned into one validated
DataFrame per batch (or per ``max_rows`` rows), so memory stays flat however large the corpus or a document.
Mentions are read one at a time and the claims of one sentence share its text, so time and memory grow linearly
with the text however it is punctuated.  Extraction is total: text the scanner cannot read yields no claim, never
an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from itertools import islice
from typing import Any, Final

import pandas as pd

from auditor.claims.context import ContextReader
from auditor.claims.numeric_rules import default_numeric_rules
from auditor.claims.scanner import Mention, Scanner
from auditor.claims.sentences import sentence_span, sentence_starts
from auditor.io.dates import as_date, check_order
from auditor.io.documents import Document
from auditor.schemas import ClaimsSchema, columns, validate

CLAIM_COLUMNS = columns(ClaimsSchema)


class Extractor:
    """Reads claims out of documents; build once, use for many documents."""

    def __init__(self, scanner: Scanner | None = None, context: ContextReader | None = None) -> None:
        self.scanner = scanner or Scanner(default_numeric_rules())
        self.context = context or ContextReader()

    def frame(self, docs: Iterable[Document], *, all_numbers: bool = False) -> pd.DataFrame:
        """One validated claims table for ``docs``."""
        cols = _empty_columns()
        for doc in docs:
            for _ in self._append(cols, doc, all_numbers, None):
                pass
        return _to_frame(cols)

    def frames(
        self, docs: Iterable[Document], *, all_numbers: bool = False, max_rows: int
    ) -> Iterator[pd.DataFrame]:
        """Validated claims tables for ``docs``, a new one each time ``max_rows`` rows are collected (a
        document's claims may then span two tables); the last one may be empty."""
        cols = _empty_columns()
        for doc in docs:
            for full in self._append(cols, doc, all_numbers, max_rows):
                yield _to_frame(full)
                for column in full.values():
                    column.clear()
        yield _to_frame(cols)

    def _append(
        self, cols: dict[str, list[Any]], doc: Document, all_numbers: bool, max_rows: int | None
    ) -> Iterator[dict[str, list[Any]]]:
        """Add the claims of ``doc`` to ``cols``, yielding ``cols`` whenever it holds ``max_rows`` rows."""
        text = doc.text
        if not isinstance(text, str) or not text:
            return
        starts = sentence_starts(text)
        seen: set[tuple[int, int]] = set()
        span, sentence = (-1, -1), ""
        for m in _readable(self.scanner.mentions(text, all_numbers=all_numbers)):
            if (m.start, m.end) in seen:
                continue
            seen.add((m.start, m.end))
            if len(seen) > _SEEN_PRUNE:  # a repeat starts close by: keep only the recent mentions
                seen = {k for k in seen if k[0] >= m.start - _SEEN_REACH}
            if not span[0] <= m.start < span[1]:
                span = sentence_span(text, starts, m.start)
                sentence = text[span[0] : span[1]]  # one string shared by the claims of a sentence
            size = m.high if m.high is not None else m.value
            ctx = self.context.annotate(text, span, (m.start, m.end), m.kind, doc.date, size)
            _add_row(cols, doc.doc_id, f"{m.start}-{m.end}", text, m, sentence, ctx)
            if max_rows is not None and len(cols["doc_id"]) >= max_rows:
                yield cols


def _readable(mentions: Iterator[Mention]) -> Iterator[Mention]:
    """The mentions the scanner finds before any text it cannot read (extraction is total: never an exception)."""
    try:
        yield from mentions
    except Exception:
        return


#: Mentions remembered to drop a repeated one: pruned to those starting at most ``_SEEN_REACH`` characters before
#: the latest when there are more than ``_SEEN_PRUNE`` (a number's qualifiers reach a few dozen characters back).
_SEEN_PRUNE: Final = 4096
_SEEN_REACH: Final = 1024


def _empty_columns() -> dict[str, list[Any]]:
    return {c: [] for c in CLAIM_COLUMNS}


def _add_row(
    cols: dict[str, list[Any]], doc_id: str, claim_id: str, text: str, m: Mention, sentence: str, ctx: Any
) -> None:
    cols["doc_id"].append(doc_id)
    cols["claim_id"].append(claim_id)
    cols["start"].append(m.start)
    cols["end"].append(m.end)
    cols["surface"].append(text[m.start : m.end])
    cols["sentence"].append(sentence)
    cols["value"].append(m.value)
    cols["low"].append(m.low)
    cols["high"].append(m.high)
    cols["comparator"].append(m.comparator)
    cols["approx"].append(m.approx)
    cols["precision"].append(m.precision)
    cols["kind"].append(m.kind)
    cols["unit"].append(m.unit)
    cols["measure"].append(ctx.measure)
    cols["counted"].append(ctx.counted)
    cols["location"].append(ctx.location)
    cols["as_of"].append(ctx.as_of)
    cols["attribution"].append(ctx.attribution)
    cols["scope"].append(ctx.scope)
    cols["qualifier"].append(ctx.qualifier)


_FLOAT_COLUMNS = ("value", "low", "high", "precision")


def _to_frame(cols: dict[str, list[Any]]) -> pd.DataFrame:
    df = pd.DataFrame(cols, columns=CLAIM_COLUMNS)
    for c in _FLOAT_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df["as_of"] = pd.to_datetime(df["as_of"])
    return validate(ClaimsSchema, df, "claims")


@cache
def default_extractor() -> Extractor:
    """The extractor with the shipped rules, built once per process."""
    return Extractor()


def extract_batches(
    documents: Iterable[Document],
    *,
    all_numbers: bool = False,
    batch_size: int = 5000,
    max_rows: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream validated claims tables, one per batch of ``batch_size`` documents (empty batches are skipped).

    With ``max_rows``, a table also ends when it has that many rows, so that memory stays flat even for one huge
    document; a document's claims may then be split over two tables (fine for output, not for checks that read an
    article's claims together)."""
    extractor = default_extractor()
    it = iter(documents)
    while batch := list(islice(it, batch_size)):
        frames = (
            [extractor.frame(batch, all_numbers=all_numbers)]
            if max_rows is None
            else extractor.frames(batch, all_numbers=all_numbers, max_rows=max_rows)
        )
        for frame in frames:
            if len(frame):
                yield frame


def extract_claims(
    text_or_documents: str | Document | Iterable[Document],
    *,
    all_numbers: bool = False,
    date: dt.date | str | None = None,
    date_order: str | None = None,
) -> pd.DataFrame:
    """Extract the claims of one text or of several documents into one validated claims table.

    A plain string is treated as one document with id ``"text"``. ``date`` is the publication date (a
    :class:`datetime.date` or a string such as ``"2015-10-01"``, ``"1 Oct 2015"``, or ``"01/10/2015"`` with
    ``date_order="dmy"`` or ``"mdy"``); given with documents, it replaces their own dates, like ``--date``. A date
    of another type raises :class:`~auditor.errors.ArgumentTypeError`, an unreadable one
    :class:`~auditor.errors.ArgumentValueError`, both naming the argument.
    """
    day = as_date(date, "date", order=check_order(date_order))
    if isinstance(text_or_documents, str):
        docs: Iterable[Document] = [Document(doc_id="text", text=text_or_documents, date=day)]
    elif isinstance(text_or_documents, Document):
        docs = [text_or_documents]
    else:
        docs = text_or_documents
    if day is not None:
        docs = (replace(d, date=day) for d in docs)
    return default_extractor().frame(docs, all_numbers=all_numbers)

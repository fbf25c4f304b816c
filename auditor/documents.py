"""Reading articles: files, folders, JSONL batches and stdin into :class:`Document` records and the documents table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read from its source; ``date`` is the publication date when known."""

    doc_id: str
    text: str
    title: str | None = None
    date: date | None = None
    source: str | None = None

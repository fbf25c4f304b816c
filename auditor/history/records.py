"""What the history records about a run and a document: the document key (sha256 of id and normalised
text), the sortable run id, and the run's start options, counts and read-back tables."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC-normalise ``text`` and collapse every run of whitespace to one space (trimmed at both ends)."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def document_key(doc_id: str, text: str) -> str:
    """The document's identity in the history: sha256 of its doc id and its normalised text, as hex."""
    digest = hashlib.sha256()
    digest.update(doc_id.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(normalise_text(text).encode("utf-8"))
    return digest.hexdigest()


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, dated, unique run id usable as a folder name: ``2015-10-01T120000Z-3fa2c1`` (UTC start)."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y-%m-%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class RunStart:
    """What a run was asked to do, recorded when it starts."""

    sources: Sequence[str]
    as_of: date | None = None
    rules: str | None = None
    reference: Sequence[str] = ()
    fail_on: str | None = None
    tool_version: str | None = None
    #: ``audit`` (new documents) or ``recheck`` (new verdicts for stored documents)
    kind: str = "audit"
    #: what the verdicts are computed with (see :class:`~auditor.history.methods.Fingerprint`)
    rules_hash: str | None = None
    reference_hash: str | None = None
    #: reference file name -> sha256 of its bytes
    reference_files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What a run did, recorded when it finishes."""

    documents_read: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    documents_bad: int = 0
    documents_failed: int = 0
    claims: int = 0
    findings: int = 0


@dataclass(frozen=True, slots=True)
class RunTables:
    """A run's rows read back from the history, each validated against its pandera model."""

    documents: pd.DataFrame
    claims: pd.DataFrame
    verdicts: pd.DataFrame
    findings: pd.DataFrame

"""The API's bodies: an article in (JSON, or one a line in NDJSON) and what comes back, as pydantic models (they
are also the OpenAPI schema at ``/docs``); reading a body into :class:`~auditor.io.documents.Document` records,
with a :class:`~auditor.serve.errors.RequestError` (422) naming the line, the field, the bad value and what is
allowed."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator

from auditor.io.documents import Document
from auditor.serve.errors import RequestError

DATE_FORMAT: Final = "YYYY-MM-DD"
#: The id of an article posted without one (in NDJSON: ``line-N``).
DEFAULT_ID: Final = "article"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str, field: str = "date") -> date:
    """A ``YYYY-MM-DD`` date; anything else is a 422 naming the value and the format."""
    allowed = f"allowed: a date as {DATE_FORMAT}, for example 2015-10-01"
    if not _ISO_DATE.fullmatch(value):
        raise RequestError(422, f"field {field!r}: {value!r} is not a date; {allowed}", field=field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise RequestError(
            422, f"field {field!r}: {value!r} is not a date ({exc}); {allowed}", field=field
        ) from None


class ArticleIn(BaseModel):
    """One article to check: its text, and optionally its publication date, title, source and id."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"text": "The war has displaced 11 million people.", "date": "2015-10-01"}]
        },
    )

    text: StrictStr = Field(description="The article's plain text.")
    date: StrictStr | None = Field(
        default=None,
        description=f"Publication date ({DATE_FORMAT}); claims are checked as of it. Without it, claims that need "
        "a date are not checkable (no_date), as with `auditor check`.",
    )
    title: StrictStr | None = None
    source: StrictStr | None = None
    id: StrictStr | StrictInt | None = Field(
        default=None, description=f"The article id (default {DEFAULT_ID!r})."
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty; allowed: the article's text")
        return value


class Coverage(BaseModel):
    """The coverage line in numbers."""

    numbers: int
    checked: int
    attention: int
    not_checkable: int


class CheckOut(BaseModel):
    """One object per claim with exactly the columns of ``auditor check --format jsonl``, and the coverage."""

    claims: list[dict[str, Any]]
    coverage: Coverage


class ExtractOut(BaseModel):
    """One object per claim with the claims-table columns (as ``auditor extract --format jsonl``)."""

    claims: list[dict[str, Any]]


class Health(BaseModel):
    """The server is up: its version and the reference pack it checks against."""

    status: str
    version: str
    reference_pack_date: str | None
    reference_datasets: int
    rules: str


class Problem(BaseModel):
    """Every error: what went wrong (naming the field and value), the field when one is at fault, the status, and
    for an internal error the id it was logged under."""

    error: str
    status: int
    field: str | None = None
    id: str | None = None


def read_article(body: bytes, max_doc_bytes: int | None = None) -> Document:
    """The article of a JSON body (413 when it is over ``max_doc_bytes``)."""
    check_size(len(body), max_doc_bytes, where="")
    return _document(_json(body, where=""), where="", default_id=DEFAULT_ID)


def read_articles(body: bytes, max_doc_bytes: int | None = None) -> list[Document]:
    """The articles of an NDJSON body, one a line (blank lines skipped); ids must be unique; a line over
    ``max_doc_bytes`` is a 413."""
    docs: list[Document] = []
    seen: set[str] = set()
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}: "
        check_size(len(line), max_doc_bytes, where=where)
        doc = _document(_json(line, where=where), where=where, default_id=f"line-{number}")
        if doc.doc_id in seen:
            raise RequestError(
                422, f"{where}field 'id': {doc.doc_id!r} is repeated; allowed: unique ids", field="id"
            )
        seen.add(doc.doc_id)
        docs.append(doc)
    if not docs:
        raise RequestError(422, "the body holds no article; allowed: one JSON object a line", field="body")
    return docs


def check_size(size: int, max_doc_bytes: int | None, *, where: str) -> None:
    """A 413 naming the limit when an article of ``size`` bytes is over ``max_doc_bytes`` (None: no limit)."""
    if max_doc_bytes is not None and size > max_doc_bytes:
        raise RequestError(
            413,
            f"{where}the article is {size:,} bytes, over the limit of {max_doc_bytes:,} bytes (--max-doc-bytes)",
            field="text",
        )


def _json(raw: bytes, *, where: str) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RequestError(
            422, f"{where}body is not UTF-8 (byte {exc.start}); allowed: UTF-8 JSON", field="body"
        ) from None
    except json.JSONDecodeError as exc:
        raise RequestError(
            422, f"{where}malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", field="body"
        ) from None


def _document(data: object, *, where: str, default_id: str) -> Document:
    if not isinstance(data, dict):
        raise RequestError(
            422, f"{where}expected a JSON object with a field 'text', got {type(data).__name__}", field="body"
        )
    try:
        article = ArticleIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        got = "" if first["type"] == "missing" else f" (got {first['input']!r})"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise RequestError(422, f"{where}field {field!r}: {message}{got}", field=field) from None
    day = None if article.date is None else parse_date(article.date)
    doc_id = default_id if article.id is None else str(article.id)
    if not doc_id.strip():
        raise RequestError(
            422, f"{where}field 'id' is empty; allowed: a non-empty string or an integer", field="id"
        )
    return Document(doc_id=doc_id, text=article.text, title=article.title, date=day, source=article.source)

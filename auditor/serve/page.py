"""The web page: ``GET /`` draws the form, ``POST /`` checks the pasted or uploaded article and answers with the
article page of the report (or the form again, with what was wrong, status 422). Works without JavaScript."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from auditor.errors import DocumentError
from auditor.io.documents import Document, documents_frame, documents_from_bytes
from auditor.report.article_page import ArticleTables, render_article_page, render_form
from auditor.serve.api import media_type
from auditor.serve.batching import Batcher
from auditor.serve.checking import Answer
from auditor.serve.errors import RequestError
from auditor.serve.models import DEFAULT_ID, check_size, parse_date
from auditor.serve.startup import Loaded

_FORMS: Final = ("multipart/form-data", "application/x-www-form-urlencoded")
_FIELDS: Final = ("text", "title", "date", "source")


def router(loaded: Loaded, batcher: Batcher[Answer]) -> APIRouter:
    """The page routes, on the rules and references loaded at start-up; the form's article is checked through
    ``batcher`` (with the API's concurrent articles)."""
    routes = APIRouter()

    @routes.get("/", response_class=HTMLResponse, summary="The form: paste or upload an article")
    async def form() -> HTMLResponse:
        today = datetime.now(UTC).date().isoformat()
        return HTMLResponse(render_form(run=loaded.run, values={"date": today}))

    @routes.post(
        "/", response_class=HTMLResponse, summary="Check the article of the form; the report's article page"
    )
    async def result(request: Request) -> HTMLResponse:
        media_type(request, _FORMS)
        data = await request.form(max_files=1, max_fields=len(_FIELDS) + 1)
        values = {name: value if isinstance(value := data.get(name), str) else "" for name in _FIELDS}
        upload = data.get("file")
        try:
            raw = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
            name = (
                PurePosixPath(str(upload.filename).replace("\\", "/")).name
                if raw is not None and isinstance(upload, UploadFile)
                else None
            )
            doc = _document(values, raw, name, loaded.settings.max_doc_bytes)
        except (RequestError, DocumentError) as exc:
            message = exc.message if isinstance(exc, RequestError) else str(exc)
            return HTMLResponse(render_form(run=loaded.run, values=values, error=message), status_code=422)
        finally:
            await data.close()
        page = await run_in_threadpool(_page, loaded, batcher, doc)
        return HTMLResponse(page)

    return routes


def _document(values: dict[str, str], raw: bytes | None, name: str | None, max_doc_bytes: int) -> Document:
    """The form's article: the pasted text or the uploaded file (read in memory: its name is only an id), with
    the form's title, date and source; at most ``max_doc_bytes``."""
    text = values["text"]
    day = parse_date(values["date"].strip())
    if raw is not None and name is not None:
        if text.strip():
            raise RequestError(422, "paste the text or choose a file, not both", field="file")
        docs = documents_from_bytes(
            raw, suffix=PurePosixPath(name).suffix, name=name, max_doc_bytes=max_doc_bytes
        )
        if len(docs) != 1:
            raise RequestError(
                422,
                f"{name} holds {len(docs)} articles; allowed: a .jsonl file with one article",
                field="file",
            )
        doc = docs[0]
    elif text.strip():
        check_size(len(text.encode("utf-8")), max_doc_bytes, where="")
        doc = Document(doc_id=DEFAULT_ID, text=text.replace("\r\n", "\n"))
    else:
        raise RequestError(
            422,
            "field 'text' is empty and no file was chosen; allowed: an article's text or a file",
            field="text",
        )
    title = values["title"].strip() or doc.title
    source = values["source"].strip() or doc.source
    return replace(doc, title=title, date=day, source=source)


def _page(loaded: Loaded, batcher: Batcher[Answer], doc: Document) -> str:
    checked = batcher.check(doc).checked
    tables = ArticleTables(
        documents=documents_frame([doc]),
        claims=checked.claims,
        verdicts=checked.result.verdicts,
        findings=checked.result.findings,
    )
    run = loaded.run_for_request(f"request {uuid.uuid4().hex[:12]}")
    return render_article_page(tables, loaded.references, run=run)

"""The HTTP API: ``POST /api/check`` and ``POST /api/extract`` (one article as JSON, or a batch as NDJSON streamed
back one claim a line) and ``GET /healthz``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from auditor.checks.pipeline import extract
from auditor.io.documents import Document
from auditor.serve import checking
from auditor.serve.batching import Batcher
from auditor.serve.errors import RequestError, internal_error
from auditor.serve.models import ArticleIn, CheckOut, ExtractOut, Health, Problem, read_article, read_articles
from auditor.serve.startup import Loaded

JSON: Final = "application/json"
NDJSON: Final = "application/x-ndjson"
_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    status: {"model": Problem, "description": what}
    for status, what in (
        (413, "The body is larger than --max-bytes, or an article than --max-doc-bytes."),
        (415, f"The body is neither {JSON} nor {NDJSON}."),
        (422, "Malformed JSON, a missing or empty text, a bad date: the error names the field and value."),
        (500, "An internal error; its id is in the server log."),
    )
}
_BODY: Final = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {"schema": ArticleIn.model_json_schema()},
            NDJSON: {
                "schema": {"type": "string", "description": "One article object (as JSON above) a line."}
            },
        },
    }
}


def media_type(request: Request, allowed: Sequence[str]) -> str:
    """The request's media type when it is one of ``allowed``; else a 415 naming it and what is allowed."""
    given = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if given not in allowed:
        shown = repr(given) if given else "none"
        raise RequestError(
            415, f"unsupported media type {shown}; allowed: {', '.join(allowed)}", field="content-type"
        )
    return given


def router(loaded: Loaded, batcher: Batcher[checking.Answer]) -> APIRouter:
    """The API routes, on the rules and references loaded at start-up; single articles are checked through
    ``batcher`` (shared with the page)."""
    routes = APIRouter()

    def one(doc: Document) -> str:
        """The response body for one JSON article (its check batched with concurrent requests' articles)."""
        answer = batcher.check(doc)
        return _object(answer.lines, coverage=json.dumps(answer.coverage))

    @routes.post(
        "/api/check",
        response_model=CheckOut,
        responses={**_ERRORS, 200: {"content": {NDJSON: {}}}},
        openapi_extra=_BODY,
        summary="Check the numbers of an article (JSON) or of a batch (NDJSON, one claim a line back)",
    )
    async def api_check(request: Request) -> Response:
        docs, batch = await _articles(request, loaded.settings.max_doc_bytes)

        def lines(some: Sequence[Document]) -> list[str]:
            return checking.check_lines(checking.check(loaded, some))

        if batch:
            return StreamingResponse(_stream(docs, lines, request), media_type=NDJSON)
        return Response(await run_in_threadpool(one, docs[0]), media_type=JSON)

    @routes.post(
        "/api/extract",
        response_model=ExtractOut,
        responses={**_ERRORS, 200: {"content": {NDJSON: {}}}},
        openapi_extra=_BODY,
        summary="List the numbers of an article (JSON) or of a batch (NDJSON, one claim a line back)",
    )
    async def api_extract(request: Request) -> Response:
        docs, batch = await _articles(request, loaded.settings.max_doc_bytes)

        def lines(some: Sequence[Document]) -> list[str]:
            return checking.claim_lines(extract(some))

        if batch:
            return StreamingResponse(_stream(docs, lines, request), media_type=NDJSON)
        return Response(_object(await run_in_threadpool(lines, docs)), media_type=JSON)

    @routes.get(
        "/healthz", response_model=Health, summary="Up, with the version and the reference pack's date"
    )
    async def healthz() -> Health:
        day = loaded.reference_date
        return Health(
            status="ok",
            version=loaded.version,
            reference_pack_date=None if day is None else day.isoformat(),
            reference_datasets=len(loaded.run.reference_datasets),
            rules=loaded.run.rules_version,
        )

    return routes


async def _articles(request: Request, max_doc_bytes: int) -> tuple[list[Document], bool]:
    """The articles of the body (each at most ``max_doc_bytes``), and whether it was an NDJSON batch."""
    kind = media_type(request, (JSON, NDJSON))
    body = await request.body()
    if kind == NDJSON:
        return read_articles(body, max_doc_bytes), True
    return [read_article(body, max_doc_bytes)], False


def _object(claims: list[str], *, coverage: str | None = None) -> str:
    tail = "" if coverage is None else f',"coverage":{coverage}'
    return '{"claims":[' + ",".join(claims) + "]" + tail + "}"


def _stream(
    docs: Sequence[Document], lines: Callable[[Sequence[Document]], list[str]], request: Request
) -> Iterator[str]:
    """The claims of ``docs``, batch by batch, one JSON line each (run in a worker thread by the response)."""
    try:
        for start in range(0, len(docs), checking.STREAM_BATCH):
            batch = lines(docs[start : start + checking.STREAM_BATCH])
            if batch:
                yield "\n".join(batch) + "\n"
    except Exception as exc:
        _, body = internal_error(exc, request.method, request.url.path)
        yield body.decode("utf-8") + "\n"

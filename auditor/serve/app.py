"""The application factory: :func:`create_app` loads the rules and the reference pack once and wires the page,
the API, the offline API docs (``/docs``, Swagger UI served by the app itself: no CDN) and the guards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from auditor.report.article_page import inline_hashes, render_form
from auditor.serve import api, checking, page
from auditor.serve.batching import Batcher
from auditor.serve.errors import RequestError, problem_body
from auditor.serve.guards import Guards
from auditor.serve.startup import Loaded, ServeSettings, load

DOCS_ASSETS: Final = Path(fastapi_offline.__file__).resolve().parent / "static"
_DESCRIPTION: Final = (
    "Check the numbers in news articles against each other and reference data, as `auditor check` does. "
    "Each claim comes back with exactly the columns of `auditor check --format jsonl`."
)


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The ASGI application for ``settings``; raises the CLI's errors for a bad rules folder or reference pack."""
    loaded = load(settings or ServeSettings())
    app = FastAPI(
        title="auditor",
        version=loaded.version,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    # one micro-batcher for the page and the API: their concurrent articles share engine calls
    batcher = Batcher(lambda docs: checking.answers(loaded, docs))
    app.include_router(page.router(loaded, batcher))
    app.include_router(api.router(loaded, batcher))
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    docs_page = get_swagger_ui_html(
        openapi_url="openapi.json",
        title="auditor API",
        swagger_js_url="docs-assets/swagger-ui-bundle.js",
        swagger_css_url="docs-assets/swagger-ui.css",
        swagger_favicon_url="docs-assets/favicon.png",
    ).body

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return HTMLResponse(docs_page)

    _handle_errors(app)
    policy = _policies(loaded, bytes(docs_page).decode("utf-8"))
    app.add_middleware(Guards, max_bytes=loaded.settings.max_bytes, policy=policy)
    return app


def app_from_environment() -> FastAPI:
    """The application of the settings in the environment (what each ``--workers`` process runs)."""
    return create_app(ServeSettings.from_environment())


def _policies(loaded: Loaded, docs_page: str) -> Callable[[str], str]:
    form = render_form(run=loaded.run, values={})
    scripts, styles = (" ".join(inline_hashes(form, tag)) for tag in ("script", "style"))
    pages = (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; img-src data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    # Swagger UI sets inline styles and fetches openapi.json (and "try it out" calls) from the app itself.
    docs = (
        f"default-src 'none'; script-src 'self' {' '.join(inline_hashes(docs_page, 'script'))}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
    return lambda path: docs if path == "/docs" else pages


def _handle_errors(app: FastAPI) -> None:
    async def problem(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestError)
        return Response(exc.body(), status_code=exc.status, media_type="application/json")

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        body = problem_body(exc.status_code, str(exc.detail))
        return Response(body, status_code=exc.status_code, media_type="application/json", headers=exc.headers)

    async def invalid(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"])
        return Response(
            problem_body(422, f"field {field!r}: {first['msg']}", field=field),
            status_code=422,
            media_type="application/json",
        )

    app.add_exception_handler(RequestError, problem)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)

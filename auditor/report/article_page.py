"""One article's page as a string, for ``auditor serve`` and ``Result.to_html`` of the Python API: the page a run report draws for each article (the text
with its numbers highlighted, the claim cards, the coverage line, the charts, the methods footer), without a
history database or a folder. Charts are inlined as SVG ``data:`` images and the tables to download as ``data:``
links, so the page stands alone; the form that leads to it is drawn here too.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.io.output import write_table
from auditor.report.atomic import figure_bytes
from auditor.report.figures import article_charts
from auditor.report.html import render_template
from auditor.report.run_info import RunInfo
from auditor.report.views import ReferenceIndex, article_filename, article_view, prepare, records

#: The tables offered for download, with what each holds.
DOWNLOADS: Final = (
    ("claims", "the numbers found, one row per number"),
    ("verdicts", "one verdict per number"),
    ("findings", "what the checks found, with the reference values"),
)
# Matplotlib's font and text caches are shared by the process: requests draw their charts one at a time.
_DRAWING = threading.Lock()
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ArticleTables:
    """One article's tables: ``documents`` holds its one row; the others as the engine returns them."""

    documents: pd.DataFrame
    claims: pd.DataFrame
    verdicts: pd.DataFrame
    findings: pd.DataFrame


def render_article_page(
    tables: ArticleTables,
    references: pd.DataFrame,
    *,
    run: RunInfo,
    max_charts: int = 3,
    form_href: str | None = "./",
) -> str:
    """The HTML page of the one article in ``tables``, checked against ``references`` (only the series its
    findings name are used), with at most ``max_charts`` charts and the download links; ``form_href`` is the
    link back to the form (None: no link, for a page saved as a file)."""
    findings = tables.findings
    used = references[references["series_id"].isin(findings["series_id"].dropna().unique())]
    prepared = prepare(tables.documents, tables.claims, tables.verdicts, findings, used)
    doc = records(prepared.documents)[0]
    refs = ReferenceIndex(prepared.references)
    view = article_view(doc, records(prepared.claims), records(prepared.findings), refs)
    stem = article_filename(str(doc["doc_id"])).removesuffix(".html")
    plans = article_charts(
        stem, doc, prepared.claims, prepared.findings, prepared.references, limit=max_charts
    )
    with _DRAWING:
        view["charts"] = [
            _inline_chart(p.key, figure_bytes(p.draw(), "svg"), p.caption, p.alt) for p in plans
        ]
    return render_template(
        "served_article.html.j2",
        run=run,
        tool_version=run.tool_version,
        article=view,
        downloads=_downloads(tables),
        form_href=form_href,
    )


def render_form(*, run: RunInfo, values: Mapping[str, str], error: str | None = None) -> str:
    """The form page (article text or file, title, date, source) with ``values`` filled in and ``error`` shown."""
    filled = {name: values.get(name, "") for name in ("text", "title", "date", "source")}
    return render_template(
        "check_form.html.j2", run=run, tool_version=run.tool_version, values=filled, error=error
    )


def inline_hashes(page: str, tag: str) -> tuple[str, ...]:
    """The CSP sources (``'sha256-...'``) of the inline ``<script>`` or ``<style>`` (``tag``) blocks of a page the
    templates drew; computed once from a known page, they allow exactly the report's own JS or CSS."""
    found = []
    for name, body in _INLINE.findall(page):
        if name == tag:
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            found.append(f"'sha256-{digest}'")
    return tuple(dict.fromkeys(found))


def _inline_chart(key: str, svg: bytes, caption: str, alt: str) -> dict[str, str | None]:
    return {"key": key, "svg": _data_uri("image/svg+xml", svg), "png": None, "caption": caption, "alt": alt}


def _downloads(tables: ArticleTables) -> list[dict[str, str]]:
    links = []
    for stem, what in DOWNLOADS:
        frame: pd.DataFrame = getattr(tables, stem)
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            buffer = io.StringIO()
            write_table(frame, fmt, buffer)
            links.append(
                {
                    "filename": f"{stem}.{fmt}",
                    "href": _data_uri(media, buffer.getvalue().encode("utf-8")),
                    "what": what,
                }
            )
    return links


def _data_uri(media: str, data: bytes) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"

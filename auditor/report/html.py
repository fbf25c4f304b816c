"""The editor's report: a static HTML folder per run, and ``reports/index.html`` listing every run.

The folder holds ``index.html``, ``articles/<safe id>.html``, ``charts/*.svg|png``, ``claims.csv``,
``findings.csv``, ``claims.parquet`` and ``findings.parquet``. CSS and JS are inlined and nothing is
fetched from the network, so the report works offline from ``file://``. The folder is built aside and
swapped in whole.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.checks.wording import is_missing
from auditor.errors import DataError
from auditor.report import charts
from auditor.report.atomic import figure_bytes, staged_dir, write_bytes, write_text
from auditor.report.figures import PlannedChart, article_charts, run_charts, with_current_run, worst_first
from auditor.report.run_info import RunInfo
from auditor.report.verdicts import ORDER, STYLES, Coverage
from auditor.report.views import (
    ReferenceIndex,
    RunTables,
    article_filename,
    article_rows,
    article_view,
    changed_claims,
    flagged_claims,
    prepare,
    records,
)

_HERE = Path(__file__).resolve().parent
#: Columns ``render_index`` needs in its runs table (``n_documents`` and ``report_dir`` are optional).
RUN_COLUMNS = (
    "run_id",
    "started",
    "n_claims",
    "n_checked",
    "n_attention",
    "n_likely_error",
    "n_not_checkable",
)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["styles"] = STYLES
    env.globals["order"] = ORDER
    env.globals["css"] = Markup((_HERE / "static" / "report.css").read_text(encoding="utf-8"))
    env.globals["js"] = Markup((_HERE / "static" / "report.js").read_text(encoding="utf-8"))
    return env


def render_template(template: str, **context: Any) -> str:
    """Render one of the report templates (autoescaped) with ``context``."""
    return _environment().get_template(template).render(**context)


def _draw(plan: PlannedChart, folder: Path, href_prefix: str, *, png: bool = True) -> dict[str, str | None]:
    """Draw a planned chart into ``folder`` as SVG (shown) and, with ``png``, PNG (to paste elsewhere);
    returns what the chart template needs."""
    fig = plan.draw()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{plan.key}.svg").write_bytes(figure_bytes(fig, "svg"))
    if png:
        (folder / f"{plan.key}.png").write_bytes(figure_bytes(fig, "png"))
    return {
        "key": plan.key,
        "svg": f"{href_prefix}{plan.key}.svg",
        "png": f"{href_prefix}{plan.key}.png" if png else None,
        "caption": plan.caption,
        "alt": plan.alt,
    }


def _table_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return df.to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def render_run_report(
    out_dir: Path,
    *,
    run: RunInfo,
    documents: pd.DataFrame,
    claims: pd.DataFrame,
    verdicts: pd.DataFrame,
    findings: pd.DataFrame,
    references: pd.DataFrame,
    history: pd.DataFrame | None = None,
    tolerance: float = 0.1,
    max_article_charts: int = 24,
    runs_index_href: str | None = "../index.html",
    before: pd.DataFrame | None = None,
) -> Path:
    """Write the report of one run into ``out_dir`` (replacing it whole) and return its ``index.html``.

    ``history`` has one row per past run (see :data:`RUN_COLUMNS`); this run is added when it is not in it.
    ``tolerance`` is the relative band drawn on the stated-vs-reference chart; at most ``max_article_charts``
    charts (SVG only: ``auditor plot`` draws a PNG of any of them) are drawn for article pages, for the
    articles with the most serious findings first. The run's own charts are written as SVG and PNG.
    ``before`` (a re-check: the verdicts the articles had until now, ``doc_id, claim_id, verdict``) adds the
    list of changed verdicts above the flagged claims.
    """
    tables = prepare(documents, claims, verdicts, findings, references)
    coverage = Coverage.of(tables.claims)
    rows = article_rows(tables)
    with staged_dir(out_dir) as stage:
        past = with_current_run(history, run.run_id, pd.Timestamp(run.started), coverage)
        run_plans = run_charts(tables.claims, tables.findings, tables.documents, past, tolerance=tolerance)
        shown = [_draw(p, stage / "charts", "charts/") for p in run_plans]
        page = render_template(
            "run.html.j2",
            run=run,
            tool_version=run.tool_version,
            summary=coverage.line(),
            articles=rows,
            flagged=flagged_claims(tables),
            changes=None if before is None else changed_claims(tables, before),
            charts=shown,
            runs_index_href=runs_index_href,
        )
        (stage / "index.html").write_text(page, encoding="utf-8")
        _write_articles(stage, run, tables, rows, max_article_charts)
        claims_out = tables.claims
        for stem, df in (("claims", claims_out), ("findings", tables.findings)):
            for fmt in ("csv", "parquet"):
                (stage / f"{stem}.{fmt}").write_bytes(_table_bytes(df, fmt))
    return out_dir / "index.html"


def _write_articles(
    stage: Path, run: RunInfo, tables: RunTables, rows: list[dict[str, Any]], budget: int
) -> None:
    folder = stage / "articles"
    folder.mkdir()
    refs = ReferenceIndex(tables.references)
    # Rows as dicts, grouped in Python: per-article DataFrame slicing costs more than the page itself.
    claims_by_doc: dict[str, list[dict[str, Any]]] = {}
    for claim in records(tables.claims):
        claims_by_doc.setdefault(str(claim["doc_id"]), []).append(claim)
    findings_by_doc: dict[str, list[dict[str, Any]]] = {}
    for finding in records(tables.findings):
        findings_by_doc.setdefault(str(finding["doc_id"]), []).append(finding)
    with_charts = [r["doc_id"] for r in worst_first(rows)]
    for doc in records(tables.documents):
        doc_id = str(doc["doc_id"])
        view = article_view(doc, claims_by_doc.get(doc_id, []), findings_by_doc.get(doc_id, []), refs)
        shown: list[dict[str, str | None]] = []
        if budget > 0 and doc_id in with_charts[:budget]:
            stem = article_filename(doc_id).removesuffix(".html")
            claims = tables.claims[tables.claims["doc_id"] == doc_id]
            findings = tables.findings[tables.findings["doc_id"] == doc_id]
            plans = article_charts(stem, doc, claims, findings, tables.references, limit=min(3, budget))
            shown = [_draw(p, stage / "charts", "../charts/", png=False) for p in plans]
            budget -= len(shown)
        view["charts"] = shown
        page = render_template("article.html.j2", run=run, tool_version=run.tool_version, article=view)
        (folder / article_filename(doc_id)).write_text(page, encoding="utf-8")


def render_index(reports_root: Path, runs: pd.DataFrame, *, tool_version: str = "") -> Path:
    """Write ``reports_root/index.html`` listing every run in ``runs`` (one row per run, columns
    :data:`RUN_COLUMNS`; optional ``report_dir``, the run's folder relative to ``reports_root``, default the
    run id, and ``n_documents``), newest first, with the flag rate over time."""
    missing = [c for c in RUN_COLUMNS if c not in runs.columns]
    if missing:
        raise DataError(
            f"runs table for {reports_root / 'index.html'} lacks column(s) {', '.join(missing)} "
            f"(got {', '.join(map(str, runs.columns)) or 'no columns'}); "
            f"allowed: a table with {', '.join(RUN_COLUMNS)}"
        )
    data = runs.assign(started=pd.to_datetime(runs["started"])).sort_values("started", ascending=False)
    entries = []
    for row in records(data):
        folder = row.get("report_dir")
        folder = str(row["run_id"]) if is_missing(folder) or not folder else str(folder)
        exists = (reports_root / folder / "index.html").is_file()
        cov = Coverage(
            found=int(row["n_claims"]),
            checked=int(row["n_checked"]),
            attention=int(row["n_attention"]),
            likely_errors=int(row["n_likely_error"]),
            not_checkable=int(row["n_not_checkable"]),
        )
        n_docs = row.get("n_documents")
        entries.append(
            {
                "run_id": str(row["run_id"]),
                "started": pd.Timestamp(row["started"]).strftime("%Y-%m-%d %H:%M"),
                "href": f"{Path(folder).as_posix()}/index.html" if exists else None,
                "n_documents": "" if n_docs is None or is_missing(n_docs) else f"{int(n_docs):,}",
                "n_claims": f"{cov.found:,}",
                "n_checked": f"{cov.checked:,}",
                "n_attention": f"{cov.attention:,}",
                "n_likely_error": f"{cov.likely_errors:,}",
                "n_not_checkable": f"{cov.not_checkable:,}",
                "summary": cov.line(),
                "found_any": cov.found > 0,
            }
        )
    # the headline is the newest run that read any numbers: a re-run that found nothing new keeps it
    headline = next((e for e in entries if e["found_any"]), entries[0] if entries else None)
    shown = []
    if len(data) >= 2:
        fig = charts.flag_rate(data)
        for fmt in ("svg", "png"):
            write_bytes(reports_root / f"index-flag-rate.{fmt}", figure_bytes(fig, fmt))
        shown.append(
            {
                "key": "flag-rate",
                "svg": "index-flag-rate.svg",
                "png": "index-flag-rate.png",
                "caption": "Share of checked numbers that needed attention in each run (likely errors "
                "included), and of likely errors alone.",
                "alt": f"Line chart of the flag rate over {len(data)} runs.",
            }
        )
    page = render_template(
        "runs.html.j2", runs=entries, headline=headline, charts=shown, tool_version=tool_version
    )
    return write_text(reports_root / "index.html", page)

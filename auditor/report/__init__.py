"""The editor's report: static HTML pages, charts, and the run's tables as CSV and Parquet.

``render_run_report`` writes one run's folder and ``render_index`` the page listing every run; charts live in
:mod:`auditor.report.charts` and can be drawn on their own (``auditor plot``). The names below load on first
use, so that ``auditor check``'s terminal report (:mod:`auditor.report.terminal`) starts without matplotlib and
jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.report.html import RUN_COLUMNS, render_index, render_run_report
    from auditor.report.run_info import ReferenceDataset, RunInfo

__all__ = ["RUN_COLUMNS", "ReferenceDataset", "RunInfo", "render_index", "render_run_report"]


def __getattr__(name: str) -> Any:
    if name in ("RUN_COLUMNS", "render_index", "render_run_report"):
        from auditor.report import html

        return getattr(html, name)
    if name in ("ReferenceDataset", "RunInfo"):
        from auditor.report import run_info

        return getattr(run_info, name)
    raise AttributeError(f"module 'auditor.report' has no attribute {name!r}")

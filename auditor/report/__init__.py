"""The editor's report: static HTML pages, charts, and the run's tables as CSV and Parquet.

``render_run_report`` writes one run's folder and ``render_index`` the page listing every run; charts live in
:mod:`auditor.report.charts` and can be drawn on their own (``auditor plot``).
"""

from __future__ import annotations

from auditor.report.html import RUN_COLUMNS, render_index, render_run_report
from auditor.report.run_info import ReferenceDataset, RunInfo

__all__ = ["RUN_COLUMNS", "ReferenceDataset", "RunInfo", "render_index", "render_run_report"]

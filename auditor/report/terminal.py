"""``auditor check --format table``: the claims as a report an editor reads in a terminal, rendered with rich.

Claims come worst first (likely errors, outdated, needs review, then matches, then not checkable; the article's
order within a verdict). Each claim shows its verdict (never cut: the verdict column does not wrap), the
article, the quote with the number highlighted, how the number was read, and the finding's whole sentence
wrapped to the width. Colour marks verdicts only when the output is a terminal; none when piped or written
with ``-o``, none when ``NO_COLOR`` is set (rich honours it). The coverage line comes last.

The rows are held until :meth:`TerminalReport.close` so that the order holds across batches: the report
keeps the display strings of every claim shown (``--only flagged`` keeps it short on a large corpus).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final, TextIO

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.report.verdicts import ATTENTION, ORDER, STYLES

#: Verdicts in the order the report lists them: those needing attention, the matches, then not checkable.
REPORT_ORDER: Final = (*ATTENTION, *(v for v in ORDER if STYLES[v].passing), "not_checkable")
#: Columns of :func:`auditor.checks.presentation.editor_view` the report reads.
NEEDS: Final = ("doc", "quote", "surface", "reading", "status", "reference", "source", "finding")
_DEFAULT_WIDTH: Final = 100
_HIGHLIGHT: Final = "bold underline"


def terminal_width(stream: TextIO) -> int:
    """The real width when ``stream`` is a terminal, else ``$COLUMNS``, else 100."""
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        pass
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else _DEFAULT_WIDTH


def console_for(stream: TextIO) -> Console:
    """A console onto ``stream``: colour only if it is a terminal and ``NO_COLOR`` is unset."""
    return Console(
        file=stream, width=terminal_width(stream), highlight=False, markup=False, emoji=False, soft_wrap=False
    )


def _quote(quote: str, surface: str) -> Text:
    text = Text(f"“{quote}”")
    at = quote.find(surface) if surface else -1
    if at >= 0:
        text.stylize(_HIGHLIGHT, at + 1, at + 1 + len(surface))
    return text


def _claim(row: pd.Series) -> Text:
    """The right-hand cell: article, quote, reading, finding and reference, one per line."""
    parts = [Text(str(row["doc"]), style="dim"), _quote(str(row["quote"]), str(row["surface"]))]
    parts.append(Text(f"read as: {row['reading']}"))
    if row["finding"]:
        parts.append(Text(str(row["finding"])))
    if row["reference"]:
        source = f" · {row['source']}" if row["source"] else ""
        parts.append(Text(f"reference: {row['reference']}{source}", style="dim"))
    return Text("\n").join(parts)


def _verdict(status: str) -> Text:
    look = STYLES[status]
    return Text(look.word, style=f"bold {look.colour}")


class TerminalReport:
    """Collects :func:`~auditor.checks.presentation.editor_view` batches; :meth:`close` renders them and then
    the line ``coverage()`` gives (an :class:`auditor.io.output.Writer`)."""

    def __init__(self, console: Console, coverage: Callable[[], str]) -> None:
        self._console = console
        self._coverage = coverage
        self._frames: list[pd.DataFrame] = []

    def write(self, frame: pd.DataFrame) -> None:
        """Keep one batch's rows."""
        if len(frame):
            self._frames.append(frame[list(NEEDS)])

    def close(self) -> None:
        """Render every claim kept, worst first, then the coverage line."""
        rows = pd.concat(self._frames, ignore_index=True) if self._frames else pd.DataFrame(columns=NEEDS)
        if len(rows):
            rank = rows["status"].map(REPORT_ORDER.index)
            rows = rows.iloc[rank.argsort(kind="stable")]
            self._console.print(self._table(rows))
        else:
            self._console.print("(nothing to show)")
        self._console.print(Text(self._coverage()))

    def _table(self, rows: pd.DataFrame) -> Table:
        widest = max(len(STYLES[s].word) for s in rows["status"].unique())
        table = Table(box=box.SIMPLE_HEAD, leading=1, show_edge=False, pad_edge=False)
        table.add_column("verdict", no_wrap=True, min_width=widest, vertical="top")
        table.add_column("claim (article · quote · reading · finding)", overflow="fold")
        for _, row in rows.iterrows():
            table.add_row(_verdict(str(row["status"])), _claim(row))
        return table

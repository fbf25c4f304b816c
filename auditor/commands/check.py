"""``auditor check PATH...``: extract the numbers of articles and check them against each other and references.

Output is one row per number found (see :mod:`auditor.checks.presentation`): ``table`` for an editor, worst
first, rendered by :mod:`auditor.report.terminal` (verdict, article, quote, reading, the whole finding, the
reference); ``jsonl``/``json`` with every claims-table column plus
``verdict``, ``reason`` and ``findings`` (a list of objects); ``csv`` with the claims-table columns plus the verdict
and the deciding finding. A coverage line ends the output ("N numbers found · M checked · K need attention · J not
checkable"): on standard output after a table, on standard error after machine formats so that they stay
parseable. ``--only flagged`` lists only the claims needing attention, in every format (the coverage line still
counts them all).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from auditor.commands.options import (
    DaskSettings,
    batch_size_option,
    dask_options,
    dask_settings,
    date_option,
    fail_on_option,
    jobs_option,
    max_doc_bytes_option,
    output_option,
    reference_option,
    rules_option,
)
from auditor.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INTERNAL, DocumentError, UsageError
from auditor.io.documents import Document, read_documents
from auditor.io.output import FORMATS, Writer, atomic_output, open_writer, write_rows

if TYPE_CHECKING:
    from auditor.checks.presentation import Coverage, Presentation


class _Undated:
    """Counts the articles read without a date, for one note on standard error at the end."""

    def __init__(self) -> None:
        self.seen = 0

    def count(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            self.seen += doc.date is None
            yield doc

    def note(self) -> None:
        if self.seen:
            articles = "article has" if self.seen == 1 else "articles have"
            click.echo(
                f"note: {self.seen} {articles} no date, so claims that need one are not checkable (no_date); "
                "give one with --date YYYY-MM-DD, or a date field in JSONL",
                err=True,
            )


def _on_dask(params: dict[str, Any], settings: DaskSettings) -> int:
    """Run the check on Dask (see :mod:`auditor.cluster.run`), print its coverage line; the exit status."""
    from auditor.cluster.run import run_on_dask
    from auditor.cluster.tasks import Job

    job = Job(
        "check",
        str(settings.out),
        params["all_numbers"],
        params["as_of"],
        params["date_order"],
        params["max_doc_bytes"],
        params["batch_size"],
        str(params["rules_dir"]) if params["rules_dir"] else None,
        tuple(str(r) for r in params["references"]),
        shipped_reference=not params["no_default_reference"],
    )
    run = run_on_dask(job, params["paths"], settings.address, settings.part_size)
    click.echo(run.coverage.line(), err=True)
    if job.as_of is None:
        undated = _Undated()
        undated.seen = run.undated
        undated.note()
    return run.exit_code(params["fail_on"])


def _writer(stream: TextIO, show: Presentation, coverage: Coverage) -> Writer:
    """The editor's report for ``--format table`` (worst first, then the coverage line), else the format's."""
    if show.fmt != "table":
        return open_writer(show.fmt, stream, show.output_columns)
    from auditor.report.terminal import TerminalReport, console_for  # rich: only for the table

    return TerminalReport(console_for(stream), coverage.line)


@click.command(
    "check",
    epilog="Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for bad input or usage (a bad "
    "file is reported as 'error: FILE:LINE: reason' and skipped, the rest is still checked), 3 for an internal "
    "error.",
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for reading; csv, json or jsonl (one claim a line with its verdict and findings) for programs.",
)
@click.option("--all-numbers", is_flag=True, help="Also list numbers that are not claims (not checkable).")
@click.option(
    "--only",
    type=click.Choice(("all", "flagged")),
    default="all",
    show_default=True,
    help="flagged: list only the claims needing attention (likely error, outdated, needs review).",
)
@date_option
@reference_option
@rules_option
@fail_on_option
@batch_size_option(
    5000,
    "Documents extracted and checked together; memory grows with the batch, not with the corpus (each batch has "
    "a fixed cost, so larger batches check faster).",
)
@jobs_option
@output_option
@max_doc_bytes_option
@dask_options
@click.pass_context
def command(
    ctx: click.Context,
    *,
    paths: tuple[str, ...],
    as_of: date | None,
    date_order: str | None,
    references: tuple[Path, ...],
    no_default_reference: bool,
    rules_dir: Path | None,
    fmt: str,
    fail_on: str,
    all_numbers: bool,
    only: str,
    batch_size: int,
    jobs: int,
    output: Path | None,
    max_doc_bytes: int,
) -> None:
    """Check the numbers in the articles at PATH... (files, folders, JSONL batches, or - for stdin)."""
    from auditor.checks import load_rules
    from auditor.checks import presentation as present
    from auditor.checks.batch_jobs import FailedBatches, checked
    from auditor.reference import load_reference_with_shipped
    from auditor.schemas import SEVERITIES

    if (settings := dask_settings(ctx, exclusive=("fmt", "output", "only"))) is not None:
        ctx.exit(_on_dask(ctx.params, settings))
    if output is not None and not output.parent.is_dir():
        raise UsageError("--output", str(output), reason=f"folder {str(output.parent)!r} does not exist")
    rules = load_rules(rules_dir)
    reference = load_reference_with_shipped(references, shipped=not no_default_reference)
    failures = 0

    def report(error: DocumentError) -> None:
        nonlocal failures
        failures += 1
        click.echo(f"error: {error}", err=True)

    undated = _Undated()
    documents = undated.count(
        read_documents(paths, on_error=report, date_order=date_order, max_doc_bytes=max_doc_bytes)
    )
    if as_of is not None:
        documents = (replace(d, date=as_of) for d in documents)
    threshold = None if fail_on == "never" else SEVERITIES.index(fail_on)
    worst = -1
    coverage = present.Coverage()
    show = present.Presentation(fmt, only)
    with ExitStack() as stack:
        stream = sys.stdout if output is None else stack.enter_context(atomic_output(output))
        writer = _writer(stream, show, coverage)
        # the claims carry their as-of dates (the article's, or --date's), so no documents table is needed
        failed = FailedBatches("checked")
        for shown in checked(
            documents,
            rules,
            reference,
            failed,
            show=show,
            all_numbers=all_numbers,
            batch_size=batch_size,
            jobs=jobs,
        ):
            coverage.merge(shown.coverage)
            worst = max(worst, shown.worst)
            write_rows(writer, stream, shown.rows)
        writer.close()
    if fmt != "table":
        click.echo(coverage.line(), err=True)
    if as_of is None:
        undated.note()
    if failed.count:
        ctx.exit(EXIT_INTERNAL)
    if failures:
        what = "input was" if failures == 1 else "inputs were"
        click.echo(f"error: {failures} bad {what} skipped; the rest was checked", err=True)
        ctx.exit(EXIT_BAD_INPUT)
    if threshold is not None and worst >= threshold:
        ctx.exit(EXIT_FINDINGS)

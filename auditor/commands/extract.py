"""``auditor extract PATH...``: the numbers stated in articles, streamed to a table, CSV, JSON or JSONL."""

from __future__ import annotations

import gc
import sys
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path

import click

from auditor.commands.options import (
    batch_size_option,
    dask_options,
    dask_settings,
    date_option,
    jobs_option,
    max_doc_bytes_option,
    output_option,
)
from auditor.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, DocumentError, UsageError
from auditor.io.documents import read_documents
from auditor.io.output import FORMATS, atomic_output, line_renderer, open_writer, write_rows
from auditor.schemas import ClaimsSchema, columns

_FILE_TABLE_WIDTH = 10_000
#: Claims written per table: one document with millions of numbers is streamed like many documents.
MAX_ROWS_PER_TABLE = 20_000


@click.command(
    "extract",
    epilog="A bad file or JSONL line is reported as 'error: FILE:LINE: reason' and skipped; the other "
    "documents are still processed and the exit status is then 2.",
)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for reading; csv, json or jsonl (one claim a line, the claims-table columns) for programs.",
)
@click.option(
    "--all-numbers",
    is_flag=True,
    help="Also list numbers that are not claims (years, dates, times, ordinals, phone numbers...) with their "
    "kind.",
)
@date_option
@batch_size_option(5000, "Documents per batch; memory grows with the batch, not with the corpus.")
@jobs_option
@output_option
@max_doc_bytes_option
@dask_options
@click.pass_context
def command(
    ctx: click.Context,
    *,
    paths: tuple[str, ...],
    fmt: str,
    all_numbers: bool,
    as_of: date | None,
    date_order: str | None,
    batch_size: int,
    jobs: int,
    output: Path | None,
    max_doc_bytes: int,
) -> None:
    """Extract the numeric claims of the articles at PATH... (files, folders, JSONL batches, or - for stdin).

    Reads .txt, .md, .html and .jsonl files; a folder is read recursively.
    """
    from auditor.claims.batches import FailedBatches, extracted

    # What is loaded now (modules, rules) lives as long as the process: out of the collector's sight, its
    # collections no longer walk it (CPU of gc over the shared news 0.08 -> 0.03 s). This process only, not the
    # library's callers.
    gc.freeze()

    if (settings := dask_settings(ctx, exclusive=("fmt", "output"))) is not None:
        from auditor.cluster.run import run_on_dask
        from auditor.cluster.tasks import Job

        job = Job("extract", str(settings.out), all_numbers, as_of, date_order, max_doc_bytes, batch_size)
        ctx.exit(run_on_dask(job, paths, settings.address, settings.part_size).exit_code())

    failures = 0

    def report(error: DocumentError) -> None:
        nonlocal failures
        failures += 1
        click.echo(f"error: {error}", err=True)

    if output is not None and not output.parent.is_dir():
        raise UsageError("--output", str(output), reason=f"folder {str(output.parent)!r} does not exist")
    documents = read_documents(paths, on_error=report, date_order=date_order, max_doc_bytes=max_doc_bytes)
    if as_of is not None:
        documents = (replace(d, date=as_of) for d in documents)
    failed = FailedBatches("written")
    cols = columns(ClaimsSchema) if fmt != "table" else None
    batches = extracted(
        documents,
        all_numbers=all_numbers,
        batch_size=batch_size,
        max_rows=MAX_ROWS_PER_TABLE,
        jobs=jobs,
        on_failure=failed,
        render=line_renderer(fmt, cols),
    )
    with ExitStack() as stack:
        stream = sys.stdout if output is None else stack.enter_context(atomic_output(output))
        # A table in a file keeps whole cells; on a terminal it fits the window.
        width = None if output is None else _FILE_TABLE_WIDTH
        writer = open_writer(fmt, stream, cols, width=width)
        for batch in batches:
            write_rows(writer, stream, batch)
        writer.close()

    if failed.count:
        ctx.exit(EXIT_INTERNAL)
    if failures:
        what = "input was" if failures == 1 else "inputs were"
        click.echo(f"error: {failures} bad {what} skipped; the rest was processed", err=True)
        ctx.exit(EXIT_BAD_INPUT)

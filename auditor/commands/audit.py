"""``auditor audit SOURCE...``: audit new articles into the history database and write the run's report."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from auditor.commands.options import (
    batch_size_option,
    date_option,
    fail_on_option,
    jobs_option,
    max_doc_bytes_option,
    reference_option,
    rules_option,
)
from auditor.errors import DocumentError, UsageError
from auditor.history.audit import AuditOptions, run_audit
from auditor.history.parquet_load import ParquetJob, parquet_options
from auditor.history.recheck import run_recheck
from auditor.io.documents import Document

_ONE_MODE = "give exactly one of SOURCE... (articles to audit), --recheck or --from-parquet DIR"
_ONE_PROCESS = (
    "{mode} runs in this one process, so --jobs would change nothing; --jobs N is allowed only with SOURCE... "
    "(articles to read and check), drop it or give --jobs 1"
)


@click.command(
    "audit",
    epilog="Documents already in the history (same id, same text after whitespace and Unicode normalisation) "
    "are skipped. A bad file or JSONL line is reported as 'error: FILE:LINE: reason' and skipped; the other "
    "documents are still stored and the exit status is then 2. Schedule it with cron or a systemd timer: see the README.",
)
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("reports/audit.duckdb"),
    show_default=True,
    help="The history database (DuckDB); created when missing.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for the dated report of this run and the index.html listing every run.",
)
@date_option
@reference_option
@rules_option
@fail_on_option
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0.0,
    metavar="SECONDS",
    show_default=True,
    help="Seconds to wait for another audit that holds the database before giving up.",
)
@batch_size_option(
    100, "Documents extracted and checked together (each is still stored in its own transaction)."
)
@jobs_option
@click.option(
    "--recheck",
    is_flag=True,
    help="Instead of reading SOURCE..., check the stored articles again whose verdicts were computed with "
    "other rules or reference data, record the new verdicts as a new run and list the ones that changed.",
)
@click.option(
    "--from-parquet",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Store the result of 'auditor check --dask ... --out DIR' instead of reading SOURCE... (re-running "
    "adds nothing).",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar (there is none when stderr is not a terminal)."
)
@max_doc_bytes_option
@click.pass_context
def command(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: Path,
    out: Path,
    as_of: date | None,
    date_order: str | None,
    references: tuple[Path, ...],
    no_default_reference: bool,
    rules_dir: Path | None,
    fail_on: str,
    wait: float,
    batch_size: int,
    jobs: int,
    recheck: bool,
    from_parquet: Path | None,
    quiet: bool,
    max_doc_bytes: int,
) -> None:
    """Audit the new articles in SOURCE... (files, folders, JSONL batches, or - for stdin).

    Stores documents, claims, verdicts and findings in the history database, writes a dated report folder
    under --out and rewrites OUT/index.html to list every run. Ends with one summary line.
    """
    if sum((bool(sources), recheck, from_parquet is not None)) != 1:
        given = " ".join(sources) if sources else "nothing"
        raise UsageError("SOURCE...", given, reason=_ONE_MODE)
    if jobs != 1 and (mode := "--recheck" if recheck else "--from-parquet" if from_parquet else None):
        raise UsageError("--jobs", jobs, reason=_ONE_PROCESS.format(mode=mode))

    def report(error: DocumentError) -> None:
        click.echo(f"error: {error}", err=True)

    def failed(document: Document, exc: Exception) -> None:
        click.echo(
            f"internal error: {document.doc_id}: {type(exc).__name__}: {exc}. The article was skipped and will be "
            "retried by the next run; this is a bug, please report it.",
            err=True,
        )

    options = AuditOptions(
        sources=sources,
        db=db,
        out=out,
        as_of=as_of,
        date_order=date_order,
        references=references,
        default_reference=not no_default_reference,
        rules=rules_dir,
        fail_on=fail_on,
        wait=wait,
        batch_size=batch_size,
        progress=not quiet and sys.stderr.isatty(),
        max_doc_bytes=max_doc_bytes,
        jobs=jobs,
    )
    if recheck:
        rechecked = run_recheck(options)
        for line in rechecked.change_lines():
            click.echo(line)
        click.echo(rechecked.summary())
        if rechecked.exit_code:
            ctx.exit(rechecked.exit_code)
        return
    if from_parquet is not None:
        options = parquet_options(from_parquet, options)
    result = run_audit(
        options, on_error=report, on_failure=failed, job_type=ParquetJob if from_parquet else None
    )
    if result.counts.documents_bad:
        bad = result.counts.documents_bad
        what = "input was" if bad == 1 else "inputs were"
        click.echo(f"error: {bad} bad {what} skipped; the rest was stored", err=True)
    click.echo(result.summary())
    if result.exit_code:
        ctx.exit(result.exit_code)

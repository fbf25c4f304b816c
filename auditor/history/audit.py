"""The scheduled audit job: read -> skip what the history has seen -> extract -> check -> store -> report.

:func:`run_audit` holds the history database (:class:`~auditor.history.store.AuditStore`) for the whole run, so a
second audit on the same database waits or fails with a clear message. Each new document is stored with its
claims, verdicts and findings in one transaction, so a run killed at any moment loses at most the document it
was writing, and the next run stores exactly what the killed one did not. The run's report goes to a dated
folder ``out/<run id>/`` (built aside and moved into place), then ``out/index.html`` is rewritten to list
every run of the history.

Bad documents (unreadable file, malformed JSONL line, duplicate id) are reported through ``on_error`` and
skipped; the rest of the batch is still stored, and the exit status is then 2.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Final

import click
import duckdb
import pandas as pd
from pandera.pandas import DataFrameModel

from auditor import reference as reference_data
from auditor import report as reporting
from auditor.checks import engine
from auditor.checks.batch_jobs import checking_worker, on_checking_workers
from auditor.checks.rules import RuleSet
from auditor.claims import extract as extraction
from auditor.errors import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    DocumentError,
    StoreError,
    UsageError,
)
from auditor.history.methods import Fingerprint, fingerprint, run_info, tool_version
from auditor.history.store import AuditStore, RunCounts, RunStart, document_key
from auditor.io.dates import as_date, check_order
from auditor.io.documents import Document, documents_frame, read_documents
from auditor.report.run_info import RunInfo
from auditor.report.verdicts import Coverage
from auditor.schemas import FAIL_ON, SEVERITIES, ClaimsSchema, FindingsSchema, VerdictsSchema, empty, validate

#: ``--fail-on`` values: the lowest finding severity that makes the exit status 1 (``never``: none does).
DEFAULT_DB: Final = Path("reports/audit.duckdb")
DEFAULT_OUT: Final = Path("reports")


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What one audit run is asked to do (the options of ``auditor audit``); ``as_of`` may be a date string
    (read like ``--date``, with ``date_order``)."""

    sources: tuple[str, ...]
    db: Path = DEFAULT_DB
    out: Path = DEFAULT_OUT
    as_of: date | None = None
    date_order: str | None = None
    references: tuple[Path, ...] = ()
    #: check against the shipped reference pack as well as ``references`` (``--no-default-reference``: false)
    default_reference: bool = True
    rules: Path | None = None
    fail_on: str = "error"
    wait: float = 0.0
    batch_size: int = 100
    progress: bool = False
    #: the largest document read (``--max-doc-bytes``; None: no limit)
    max_doc_bytes: int | None = None
    #: worker processes extracting and checking batches (``--jobs``); this process stores them all
    jobs: int = 1

    def __post_init__(self) -> None:
        order = check_order(self.date_order)
        if self.as_of is not None and type(self.as_of) is not date:
            object.__setattr__(self, "as_of", as_date(self.as_of, "as_of", order=order))

    def check(self) -> None:
        """Raise :class:`~auditor.errors.UsageError` for a ``fail_on`` or ``batch_size`` out of range."""
        if self.fail_on not in FAIL_ON:
            raise UsageError("--fail-on", self.fail_on, FAIL_ON)
        if self.batch_size < 1:
            raise UsageError("--batch-size", self.batch_size, reason="must be at least 1")

    def reference_table(self) -> pd.DataFrame:
        """The reference data these options select: the shipped pack (unless not ``default_reference``) and
        ``references``."""
        return reference_data.load_reference_with_shipped(self.references, shipped=self.default_reference)

    def fingerprint(self, rules: RuleSet) -> Fingerprint:
        """The hashes of ``rules`` and of the reference files these options select."""
        return fingerprint(rules, references=self.references, default_reference=self.default_reference)

    def run_start(self, prints: Fingerprint, *, kind: str = "audit") -> RunStart:
        """What the history records when a run on these options starts."""
        return RunStart(
            sources=list(self.sources),
            as_of=self.as_of,
            rules=str(self.rules) if self.rules else None,
            reference=[str(p) for p in self.references],
            fail_on=self.fail_on,
            tool_version=tool_version(),
            kind=kind,
            rules_hash=prints.rules_hash,
            reference_hash=prints.reference_hash,
            reference_files=prints.reference_files,
        )


@dataclass(slots=True)
class _Tally:
    """Counts kept while the run goes, so a failed run can still record how far it got."""

    read: int = 0
    new: int = 0
    seen: int = 0
    bad: int = 0
    failed: int = 0
    claims: int = 0
    findings: int = 0

    def counts(self) -> RunCounts:
        return RunCounts(
            documents_read=self.read,
            documents_new=self.new,
            documents_seen=self.seen,
            documents_bad=self.bad,
            documents_failed=self.failed,
            claims=self.claims,
            findings=self.findings,
        )


@dataclass(slots=True)
class _RunRows:
    """The rows this run stored, gathered batch by batch for its report."""

    documents: list[Document] = field(default_factory=list)
    claims: list[pd.DataFrame] = field(default_factory=list)
    verdicts: list[pd.DataFrame] = field(default_factory=list)
    findings: list[pd.DataFrame] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What a finished run did; :meth:`summary` is the line the command prints last."""

    run_id: str
    counts: RunCounts
    coverage: Coverage
    worst_severity: str | None
    report: Path
    index: Path
    exit_code: int

    def summary(self) -> str:
        """One line: documents read, new, already audited, bad; the coverage counts; where the report is."""
        c = self.counts
        parts = [
            f"{c.documents_read:,} {'article' if c.documents_read == 1 else 'articles'} read",
            f"{c.documents_new:,} new",
            f"{c.documents_seen:,} already audited",
        ]
        if c.documents_bad:
            parts.append(f"{c.documents_bad:,} bad (skipped)")
        if c.documents_failed:
            parts.append(f"{c.documents_failed:,} failed (internal error)")
        return f"audit {self.run_id}: {' · '.join(parts)} · {self.coverage.line()} · report {self.report}"


def exit_status(
    severities: Sequence[str] | pd.Series, fail_on: str, *, bad_documents: int, failed_documents: int = 0
) -> int:
    """3 when a document failed on an internal error, else 2 when one was bad input, else 1 when a finding
    reaches ``fail_on``, else 0."""
    if failed_documents:
        return EXIT_INTERNAL
    if bad_documents:
        return EXIT_BAD_INPUT
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITIES.index(fail_on)
    reached = any(SEVERITIES.index(str(s)) >= threshold for s in severities)
    return EXIT_FINDINGS if reached else EXIT_OK


def _batched(items: Sequence[tuple[str, Document]], size: int) -> Iterator[list[tuple[str, Document]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def concat_rows(frames: Sequence[pd.DataFrame], model: type[DataFrameModel]) -> pd.DataFrame:
    """The non-empty ``frames`` one after the other (an empty table of ``model`` when there are none)."""
    present = [f for f in frames if not f.empty]
    if not present:
        return empty(model)
    return pd.concat(present, ignore_index=True)


def worst_severity(severities: pd.Series) -> str | None:
    """The most serious of ``severities`` (None when empty)."""
    present = set(severities.astype(str))
    return next((s for s in reversed(SEVERITIES) if s in present), None)


class _Progress:
    """Click's progress bar on standard error, or nothing when disabled or when there is nothing to do."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._stack = contextlib.ExitStack()
        self.advance: Callable[[int], None] = lambda _n: None
        if enabled and total:
            bar = click.progressbar(length=total, label="Auditing", file=sys.stderr, show_pos=True, width=30)
            self.advance = self._stack.enter_context(bar).update

    def close(self) -> None:
        """Finish the bar (moves to a new line)."""
        self._stack.close()


def run_audit(
    options: AuditOptions,
    *,
    on_error: Callable[[DocumentError], None],
    on_failure: Callable[[Document, Exception], None],
    job_type: type[_Job] | None = None,
) -> AuditResult:
    """Audit the new documents of ``options.sources`` into the history and write the run's report.

    ``on_error`` hears of each bad document (skipped; exit status 2). ``on_failure`` hears of each document
    that extraction or checking failed on with an unexpected error: a batch that fails is retried document by
    document, so one such article is skipped (and retried by the next run) while the rest is stored (exit 3).
    ``job_type`` (a subclass of the job, such as ``parquet_load.ParquetJob``) replaces reading and checking.

    Rules and reference data are loaded before the database is touched (a bad file raises its
    :class:`~auditor.errors.RuleError` / :class:`~auditor.errors.ReferenceDataError`); a database held by
    another audit for longer than ``options.wait`` seconds raises :class:`~auditor.errors.StoreError`.
    """
    options.check()
    rules = engine.load_rules(options.rules)
    references = options.reference_table()
    prints = options.fingerprint(rules)

    with AuditStore(options.db, wait=options.wait) as store:
        started = datetime.now(UTC)
        run_id = store.start_run(options.run_start(prints), now=started)
        sweep_staging(options.out, store)
        job = (job_type or _Job)(store, run_id, options, rules, references, on_error, on_failure)
        tally, rows = job.tally, job.rows
        try:
            job.run()
            claims = concat_rows(rows.claims, ClaimsSchema)
            verdicts = concat_rows(rows.verdicts, VerdictsSchema)
            findings = concat_rows(rows.findings, FindingsSchema)
            status = exit_status(
                findings["severity"], options.fail_on, bad_documents=tally.bad, failed_documents=tally.failed
            )
            info = audit_run_info(run_id, started, rules, options, prints)
            report = reporting.render_run_report(
                options.out / run_id,
                run=info,
                documents=documents_frame(rows.documents),
                claims=claims,
                verdicts=verdicts,
                findings=findings,
                references=references,
                history=store.history(),
            )
            store.set_report(run_id, report)
            store.finish_run(run_id, tally.counts(), status="finished", exit_code=status)
            index = reporting.render_index(options.out, store.history(), tool_version=info.tool_version)
        except BaseException as exc:
            store.finish_run(
                run_id,
                tally.counts(),
                status="failed",
                exit_code=int(getattr(exc, "exit_code", EXIT_INTERNAL)),
                error=f"{type(exc).__name__}: {exc}",
            )
            raise
    return AuditResult(
        run_id=run_id,
        counts=tally.counts(),
        coverage=Coverage.of(verdicts),
        worst_severity=worst_severity(findings["severity"]),
        report=report,
        index=index,
        exit_code=status,
    )


@dataclass(slots=True)
class _Job:
    """One run's work: read, skip seen, extract, check and store, batch by batch."""

    store: AuditStore
    run_id: str
    options: AuditOptions
    rules: RuleSet
    references: pd.DataFrame
    on_error: Callable[[DocumentError], None]
    on_failure: Callable[[Document, Exception], None]
    tally: _Tally = field(default_factory=_Tally)
    rows: _RunRows = field(default_factory=_RunRows)

    def bad(self, error: DocumentError) -> None:
        """Count and pass on a bad document."""
        self.tally.bad += 1
        self.on_error(error)

    def run(self) -> None:
        """Process every new document of the sources."""
        options = self.options
        docs = []
        for doc in read_documents(
            list(options.sources),
            on_error=self.bad,
            date_order=options.date_order,
            max_doc_bytes=options.max_doc_bytes,
        ):
            self.tally.read += 1
            docs.append(replace(doc, date=options.as_of) if options.as_of else doc)
        keys = [document_key(d.doc_id, d.text) for d in docs]
        seen = self.store.seen_keys(keys)
        pending = [(k, d) for k, d in zip(keys, docs, strict=True) if k not in seen]
        self.tally.seen = len(docs) - len(pending)
        progress = _Progress(len(pending), options.progress)
        chunks = _batched(pending, options.batch_size)
        try:
            if options.jobs == 1:
                for chunk in chunks:
                    self.isolating(chunk)
                    progress.advance(len(chunk))
                return
            for chunk, rows in on_checking_workers(
                _checked_in_worker,
                chunks,
                self.rules,
                self.references,
                jobs=options.jobs,
                on_failure=lambda chunk, exc: self.failed(chunk, exc, progress),
                split=_one_by_one,
            ):
                self.store_checked(chunk, *rows)
                progress.advance(len(chunk))
        finally:
            progress.close()

    def failed(self, chunk: list[tuple[str, Document]], exc: BaseException, progress: _Progress) -> None:
        """A document a worker failed on (alone: see :func:`_one_by_one`), or that killed the worker."""
        for _, doc in chunk:
            self.tally.failed += 1
            self.on_failure(doc, exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
        progress.advance(len(chunk))

    def isolating(self, chunk: list[tuple[str, Document]]) -> None:
        """Run :meth:`batch`; when it fails unexpectedly, retry document by document to isolate the culprit.

        Extraction and checking come before storing, so a failed batch stored nothing. Database errors are
        not retried: they end the run.
        """
        try:
            self.batch(chunk)
        except (StoreError, duckdb.Error):
            raise
        except Exception as exc:
            if len(chunk) > 1:
                for item in chunk:
                    self.isolating([item])
                return
            self.tally.failed += 1
            self.on_failure(chunk[0][1], exc)

    def batch(self, chunk: list[tuple[str, Document]]) -> None:
        """Extract and check one batch, then store it."""
        self.store_checked(chunk, *_checked([d for _, d in chunk], self.references, self.rules))

    def store_checked(
        self,
        chunk: list[tuple[str, Document]],
        claims: pd.DataFrame,
        verdicts: pd.DataFrame,
        findings: pd.DataFrame,
    ) -> None:
        """Store checked documents (one transaction each) and count them; rows of other documents are ignored."""
        stored = self.store.store_batch(self.run_id, chunk, claims, verdicts, findings)
        kept = {doc.doc_id for (_, doc), ok in zip(chunk, stored, strict=True) if ok}
        tally = self.tally
        tally.new += len(kept)
        tally.seen += len(chunk) - len(kept)  # only if the same key came twice in this run
        tally.claims += int(claims["doc_id"].isin(kept).sum())
        tally.findings += int(findings["doc_id"].isin(kept).sum())
        self.rows.documents.extend(doc for _, doc in chunk if doc.doc_id in kept)
        for bucket, frame in (
            (self.rows.claims, claims),
            (self.rows.verdicts, verdicts),
            (self.rows.findings, findings),
        ):
            bucket.append(frame[frame["doc_id"].isin(kept)])


#: One batch's claims, verdicts and findings, validated.
_Checked = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _checked(batch: list[Document], references: pd.DataFrame, rules: RuleSet) -> _Checked:
    documents = documents_frame(batch)
    claims = concat_rows(list(extraction.extract_batches(batch, batch_size=len(batch))), ClaimsSchema)
    checked = engine.check_claims(claims, documents, references=references, rules=rules)
    return claims, validate(VerdictsSchema, checked.verdicts), validate(FindingsSchema, checked.findings)


def _checked_in_worker(chunk: list[tuple[str, Document]]) -> _Checked:
    """:func:`_checked` in a worker process of ``--jobs``."""
    rules, references = checking_worker()
    return _checked([d for _, d in chunk], references, rules)


def _one_by_one(chunk: list[tuple[str, Document]]) -> list[list[tuple[str, Document]]]:
    """A failed batch is run again document by document, so only the document it failed on is skipped."""
    return [[item] for item in chunk]


def sweep_staging(out: Path, store: AuditStore) -> None:
    """Remove what runs that died while writing left in ``out``: the staging folder of their report
    (``.<run id>.*.tmp``) and half-written index files (``.index*.tmp``; the index belongs to this history)."""
    if not out.is_dir():
        return
    runs = store.runs()
    dead = set(runs.loc[runs["status"].isin(["interrupted", "failed"]), "run_id"])
    for path in out.glob(".*.tmp"):
        if path.is_dir() and path.name[1:].split(".", 1)[0] in dead:
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.name.startswith(".index"):
            path.unlink(missing_ok=True)


def audit_run_info(
    run_id: str, started: datetime, rules: RuleSet, options: AuditOptions, prints: Fingerprint
) -> RunInfo:
    """The methods footer of an audit run (or a recheck) with these options."""
    return run_info(
        run_id,
        started,
        rules,
        rules_dir=options.rules,
        references=options.references,
        default_reference=options.default_reference,
        prints=prints,
    )

"""Documents extracted and checked batch by batch, in this process (``--jobs 1``) or on worker processes.

:func:`extracted` and :func:`checked` give the same tables in the same order whatever ``jobs`` is: batches are
cut from the document stream exactly as with one process (``batch_size`` documents each) and the results come
back in input order (:func:`auditor.checks.worker_pool.ordered_map`), so the output of a command is byte for byte the
one of ``--jobs 1``. With workers, rules and reference tables are sent once per worker; a batch that fails is
reported through ``on_failure`` (see :func:`describe`) and the other batches are still written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import click
import pandas as pd

from auditor.checks.engine import CheckResult, check_claims
from auditor.checks.rules import RuleSet
from auditor.checks.worker_pool import ordered_map
from auditor.claims.extract import default_extractor
from auditor.io.documents import Document

Batch = list[Document]
OnFailure = Callable[[Batch, BaseException], None]


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every worker holds for the whole run."""

    all_numbers: bool
    max_rows: int | None = None
    rules: RuleSet | None = None
    references: pd.DataFrame | None = None

    def checking(self) -> tuple[RuleSet, pd.DataFrame]:
        """The rules and reference table of a checking worker."""
        if self.rules is None or self.references is None:
            raise RuntimeError("this worker was started to extract only")
        return self.rules, self.references


_setup: _Setup | None = None


def _start_worker(setup: _Setup) -> None:
    global _setup  # noqa: PLW0603 - one worker's state, set once when the worker starts
    _setup = setup


def _worker_setup() -> _Setup:
    if _setup is None:  # pragma: no cover - the pool always runs the initializer first
        raise RuntimeError("worker used before its setup")
    return _setup


def _extract(batch: Batch) -> list[pd.DataFrame]:
    setup = _worker_setup()
    extractor = default_extractor()
    if setup.max_rows is None:
        return [extractor.frame(batch, all_numbers=setup.all_numbers)]
    return list(extractor.frames(batch, all_numbers=setup.all_numbers, max_rows=setup.max_rows))


def _check(batch: Batch) -> tuple[pd.DataFrame, CheckResult] | None:
    setup = _worker_setup()
    claims = default_extractor().frame(batch, all_numbers=setup.all_numbers)
    if not len(claims):
        return None
    rules, references = setup.checking()
    return claims, check_claims(claims, references=references, rules=rules)


def batches(documents: Iterable[Document], size: int) -> Iterator[Batch]:
    """``documents`` cut into lists of ``size`` (the last one shorter)."""
    it = iter(documents)
    while batch := list(islice(it, size)):
        yield batch


def describe(batch: Batch) -> str:
    """A batch as a person finds it again: how many documents, the first and last ids."""
    first, last = batch[0].doc_id, batch[-1].doc_id
    ids = first if len(batch) == 1 else f"{first} … {last}"
    return f"batch of {len(batch)} document{'s' if len(batch) != 1 else ''} ({ids})"


class FailedBatches:
    """Reports each failed batch on standard error as an internal error and counts them (exit status 3)."""

    def __init__(self, what: str) -> None:
        self.count = 0
        self._what = what

    def __call__(self, batch: Batch, exc: BaseException) -> None:
        self.count += 1
        click.echo(
            f"internal error: {describe(batch)}: {type(exc).__name__}: {exc}. The batch was skipped and the "
            f"other batches were {self._what}; this is a bug, please report it.",
            err=True,
        )


def extracted(
    documents: Iterable[Document],
    *,
    all_numbers: bool,
    batch_size: int,
    max_rows: int | None = None,
    jobs: int,
    on_failure: OnFailure,
) -> Iterator[pd.DataFrame]:
    """Validated claims tables, one per batch with claims (or per ``max_rows`` rows), in input order."""
    if jobs == 1:
        from auditor.claims.extract import extract_batches  # looked up when called: tests stand in for it

        yield from extract_batches(documents, all_numbers=all_numbers, batch_size=batch_size, max_rows=max_rows)
        return
    results = ordered_map(
        _extract,
        batches(documents, batch_size),
        jobs=jobs,
        on_failure=on_failure,
        initializer=_start_worker,
        setup=_Setup(all_numbers, max_rows),
    )
    for _, tables in results:
        yield from (claims for claims in tables if len(claims))


def checked(
    documents: Iterable[Document],
    rules: RuleSet,
    references: pd.DataFrame,
    on_failure: OnFailure,
    *,
    all_numbers: bool,
    batch_size: int,
    jobs: int,
) -> Iterator[tuple[pd.DataFrame, CheckResult]]:
    """Each batch's claims with their findings and verdicts, in input order (batches without claims skipped)."""
    if jobs == 1:
        from auditor.claims.extract import extract_batches  # looked up when called: tests stand in for it

        for claims in extract_batches(documents, all_numbers=all_numbers, batch_size=batch_size):
            yield claims, check_claims(claims, references=references, rules=rules)
        return
    results = ordered_map(
        _check,
        batches(documents, batch_size),
        jobs=jobs,
        on_failure=on_failure,
        initializer=_start_worker,
        setup=_Setup(all_numbers, rules=rules, references=references),
    )
    for _, outcome in results:
        if outcome is not None:
            yield outcome

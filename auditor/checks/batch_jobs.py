"""Documents extracted and checked batch by batch, in this process (``--jobs 1``) or on worker processes.

Extraction alone (:func:`extracted`, :func:`job_batches`, :class:`FailedBatches`) lives in
:mod:`auditor.claims.batches`, which does not load the checking engine, and is importable from here too.
:func:`extracted` and :func:`checked` give the same rows in the same order whatever ``jobs`` is: verdicts do not
depend on which articles share a batch, so with workers the stream is cut so that they finish together
(:func:`job_batches`), and the results come back in input order (:func:`auditor.io.worker_pool.ordered_map`):
the output of a command is byte for byte the one of ``--jobs 1``. Workers inherit rules and reference tables, and
do all of a batch's work but writing it: they present it (``check``) and render it as JSON lines (``jsonl``), so
the command only writes text and the two cores do the rest. A batch that fails is reported through ``on_failure``
(see :func:`describe`) and the other batches are still written. :func:`on_checking_workers` runs another
function (``audit``'s) on the same workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Final, TypeVar

import pandas as pd

from auditor.checks.engine import check_claims, may_be_cited
from auditor.checks.presentation import Presentation, Shown
from auditor.checks.rules import RuleSet
from auditor.claims.batches import (
    Batch,
    FailedBatches,
    OnFailure,
    WorkerSetup,
    describe,
    extracted,
    job_batches,
    start_worker,
    text_weight,
    worker_setup,
)
from auditor.io.documents import Document
from auditor.io.worker_pool import ordered_map

__all__ = [
    "FailedBatches",
    "checked",
    "checking_worker",
    "describe",
    "extracted",
    "job_batches",
    "on_checking_workers",
    "text_weight",
]

T = TypeVar("T")
R = TypeVar("R")

#: An article a reference figure was curated from, checked apart: ~0.27 s, what other articles take for a weight of
#: ~75,000 (CPU times on the shared news, 2026-12-07, after the engine's fixed cost was cut).
_CITED_WEIGHT: Final = 80_000


@dataclass(frozen=True, slots=True)
class CheckSetup:
    """What a checking worker holds besides the extraction setup: the run's rules and reference table and, for
    ``auditor check``, the presentation of a batch."""

    rules: RuleSet
    references: pd.DataFrame
    show: Presentation | None = None


def _checking() -> CheckSetup:
    check = worker_setup().check
    if not isinstance(check, CheckSetup):
        raise RuntimeError("this worker was started to extract only")
    return check


def _check(batch: Batch) -> Shown | None:
    from auditor.claims.extract import default_extractor

    claims = default_extractor().frame(batch, all_numbers=worker_setup().all_numbers)
    if not len(claims):
        return None
    check = _checking()
    if check.show is None:  # pragma: no cover - checked() always gives one
        raise RuntimeError("this worker was started without a presentation")
    return check.show(claims, check_claims(claims, references=check.references, rules=check.rules))


def checking_worker() -> tuple[RuleSet, pd.DataFrame]:
    """In a function run by :func:`on_checking_workers`: the run's rules and reference table."""
    check = _checking()
    return check.rules, check.references


def on_checking_workers(
    func: Callable[[T], R],
    batches: Iterable[T],
    rules: RuleSet,
    references: pd.DataFrame,
    *,
    jobs: int,
    on_failure: Callable[[T, BaseException], None],
    split: Callable[[T], Sequence[T]] | None = None,
) -> Iterator[tuple[T, R]]:
    """``(batch, func(batch))`` in input order from ``jobs`` workers holding ``rules`` and ``references``
    (``func``, a module-level function, reads them with :func:`checking_worker`); failures and ``split`` as in
    :func:`~auditor.io.worker_pool.ordered_map`."""
    setup = WorkerSetup(all_numbers=False, check=CheckSetup(rules, references))
    return ordered_map(
        func, batches, jobs=jobs, on_failure=on_failure, initializer=start_worker, setup=setup, split=split
    )


def _check_weight(references: pd.DataFrame) -> Callable[[Document], int]:
    """The work of extracting and checking a document: an article a reference figure was curated from is checked
    on its own (:func:`~auditor.checks.engine.may_be_cited`), which costs about as much as 800 other numbers (more than
    most whole articles). The table of cited articles is built here, before the workers fork: they inherit it."""
    may_be_cited(references, "")
    return lambda doc: text_weight(doc) + (_CITED_WEIGHT if may_be_cited(references, doc.doc_id) else 0)


def checked(
    documents: Iterable[Document],
    rules: RuleSet,
    references: pd.DataFrame,
    on_failure: OnFailure,
    *,
    show: Presentation,
    all_numbers: bool,
    batch_size: int,
    jobs: int,
) -> Iterator[Shown]:
    """Each batch with claims as ``show`` presents it, in input order; workers also render it (``jsonl``)."""
    if jobs == 1:
        from auditor.claims.extract import extract_batches  # looked up when called: tests stand in for it

        for claims in extract_batches(documents, all_numbers=all_numbers, batch_size=batch_size):
            yield show(claims, check_claims(claims, references=references, rules=rules))
        return
    setup = WorkerSetup(all_numbers, check=CheckSetup(rules, references, replace(show, render=True)))
    results = ordered_map(
        _check,
        job_batches(documents, batch_size, jobs, _check_weight(references)),
        jobs=jobs,
        on_failure=on_failure,
        initializer=start_worker,
        setup=setup,
    )
    for _, shown in results:
        if shown is not None:
            yield shown

"""Documents extracted and checked batch by batch, in this process (``--jobs 1``) or on worker processes.

:func:`extracted` and :func:`checked` give the same rows in the same order whatever ``jobs`` is: verdicts do not
depend on which articles share a batch, so with workers the stream is cut so that they finish together
(:func:`job_batches`), and the results come back in input order (:func:`auditor.checks.worker_pool.ordered_map`):
the output of a command is byte for byte the one of ``--jobs 1``. Workers inherit rules and reference tables, and
do all of a batch's work but writing it: they present it (``check``) and render it as JSON lines (``jsonl``), so
the command only writes text and the two cores do the rest. A batch that fails is reported through ``on_failure``
(see :func:`describe`) and the other batches are still written. :func:`on_checking_workers` runs another
function (``audit``'s) on the same workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Final, TypeVar

import click
import pandas as pd

from auditor.checks.engine import check_claims, may_be_cited
from auditor.checks.presentation import Presentation, Shown
from auditor.checks.rules import RuleSet
from auditor.checks.worker_pool import ordered_map
from auditor.io.documents import Document
from auditor.io.output import JsonLines

T = TypeVar("T")
R = TypeVar("R")
Batch = list[Document]
OnFailure = Callable[[Batch, BaseException], None]

#: Batches of ``--batch-size`` per worker held back to cut the end of the stream from (memory: the batch size).
_TAIL_BATCHES_PER_WORKER: Final = 2
#: The end is cut into rounds of one batch per worker, each round half the expected work of the one before: the
#: estimate is rough (the same weight costs 0.7 to 2.9 times as much from one source of news to another), so the
#: last batches are kept small for a worker not to finish long before the other; four rounds keep the extra
#: batches (a fixed cost of about 25 ms to extract, 70 ms to check) few.
_TAIL_ROUNDS: Final = 4
#: An article a reference figure was curated from, checked apart: ~0.27 s, what other articles take for a weight of
#: ~75,000 (CPU times on the shared news, 2026-12-07, after the engine's fixed cost was cut).
_CITED_WEIGHT: Final = 80_000


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every worker holds for the whole run: how to extract, and the rules and reference table of a check;
    ``render`` (extract) and ``show`` (check) turn a batch into what the command writes."""

    all_numbers: bool
    max_rows: int | None = None
    rules: RuleSet | None = None
    references: pd.DataFrame | None = None
    render: JsonLines | None = None
    show: Presentation | None = None

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


def _extract(batch: Batch) -> list[pd.DataFrame | str]:
    from auditor.claims.extract import default_extractor  # at call time: a worker's, not at import

    setup = _worker_setup()
    extractor = default_extractor()
    if setup.max_rows is None:
        tables = [extractor.frame(batch, all_numbers=setup.all_numbers)]
    else:
        tables = list(extractor.frames(batch, all_numbers=setup.all_numbers, max_rows=setup.max_rows))
    render = setup.render
    return [table if render is None else render(table) for table in tables if len(table)]


def _check(batch: Batch) -> Shown | None:
    from auditor.claims.extract import default_extractor

    setup = _worker_setup()
    claims = default_extractor().frame(batch, all_numbers=setup.all_numbers)
    if not len(claims):
        return None
    rules, references = setup.checking()
    if setup.show is None:  # pragma: no cover - checked() always gives one
        raise RuntimeError("this worker was started without a presentation")
    return setup.show(claims, check_claims(claims, references=references, rules=rules))


def checking_worker() -> tuple[RuleSet, pd.DataFrame]:
    """In a function run by :func:`on_checking_workers`: the run's rules and reference table."""
    return _worker_setup().checking()


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
    :func:`~auditor.checks.worker_pool.ordered_map`."""
    setup = _Setup(all_numbers=False, rules=rules, references=references)
    return ordered_map(
        func, batches, jobs=jobs, on_failure=on_failure, initializer=_start_worker, setup=setup, split=split
    )


def job_batches(
    documents: Iterable[Document], size: int, jobs: int, weight: Callable[[Document], int] | None = None
) -> Iterator[Batch]:
    """Batches of ``size`` documents while more than ``jobs * 2`` of them remain to be read; the rest (all of a short
    corpus) is cut by ``weight`` (the work a document is expected to take; by default :func:`text_weight`) into
    rounds of ``jobs`` batches, each round half the work of the one before (:data:`_TAIL_ROUNDS`), none over
    ``size`` documents (a batch cut at the size leaves the rest of its share to the next one), so that the
    workers finish together instead of one working alone on a last big batch. Holds at most
    ``jobs * 2 * size + 1`` documents."""
    weigh = weight or text_weight
    held: deque[Document] = deque()
    for doc in documents:
        held.append(doc)
        if len(held) > jobs * _TAIL_BATCHES_PER_WORKER * size:
            yield [held.popleft() for _ in range(size)]
    weights = [weigh(doc) for doc in held]
    shares = [2**r for r in reversed(range(_TAIL_ROUNDS)) for _ in range(jobs)]
    left = sum(weights)
    batch: Batch = []
    load = 0
    target = left * shares[0] / sum(shares)
    for doc, doc_weight in zip(held, weights, strict=True):
        batch.append(doc)
        load += doc_weight
        if load >= target or len(batch) == size:
            yield batch
            left -= load
            if load >= target:
                shares = shares[1:] or [1]  # the shares of the batches still to cut, of the work still to cut
                target = left * shares[0] / sum(shares)
            else:  # cut at the batch size: the next batch takes the rest of this share, not a larger one
                target -= load
            batch, load = [], 0
    if batch:
        yield batch


def text_weight(doc: Document) -> int:
    """The work of extracting a document, roughly: its digits (numbers are read one by one), then its length."""
    return 30 * sum(map(doc.text.count, "0123456789")) + len(doc.text) // 10 + 1


def _check_weight(references: pd.DataFrame) -> Callable[[Document], int]:
    """The work of extracting and checking a document: an article a reference figure was curated from is checked
    on its own (:func:`~auditor.checks.engine.may_be_cited`), which costs about as much as 800 other numbers (more than
    most whole articles). The table of cited articles is built here, before the workers fork: they inherit it."""
    may_be_cited(references, "")
    return lambda doc: text_weight(doc) + (_CITED_WEIGHT if may_be_cited(references, doc.doc_id) else 0)


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
    render: JsonLines | None = None,
) -> Iterator[pd.DataFrame | str]:
    """Validated claims tables, one per batch with claims (or per ``max_rows`` rows), in input order; with workers
    and ``render``, each table's text instead (rendered by the worker)."""
    if jobs == 1:
        from auditor.claims.extract import extract_batches  # looked up when called: tests stand in for it

        yield from extract_batches(
            documents, all_numbers=all_numbers, batch_size=batch_size, max_rows=max_rows
        )
        return
    results = ordered_map(
        _extract,
        job_batches(documents, batch_size, jobs),
        jobs=jobs,
        on_failure=on_failure,
        initializer=_start_worker,
        setup=_Setup(all_numbers, max_rows, render=render),
    )
    for _, tables in results:
        yield from tables


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
    setup = _Setup(all_numbers, rules=rules, references=references, show=replace(show, render=True))
    results = ordered_map(
        _check,
        job_batches(documents, batch_size, jobs, _check_weight(references)),
        jobs=jobs,
        on_failure=on_failure,
        initializer=_start_worker,
        setup=setup,
    )
    for _, shown in results:
        if shown is not None:
            yield shown

"""Documents extracted batch by batch, in this process (``--jobs 1``) or on worker processes, without the checking
engine (``auditor extract`` loads only this; :mod:`auditor.checks.batch_jobs` adds checking on the same workers).

:func:`extracted` gives the same rows in the same order whatever ``jobs`` is: with workers the stream is cut so that
they finish together (:func:`job_batches`), and the results come back in input order
(:func:`auditor.io.worker_pool.ordered_map`), so the output is byte for byte the one of ``--jobs 1``. Workers
render a batch as JSON lines (``jsonl``), so the command only writes text. A batch that fails is reported through
``on_failure`` (see :func:`describe`) and the other batches are still written.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import click
import pandas as pd

from auditor.io.documents import Document
from auditor.io.output import JsonLines
from auditor.io.worker_pool import ordered_map

Batch = list[Document]
OnFailure = Callable[[Batch, BaseException], None]

#: Batches of ``--batch-size`` per worker held back to cut the end of the stream from (memory: the batch size).
_TAIL_BATCHES_PER_WORKER: Final = 2
#: The end is cut into rounds of one batch per worker, each round half the expected work of the one before: the
#: estimate is rough (the same weight costs 0.7 to 2.9 times as much from one source of news to another), so the
#: last batches are kept small for a worker not to finish long before the other; four rounds keep the extra
#: batches (a fixed cost of about 25 ms to extract, 70 ms to check) few.
_TAIL_ROUNDS: Final = 4


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    """What every worker holds for the whole run: how to extract, and ``render`` (extract), which turns a batch into
    what the command writes; ``check``: what a checking worker holds besides (its rules, reference table and
    presentation, a :class:`auditor.checks.batch_jobs.CheckSetup`; this layer does not know its type)."""

    all_numbers: bool
    max_rows: int | None = None
    render: JsonLines | None = None
    check: object | None = None


_setup: WorkerSetup | None = None


def start_worker(setup: WorkerSetup) -> None:
    """A worker's initializer: keeps ``setup`` for the batches it runs."""
    global _setup  # noqa: PLW0603 - one worker's state, set once when the worker starts
    _setup = setup


def worker_setup() -> WorkerSetup:
    """The setup this worker was started with."""
    if _setup is None:  # pragma: no cover - the pool always runs the initializer first
        raise RuntimeError("worker used before its setup")
    return _setup


def _extract(batch: Batch) -> list[pd.DataFrame | str]:
    from auditor.claims.extract import default_extractor  # at call time: a worker's, not at import

    setup = worker_setup()
    extractor = default_extractor()
    if setup.max_rows is None:
        tables = [extractor.frame(batch, all_numbers=setup.all_numbers)]
    else:
        tables = list(extractor.frames(batch, all_numbers=setup.all_numbers, max_rows=setup.max_rows))
    render = setup.render
    return [table if render is None else render(table) for table in tables if len(table)]


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
        initializer=start_worker,
        setup=WorkerSetup(all_numbers, max_rows, render=render),
    )
    for _, tables in results:
        yield from tables

"""Batches of work on local worker processes, results back in input order (``--jobs N``).

:func:`ordered_map` runs one function over a stream of batches on a pool of processes and yields the results in
the order the batches came, so a command writes exactly what it writes with one process. At most two batches
per worker are in flight, so memory is bounded by the batch, not by the corpus. A batch whose function raises
is passed to ``on_failure`` and the others go on; a batch that kills its worker process (a crash, the kernel's
out-of-memory killer) breaks the pool for every batch in flight: those batches are run again one at a time on
a new pool, so only the one that kills a worker on its own is reported, and the rest is kept.

Where the system can fork (Linux, macOS), workers are forked from this process: they start in milliseconds with
everything it has loaded (modules, compiled patterns, rules, the reference pack) shared copy-on-write, and
``setup`` reaches ``initializer`` without being pickled. Elsewhere they are spawned and ``setup`` is pickled once
per worker, never per batch. Only batches go to the workers and only their results come back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Final, TypeVar

B = TypeVar("B")
R = TypeVar("R")
S = TypeVar("S")

#: Batches submitted per worker before the first result is taken (keeps workers busy, memory bounded).
_IN_FLIGHT_PER_WORKER: Final = 2
#: Fork where the system can (workers inherit what is loaded), else spawn.
_START_METHOD: Final = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class WorkerDiedError(RuntimeError):
    """A worker process ended while running a batch (it crashed or was killed); the batch was run alone."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the worker process running this batch died ({detail})")


def resolve_jobs(jobs: int) -> int:
    """``--jobs``: ``0`` is every core this process may use, else the number given (at least 1)."""
    if jobs == 0:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, jobs)


def _new_pool(jobs: int, initializer: Callable[[S], None], setup: S) -> ProcessPoolExecutor:
    context = multiprocessing.get_context(_START_METHOD)
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=(setup,))


def ordered_map(
    func: Callable[[B], R],
    batches: Iterable[B],
    *,
    jobs: int,
    on_failure: Callable[[B, BaseException], None],
    initializer: Callable[[S], None],
    setup: S,
) -> Iterator[tuple[B, R]]:
    """``(batch, func(batch))`` for every batch that did not fail, in input order, computed by ``jobs``
    processes, each started with ``initializer(setup)``; each failed batch goes to ``on_failure`` with its
    exception (:class:`WorkerDiedError` when it killed its worker). ``func`` and ``initializer`` must be
    module-level functions and ``setup`` picklable."""
    it = iter(batches)
    window = jobs * _IN_FLIGHT_PER_WORKER
    pending: deque[tuple[B, Future[R]]] = deque()
    pool = _new_pool(jobs, initializer, setup)
    try:
        while True:
            for batch in it:
                pending.append((batch, pool.submit(func, batch)))
                if len(pending) >= window:
                    break
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                suspects = [batch, *(b for b, _ in pending)]
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(jobs, initializer, setup)
                for suspect in suspects:
                    pool, outcome = _alone(pool, func, suspect, on_failure, jobs, initializer, setup)
                    if outcome is not None:
                        yield suspect, outcome[0]
                continue
            except Exception as exc:
                on_failure(batch, exc)
                continue
            yield batch, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alone(
    pool: ProcessPoolExecutor,
    func: Callable[[B], R],
    batch: B,
    on_failure: Callable[[B, BaseException], None],
    jobs: int,
    initializer: Callable[[S], None],
    setup: S,
) -> tuple[ProcessPoolExecutor, tuple[R] | None]:
    """Run one batch with nothing else in flight; a batch that breaks the pool is the one that kills workers
    (reported, and the pool replaced)."""
    try:
        return pool, (pool.submit(func, batch).result(),)
    except BrokenProcessPool as exc:
        on_failure(batch, WorkerDiedError(str(exc) or "no detail"))
        pool.shutdown(wait=True, cancel_futures=True)
        return _new_pool(jobs, initializer, setup), None
    except Exception as exc:
        on_failure(batch, exc)
        return pool, None

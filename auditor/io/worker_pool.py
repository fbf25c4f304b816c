"""Batches of work on local worker processes, results back in input order (``--jobs N``).

:func:`ordered_map` runs one function over a stream of batches on a pool of processes and yields the results in
the order the batches came, so a command writes exactly what it writes with one process. Two batches per worker
are running or queued, and a new one is sent as soon as one finishes (even while an earlier, slower one still
runs); at most four per worker are held, so memory is bounded by the batch, not by the corpus. A batch whose function raises
is passed to ``on_failure`` and the others go on; a batch that kills its worker process (a crash, the kernel's
out-of-memory killer) breaks the pool for every batch in flight: those batches are run again one at a time on
a new pool, so only the one that kills a worker on its own is reported, and the rest is kept. Given ``split``,
a failed batch is first run again in parts (``audit`` isolates the one document a batch failed on).

Where the system can fork (Linux, macOS), workers are forked from this process: they start in milliseconds with
everything it has loaded (modules, compiled patterns, rules, the reference pack) shared copy-on-write, and
``setup`` reaches ``initializer`` without being pickled. Elsewhere they are spawned and ``setup`` is pickled once
per worker, never per batch. Only batches go to the workers and only their results come back.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Final, TypeVar

B = TypeVar("B")
R = TypeVar("R")
S = TypeVar("S")

#: Batches running or queued per worker (one to run next as soon as a worker is free).
_RUNNING_PER_WORKER: Final = 2
#: Batches held (running, queued, or done and waiting for the ones before them) per running one: memory bound.
_HELD_PER_RUNNING: Final = 2
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


class _Workers:
    """The pool of one :func:`ordered_map`, replaced by a new one when a dying worker broke it."""

    def __init__(self, jobs: int, initializer: Callable[[S], None], setup: S) -> None:
        # what is loaded now is kept for the run: out of the collector's sight, a forked worker's collections
        # never write to (and so copy) the pages it shares with this process
        gc.freeze()
        self._start = (jobs, initializer, setup)
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        jobs, initializer, setup = self._start
        context = multiprocessing.get_context(_START_METHOD)
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=(setup,))

    def submit(self, func: Callable[[B], R], batch: B) -> Future[R]:
        """``func(batch)`` on the pool; on a pool a dying worker already broke, a future holding that error."""
        try:
            return self.pool.submit(func, batch)
        except BrokenProcessPool as exc:
            broken: Future[R] = Future()
            broken.set_exception(exc)
            return broken

    def renew(self) -> None:
        """Shut the broken pool down (its pending futures are cancelled) and start a new one."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _room(pending: deque[tuple[B, Future[R]]], running: int) -> bool:
    """Whether another batch may be sent: fewer than ``running`` unfinished, and the results held bounded."""
    return len(pending) < running * _HELD_PER_RUNNING and sum(not f.done() for _, f in pending) < running


def _whole(batch: B) -> Sequence[B]:
    return (batch,)


def ordered_map(
    func: Callable[[B], R],
    batches: Iterable[B],
    *,
    jobs: int,
    on_failure: Callable[[B, BaseException], None],
    initializer: Callable[[S], None],
    setup: S,
    split: Callable[[B], Sequence[B]] | None = None,
) -> Iterator[tuple[B, R]]:
    """``(batch, func(batch))`` for every batch that did not fail, in input order, computed by ``jobs``
    processes, each started with ``initializer(setup)``. A failed batch that ``split`` cuts into several parts is
    run again as those parts (so one bad document of a batch loses only itself); one that it does not cut (by
    default, none is) goes to ``on_failure`` with its exception (:class:`WorkerDiedError` when it killed its worker).
    ``func`` and ``initializer`` must be module-level functions and ``setup`` picklable."""
    pieces = split or _whole
    it = iter(batches)
    running = jobs * _RUNNING_PER_WORKER
    pending: deque[tuple[B, Future[R]]] = deque()
    workers = _Workers(jobs, initializer, setup)
    try:
        while True:
            # topped up by the count still running, not the count taken: a slow batch at the head leaves no worker
            # idle
            if _room(pending, running):
                for batch in it:
                    pending.append((batch, workers.submit(func, batch)))
                    if not _room(pending, running):
                        break
            if not pending:
                return
            batch, future = pending[0]
            if not future.done():
                wait([f for _, f in pending if not f.done()], return_when=FIRST_COMPLETED)
                continue
            pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                suspects = [batch, *(b for b, _ in pending)]
                pending.clear()
                workers.renew()
                for suspect in suspects:
                    yield from _alone(workers, func, suspect, on_failure, pieces)
                continue
            except Exception as exc:
                if len(parts := pieces(batch)) < 2:
                    on_failure(batch, exc)
                else:  # the parts go first, in their order
                    pending.extendleft(reversed([(part, workers.submit(func, part)) for part in parts]))
                continue
            yield batch, result
    finally:
        workers.close()


def _alone(
    workers: _Workers,
    func: Callable[[B], R],
    batch: B,
    on_failure: Callable[[B, BaseException], None],
    split: Callable[[B], Sequence[B]],
) -> Iterator[tuple[B, R]]:
    """Run one batch with nothing else in flight: a batch that breaks the pool is the one that kills workers (the
    pool is replaced, and the batch's parts are run alone in turn, or the batch reported)."""
    error: BaseException
    try:
        result = workers.submit(func, batch).result()
    except BrokenProcessPool as exc:
        workers.renew()
        error = WorkerDiedError(str(exc) or "no detail")
    except Exception as exc:
        error = exc
    else:
        yield batch, result
        return
    if len(parts := split(batch)) < 2:
        on_failure(batch, error)
        return
    for part in parts:
        yield from _alone(workers, func, part, on_failure, split)

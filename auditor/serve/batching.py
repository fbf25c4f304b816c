"""Concurrent ``POST /api/check`` requests and form submissions (``POST /``) checked together: one engine call
for the articles that arrive while the previous call runs (micro-batching; the app has one batcher).

The engine's cost is mostly fixed per call (eight articles take about as long as one), so under load one call
for all waiting requests serves each of them in about the time of one check. An idle server adds no wait: the
first request starts at once and the requests that come in meanwhile form the next batch. Verdicts do not depend
on which articles are checked together (``tests/test_batch_independence.py``), so each request gets exactly
the rows it would get alone; articles of one batch have distinct ids (a request repeating an id waits for the
next batch), and when a batch fails each of its articles is checked alone, so one bad article fails only its
own request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from auditor.io.documents import Document

_T = TypeVar("_T")

#: The most articles one engine call takes (more wait for the next call).
MAX_BATCH: Final = 16


@dataclass(eq=False, slots=True)
class _Job(Generic[_T]):
    doc: Document
    answer: _T | None = None
    error: Exception | None = None

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None


class Batcher(Generic[_T]):
    """Checks single articles for many threads at once, batching those that wait (see the module); ``run`` gives
    one answer per article of a batch, in order."""

    def __init__(
        self, run: Callable[[Sequence[Document]], Sequence[_T]], *, max_batch: int = MAX_BATCH
    ) -> None:
        self._run = run
        self._max_batch = max_batch
        self._changed = threading.Condition()
        self._waiting: list[_Job[_T]] = []
        self._busy = False

    def check(self, doc: Document) -> _T:
        """``doc``'s answer, as ``run([doc])`` gives it (blocks)."""
        job: _Job[_T] = _Job(doc)
        with self._changed:
            self._waiting.append(job)
        while not job.done:
            batch = self._next_batch(job)
            if batch:
                try:
                    _settle(self._run, batch)
                finally:
                    with self._changed:
                        self._busy = False
                        self._changed.notify_all()
        if job.error is not None:
            raise job.error
        assert job.answer is not None
        return job.answer

    @property
    def waiting(self) -> int:
        """How many articles wait for an engine call."""
        with self._changed:
            return len(self._waiting)

    def _next_batch(self, job: _Job[_T]) -> list[_Job[_T]]:
        """Once no call runs: the waiting jobs to check now (none when ``job`` was done meanwhile)."""
        with self._changed:
            while self._busy and not job.done:
                self._changed.wait()
            if job.done:
                return []
            batch: list[_Job[_T]] = []
            ids: set[str] = set()
            for waiting in self._waiting:
                if waiting.doc.doc_id not in ids and len(batch) < self._max_batch:
                    batch.append(waiting)
                    ids.add(waiting.doc.doc_id)
            self._waiting = [w for w in self._waiting if w not in batch]
            self._busy = True
            return batch


def _settle(run: Callable[[Sequence[Document]], Sequence[_T]], batch: Sequence[_Job[_T]]) -> None:
    """Run ``batch`` in one call and hand each job its article's answer; on an error, each article alone."""
    try:
        answers = run([job.doc for job in batch])
    except Exception as error:
        if len(batch) == 1:
            batch[0].error = error
            return
        for job in batch:
            _settle(run, [job])
        return
    for job, answer in zip(batch, answers, strict=True):
        job.answer = answer

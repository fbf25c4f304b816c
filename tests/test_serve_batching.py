"""Micro-batching of ``POST /api/check``: articles that wait while the engine runs are checked in one call, and
each request still gets exactly the rows, JSON lines and coverage its article gets alone; one batch never holds an
id twice, and a failing article fails only its own request."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from conftest import REPO

from auditor.errors import DocumentError
from auditor.io.documents import Document, read_documents
from auditor.serve import checking
from auditor.serve.batching import Batcher
from auditor.serve.checking import Answer
from auditor.serve.startup import Loaded, ServeSettings, load


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load(ServeSettings())


@pytest.fixture(scope="module")
def articles() -> list[Document]:
    def refuse(error: DocumentError) -> None:
        raise error

    return list(read_documents([REPO / "examples" / "articles.jsonl"], on_error=refuse))


class _Held:
    """An engine run that records the ids of each call and holds the first call until ``others`` articles wait,
    so the articles sent meanwhile form one batch."""

    def __init__(self, run: Callable[[Sequence[Document]], list[Answer]], others: int) -> None:
        self.run, self.others, self.calls = run, others, list[list[str]]()
        self.batcher: Batcher[Answer] = Batcher(self)
        self.started = threading.Event()

    def __call__(self, docs: Sequence[Document]) -> list[Answer]:
        if not self.started.is_set():
            self.started.set()
            while self.batcher.waiting < self.others:
                threading.Event().wait(0.01)
        self.calls.append([d.doc_id for d in docs])
        return self.run(docs)


def _concurrently(held: _Held, docs: Sequence[Document]) -> list[Answer | Exception]:
    """Each article checked by a thread of its own: the first starts the held call, the others wait for it."""
    out: list[Answer | Exception] = [ValueError("not run")] * len(docs)

    def one(at: int) -> None:
        try:
            out[at] = held.batcher.check(docs[at])
        except Exception as error:
            out[at] = error

    threads = [threading.Thread(target=one, args=(at,)) for at in range(len(docs))]
    threads[0].start()
    held.started.wait()
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def _same_as_alone(loaded: Loaded, doc: Document, answer: Answer | Exception) -> None:
    """``answer`` (from a batch) is what ``doc`` checked alone gives: rows, JSON lines and coverage."""
    assert isinstance(answer, Answer), answer
    alone = checking.check(loaded, [doc])
    assert answer.lines == checking.check_lines(alone)
    assert checking.check_lines(answer.checked) == answer.lines
    assert answer.coverage == checking.coverage(alone)


def test_articles_waiting_together_get_the_rows_each_gets_alone(
    loaded: Loaded, articles: list[Document]
) -> None:
    docs = [articles[0], *articles]
    docs[0] = replace(docs[0], doc_id="first-alone")

    def run(some: Sequence[Document]) -> list[Answer]:
        return checking.answers(loaded, some)

    held = _Held(run, others=len(docs) - 1)
    batched = _concurrently(held, docs)
    assert held.calls == [["first-alone"], [d.doc_id for d in articles]]
    with_claims = 0
    for doc, answer in zip(docs, batched, strict=True):
        _same_as_alone(loaded, doc, answer)
        assert isinstance(answer, Answer)
        with_claims += bool(len(answer.checked.claims))
    assert with_claims == 4  # the round-up example states no number


def test_a_repeated_id_waits_for_the_next_batch(loaded: Loaded, articles: list[Document]) -> None:
    same = [replace(a, doc_id="article") for a in articles[:3]]
    docs = [replace(articles[3], doc_id="first"), *same]
    held = _Held(lambda some: checking.answers(loaded, some), others=len(same))
    batched = _concurrently(held, docs)
    assert held.calls[0] == ["first"]
    assert sorted(len(call) for call in held.calls[1:]) == [1, 1, 1]
    for doc, answer in zip(docs, batched, strict=True):
        _same_as_alone(loaded, doc, answer)


def test_a_failing_article_fails_only_its_own_request(loaded: Loaded, articles: list[Document]) -> None:
    def run(some: Sequence[Document]) -> list[Answer]:
        if any(d.doc_id == "breaks" for d in some):
            raise RuntimeError("the engine broke on article 'breaks'")
        return checking.answers(loaded, some)

    docs = [replace(articles[0], doc_id="first"), *articles[1:], replace(articles[0], doc_id="breaks")]
    held = _Held(run, others=len(docs) - 1)
    batched = _concurrently(held, docs)
    assert isinstance(batched[-1], RuntimeError)
    assert "breaks" in str(batched[-1])
    for doc, answer in zip(docs[:-1], batched[:-1], strict=True):
        _same_as_alone(loaded, doc, answer)

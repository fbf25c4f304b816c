"""Reading articles: the cases of tests/fixtures/documents/reading_cases.yaml, the table, streaming."""

from __future__ import annotations

import io
import json
import sys
import tracemalloc
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from auditor.errors import DocumentError, SchemaError
from auditor.io.documents import Document, documents_frame, read_documents
from auditor.io.encodings import DecodingWarning

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
CASES = yaml.safe_load((FIXTURES / "reading_cases.yaml").read_text(encoding="utf-8"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["name"] for case in cases]


def _read(sources: list[str]) -> tuple[list[Document], list[DocumentError], list[str]]:
    errors: list[DocumentError] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DecodingWarning)
        docs = list(read_documents(sources, on_error=errors.append))
    messages = [str(w.message) for w in caught if issubclass(w.category, DecodingWarning)]
    return docs, errors, messages


def _check(
    case: dict[str, Any], docs: list[Document], errors: list[DocumentError], messages: list[str]
) -> None:
    expected_docs = case.get("documents", [])
    assert [d.doc_id for d in docs] == [e["doc_id"] for e in expected_docs], case["name"]
    for doc, expected in zip(docs, expected_docs, strict=True):
        for field in ("title", "date", "source"):
            if field in expected:
                assert getattr(doc, field) == expected[field], (doc.doc_id, field)
        if "starts" in expected:
            assert doc.text.startswith(expected["starts"]), (doc.doc_id, doc.text[:80])
        for part in expected.get("contains", []):
            assert part in doc.text, (doc.doc_id, part)
        for part in expected.get("excludes", []):
            assert part not in doc.text, (doc.doc_id, part)

    expected_errors = case.get("errors", [])
    got = [(e.path, e.line) for e in errors]
    assert got == [(e["where"], e["line"]) for e in expected_errors], case["name"]
    for error, expected in zip(errors, expected_errors, strict=True):
        assert expected["reason"] in error.reason, (str(error), expected["reason"])
        where = f"{expected['where']}:{expected['line']}" if expected["line"] else expected["where"]
        assert str(error).startswith(f"{where}: "), str(error)

    for part in case.get("warnings", []):
        assert any(part in message for message in messages), (part, messages)
    if not case.get("warnings"):
        assert messages == []


@pytest.mark.parametrize("case", CASES["cases"], ids=_ids(CASES["cases"]))
def test_reading_sources(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    _check(case, *_read(case["sources"]))


@pytest.mark.parametrize("case", CASES["stdin"], ids=_ids(CASES["stdin"]))
def test_reading_stdin(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(case["input"].encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    _check(case, *_read(["-"]))


def test_decoding_warning_is_a_python_warning_naming_file_and_encoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES)
    with pytest.warns(DecodingWarning, match=r"^articles/latin1\.txt: not UTF-8; decoded as \w+"):
        docs = list(read_documents(["articles/latin1.txt"], on_error=pytest.fail))
    assert len(docs) == 1


def test_path_objects_and_strings_give_the_same_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    as_str = [d.doc_id for d in read_documents(["articles/plain.txt"], on_error=pytest.fail)]
    as_path = [d.doc_id for d in read_documents([Path("articles/plain.txt")], on_error=pytest.fail)]
    assert as_str == as_path == ["articles/plain.txt"]


def test_documents_frame_has_the_schema_columns_and_types() -> None:
    docs = [
        Document("a", "Ten boats.", title="Boats", date=date(2015, 10, 1), source="Desk"),
        Document("b", "Two cars."),
    ]
    frame = documents_frame(docs)
    assert list(frame.columns) == ["doc_id", "title", "date", "source", "text"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame.loc[0, "date"] == pd.Timestamp("2015-10-01")
    assert pd.isna(frame.loc[1, "date"])
    assert pd.isna(frame.loc[1, "title"])
    assert frame["text"].tolist() == ["Ten boats.", "Two cars."]


def test_documents_frame_of_nothing_is_an_empty_valid_table() -> None:
    frame = documents_frame([])
    assert list(frame.columns) == ["doc_id", "title", "date", "source", "text"]
    assert frame.empty


def test_documents_frame_rejects_duplicate_ids() -> None:
    with pytest.raises(SchemaError, match="documents table failed validation"):
        documents_frame([Document("same", "One."), Document("same", "Two.")])


def test_documents_frame_of_the_fixture_folder_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    docs, _errors, _messages = _read(["articles"])
    frame = documents_frame(docs)
    assert frame["doc_id"].tolist() == [d.doc_id for d in docs]


def _write_corpus(path: Path, articles: int) -> int:
    text = "The council said 1,200 homes would be built by 2018, about 15% of them for rent. " * 12
    with path.open("w", encoding="utf-8") as stream:
        for n in range(articles):
            record = {
                "id": f"doc-{n}",
                "title": "Homes",
                "date": "2015-10-01",
                "text": text,
                "meta": {"n": n},
            }
            stream.write(json.dumps(record) + "\n")
    return path.stat().st_size


def test_jsonl_reading_streams_in_constant_memory(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    size = _write_corpus(corpus, 8000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_documents([corpus], on_error=pytest.fail))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 8000
    # The ids seen so far are kept (duplicate check); the texts are not.
    assert peak < size / 4, (peak, size)


def test_reading_is_lazy_one_document_at_a_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Forty-two lamps.", encoding="utf-8")
    second.write_text("Seven bins.", encoding="utf-8")
    errors: list[DocumentError] = []
    stream = read_documents([first, second], on_error=errors.append)
    assert next(stream).text == "Forty-two lamps."
    second.unlink()  # not read yet: the reader gets there only when the next document is asked for
    assert list(stream) == []
    assert [e.reason for e in errors] == ["no such file or directory"]


def test_example_articles_are_read_once_each_with_their_dates(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = CASES["examples"]
    monkeypatch.chdir(repo)
    docs, errors, messages = _read([examples["folder"]])
    assert errors == []
    assert messages == []
    assert all(d.title and d.source for d in docs)
    _check({"name": "examples", "documents": examples["documents"]}, docs, errors, messages)

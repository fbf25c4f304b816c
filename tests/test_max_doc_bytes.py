"""``--max-doc-bytes`` (issue 9): a document over the limit is refused with an error naming it and the limit (exit
status 2) and the other documents are still read, on extract, check, audit and ``auditor serve``; a huge JSONL line
is never held in memory. Cases are in tests/cases/max_doc_bytes.yaml."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from auditor.cli import main
from auditor.io.documents import _lines
from auditor.serve import ServeSettings, create_app

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "max_doc_bytes.yaml").read_text(encoding="utf-8")
)


def _text(spec: object) -> str:
    if isinstance(spec, str):
        return spec
    assert isinstance(spec, dict)
    return str(spec["repeat"]) * int(spec["times"])


def _write(folder: Path, files: dict[str, Any]) -> list[Path]:
    paths = []
    for name, spec in files.items():
        path = folder / name
        if "lines" in spec:
            records = [{**r, "text": _text(r["text"])} for r in spec["lines"]]
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        else:
            path.write_text(_text(spec), encoding="utf-8")
        paths.append(path)
    return paths


def _processed(command: str, stdout: str, db: Path) -> list[str]:
    if command == "audit":
        with duckdb.connect(str(db), read_only=True) as con:
            return [row[0] for row in con.execute("select doc_id from documents order by doc_id").fetchall()]
    return list(dict.fromkeys(json.loads(line)["doc_id"] for line in stdout.splitlines() if line.strip()))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_max_doc_bytes(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = [p.name for p in _write(tmp_path, case["files"])]
    extra = ["--db", "audit.duckdb", "--out", "reports"] if case["command"] == "audit" else []
    result = CliRunner().invoke(main, [case["command"], *paths, *extra, *case["args"]])
    assert result.exit_code == case["exit_code"], (result.stdout, result.stderr)
    for pattern in case["errors"]:
        assert re.search(pattern, result.stderr), result.stderr
    if case["processed"]:
        assert _processed(case["command"], result.stdout, tmp_path / "audit.duckdb") == case["processed"]


def test_a_huge_jsonl_line_is_read_no_further_than_the_limit() -> None:
    stream = io.BytesIO(b'{"text": "' + b"1 " * 500_000 + b'"}\n{"text": "5 cars"}\n')
    lines = list(_lines(stream, 100))
    assert len(lines) == 2
    assert len(lines[0]) == 102, "the long line comes cut just past the limit"
    assert lines[1] == b'{"text": "5 cars"}\n', "the next line is read whole"


def test_serve_refuses_an_article_over_max_doc_bytes_with_413() -> None:
    app = create_app(ServeSettings(max_doc_bytes=200))
    big = "About 5 million people fled. " * 20
    with TestClient(app) as client:
        assert client.post("/api/extract", json={"text": "About 5 million people fled."}).status_code == 200
        one = client.post("/api/extract", json={"text": big})
        assert one.status_code == 413
        assert re.fullmatch(
            r"the article is [\d,]+ bytes, over the limit of 200 bytes \(--max-doc-bytes\)",
            one.json()["error"],
        )
        batch = "\n".join(json.dumps({"id": i, "text": t}) for i, t in ((1, "5 cars"), (2, big)))
        many = client.post("/api/check", content=batch, headers={"content-type": "application/x-ndjson"})
        assert many.status_code == 413
        assert many.json()["error"].startswith("line 2: the article is")
        page = client.post("/", data={"date": "2016-01-20", "text": big})
        assert page.status_code == 422
        assert "over the limit of 200 bytes (--max-doc-bytes)" in page.text


def test_serve_refuses_a_max_doc_bytes_that_is_not_a_size() -> None:
    result = CliRunner().invoke(main, ["serve", "--max-doc-bytes", "lots"])
    assert result.exit_code == 2
    assert "Invalid value for '--max-doc-bytes'" in result.stderr

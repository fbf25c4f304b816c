"""``auditor serve``'s HTTP API through the framework's test client: the same claims and columns as ``auditor check
--format jsonl`` / ``auditor extract --format jsonl``, NDJSON batches, /healthz, /docs, every error (cases in
tests/cases/serve_errors.yaml), the body limit, internal errors, and requests that cannot see each other."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from auditor.checks import pipeline
from auditor.cli import main
from auditor.history.methods import tool_version
from auditor.serve import ServeSettings, create_app

REPO = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((REPO / "tests" / "cases" / "serve_errors.yaml").read_text(encoding="utf-8"))
EXAMPLES = REPO / "examples" / "articles.jsonl"
SYRIA_ID = "example-syria-war-2015-10-01"
# Written for these tests: two articles that state different figures.
HARBOUR = (
    "The harbour authority said 1,200 ships called at the port last year, up 8% on the year before. "
    "About 3 million tonnes of grain passed through its silos."
)
VALLEY = "Flooding in the valley forced 40,000 people from their homes, and more than 300 schools closed for a week."


def example(doc_id: str) -> dict[str, Any]:
    """One article of examples/articles.jsonl."""
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["id"] == doc_id:
            return record
    raise AssertionError(f"{doc_id} is not in {EXAMPLES}")


def cli_lines(tmp_path: Path, command: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``auditor COMMAND --format jsonl`` prints for ``records`` written as a JSONL file."""
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    args = [command, str(source), "--format", "jsonl"] + (
        ["--fail-on", "never"] if command == "check" else []
    )
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_check_gives_the_claims_of_check_jsonl_with_the_coverage(
    serve_client: TestClient, tmp_path: Path
) -> None:
    syria = example(SYRIA_ID)
    response = serve_client.post("/api/check", json=syria)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"claims", "coverage"}
    expected = cli_lines(tmp_path, "check", [syria])
    assert body["claims"] == expected
    assert [list(c) for c in body["claims"]] == [list(c) for c in expected]  # same columns, same order
    verdicts = [c["verdict"] for c in expected]
    attention = sum(v in ("needs_review", "likely_error", "outdated") for v in verdicts)
    not_checkable = verdicts.count("not_checkable")
    assert body["coverage"] == {
        "numbers": len(verdicts),
        "checked": len(verdicts) - not_checkable,
        "attention": attention,
        "not_checkable": not_checkable,
    }
    four = next(c for c in body["claims"] if c["surface"] == "four million")
    assert four["verdict"] == "likely_error"


def test_extract_gives_the_claims_of_extract_jsonl(serve_client: TestClient, tmp_path: Path) -> None:
    record = {"id": "harbour", "text": HARBOUR, "date": "2016-03-01", "title": "Port traffic"}
    response = serve_client.post("/api/extract", json=record)
    assert response.status_code == 200
    assert response.json() == {"claims": cli_lines(tmp_path, "extract", [record])}
    assert [c["surface"] for c in response.json()["claims"]][:2] == ["1,200", "8%"]


def test_an_article_without_a_date_is_not_checked_against_reference_data(serve_client: TestClient) -> None:
    syria = {k: v for k, v in example(SYRIA_ID).items() if k != "date"}
    claims = serve_client.post("/api/check", json=syria).json()["claims"]
    four = next(c for c in claims if c["surface"] == "four million")
    assert (four["verdict"], four["reason"]) == ("not_checkable", "no_date")


def test_an_article_without_numbers_has_no_claims_and_a_zero_coverage(serve_client: TestClient) -> None:
    body = serve_client.post("/api/check", json={"text": "The minister said nothing new."}).json()
    assert body == {
        "claims": [],
        "coverage": {"numbers": 0, "checked": 0, "attention": 0, "not_checkable": 0},
    }


def test_ndjson_checks_a_batch_and_streams_one_line_per_claim(
    serve_client: TestClient, tmp_path: Path
) -> None:
    records = [example(SYRIA_ID), {"id": "valley", "text": VALLEY, "date": "2016-01-20"}]
    body = "".join(json.dumps(r) + "\n" for r in records)
    response = serve_client.post("/api/check", content=body, headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == cli_lines(tmp_path, "check", records)
    assert {line["doc_id"] for line in lines} == {SYRIA_ID, "valley"}


def test_ndjson_articles_without_an_id_are_named_by_their_line(serve_client: TestClient) -> None:
    body = json.dumps({"text": HARBOUR}) + "\n\n" + json.dumps({"text": VALLEY}) + "\n"
    response = serve_client.post(
        "/api/extract", content=body, headers={"content-type": "application/x-ndjson"}
    )
    assert {json.loads(line)["doc_id"] for line in response.text.splitlines()} == {"line-1", "line-3"}


def test_healthz_names_the_version_and_the_reference_pack_date(serve_client: TestClient) -> None:
    response = serve_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == tool_version()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["reference_pack_date"])
    assert body["reference_datasets"] >= 1


def test_docs_are_served_by_the_app_without_a_cdn(serve_client: TestClient) -> None:
    page = serve_client.get("/docs")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text)
    assert serve_client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    schema = serve_client.get("/openapi.json").json()
    assert {"/api/check", "/api/extract", "/healthz"} <= set(schema["paths"])
    content = schema["paths"]["/api/check"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson"}
    assert "text" in content["application/json"]["schema"]["required"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_requests_get_a_json_error_naming_the_field(
    serve_client: TestClient, case: dict[str, Any]
) -> None:
    headers = {} if case["content_type"] is None else {"content-type": case["content_type"]}
    response = serve_client.post(case["path"], content=case["body"].encode("utf-8"), headers=headers)
    assert response.status_code == case["status"], response.text
    body = response.json()
    assert body["status"] == case["status"]
    assert body.get("field") == case["field"]
    assert re.search(case["error"], body["error"]), body["error"]
    assert "Traceback" not in response.text


def test_a_body_over_max_bytes_is_refused_with_413() -> None:
    app = create_app(ServeSettings(max_bytes=200))
    with TestClient(app) as limited:
        small = limited.post("/api/extract", json={"text": "About 5 million people fled."})
        assert small.status_code == 200
        big = {"text": "About 5 million people fled. " * 20}
        declared = limited.post("/api/extract", json=big)
        assert declared.status_code == 413
        assert declared.json()["error"] == "request body is larger than the limit of 200 bytes (--max-bytes)"
        # a chunked body declares no length: it is counted as it arrives
        chunks = (json.dumps(big).encode("utf-8")[i : i + 64] for i in range(0, 700, 64))
        streamed = limited.post("/api/extract", content=chunks, headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        upload = limited.post(
            "/", data={"date": "2016-01-20"}, files={"file": ("a.txt", VALLEY.encode() * 5)}
        )
        assert upload.status_code == 413


def test_an_internal_error_is_a_500_with_an_id_that_is_logged(
    serve_client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pipeline, "check_claims", broken)
    with caplog.at_level(logging.ERROR, logger="auditor.serve"):
        response = serve_client.post("/api/check", json={"text": VALLEY, "date": "2016-01-20"})
    assert response.status_code == 500
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{12}", body["id"])
    assert body["id"] in body["error"]
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    logged = [r for r in caplog.records if body["id"] in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None


def test_payloads_come_back_as_json_strings_never_as_markup(serve_client: TestClient) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    record = {
        "text": f"{payload} About 5 million people fled.",
        "id": payload,
        "title": payload,
        "source": payload,
    }
    response = serve_client.post("/api/check", json=record)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    claims = response.json()["claims"]
    assert claims
    assert all(c["doc_id"] == payload for c in claims)


def test_concurrent_requests_see_only_their_own_article(serve_app: FastAPI, serve_client: TestClient) -> None:
    articles = {f"harbour-{i}": HARBOUR for i in range(4)} | {f"valley-{i}": VALLEY for i in range(4)}

    async def post_all() -> list[tuple[str, list[dict[str, Any]]]]:
        transport = httpx2.ASGITransport(app=serve_app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as concurrent:

            async def one(doc_id: str, text: str) -> tuple[str, list[dict[str, Any]]]:
                response = await concurrent.post(
                    "/api/check", json={"id": doc_id, "text": text, "date": "2016-01-20"}
                )
                return doc_id, response.json()["claims"]

            return await asyncio.gather(*(one(d, t) for d, t in articles.items()))

    answers = asyncio.run(post_all())
    surfaces = {
        text: [c["surface"] for c in serve_client.post("/api/check", json={"text": text}).json()["claims"]]
        for text in (HARBOUR, VALLEY)
    }
    assert surfaces[HARBOUR] != surfaces[VALLEY]
    for doc_id, claims in answers:
        assert {c["doc_id"] for c in claims} == {doc_id}
        assert [c["surface"] for c in claims] == surfaces[articles[doc_id]]

"""``auditor serve``'s web page through the framework's test client: the form, the report's article page for a
pasted or uploaded article, the download links, escaping of every field, the Content-Security-Policy, and the
start-up refusing bad rules or reference data as the CLI does."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from markupsafe import escape
from test_serve_api import SYRIA_ID, VALLEY, example

from auditor.cli import main
from auditor.commands.options import parse_size
from auditor.io.documents import Document
from auditor.report.article_page import inline_hashes
from auditor.schemas import ClaimsSchema, FindingsSchema, columns

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def downloads(page: str) -> dict[str, str]:
    """The download links of a result page: file name -> decoded content."""
    links = re.findall(r'<a href="data:[^;]+;base64,([^"]+)" download="([^"]+)">', page)
    return {name: base64.b64decode(data).decode("utf-8") for data, name in links}


def test_the_form_defaults_to_today_and_loads_nothing_from_elsewhere(serve_client: TestClient) -> None:
    response = serve_client.get("/")
    assert response.status_code == 200
    page = response.text
    today = datetime.now(UTC).date().isoformat()
    assert (
        f'name="date" type="text" inputmode="numeric" pattern="\\d{{4}}-\\d{{2}}-\\d{{2}}" value="{today}"'
        in page
    )
    for field in ('name="text"', 'name="file" type="file"', 'name="title"', 'name="source"'):
        assert field in page
    assert 'method="post"' in page
    assert 'enctype="multipart/form-data"' in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page.split('<footer class="methods"')[0])
    assert "<link" not in page


def test_a_pasted_article_gets_the_report_article_page(serve_client: TestClient) -> None:
    syria = example(SYRIA_ID)
    response = serve_client.post(
        "/", data={"text": syria["text"], "date": syria["date"], "title": syria["title"]}
    )
    assert response.status_code == 200
    page = response.text
    assert f"<h1>{escape(syria['title'])}</h1>" in page
    assert re.search(r'<a class="claim v-likely_error"[^>]*>four million', page)
    assert re.search(
        r'<p class="summary" id="summary">\d+ numbers found · \d+ checked · 1 needs attention', page
    )
    assert 'id="methods"' in page
    assert "Reference datasets" in page
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="Timeline', page), "no chart"
    files = downloads(page)
    assert set(files) == {f"{t}.{f}" for t in ("claims", "verdicts", "findings") for f in ("csv", "json")}
    header = next(csv.reader(io.StringIO(files["claims.csv"])))
    assert header == list(columns(ClaimsSchema))
    findings = json.loads(files["findings.json"])
    assert findings
    assert set(findings[0]) == set(columns(FindingsSchema))
    verdicts = {v["claim_id"]: v["verdict"] for v in json.loads(files["verdicts.json"])}
    four = next(c for c in json.loads(files["claims.json"]) if c["surface"] == "four million")
    assert verdicts[four["claim_id"]] == "likely_error"


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("valley.txt", VALLEY.encode("utf-8"), None),
        ("valley.md", f"# Valley floods\n\n{VALLEY}\n".encode(), "Valley floods"),
        (
            "valley.html",
            f"<html><head><title>Valley floods</title></head><body><article><p>{VALLEY}</p></article></body></html>".encode(),
            "Valley floods",
        ),
        (
            "one.jsonl",
            (json.dumps({"id": "valley-1", "text": VALLEY, "title": "Valley floods"}) + "\n").encode(),
            "Valley floods",
        ),
    ],
)
def test_an_uploaded_file_is_read_like_the_cli_reads_it(
    serve_client: TestClient, name: str, content: bytes, title: str | None
) -> None:
    response = serve_client.post("/", data={"date": "2016-01-20"}, files={"file": (name, content)})
    assert response.status_code == 200, response.text
    assert response.text.count('<a class="claim ') >= 2
    if title:
        assert f"<h1>{title}</h1>" in response.text


def test_an_uploaded_file_name_is_only_an_id_never_a_path(serve_client: TestClient, tmp_path: Path) -> None:
    response = serve_client.post(
        "/", data={"date": "2016-01-20"}, files={"file": ("../../../tmp/evil.txt", VALLEY.encode())}
    )
    assert response.status_code == 200
    assert "<code>evil.txt</code>" in response.text
    assert "../" not in response.text.split('<div class="article-text"')[0]


@pytest.mark.parametrize(
    ("data", "files", "error"),
    [
        (
            {"text": VALLEY, "date": "20/01/2016"},
            None,
            "field 'date': '20/01/2016' is not a date; allowed: a date as YYYY-MM-DD",
        ),
        ({"text": "  ", "date": "2016-01-20"}, None, "field 'text' is empty and no file was chosen"),
        (
            {"text": VALLEY, "date": "2016-01-20"},
            {"file": ("a.txt", b"About 5 million.")},
            "paste the text or choose a file, not both",
        ),
        (
            {"date": "2016-01-20"},
            {"file": ("a.pdf", b"%PDF-1.4")},
            "a.pdf: unsupported file type '.pdf'; allowed: .htm, .html, .jsonl, .md, .txt",
        ),
        (
            {"date": "2016-01-20"},
            {"file": ("two.jsonl", b'{"text": "About 5 million."}\n{"text": "About 6 million."}\n')},
            "two.jsonl holds 2 articles; allowed: a .jsonl file with one article",
        ),
        ({"date": "2016-01-20"}, {"file": ("bin.txt", b"\x00\x01binary")}, "bin.txt: binary file"),
    ],
    ids=["bad_date", "no_text", "text_and_file", "unsupported_file", "two_articles", "binary_file"],
)
def test_a_bad_form_comes_back_with_the_reason_and_what_was_typed(
    serve_client: TestClient, data: dict[str, str], files: dict[str, tuple[str, bytes]] | None, error: str
) -> None:
    response = serve_client.post("/", data={**data, "title": PAYLOAD}, files=files)
    assert response.status_code == 422
    shown = re.search(r'<p class="form-error" id="form-error" role="alert">(.*?)</p>', response.text)
    assert shown
    assert error in html.unescape(shown.group(1))
    assert f'name="title" type="text" value="{escape(PAYLOAD)}"' in response.text  # kept, escaped


def test_payloads_in_every_field_are_escaped_on_the_page(serve_client: TestClient) -> None:
    text = f"{PAYLOAD} The flood forced 40,000 people from their homes {PAYLOAD}."
    for data, files in (
        ({"text": text, "date": "2016-01-20", "title": PAYLOAD, "source": PAYLOAD}, None),
        (
            {"date": "2016-01-20"},
            {
                "file": (
                    "x.jsonl",
                    (json.dumps({"id": PAYLOAD, "text": text, "title": PAYLOAD}) + "\n").encode(),
                )
            },
        ),
    ):
        page = serve_client.post("/", data=data, files=files).text
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "onerror=alert(2)>" not in page
        assert str(escape(PAYLOAD)) in page
        # the only scripts are the report's own
        assert page.count("<script>") == 1


def test_every_response_has_a_csp_that_allows_only_the_pages_own_css_and_js(serve_client: TestClient) -> None:
    page = serve_client.post("/", data={"text": VALLEY, "date": "2016-01-20"})
    for response in (
        serve_client.get("/"),
        page,
        serve_client.get("/healthz"),
        serve_client.post("/api/extract", content=b"{"),
    ):
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"
    policy = page.headers["content-security-policy"]
    for tag in ("script", "style"):
        for source in inline_hashes(page.text, tag):
            assert (
                f"{tag}-src {source}" in policy
                or f" {source}" in policy.split(f"{tag}-src", 1)[1].split(";")[0]
            )


@pytest.mark.parametrize(
    ("option", "path"),
    [("--rules", "rules"), ("--reference", "reference.csv")],
)
def test_bad_rules_or_reference_stop_serve_like_check(tmp_path: Path, option: str, path: str) -> None:
    target = tmp_path / path
    if option == "--rules":
        (target / "checks").mkdir(parents=True)
        (target / "checks" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    else:
        target.write_text("series_id,value\nx,not-a-number\n", encoding="utf-8")
    articles = tmp_path / "a.txt"
    articles.write_text(VALLEY, encoding="utf-8")
    runner = CliRunner()
    served = runner.invoke(main, ["serve", option, str(target), "--port", "1"])
    checked = runner.invoke(main, ["check", str(articles), option, str(target)])
    assert served.exit_code == checked.exit_code == 2
    assert served.stderr.strip()
    assert served.stderr.strip() == checked.stderr.strip().splitlines()[0]


@pytest.mark.parametrize(
    ("text", "size"), [("2MB", 2 * 1024**2), ("512kB", 512 * 1024), ("1048576", 1048576), ("1.5m", 1572864)]
)
def test_max_bytes_reads_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_max_bytes_refuses_what_is_not_a_size() -> None:
    result = CliRunner().invoke(main, ["serve", "--max-bytes", "lots"])
    assert result.exit_code == 2
    assert "allowed: a size such as 2MB, 512kB or 1048576 (bytes)" in result.stderr


def test_nothing_from_a_request_becomes_a_file_path(serve_client: TestClient) -> None:
    marker = "zq7-from-the-request"
    opened: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if recording[0] and event in ("open", "os.mkdir", "os.rename", "os.remove") and args:
            opened.append(str(args[0]))

    sys.addaudithook(hook)  # cannot be removed: it stops recording at the end of the test
    try:
        record = {"id": f"../../{marker}/x", "title": f"/tmp/{marker}", "source": marker, "text": VALLEY}
        serve_client.post("/api/check", json=record)
        serve_client.post("/api/extract", json=record)
        serve_client.post("/", data={"text": VALLEY, "date": "2016-01-20", "title": f"../{marker}"})
        serve_client.post(
            "/",
            data={"date": "2016-01-20"},
            files={"file": (f"../../{marker}.jsonl", (json.dumps(record) + "\n").encode())},
        )
        Path(__file__).read_bytes()  # the hook sees opens
    finally:
        recording[0] = False
    assert __file__ in opened
    assert [path for path in opened if marker in path] == []


def test_the_form_article_is_checked_through_the_micro_batcher(
    serve_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.serve.batching import Batcher
    from auditor.serve.checking import Answer
    from auditor.serve.models import DEFAULT_ID

    checked: list[str] = []
    through = Batcher.check

    def recording(self: Batcher[Answer], doc: Document) -> Answer:
        checked.append(doc.doc_id)
        return through(self, doc)

    monkeypatch.setattr(Batcher, "check", recording)
    syria = example(SYRIA_ID)
    response = serve_client.post("/", data={"text": syria["text"], "date": syria["date"]})
    assert response.status_code == 200
    assert checked == [DEFAULT_ID]
    assert re.search(r'<a class="claim v-likely_error"[^>]*>four million', response.text)

"""``auditor serve`` in a real browser: the real server (uvicorn, on 127.0.0.1 on a free port, in a thread of the
test process) driven by headless Chromium as in tests/test_browser.py (system Chromium; skipped when absent).

An editor pastes the October 2015 Syria example, submits, and sees "four million ... to Europe" marked as a likely
error with a card naming both figures; ``<script>`` and ``onerror=`` payloads in the title, the text and the id
never run (no dialog, no console error, no page error)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect
from test_browser import browser  # noqa: F401  (the Chromium fixture)
from test_serve_api import SYRIA_ID, example

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def server_url(serve_app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 on a free port, for the module's tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(serve_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    def on_dialog(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    context.close()
    assert problems == [], problems


def test_a_pasted_syria_article_shows_four_million_to_europe_as_a_likely_error(
    page: Page, server_url: str
) -> None:
    syria = example(SYRIA_ID)
    page.goto(server_url + "/")
    page.fill('textarea[name="text"]', syria["text"])
    page.fill('input[name="title"]', syria["title"])
    page.fill('input[name="date"]', syria["date"])
    page.locator('form [type="submit"]').click()
    expect(page.locator("h1")).to_have_text(syria["title"])
    claim = page.locator("a.claim", has_text="four million")
    expect(claim).to_have_class("claim v-likely_error")
    sentence = claim.locator("xpath=ancestor::*[1]")
    assert "to Europe" in sentence.inner_text()
    claim.click()
    card = page.locator(".card.selected")
    expect(card).to_have_class("card v-likely_error selected")
    body = card.locator(".card-body")
    expect(body).to_be_visible()
    # both figures: the article's and the reference's (and where the four million were)
    expect(body).to_contain_text(re.compile(r"The article says four million [^.;]* in Europe"))
    expect(body).to_contain_text(
        re.compile(r"UNHCR counted about \d+(\.\d+)? million refugees from Syria in Europe")
    )
    expect(body).to_contain_text(
        re.compile(r"\d+(\.\d+)? million were counted in Syria's neighbouring countries")
    )


def test_payloads_in_the_title_text_and_id_do_not_run(page: Page, server_url: str) -> None:
    text = f"{PAYLOAD} The flood forced 40,000 people from their homes. {PAYLOAD}"
    page.goto(server_url + "/")
    page.fill('textarea[name="text"]', text)
    page.fill('input[name="title"]', PAYLOAD)
    page.fill('input[name="source"]', PAYLOAD)
    page.fill('input[name="date"]', "2016-01-20")
    page.locator('form [type="submit"]').click()
    expect(page.locator("h1")).to_have_text(PAYLOAD)
    expect(page.locator("a.claim", has_text="40,000")).to_be_visible()
    assert page.locator("img[src=x]").count() == 0
    # the id comes from an uploaded one-article JSONL file
    record = {"id": PAYLOAD, "title": PAYLOAD, "text": text}
    page.goto(server_url + "/")
    page.set_input_files(
        'input[name="file"]',
        files=[{"name": "x.jsonl", "mimeType": "application/json", "buffer": json.dumps(record).encode()}],
    )
    page.fill('input[name="date"]', "2016-01-20")
    page.locator('form [type="submit"]').click()
    expect(page.locator("h1")).to_have_text(PAYLOAD)
    expect(page.locator("body")).to_contain_text(PAYLOAD)
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(300)  # an injected handler would have fired by now

"""The report in a real browser: headless Chromium (Debian's ``chromium`` package) driven by Playwright's Python
package, pointed at the system binary (nothing is downloaded).

Renders the hand-built run, opens the run index and an article page from ``file://`` and checks what an editor
sees: no console errors, the summary line, every claim highlighted, and a click on a claim opening its card.
Set ``AUDITOR_UPDATE_SCREENSHOTS=1`` to refresh docs/report-index.png and docs/report-article.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from test_report_fixtures import load_run

from auditor.report import ReferenceDataset, RunInfo, render_run_report
from auditor.report.verdicts import Coverage
from auditor.report.views import article_filename

DOCS = Path(__file__).resolve().parents[1] / "docs"
ARTICLE = "wire/syria-war-2015-10-01"
CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium", "/usr/lib/chromium/chromium")


def chromium_path() -> str | None:
    """The system Chromium: ``$AUDITOR_CHROMIUM``, else the first of the usual names found."""
    wanted = os.environ.get("AUDITOR_CHROMIUM")
    for name in (wanted,) if wanted else CANDIDATES:
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "Chromium not found (looked for chromium, chromium-browser, /usr/bin/chromium, $AUDITOR_CHROMIUM); "
            "install Debian's package with: apt-get install -y chromium"
        )
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = load_run()
    run = RunInfo(
        run_id="2015-10-21T0200",
        started=datetime(2015, 10, 21, 2, 0),
        finished=datetime(2015, 10, 21, 2, 1),
        tool_version="0.1.0",
        rules_version="shipped rules",
        rules_hash="5e" * 32,
        reference_datasets=(
            ReferenceDataset("UNHCR population statistics", "UNHCR", date(2015, 6, 30), "ab" * 32),
            ReferenceDataset("IDMC displacement", "IDMC", date(2014, 12, 31), "cd" * 32),
        ),
        tolerance_policy="A figure matches when the reference lies inside its rounding interval, widened by 10%.",
    )
    out = tmp_path_factory.mktemp("browser") / run.run_id
    return render_run_report(
        out, run=run, documents=tables["documents"], claims=tables["claims"], verdicts=tables["verdicts"],
        findings=tables["findings"], references=tables["references"], history=tables["history"],
    ).parent  # fmt: skip


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    yield page
    context.close()
    assert errors == [], errors


def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    target = DOCS / name if os.environ.get("AUDITOR_UPDATE_SCREENSHOTS") else tmp_path / name
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_index_shows_the_summary_and_the_articles(page: Page, report: Path, tmp_path: Path) -> None:
    page.goto((report / "index.html").as_uri())
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_text(Coverage.of(load_run()["verdicts"]).line())
    expect(page.locator("#articles-table tbody tr")).to_have_count(3)
    expect(page.locator("#articles-table tbody tr").first.locator(".status")).to_have_text("Likely error")
    for image in page.locator("figure.chart img").all():
        expect(image).to_be_visible()
        assert image.evaluate("img => img.naturalWidth") > 300, "a chart did not load"
    _screenshot(page, "report-index.png", tmp_path)


def test_clicking_a_claim_opens_its_card(page: Page, report: Path, tmp_path: Path) -> None:
    page.goto((report / "articles" / article_filename(ARTICLE)).as_uri())
    expect(page.locator("#summary")).to_be_visible()
    claims = page.locator("a.claim")
    expect(claims).to_have_count(5)
    for claim in claims.all():
        expect(claim).to_be_visible()
    body = page.locator("#card-c4 .card-body")
    expect(body).to_be_hidden()
    page.locator("a.claim", has_text="four million").click()
    expect(body).to_be_visible()
    expect(body).to_contain_text("UNHCR counted about 0.21 million Syrian refugees in Europe")
    expect(page.locator("#card-c4")).to_have_class("card v-likely_error selected")
    _screenshot(page, "report-article.png", tmp_path)


def test_clicking_a_passing_claim_opens_its_collapsed_group(page: Page, report: Path) -> None:
    page.goto((report / "articles" / article_filename(ARTICLE)).as_uri())
    body = page.locator("#card-c1 .card-body")
    expect(body).to_be_hidden()
    expect(page.locator("#passing")).not_to_have_attribute("open", "")
    page.locator("a.claim", has_text="more than 250,000").click()
    expect(page.locator("#passing")).to_have_attribute("open", "")
    expect(body).to_be_visible()
    expect(body).to_contain_text("SOHR counted 250,124 deaths")


def test_a_claim_opens_from_the_keyboard_and_leads_back_to_the_text(page: Page, report: Path) -> None:
    page.goto((report / "articles" / article_filename(ARTICLE)).as_uri())
    page.locator("a.claim", has_text="Some 7 million").focus()
    page.keyboard.press("Enter")
    card = page.locator("#card-c3")
    expect(card.locator(".card-body")).to_be_visible()
    card.locator("a.to-text").click()
    expect(page.locator("#claim-c3")).to_be_focused()

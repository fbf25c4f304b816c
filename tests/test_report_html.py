"""The run report (auditor.report.render_run_report) and the index of runs (render_index), rendered from the
hand-built run in tests/fixtures/report/run.yaml and read back as HTML, CSV and Parquet."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import pytest
import yaml
from test_report_fixtures import load_run

from auditor.errors import DataError, SchemaError
from auditor.report import ReferenceDataset, RunInfo, render_index, render_run_report
from auditor.report.verdicts import STYLES, Coverage
from auditor.report.views import article_filename
from auditor.schemas import VERDICTS

BAD_INPUT = yaml.safe_load((Path(__file__).parent / "cases" / "report_bad_input.yaml").read_text("utf-8"))
RUN_INFO = RunInfo(
    run_id="2015-10-21T0200",
    started=datetime(2015, 10, 21, 2, 0),
    finished=datetime(2015, 10, 21, 2, 1, 30),
    tool_version="9.8.7",
    rules_version="rules 2015.10",
    rules_hash="0f" * 32,
    reference_datasets=(
        ReferenceDataset(
            "UNHCR population statistics", "UNHCR", date(2015, 6, 30), "ab" * 32, "https://example.org/u"
        ),
        ReferenceDataset("SOHR published tolls", "SOHR", None, "cd" * 32),
    ),
    tolerance_policy="A figure matches when the reference lies inside its rounding interval, widened by 10%.",
)


def _render(out: Path, tables: dict[str, pd.DataFrame] | None = None, **options: Any) -> Path:
    t = tables or load_run()
    return render_run_report(
        out, run=RUN_INFO, documents=t["documents"], claims=t["claims"], verdicts=t["verdicts"],
        findings=t["findings"], references=t["references"], history=t["history"], **options,
    )  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendered report folder shared by the read-only tests."""
    return _render(tmp_path_factory.mktemp("reports") / RUN_INFO.run_id).parent


def _page(path: Path) -> Any:
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def _text(node: Any) -> str:
    return " ".join(node.text_content().split())


def _article(report: Path, doc_id: str) -> Any:
    return _page(report / "articles" / article_filename(doc_id))


# --- the run index -----------------------------------------------------------------------------------------------


def test_report_folder_holds_pages_charts_and_tables(report: Path) -> None:
    run = load_run()
    assert (report / "index.html").is_file()
    for doc_id in run["documents"]["doc_id"]:
        assert (report / "articles" / article_filename(doc_id)).is_file()
    for stem in ("claims", "findings"):
        assert (report / f"{stem}.csv").is_file()
        assert (report / f"{stem}.parquet").is_file()
    pages = [report / "index.html", *sorted((report / "articles").iterdir())]
    for page in pages:
        for img in _page(page).iter("img"):
            target = (page.parent / img.get("src")).resolve()
            assert target.is_file(), f"{page.name} shows a missing chart {img.get('src')}"
            if page.name == "index.html":
                assert target.with_suffix(".png").is_file()
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_summary_line_counts_the_run_in_words(report: Path) -> None:
    run = load_run()
    summary = _text(_page(report / "index.html").get_element_by_id("summary"))
    assert summary == Coverage.of(run["verdicts"]).line()
    assert summary == "11 numbers found · 9 checked · 4 need attention · 2 likely errors · 2 not checkable"


def test_run_page_lists_flagged_claims_above_the_articles(report: Path) -> None:
    run = load_run()
    html = (report / "index.html").read_text(encoding="utf-8")
    assert html.index('id="flagged-list"') < html.index('id="articles-table"')
    items = _page(report / "index.html").get_element_by_id("flagged-list").findall("li")
    assert (
        len(items) == run["verdicts"]["verdict"].isin(["needs_review", "likely_error", "outdated"]).sum() == 4
    )
    ranks = [STYLES[next(v for v in STYLES if item.find(f".//span[@class='status v-{v}']") is not None)].rank
             for item in items]  # fmt: skip
    assert ranks == sorted(ranks)
    for item in items:
        href = item.find(".//a").get("href")
        page, card = href.split("#")
        assert _page(report / page).get_element_by_id(card) is not None
        assert item.find(".//mark").text
        assert _text(item.find(".//p[@class='finding']"))


def test_articles_are_listed_worst_first_with_word_and_icon(report: Path) -> None:
    rows = _page(report / "index.html").get_element_by_id("articles-table").findall(".//tbody/tr")
    titles = [_text(r.find(".//td[@class='title']")) for r in rows]
    assert titles == [
        "Observatory revises toll as strikes continue",  # likely error, newer
        "Four years on, Syria's war reshapes a region",  # likely error, older
        "Neighbours carry the weight",  # matches within rounding at worst
    ]
    for row, worst in zip(rows, ("likely_error", "likely_error", "matches_within_rounding"), strict=True):
        status = row.find(".//span[@class='status v-" + worst + "']")
        assert status is not None
        assert status.find(".//{*}svg") is not None or "<svg" in lxml.html.tostring(
            status, encoding="unicode"
        )
        assert _text(status) == STYLES[worst].word


def test_index_charts_have_captions(report: Path) -> None:
    figures = _page(report / "index.html").find_class("chart")
    keys = {f.get("id") for f in figures}
    assert keys == {"chart-stated-vs-reference", "chart-verdicts-by-source", "chart-flag-rate"}
    for fig in figures:
        assert len(_text(fig.find(".//figcaption"))) > 60
        assert fig.find(".//img").get("alt")


def test_pages_work_offline(report: Path) -> None:
    """Nothing is loaded from the network: no external scripts, styles, images or fonts."""
    for page in [report / "index.html", *(report / "articles").iterdir()]:
        html = page.read_text(encoding="utf-8")
        doc = lxml.html.fromstring(html)
        assert not doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe")
        for img in doc.iter("img"):
            assert not re.match(r"^[a-z]+:", img.get("src"))
        assert "@import" not in html
        assert "url(http" not in html


def test_methods_footer_names_versions_datasets_and_the_caveat(report: Path) -> None:
    footer = _text(_page(report / "index.html").get_element_by_id("methods"))
    for expected in (
        "auditor 9.8.7", "rules 2015.10", "0f" * 32, "UNHCR population statistics", "2015-06-30", "ab" * 32,
        "SOHR published tolls", "unknown", "cd" * 32, RUN_INFO.tolerance_policy,
        "flags numbers for a person to check",
    ):  # fmt: skip
        assert expected in footer, expected


def test_claims_and_findings_are_written_as_csv_and_parquet(report: Path) -> None:
    run = load_run()
    claims = pd.read_parquet(report / "claims.parquet")
    assert list(claims.columns) == [*run["claims"].columns, "verdict", "reason"]
    expected = run["claims"].merge(run["verdicts"], on=["doc_id", "claim_id"])
    assert claims[["doc_id", "claim_id", "verdict"]].to_dict("records") == (
        expected[["doc_id", "claim_id", "verdict"]].to_dict("records")
    )
    findings = pd.read_parquet(report / "findings.parquet")
    assert sorted(findings["finding_id"]) == sorted(run["findings"]["finding_id"])
    csv = pd.read_csv(report / "claims.csv")
    assert len(csv) == len(claims)
    assert csv.loc[0, "as_of"] == "2015-10-01"
    assert len(pd.read_csv(report / "findings.csv")) == len(findings)


# --- article pages ----------------------------------------------------------------------------------------------


def test_every_claim_is_highlighted_in_its_verdict_colour(report: Path) -> None:
    run = load_run()
    claims = run["claims"].merge(run["verdicts"], on=["doc_id", "claim_id"])
    for doc_id, mine in claims.groupby("doc_id"):
        marks = _article(report, str(doc_id)).find_class("claim")
        assert [m.text for m in marks] == list(mine.sort_values("start")["surface"])
        assert [m.get("class") for m in marks] == [
            f"claim v-{v}" for v in mine.sort_values("start")["verdict"]
        ]
        for mark in marks:
            assert mark.find(".//{*}svg") is not None or "svg" in lxml.html.tostring(mark, encoding="unicode")


def test_article_text_is_kept_verbatim_and_escaped(report: Path) -> None:
    doc_id = 'morning/<neighbours> & "hosts"'
    page = report / "articles" / article_filename(doc_id)
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.html", page.name)
    html = page.read_text(encoding="utf-8")
    assert "<and>" not in html
    assert "&lt;and&gt;" in html
    text = load_run()["documents"].set_index("doc_id").loc[doc_id, "text"]
    assert _page(page).get_element_by_id("article-text").text_content() == text


def test_card_says_how_the_claim_was_read_checked_and_what_to_do(report: Path) -> None:
    card = _article(report, "wire/syria-war-2015-10-01").get_element_by_id("card-c3")
    assert card.tag == "details"
    assert card.get("open") is None
    text = _text(card)
    for expected in (
        "Some 7 million of them are displaced inside the country",  # the sentence, quoted
        "about 7 million internally displaced, Syria, as of 2015-10-01",  # how it was read
        "approximate",
        "idmc.displacement.internally_displaced",
        "IDMC (displacement)",
        "2014-12-31",
        "7.6 million",
        "IDMC counted 7.6 million internally displaced people",  # the finding
        STYLES["needs_review"].still_fine,
        "Check the figure against the reference (7.6 million as of 2014-12-31 (IDMC))",  # the default fix
    ):
        assert expected in text, expected
    assert card.find(".//blockquote/mark").text == "Some 7 million"
    link = card.xpath(".//a[starts-with(@href, 'https://')]")[0]
    assert link.get("href") == "https://www.internal-displacement.org/countries/syria"


def test_card_prefers_the_checks_suggestion(report: Path) -> None:
    card = _article(report, "wire/syria-war-2015-10-01").get_element_by_id("card-c4")
    assert "Check the destination" in _text(card.find_class("fix")[0])


def test_not_checkable_card_gives_the_reason(report: Path) -> None:
    card = _article(report, "wire/syria-war-2015-10-01").get_element_by_id("card-c5")
    assert "no reference dataset covers this measure and place" in _text(card)
    assert card.getparent().get("id") == "not-checkable"


def test_passing_claims_are_shown_collapsed_with_a_tick(report: Path) -> None:
    page = _article(report, 'morning/<neighbours> & "hosts"')
    group = page.get_element_by_id("passing")
    assert group.tag == "details"
    assert group.get("open") is None
    assert "3 numbers that match the references" in _text(group.find("summary"))
    assert "#i-tick" in lxml.html.tostring(page, encoding="unicode")
    assert {c.get("id") for c in group.find_class("card")} == {"card-c1", "card-c2", "card-c3"}
    assert "Nothing here needs attention" in _text(page)


def test_flagged_article_gets_its_timeline_and_part_whole_charts(report: Path) -> None:
    keys = {f.get("id") for f in _article(report, "wire/syria-war-2015-10-01").find_class("chart")}
    stem = article_filename("wire/syria-war-2015-10-01").removesuffix(".html")
    assert f"chart-{stem}-part-whole" in keys
    assert f"chart-{stem}-timeline-1" in keys
    assert not _article(report, 'morning/<neighbours> & "hosts"').find_class("chart")


def test_article_chart_budget_is_respected(tmp_path: Path) -> None:
    _render(tmp_path / "run", max_article_charts=0)
    assert sorted(p.name for p in (tmp_path / "run" / "charts").iterdir() if p.suffix == ".svg") == [
        "flag-rate.svg", "stated-vs-reference.svg", "verdicts-by-source.svg",
    ]  # fmt: skip


# --- writing atomically, refusing bad input -------------------------------------------------------------------------


def test_rerender_replaces_the_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _render(out)
    (out / "stale.txt").write_text("from an older report", encoding="utf-8")
    tables = load_run()
    keep = tables["documents"]["doc_id"] == "wire/syria-war-2015-10-01"
    tables = {k: (v[v["doc_id"].isin(tables["documents"]["doc_id"][keep])] if "doc_id" in v else v)
              for k, v in tables.items()}  # fmt: skip
    _render(out, tables)
    assert not (out / "stale.txt").exists()
    assert [p.name for p in (out / "articles").iterdir()] == [article_filename("wire/syria-war-2015-10-01")]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_failed_render_leaves_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run"
    _render(out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full while drawing")

    monkeypatch.setattr("auditor.report.charts.part_whole", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _render(out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: c["name"])
def test_tables_that_do_not_fit_are_refused(case: dict[str, Any], tmp_path: Path) -> None:
    tables = load_run()
    table = tables[case["table"]]
    if case.get("drop"):
        table = table.drop(index=table.index[case["row"]])
    else:
        for column, value in case["set"].items():
            table = table.astype({column: object}) if column in ("end",) else table
            table.loc[table.index[case["row"]], column] = value
    tables[case["table"]] = table
    with pytest.raises(SchemaError, match=case["error"]):
        _render(tmp_path / "run", tables)
    assert not (tmp_path / "run").exists()


# --- the index of runs --------------------------------------------------------------------------------------------


def _runs() -> pd.DataFrame:
    history = load_run()["history"]
    current = {"run_id": RUN_INFO.run_id, "started": pd.Timestamp(RUN_INFO.started), "n_documents": 3,
               **{f"n_{k}": v for k, v in (("claims", 11), ("checked", 9), ("attention", 4), ("likely_error", 2),
                                            ("not_checkable", 2))}}  # fmt: skip
    return pd.concat([history, pd.DataFrame([current])], ignore_index=True)


def test_index_lists_every_run_newest_first(tmp_path: Path) -> None:
    _render(tmp_path / RUN_INFO.run_id)
    page = render_index(tmp_path, _runs(), tool_version="9.8.7")
    assert page == tmp_path / "index.html"
    doc = _page(page)
    rows = doc.get_element_by_id("runs-table").findall(".//tbody/tr")
    assert [_text(r.findall("td")[1]).split()[0] for r in rows] == [
        RUN_INFO.run_id, "2015-09-30", "2015-09-29", "2015-09-28", "2015-09-27",
    ]  # fmt: skip
    assert rows[0].find(".//a").get("href") == f"{RUN_INFO.run_id}/index.html"
    assert "report missing" in _text(rows[1])
    assert _text(doc.get_element_by_id("summary")).endswith(
        "11 numbers found · 9 checked · 4 need attention · 2 likely errors · 2 not checkable"
    )
    assert (tmp_path / "index-flag-rate.svg").is_file()
    assert (tmp_path / "index-flag-rate.png").is_file()


def test_index_headline_survives_a_rerun_that_found_nothing_new(tmp_path: Path) -> None:
    runs = _runs()
    rerun = {
        **runs.iloc[-1].to_dict(),
        "run_id": "rerun",
        "started": pd.Timestamp(RUN_INFO.started) + pd.Timedelta(hours=1),
    }
    rerun.update(n_documents=0, n_claims=0, n_checked=0, n_attention=0, n_likely_error=0, n_not_checkable=0)
    doc = _page(render_index(tmp_path, pd.concat([runs, pd.DataFrame([rerun])], ignore_index=True)))
    assert _text(doc.get_element_by_id("summary")).endswith(
        "11 numbers found · 9 checked · 4 need attention · 2 likely errors · 2 not checkable"
    )
    assert "found no new numbers" in _text(doc.get_element_by_id("latest-note"))


def test_index_refuses_a_runs_table_without_counts(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"lacks column\(s\) n_checked.*allowed: a table with run_id"):
        render_index(tmp_path, _runs().drop(columns="n_checked"))
    assert not (tmp_path / "index.html").exists()


def test_index_of_no_runs_says_so(tmp_path: Path) -> None:
    doc = _page(render_index(tmp_path, _runs().iloc[0:0]))
    assert "No audit has run yet" in _text(doc)


# --- run info and verdict styles -----------------------------------------------------------------------------------


def test_run_info_refuses_an_empty_id_and_a_finish_before_the_start() -> None:
    with pytest.raises(DataError, match="field 'run_id' is empty"):
        RunInfo("  ", datetime(2015, 1, 1), None, "1", "r", "h")
    with pytest.raises(DataError, match=r"field 'finished' .* is before 'started'"):
        RunInfo("r1", datetime(2015, 1, 2), datetime(2015, 1, 1), "1", "r", "h")


def test_reference_dataset_hashes_its_file(tmp_path: Path) -> None:
    path = tmp_path / "pack.csv"
    path.write_bytes(b"series_id,value\n")
    dataset = ReferenceDataset.for_file(path, name="pack", publisher="me", as_of=None)
    import hashlib

    assert dataset.sha256 == hashlib.sha256(b"series_id,value\n").hexdigest()


def test_every_verdict_has_its_own_word_icon_marker_and_hatch() -> None:
    """Status is never shown by colour alone: each verdict differs in every other channel too."""
    assert set(STYLES) == set(VERDICTS)
    for channel in ("word", "icon", "marker", "hatch", "colour", "rank"):
        values = [getattr(s, channel) for s in STYLES.values()]
        assert len(set(values)) == len(values), channel

"""The Python API after extraction (``auditor.check``, ``auditor.plot``, ``Result.to_html``): the same rows and
coverage as ``auditor check --format jsonl`` (cases in ``tests/cases/python_api.yaml``), every input form, the
arguments refused with errors naming them, each chart kind as a Figure a notebook shows, the report page, and the
README's example run as written."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from matplotlib.figure import Figure

import auditor
from auditor import errors
from auditor.cli import main
from auditor.commands.plot import KINDS
from auditor.io.output import open_writer
from auditor.schemas import ClaimsSchema, DocumentsSchema, FindingsSchema, VerdictsSchema, columns, validate

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "python_api.yaml").read_text(encoding="utf-8"))
SAME = {case["name"]: case for case in CASES["same_as_cli"]}
FIRST = CASES["same_as_cli"][0]
JSONL_COLUMNS = (*columns(ClaimsSchema), "verdict", "reason", "findings")
PNG = b"\x89PNG\r\n\x1a\n"


def _jsonl(table: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = open_writer("jsonl", buffer, JSONL_COLUMNS)
    writer.write(table)
    writer.close()
    return buffer.getvalue()


def _source(case: dict[str, Any], tmp_path: Path) -> Path:
    if "path" in case:
        return ROOT / case["path"]
    path = tmp_path / "article.txt"
    path.write_text(case["text"], encoding="utf-8")
    return path


def _cli(source: Path, case: dict[str, Any]) -> tuple[str, str]:
    """``auditor check --format jsonl``'s standard output and its coverage line (on standard error)."""
    date = ["--date", case["date"]] if "date" in case else []
    args = ["check", str(source), *date, *case.get("options", []), "--format", "jsonl", "--fail-on", "never"]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    coverage = next(line for line in done.stderr.splitlines() if "numbers found" in line)
    return done.stdout, coverage


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the cases are relative to the repository, as the README's commands are."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def result() -> auditor.Result:
    return auditor.check(FIRST["text"], date=FIRST["date"])


@pytest.mark.parametrize("case", CASES["same_as_cli"], ids=lambda c: c["name"])
def test_check_gives_the_rows_and_coverage_line_of_the_check_command(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    source = _source(case, tmp_path)
    stdout, coverage = _cli(source, case)
    got = auditor.check(source, date=case.get("date"), **case.get("arguments", {}))
    assert list(got.table.columns) == list(JSONL_COLUMNS)
    assert [list(json.loads(line)) for line in stdout.splitlines()][:1] == [list(JSONL_COLUMNS)]
    assert _jsonl(got.table) == stdout
    assert got.coverage.line() == coverage


def test_the_tables_are_valid_with_the_models_columns(result: auditor.Result) -> None:
    for model, table in (
        (DocumentsSchema, result.documents),
        (ClaimsSchema, result.claims),
        (VerdictsSchema, result.verdicts),
        (FindingsSchema, result.findings),
    ):
        assert list(validate(model, table).columns)[: len(columns(model))] == columns(model)
    assert len(result.verdicts) == len(result.claims) == result.coverage.found
    assert result.coverage.checked + result.coverage.not_checkable == result.coverage.found
    assert set(result.findings["claim_id"]) <= set(result.claims["claim_id"])


def test_a_text_gives_the_rows_of_the_same_text_in_a_file(result: auditor.Result, tmp_path: Path) -> None:
    from_file = auditor.check(_source(FIRST, tmp_path), date=FIRST["date"])
    assert set(result.claims["doc_id"]) == {"text"}
    text_rows = result.table.drop(columns="doc_id")
    file_rows = from_file.table.drop(columns="doc_id")
    pd.testing.assert_frame_equal(text_rows.drop(columns="findings"), file_rows.drop(columns="findings"))
    assert [
        [{k: v for k, v in f.items() if k != "finding_id"} for f in row] for row in text_rows["findings"]
    ] == [[{k: v for k, v in f.items() if k != "finding_id"} for f in row] for row in file_rows["findings"]]


@pytest.mark.parametrize(
    "date", [dt.date(2015, 10, 1), dt.datetime(2015, 10, 1, 23, 30), "1 October 2015", "01/10/2015"]
)
def test_a_date_as_date_datetime_or_string_gives_the_same_rows(result: auditor.Result, date: object) -> None:
    got = auditor.check(FIRST["text"], date=date, date_order="dmy")
    assert _jsonl(got.table) == _jsonl(result.table)
    assert got.date == dt.date(2015, 10, 1)


def test_a_documents_frame_is_read_as_jsonl_lines_are(tmp_path: Path) -> None:
    texts = SAME["syria_figures_against_the_shipped_pack"]["text"], SAME["no_date_given"]["text"]
    lines = [
        {"id": "a1", "title": "Displaced", "date": "2015-10-01", "source": "Wire", "text": texts[0]},
        {"id": 7, "text": texts[1]},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    frame = pd.DataFrame(
        {
            "id": ["a1", 7],
            "title": ["Displaced", None],
            "date": [pd.Timestamp("2015-10-01"), pd.NaT],
            "source": ["Wire", float("nan")],
            "text": list(texts),
        }
    )
    from_frame, from_file = auditor.check(frame), auditor.check(batch)
    pd.testing.assert_frame_equal(from_frame.documents, from_file.documents)
    assert _jsonl(from_frame.table) == _jsonl(from_file.table)
    assert list(from_frame.documents["doc_id"]) == ["a1", "7"]


def test_a_list_of_texts_and_documents_keeps_their_order_and_ids() -> None:
    doc = auditor.Document(doc_id="wire-1", text="Police arrested 12 suspects.", date=dt.date(2015, 10, 1))
    got = auditor.check(["Five people died in the fire.", doc, "Nine more were hurt."])
    assert list(got.documents["doc_id"]) == ["text-1", "wire-1", "text-3"]
    assert list(got.claims["doc_id"].unique()) == ["text-1", "wire-1", "text-3"]


def _call(case: dict[str, Any], result: auditor.Result) -> object:
    arguments = dict(case["arguments"])
    if "frame" in arguments:
        arguments["documents_or_text"] = pd.DataFrame(arguments.pop("frame"))
    if case["call"] == "check":
        arguments.setdefault("documents_or_text", "Five people died in the fire.")
        return auditor.check(**arguments)
    if case["call"] == "plot":
        arguments.setdefault("result", result)
        return auditor.plot(**arguments)
    return result.to_html(**arguments)


@pytest.mark.parametrize(
    "case", CASES["refused"], ids=lambda c: f"{c['call']}-{c['argument']}-{c['says'][:24]}"
)
def test_a_bad_argument_is_refused_naming_it(case: dict[str, Any], result: auditor.Result) -> None:
    wanted = getattr(errors, case["error"])
    with pytest.raises(wanted) as caught:
        _call(case, result)
    assert caught.value.argument == case["argument"]  # type: ignore[attr-defined]
    message = str(caught.value)
    assert message.startswith(f"argument {case['argument']!r} ")
    assert case["says"] in message


@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_kind_is_a_figure_that_jupyter_shows_inline(result: auditor.Result, kind: str) -> None:
    formatters = pytest.importorskip("IPython.core.formatters", reason="IPython is in the dev extra")
    fig = auditor.plot(result, kind=kind)
    assert isinstance(fig, Figure)
    assert fig.axes
    assert fig.axes[0].has_data()
    data, metadata = formatters.DisplayFormatter().format(fig)
    assert data["image/png"].startswith(PNG)
    width, height = fig.get_size_inches() * fig.dpi
    assert metadata["image/png"] == {"width": round(width), "height": round(height)}


def test_plotting_from_python_keeps_a_notebooks_backend_and_never_loads_pyplot() -> None:
    code = (
        "import sys, matplotlib; matplotlib.use('svg'); import auditor; "
        f"r = auditor.check({FIRST['text']!r}, date={FIRST['date']!r}); "
        "[auditor.plot(r, kind=k) for k in ('stated-vs-reference', 'verdicts')]; "
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend(); "
        "assert 'matplotlib.pyplot' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_to_html_writes_one_page_with_the_claims_and_their_verdicts(
    result: auditor.Result, tmp_path: Path
) -> None:
    target = tmp_path / "page.html"
    target.write_text("an older page", encoding="utf-8")
    assert result.to_html(target) == target
    page = target.read_text(encoding="utf-8")
    for surface in result.claims["surface"]:
        assert surface in page
    assert "Check another article" not in page  # no form to go back to in a saved page
    assert 'download="claims.csv"' in page
    assert 'download="findings.json"' in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # replaced in one step


def test_to_html_of_several_articles_names_one_or_writes_the_run_report(tmp_path: Path) -> None:
    got = auditor.check(["Five people died in the fire.", "Police arrested 12 suspects."], date="2015-10-01")
    with pytest.raises(errors.ArgumentValueError, match=r"holds 2 articles; .*allowed: text-1, text-2"):
        got.to_html(tmp_path / "page.html")
    one = got.to_html(tmp_path / "one.html", doc="text-2").read_text(encoding="utf-8")
    assert "Police arrested" in one
    assert "died in the fire" not in one
    index = got.to_html(tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    pages = sorted((tmp_path / "report" / "articles").glob("*.html"))
    assert len(pages) == 2
    assert "died in the fire" in " ".join(p.read_text(encoding="utf-8") for p in pages)
    assert (tmp_path / "report" / "claims.csv").is_file()
    assert got.to_html(tmp_path / "report") == index  # a report folder is replaced by the new report
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(
        errors.ArgumentValueError, match="a folder that is not a report would be replaced whole"
    ):
        got.to_html(tmp_path / "notes")
    assert (tmp_path / "notes" / "mine.txt").read_text(encoding="utf-8") == "kept"


def test_the_readme_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- python-api: [^>]*-->\n```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "the README lost its Python example"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    scope: dict[str, Any] = {}
    exec(compile(block.group(1), "README.md", "exec"), scope)
    printed = out.getvalue().strip()
    assert f"It prints `{printed}`" in readme
    assert isinstance(scope["fig"], Figure)
    assert scope["page"] == Path("syria.html")
    assert "four million" in (tmp_path / "syria.html").read_text(encoding="utf-8")
    four = scope["result"].table.set_index("surface").loc["four million"]
    assert four["verdict"] == "likely_error"

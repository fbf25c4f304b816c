"""Publication dates: the forms newsrooms export (tests/cases/dates.yaml), ``--date-order``, unreadable dates that
keep their article, ``no_date`` for undated claims, and string dates in the Python API."""

from __future__ import annotations

import json
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from test_checks_builders import reference_frame
from test_checks_cli import PACK as CHECK_PACK

import auditor
from auditor.checks import check_claims, load_rules
from auditor.checks.messages import REASON_WORDS
from auditor.checks.presentation import editor_view
from auditor.cli import COMMANDS, main
from auditor.errors import ArgumentTypeError, ArgumentValueError, DateError
from auditor.history.audit import AuditOptions
from auditor.io import dates
from auditor.io.documents import DateWarning, Document, read_documents
from auditor.reference import load_reference

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "dates.yaml").read_text(encoding="utf-8"))
SENTENCE: str = CASES["sentence"]
#: the UNHCR entry of the check command's test pack: the sentence's 4 million refugees
PACK = [p for p in CHECK_PACK if p["dataset"] == "syria_regional"]


def _id(case: dict[str, Any]) -> str:
    order = case.get("order")
    value = case.get("value", case.get("date", case.get("args")))
    return f"{value!r}" + (f"-{order}" if order else "")


@pytest.mark.parametrize("case", CASES["read"], ids=_id)
def test_read_date_accepts_newsroom_forms_and_refuses_the_rest(case: dict[str, Any]) -> None:
    if "expect" in case:
        assert dates.read_date(case["value"], order=case.get("order")) == case["expect"]
    else:
        with pytest.raises(DateError) as caught:
            dates.read_date(case["value"], order=case.get("order"))
        assert case["error"] in str(caught.value)
        assert repr(case["value"].strip()) in str(caught.value)


def _jsonl(tmp_path: Path, case: dict[str, Any]) -> Path:
    record: dict[str, Any] = {"id": "a1", "text": SENTENCE}
    if "date" in case:
        record["date"] = case["date"]
    path = tmp_path / "batch.jsonl"
    first = {"id": "first", "text": "A first line so that the case is on line 2."}
    path.write_text(json.dumps(first) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES["jsonl"], ids=_id)
def test_jsonl_date_is_read_once_and_a_bad_one_warns_and_keeps_the_article(
    case: dict[str, Any], tmp_path: Path
) -> None:
    path = _jsonl(tmp_path, case)
    errors: list[Exception] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = list(read_documents([path], on_error=errors.append, date_order=case.get("order")))
    assert errors == []
    assert [d.doc_id for d in docs] == ["first", "a1"]  # the article is never dropped
    assert docs[1].date == case["expect"]
    messages = [str(w.message) for w in caught if issubclass(w.category, DateWarning)]
    if "warning" in case:
        assert len(messages) == 1, messages
        assert messages[0].startswith(f"{path.as_posix()}:2: "), messages[0]
        assert case["warning"] in messages[0]
        assert "not_checkable: no_date" in messages[0]
    else:
        assert messages == []


def _batch(folder: Path, records: list[dict[str, Any]]) -> Path:
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _check(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "pack.csv"
    reference_frame(PACK).to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def test_undated_article_claims_are_no_date_and_say_how_to_give_one(tmp_path: Path, pack: Path) -> None:
    batch = _batch(
        tmp_path,
        [{"id": "undated", "text": SENTENCE}, {"id": "dated", "date": "2015-10-01", "text": SENTENCE}],
    )
    code, out, err = _check(batch, "--no-default-reference", "--reference", pack, "--format", "jsonl")
    assert code == 0, err
    rows = {r["doc_id"]: r for r in map(json.loads, out.splitlines())}
    # the same sentence with a date is checked: the missing date is the only reason it is not
    assert rows["dated"]["verdict"] == "matches"
    assert (rows["undated"]["verdict"], rows["undated"]["reason"]) == ("not_checkable", "no_date")
    assert "note: 1 article has no date" in err
    assert "--date YYYY-MM-DD, or a date field in JSONL" in err

    # what an editor reads for that claim
    claims = auditor.extract_claims(SENTENCE)
    result = check_claims(claims, references=load_reference([pack]), rules=load_rules())
    finding = editor_view(claims, result)["finding"].tolist()
    assert finding == [f"Not checkable: {REASON_WORDS['no_date']}."]
    assert "--date YYYY-MM-DD, or a date field in JSONL" in finding[0]


def test_unreadable_date_warns_naming_file_line_and_value_and_its_claims_are_no_date(
    tmp_path: Path, pack: Path
) -> None:
    batch = _batch(
        tmp_path,
        [
            {"id": "good", "date": "1 Oct 2015", "text": SENTENCE},
            {"id": "bad", "date": "the first of the month", "text": SENTENCE},
        ],
    )
    code, out, err = _check(batch, "--no-default-reference", "--reference", pack, "--format", "jsonl")
    assert code == 0, err  # a bad date is not bad input: nothing is skipped
    assert f"warning: {batch.as_posix()}:2: field 'date' 'the first of the month' is not a date" in err
    rows = {r["doc_id"]: r for r in map(json.loads, out.splitlines())}
    assert rows["good"]["verdict"] == "matches"
    assert (rows["bad"]["verdict"], rows["bad"]["reason"], rows["bad"]["as_of"]) == (
        "not_checkable",
        "no_date",
        None,
    )


def test_date_order_reads_the_articles_numeric_dates(tmp_path: Path, pack: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "a", "date": "01/10/2015", "text": SENTENCE}) + "\n", encoding="utf-8")
    as_of = {}
    for order in ("dmy", "mdy"):
        code, out, err = _check(
            batch, "--no-default-reference", "--reference", pack, "--format", "jsonl", "--date-order", order
        )
        assert code == 0, err
        as_of[order] = {json.loads(line)["as_of"] for line in out.splitlines()}
    assert as_of == {"dmy": {"2015-10-01"}, "mdy": {"2015-01-10"}}


@pytest.mark.parametrize("case", CASES["option"], ids=_id)
def test_date_option_accepts_the_same_forms_with_date_order(case: dict[str, Any], tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SENTENCE + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(article), "--format", "jsonl", *case["args"]])
    if "expect" in case:
        assert result.exit_code == 0, result.stderr
        assert {json.loads(line)["as_of"] for line in result.stdout.splitlines()} == {
            case["expect"].isoformat()
        }
    else:
        assert result.exit_code == 2
        assert case["error"] in result.stderr


@pytest.mark.parametrize("command", ["extract", "check", "audit", "plot"])
def test_every_command_that_reads_articles_has_date_and_date_order(command: str) -> None:
    assert command in COMMANDS
    result = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
    assert "--date-order [dmy|mdy]" in result.stdout
    assert "--date DATE" in result.stdout


@pytest.mark.parametrize("case", CASES["api"], ids=_id)
def test_python_api_takes_a_string_date_or_names_the_argument_and_the_type(case: dict[str, Any]) -> None:
    call = {"date": case["value"], "date_order": case.get("order")}
    if "expect" in case:
        claims = auditor.extract_claims(SENTENCE, **call)
        expected = None if case["expect"] is None else case["expect"].isoformat()
        got = {None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in claims["as_of"]}
        assert got == {expected}
        if case.get("order") is None:
            assert Document("d", SENTENCE, date=case["value"]).date == case["expect"]
        return
    wanted = {
        "ArgumentTypeError": (ArgumentTypeError, TypeError),
        "ArgumentValueError": (ArgumentValueError, ValueError),
    }
    error, builtin = wanted[case["error"]]
    with pytest.raises(error) as caught:
        auditor.extract_claims(SENTENCE, **call)
    assert isinstance(caught.value, builtin)
    for part in case["message"]:
        assert part in str(caught.value)


def test_document_and_audit_options_take_string_dates() -> None:
    assert Document("d", "Text.", date="2015-10-01").date == date(2015, 10, 1)
    assert Document("d", "Text.", date=datetime(2015, 10, 1, 23, 30)).date == date(2015, 10, 1)
    with pytest.raises(ArgumentTypeError, match=r"argument 'date' must be a datetime\.date"):
        Document("d", "Text.", date=20151001)  # type: ignore[arg-type]
    assert AuditOptions(sources=("-",), as_of="01/10/2015", date_order="mdy").as_of == date(2015, 1, 10)  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match="argument 'as_of' got '01/10/2015'"):
        AuditOptions(sources=("-",), as_of="01/10/2015")  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match="argument 'date_order' got 'ydm'"):
        AuditOptions(sources=("-",), date_order="ydm")


def test_iso_and_numeric_dates_never_reach_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("dateparser was called")

    dates._read.cache_clear()
    monkeypatch.setattr(dates, "_parser", refuse)
    for value in ("2015-10-01", "2015-10-01T08:30:00+02:00", "25/10/2015", "2015/10/01", "01/10/2015 08:30"):
        dates.read_date(value, order="dmy")


def test_dateparser_is_configured_once_for_english_without_locale_detection() -> None:
    parser = dates._parser()
    assert dates._parser() is parser
    assert parser.languages == ["en"]
    assert parser.detect_languages_function is None
    assert parser.try_previous_locales is False
    assert parser._settings.PARSERS == ["absolute-time"]


def test_audit_reads_numeric_dates_in_the_date_order_and_keeps_undated_articles(
    tmp_path: Path, pack: Path
) -> None:
    batch = _batch(
        tmp_path,
        [
            {"id": "numeric", "date": "01/10/2015", "text": SENTENCE},
            {"id": "unreadable", "date": "Octember 1", "text": SENTENCE},
        ],
    )
    db = tmp_path / "audit.duckdb"
    args = [
        "audit",
        str(batch),
        "--db",
        str(db),
        "--out",
        str(tmp_path / "reports"),
        "--no-default-reference",
        "--reference",
        str(pack),
    ]
    result = CliRunner().invoke(main, [*args, "--date-order", "mdy", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert f"{batch.as_posix()}:2: field 'date' 'Octember 1' is not a date" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        stored = dict(con.execute("SELECT doc_id, date FROM documents").fetchall())
        reasons = dict(con.execute("SELECT doc_id, reason FROM verdicts").fetchall())
    assert {k: None if v is None else v.date() for k, v in stored.items()} == {
        "numeric": date(2015, 1, 10),
        "unreadable": None,
    }
    assert reasons["unreadable"] == "no_date"

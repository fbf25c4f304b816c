"""A newsroom's own statistics: ``--reference`` adds to the shipped pack (``--no-default-reference`` drops it),
data packages, a user ``references.yaml`` added to the shipped entries, ``auditor reference validate`` with the
loaders' errors (cases in ``tests/cases/reference_validate.yaml``), and the README's worked example run as
written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from auditor.checks import load_rules
from auditor.cli import main
from auditor.errors import ReferenceDataError, RuleError
from auditor.reference import load_reference, load_reference_with_shipped
from auditor.reference.integrity import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "cases" / "reference_validate.yaml"
ROW = "own.stats.deaths,deaths,GBR,2015-12-31,10,,,,false,Office,Deaths,,,"
#: A figure only the shipped pack holds (UNHCR's regional total), and a series only the user file holds.
SHIPPED_CLAIM = (
    "By late August 2015 there were 4,064,968 Syrian refugees in Syria's neighbours, UNHCR said.\n"
)
USER_ROW = "newsroom.own.deaths,deaths,SYR,2015-06-30,1000,,,,false,Newsroom,own database,deaths we counted,,"


def _check(*args: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "jsonl", "--fail-on", "never"])
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, rows, result.stderr


@pytest.fixture
def user_csv(tmp_path: Path) -> Path:
    path = tmp_path / "own.csv"
    path.write_text(",".join(COLUMNS) + "\n" + USER_ROW + "\n", encoding="utf-8")
    return path


def test_one_user_csv_keeps_the_shipped_checks(tmp_path: Path, user_csv: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SHIPPED_CLAIM, encoding="utf-8")
    code, rows, err = _check(article, "--date", "2015-09-01", "--reference", user_csv)
    assert code == 0, err
    assert [(r["surface"], r["verdict"]) for r in rows] == [("4,064,968", "matches")]
    _, rows, _ = _check(article, "--date", "2015-09-01", "--reference", user_csv, "--no-default-reference")
    assert [(r["verdict"], r["reason"]) for r in rows] == [("not_checkable", "no_reference")]


def test_the_user_rows_are_added_to_the_shipped_pack(user_csv: Path) -> None:
    shipped = load_reference()
    both = load_reference_with_shipped([user_csv])
    assert len(both) == len(shipped) + 1
    assert set(both["series_id"]) == {*shipped["series_id"], "newsroom.own.deaths"}
    assert list(load_reference_with_shipped([user_csv], shipped=False)["series_id"]) == [
        "newsroom.own.deaths"
    ]


def test_a_user_row_with_a_shipped_key_names_the_user_file(tmp_path: Path) -> None:
    shipped = load_reference().iloc[0]
    row = [shipped["series_id"], shipped["measure"], shipped["location"], f"{shipped['date']:%Y-%m-%d}", "5"]
    path = tmp_path / "clash.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(row) + ",,,,false,Me,Mine,,,\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="duplicate") as caught:
        load_reference_with_shipped([path])
    assert str(path) in str(caught.value)


def test_no_default_reference_needs_a_reference(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SHIPPED_CLAIM, encoding="utf-8")
    code, _, err = _check(article, "--no-default-reference")
    assert code == 2
    assert "option --no-default-reference got True: give at least one --reference PATH with it" in err


def test_a_user_references_yaml_adds_to_the_shipped_entries(tmp_path: Path) -> None:
    shipped = load_rules()
    (tmp_path / "references.yaml").write_text(
        "series:\n"
        "  - {id: own-deaths, measures: [deaths], series: newsroom.own.deaths, places: [SYR]}\n"
        "  - {id: population, measures: [population], series: own.census.population, tolerance: 0.01}\n",
        encoding="utf-8",
    )
    mine = load_rules(tmp_path)
    assert [r.id for r in mine.rules] == [r.id for r in shipped.rules]  # no rule files: the shipped checks
    ids = [s.id for s in mine.references]
    assert ids == [*(s.id for s in shipped.references if s.id != "population"), "own-deaths", "population"]
    population = next(s for s in mine.references if s.id == "population")
    assert population.parts[0].series == "own.census.population"
    assert population.tolerance == 0.01


def test_an_empty_rules_folder_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no rule files"):
        load_rules(tmp_path)


def _cases() -> list[Any]:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in data]


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, template in files.items():
        text = template.replace("{CSV_HEADER}", ",".join(COLUMNS)).replace("{ROW}", ROW)
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", _cases())
def test_validate_refuses_a_bad_file_like_the_loaders(tmp_path: Path, case: dict[str, Any]) -> None:
    _write(tmp_path, case["files"])
    target = tmp_path / case["validate"]
    expected = case["error"]
    load: Any = (
        (lambda: load_rules(tmp_path)) if target.suffix == ".yaml" else (lambda: load_reference([target]))
    )
    with pytest.raises((ReferenceDataError, RuleError)) as caught:
        load()
    error = caught.value
    assert type(error).__name__ == expected["type"]
    assert error.path is not None
    assert Path(error.path).resolve() == (tmp_path / expected["file"]).resolve()
    row = error.line if isinstance(error, RuleError) else error.row
    if "row" in expected:
        assert row == expected["row"]
    for key, attribute in (("column", "column"), ("field", "field"), ("rule_id", "rule_id")):
        if key in expected:
            assert getattr(error, attribute) == expected[key]
    if "value" in expected:
        assert str(error.value) == str(expected["value"])
    for allowed in expected.get("allowed", []):
        assert allowed in (error.allowed or []), f"{allowed!r} not among {error.allowed}"
    assert case["says"] in str(error)

    result = CliRunner().invoke(main, ["reference", "validate", str(target), str(tmp_path / "good.csv")])
    assert result.exit_code == 2
    assert f"error: {error}" in result.stderr
    assert "good.csv: ok, 1 row in 1 file, 1 series (own.stats.deaths)" in result.stdout


@pytest.fixture(autouse=True)
def _good_csv(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text(",".join(COLUMNS) + "\n" + ROW + "\n", encoding="utf-8")


def test_validate_prints_one_line_per_valid_file(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text('{"resources": [{"path": "good.csv"}]}', encoding="utf-8")
    shipped_yaml = ROOT / "rules" / "references.yaml"
    result = CliRunner().invoke(main, ["reference", "validate", str(tmp_path), str(shipped_yaml)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert (
        lines[0]
        == f"{tmp_path}: ok, 1 row in 1 file, 1 series (own.stats.deaths), as of 2015-12-31 to 2015-12-31"
    )
    assert lines[1].startswith(
        f"{shipped_yaml}: ok, {len(load_rules().references)} reference entries (deaths-un"
    )


def _readme_commands() -> list[list[str]]:
    """The commands of the README's worked example: the code block after the ``own-statistics`` marker."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- own-statistics:[^>]*-->\s*```sh\n(.*?)```", text, re.S)
    assert block is not None, "README has no own-statistics example block"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_worked_example_gives_the_verdicts_it_states(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    validate, check = _readme_commands()
    assert validate[:3] == ["auditor", "reference", "validate"]
    assert check[:2] == ["auditor", "check"]
    result = CliRunner().invoke(main, validate[1:])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "docs/own-statistics: ok, 2 rows in 1 file, 1 series (dft.road_casualties.deaths), as of 2014-12-31 "
        "to 2015-12-31",
        "docs/own-statistics/rules/references.yaml: ok, 1 reference entry (road-deaths-gb)",
    ]
    shown = CliRunner().invoke(main, check[1:])
    assert shown.exit_code == 1, shown.stderr
    assert re.search(r"Likely error +docs/own-statistics/article\.txt\s+“In 2014, 2,775 people", shown.stdout)
    rows = _check(*check[2:])[1]
    verdicts = {r["surface"]: (r["verdict"], r["findings"][0]["message"]) for r in rows}
    assert verdicts["1,730"][0] == "matches"
    assert verdicts["2,775"][0] == "likely_error"
    assert "Department for Transport counted about 1,780" in verdicts["2,775"][1]

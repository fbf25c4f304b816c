"""Loading rule folders: the shipped rules load, broken ones fail with a RuleError naming file, line, rule id,
field, bad value and allowed values (cases in tests/cases/checks/bad_rules.yaml), ``--rules DIR`` folders and
``auditor rules validate``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_checks_builders import load_cases

from auditor.checks import load_rules, registered_checks
from auditor.checks.rule_set import rule_files
from auditor.cli import main
from auditor.errors import RuleError
from auditor.resources import rules_dir


def test_shipped_rules_load_and_use_every_registered_check() -> None:
    rules = load_rules()
    assert {r.check.name for r in rules.rules} == set(registered_checks())
    assert {s.id for s in rules.references} >= {
        "deaths-un",
        "refugees-by-origin",
        "displaced-idps-plus-refugees",
    }
    assert any(r.whole == "displaced" for r in rules.hierarchy.measures)


def test_every_shipped_message_names_only_fields_its_check_offers() -> None:
    for rule in load_rules().rules:
        facts = dict.fromkeys(rule.check.fields, "x")
        for template in (*rule.messages.values(), *rule.suggestions.values()):
            assert template.format_map(facts)


def _write(folder: Path, files: dict[str, str]) -> None:
    for name in ("hierarchy.yaml", "references.yaml"):
        if name not in files:
            shutil.copy(rules_dir() / name, folder / name)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", load_cases("bad_rules"))
def test_broken_rule_folder_raises_a_rule_error_that_says_where_and_what(
    case: dict[str, Any], tmp_path: Path
) -> None:
    _write(tmp_path, case["files"])
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    error, expected = caught.value, case["error"]
    assert error.path == str(tmp_path / expected["file"])
    for attribute in ("rule_id", "field", "line"):
        if attribute in expected:
            assert getattr(error, attribute) == expected[attribute], attribute
    if "value" in expected:
        assert str(error.value) == str(expected["value"])
    for allowed in expected.get("allowed", []):
        assert allowed in (error.allowed or []), f"{allowed!r} not among {error.allowed}"
    message = str(error)
    assert str(tmp_path / expected["file"]) in message
    if "value" in expected:
        assert repr(error.value) in message


def test_user_rules_folder_falls_back_to_shipped_hierarchy_and_references(tmp_path: Path) -> None:
    (tmp_path / "strict.yaml").write_text(
        "rules:\n  - {id: strict, check: reference_value, severity: error, message: '{claim}',"
        " params: {review_ratio: 1.1}}\n",
        encoding="utf-8",
    )
    rules = load_rules(tmp_path)
    assert [r.id for r in rules.rules] == ["strict"]
    assert rules.rules[0].params.number("review_ratio") == 1.1
    assert rules.rules[0].params.number("open_slack") == 0.2  # the declared default
    assert rules.references == load_rules().references
    assert rule_files(tmp_path) == (tmp_path / "strict.yaml",)


def test_a_missing_rules_folder_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rules folder not found"):
        load_rules(tmp_path / "nowhere")


def test_rules_validate_prints_a_summary_of_the_shipped_rules() -> None:
    result = CliRunner().invoke(main, ["rules", "validate"])
    assert result.exit_code == 0, result.output
    assert "reference-value: reference_value (error)" in result.output
    assert result.output.strip().splitlines()[-1].startswith(f"ok: {len(load_rules().rules)} rules")


def test_rules_validate_exits_2_and_names_the_problem(tmp_path: Path) -> None:
    _write(
        tmp_path, {"checks/mine.yaml": "rules:\n  - {id: mine, check: nope, severity: warning, message: x}\n"}
    )
    result = CliRunner().invoke(main, ["rules", "validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "mine.yaml:2" in result.output
    assert "rule 'mine', field 'check'" in result.output
    assert "'nope'" in result.output
    assert "reference_value" in result.output


def test_rules_checks_lists_parameters_and_placeholders() -> None:
    result = CliRunner().invoke(main, ["rules", "checks"])
    assert result.exit_code == 0, result.output
    assert "param review_ratio = 1.5" in result.output
    assert "placeholders:" in result.output

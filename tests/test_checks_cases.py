"""Every check firing and not firing, and verdicts, from the table-driven cases in tests/cases/checks/.

A case runs the shipped rules it names (all of them when it names none) on hand-written claims and reference
observations; the findings must be exactly the ones listed (claim, rule, verdict), their messages must contain the
listed phrases, and each listed claim must get the listed verdict.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from test_checks_builders import claims_frame, load_cases, reference_frame

from auditor.checks import CheckResult, RuleSet, check_claims, load_rules

CASE_FILES = ("consistency", "percentages", "magnitude", "reference", "verdicts")


@cache
def shipped_rules() -> RuleSet:
    return load_rules()


def run_case(case: dict[str, Any]) -> CheckResult:
    rules = shipped_rules()
    wanted = case.get("rules")
    if wanted is not None:
        unknown = set(wanted) - {r.id for r in rules.rules}
        assert not unknown, f"case names unknown rules {unknown}"
        rules = replace(rules, rules=tuple(r for r in rules.rules if r.id in wanted))
    date = case.get("date")
    claims = claims_frame(case["claims"], date=None if date is None else str(date))
    references = reference_frame(case.get("references", []))
    return check_claims(claims, references=references, rules=rules)


@pytest.mark.parametrize("case", [c for name in CASE_FILES for c in load_cases(name)])
def test_case(case: dict[str, Any]) -> None:
    result = run_case(case)
    findings = result.findings
    if "findings" in case:
        got = set(zip(findings["claim_id"], findings["rule_id"], findings["verdict"], strict=True))
        expected = {(f["claim"], f["rule"], f["verdict"]) for f in case["findings"]}
        assert got == expected, "\n".join(findings["message"])
        for item in case["findings"]:
            row = findings[
                (findings["claim_id"] == item["claim"]) & (findings["rule_id"] == item["rule"])
            ].iloc[0]
            for phrase in item.get("message", []):
                assert phrase in row["message"], f"{phrase!r} not in {row['message']!r}"
            for phrase in item.get("absent", []):
                assert phrase not in row["message"], f"{phrase!r} in {row['message']!r}"
    verdicts = result.verdicts.set_index("claim_id")
    for claim_id, expected in case.get("verdicts", {}).items():
        verdict, _, reason = expected.partition("/")
        assert verdicts.loc[claim_id, "verdict"] == verdict, claim_id
        if reason:
            assert verdicts.loc[claim_id, "reason"] == reason, claim_id

"""The engine as a whole: one verdict per claim, findings that validate, document dates, user rules, severities,
the per-claim views and the coverage line, and articles never checked against figures taken from them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from test_checks_builders import claims_frame, reference_frame

from auditor.checks import check_claims, load_rules
from auditor.checks.against_reference import cumulative_drops
from auditor.checks.presentation import Coverage, editor_view, flat_view, per_claim, reading_line
from auditor.checks.verdicts import capped_severity
from auditor.errors import SchemaError
from auditor.schemas import ClaimsSchema, FindingsSchema, VerdictsSchema, columns, validate

SYRIA = "The war has killed 250,000 people and displaced 11 million."
REFERENCES = [
    {
        "series": "un.published.deaths",
        "location": "SYR",
        "date": "2015-08-21",
        "value": 250000,
        "cumulative": True,
        "publisher": "UN",
    },
    {
        "series": "sohr.published.deaths",
        "location": "SYR",
        "date": "2015-07-02",
        "value": 230000,
        "cumulative": True,
        "publisher": "SOHR",
    },
    {
        "series": "sohr.published.deaths",
        "location": "SYR",
        "date": "2015-09-01",
        "value": 220000,
        "cumulative": True,
        "publisher": "SOHR",
    },
]


def _mixed_batch() -> pd.DataFrame:
    """Two articles sharing claim ids, with claims, non-claims and claims no check concerns."""
    items = []
    for doc in ("a", "b"):
        items += [
            {
                "doc": doc,
                "id": "n1",
                "surface": "250,000",
                "value": 250000,
                "precision": 10000,
                "measure": "deaths",
                "location": "SYR",
                "sentence": SYRIA,
            },
            {
                "doc": doc,
                "id": "n2",
                "surface": "11 million",
                "value": 11e6,
                "precision": 1e6,
                "measure": "displaced",
                "location": "SYR",
                "sentence": SYRIA,
            },
            {
                "doc": doc,
                "id": "n3",
                "surface": "2011",
                "value": 2011,
                "kind": "year",
                "sentence": "It began in 2011.",
            },
            {
                "doc": doc,
                "id": "n4",
                "surface": "2.5 billion",
                "value": 2.5e9,
                "precision": 1e8,
                "kind": "money",
                "unit": "USD",
                "sentence": "Aid of $2.5 billion was pledged.",
            },
        ]
    return claims_frame(items, date="2015-10-01")


def test_every_claim_gets_exactly_one_verdict_and_findings_validate() -> None:
    claims = _mixed_batch()
    result = check_claims(claims, references=reference_frame(REFERENCES), rules=load_rules())
    validate(VerdictsSchema, result.verdicts)
    validate(FindingsSchema, result.findings)
    assert list(zip(result.verdicts["doc_id"], result.verdicts["claim_id"], strict=True)) == list(
        zip(claims["doc_id"], claims["claim_id"], strict=True)
    )
    verdicts = result.verdicts.set_index(["doc_id", "claim_id"])["verdict"]
    assert verdicts[("a", "n1")] == verdicts[("b", "n1")] == "matches"
    assert verdicts[("a", "n3")] == "not_checkable"
    assert result.findings["finding_id"].is_unique
    assert set(result.findings["doc_id"]) == {"a", "b"}
    # a reason exactly where the verdict is not_checkable
    not_checkable = result.verdicts["verdict"] == "not_checkable"
    assert result.verdicts["reason"].notna().equals(not_checkable)


def test_a_missing_as_of_is_the_article_date() -> None:
    claims = claims_frame(
        [
            {
                "doc": "a",
                "surface": "250,000",
                "value": 250000,
                "precision": 10000,
                "measure": "deaths",
                "location": "SYR",
            }
        ]
    )
    documents = pd.DataFrame(
        {
            "doc_id": ["a"],
            "title": [None],
            "date": [pd.Timestamp("2015-10-01")],
            "source": [None],
            "text": ["x"],
        }
    )
    refs = reference_frame(REFERENCES)
    without = check_claims(claims, references=refs, rules=load_rules())
    with_dates = check_claims(claims, documents, references=refs, rules=load_rules())
    assert without.verdicts.loc[0, "reason"] == "no_date"
    assert with_dates.verdicts.loc[0, "verdict"] == "matches"


def test_user_rules_can_report_twice_on_one_claim_with_distinct_ids(tmp_path: Path) -> None:
    (tmp_path / "slips.yaml").write_text(
        "rules:\n  - id: slips\n    check: magnitude_slip\n    severity: error\n"
        "    message: '{surface} is off by about {factor}'\n",
        encoding="utf-8",
    )
    claims = claims_frame(
        [
            {"surface": "250", "value": 250, "measure": "deaths", "location": "SYR", "sentence": "250 died."},
            {
                "surface": "250 million",
                "value": 2.5e8,
                "measure": "deaths",
                "location": "SYR",
                "sentence": "In all 250 million died.",
            },
        ],
        date="2015-10-01",
    )
    result = check_claims(claims, references=reference_frame(REFERENCES), rules=load_rules(tmp_path))
    on_second = result.findings[result.findings["claim_id"] == "c2"]
    assert len(on_second) == 2  # the earlier mention and the reference
    assert on_second["finding_id"].is_unique
    assert set(on_second["message"]) == {
        "250 million is off by about a million",  # against the earlier "250"
        "250 million is off by about a thousand",  # against the UN's 250,000
    }


def test_claims_that_break_the_model_raise_a_schema_error() -> None:
    claims = _mixed_batch().copy()
    claims.loc[0, "comparator"] = "about"
    with pytest.raises(SchemaError, match="claims"):
        check_claims(claims, references=reference_frame(REFERENCES), rules=load_rules())


def test_a_reference_table_without_its_columns_raises_a_schema_error() -> None:
    refs = reference_frame(REFERENCES).drop(columns=["publisher"])
    with pytest.raises(SchemaError, match="publisher"):
        check_claims(_mixed_batch(), references=refs, rules=load_rules())


@pytest.mark.parametrize(
    ("verdicts", "rule_severity", "expected"),
    [
        (["matches", "needs_review", "likely_error"], "error", ["info", "warning", "error"]),
        (["matches", "needs_review", "likely_error"], "warning", ["info", "warning", "warning"]),
        (["outdated", "likely_error"], "info", ["info", "info"]),
    ],
)
def test_a_rule_severity_caps_what_a_verdict_warrants(
    verdicts: list[str], rule_severity: str, expected: list[str]
) -> None:
    assert capped_severity(pd.Series(verdicts), rule_severity).tolist() == expected


def test_cumulative_drops_lists_points_below_an_earlier_total() -> None:
    drops = cumulative_drops(reference_frame(REFERENCES))
    assert drops[["series_id", "value", "previous_value"]].values.tolist() == [
        ["sohr.published.deaths", 220000.0, 230000.0]
    ]
    assert drops.loc[0, "previous_date"] == pd.Timestamp("2015-07-02")


def test_views_keep_one_row_per_claim_in_order() -> None:
    claims = _mixed_batch()
    result = check_claims(claims, references=reference_frame(REFERENCES), rules=load_rules())
    nested = per_claim(claims, result)
    assert list(nested.columns) == [*columns(ClaimsSchema), "verdict", "reason", "findings"]
    assert nested["claim_id"].tolist() == claims["claim_id"].tolist()
    first = nested.iloc[0]["findings"]
    assert first
    assert first[0]["rule_id"] == "reference-value"
    assert first[0]["reference_date"] == "2015-08-21"
    flat = flat_view(claims, result)
    assert flat.loc[0, "message"].startswith("The article says 250,000 deaths in Syria")
    table = editor_view(claims, result)
    assert table.loc[0, "reading"] == "250,000 -> 250,000 deaths, Syria, as of 2015-10-01"
    assert table.loc[2, "verdict"] == "not checkable (no measure)"


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (
            {
                "surface": "more than 250,000",
                "comparator": "gt",
                "value": 250000,
                "low": 250000,
                "measure": "deaths",
                "location": "SYR",
                "as_of": pd.Timestamp("2015-10-01"),
            },
            "more than 250,000 -> at least 250,000 deaths, Syria, as of 2015-10-01",
        ),
        (
            {
                "surface": "2 to 3 million",
                "comparator": "range",
                "low": 2e6,
                "high": 3e6,
                "measure": "refugees",
            },
            "2 to 3 million -> 2 million to 3 million refugees",
        ),
        (
            {"surface": "about 40%", "comparator": "approx", "value": 40, "unit": "percent"},
            "about 40% -> about 40%",
        ),
    ],
)
def test_reading_line(claim: dict[str, object], expected: str) -> None:
    assert reading_line(claim) == expected


def test_coverage_line_counts_found_checked_attention_and_not_checkable() -> None:
    coverage = Coverage()
    coverage.add(pd.DataFrame({"verdict": ["matches", "likely_error", "outdated", "not_checkable"]}))
    coverage.add(pd.DataFrame({"verdict": ["needs_review"]}))
    assert coverage.line() == "5 numbers found · 4 checked · 3 need attention · 1 not checkable"


def test_rules_can_be_narrowed_to_one_rule() -> None:
    rules = load_rules()
    only = replace(rules, rules=tuple(r for r in rules.rules if r.id == "reference-value"))
    result = check_claims(_mixed_batch(), references=reference_frame(REFERENCES), rules=only)
    assert set(result.findings["rule_id"]) == {"reference-value"}


def test_an_article_is_never_checked_against_a_figure_taken_from_it() -> None:
    claim = {
        "surface": "250,000",
        "value": 250000,
        "precision": 10000,
        "measure": "deaths",
        "location": "SYR",
    }
    claims = claims_frame(
        [{**claim, "doc": "wire-2015-0921"}, {**claim, "doc": "other-article"}], date="2015-10-01"
    )
    references = reference_frame(REFERENCES[:1])
    references["definition"] = "deaths since March 2011; found in article wire-2015-0921"
    result = check_claims(claims, references=references, rules=load_rules())
    verdict = result.verdicts.set_index("doc_id")["verdict"]
    assert verdict["other-article"] == "matches"
    assert verdict["wire-2015-0921"] == "not_checkable"
    assert set(result.findings["doc_id"]) == {"other-article"}


#: An estimate that counts more (indirect deaths) beside a documented toll: (claimed, expected verdict).
UPPER_BOUND_CASES = [
    pytest.param(290000, "not_checkable", id="a documented toll below the estimate is not contradicted"),
    pytest.param(470000, "matches", id="the estimate itself is confirmed"),
    pytest.param(4700000, "likely_error", id="ten times the estimate is still an error"),
]


@pytest.mark.parametrize(("value", "verdict"), UPPER_BOUND_CASES)
def test_an_upper_bound_estimate_never_flags_a_lower_documented_toll(value: int, verdict: str) -> None:
    claims = claims_frame(
        [
            {
                "surface": f"{value:,}",
                "value": value,
                "precision": 10000,
                "measure": "deaths",
                "location": "SYR",
            }
        ],
        date="2016-08-15",
    )
    references = reference_frame(
        [
            {
                "series": "scpr.published.deaths",
                "location": "SYR",
                "date": "2016-02-11",
                "value": 470000,
                "cumulative": True,
                "publisher": "Syrian Centre for Policy Research",
            }
        ]
    )
    result = check_claims(claims, references=references, rules=load_rules())
    assert result.verdicts["verdict"].tolist() == [verdict]


def test_an_article_loses_only_its_own_curated_figure_whatever_shares_its_batch() -> None:
    """Regression (issue 12): two articles checked together each lost the other's curated figure too, so their
    verdicts changed with ``--batch-size``."""
    claim = {
        "surface": "230,000",
        "value": 230000,
        "precision": 10000,
        "measure": "deaths",
        "location": "SYR",
    }
    claims = claims_frame([{**claim, "doc": "wire-a"}, {**claim, "doc": "wire-b"}], date="2015-10-01")
    references = reference_frame(
        [
            {**REFERENCES[1], "date": "2015-06-01", "value": 100000},
            {**REFERENCES[1], "date": "2015-07-02"},
            {**REFERENCES[1], "date": "2015-09-01", "value": 230000},
        ]
    )
    references["definition"] = [None, "found in article wire-a", "found in article wire-b"]
    together = check_claims(claims, references=references, rules=load_rules()).verdicts
    alone = pd.concat(
        [
            check_claims(claims[claims["doc_id"] == d], references=references, rules=load_rules()).verdicts
            for d in ("wire-a", "wire-b")
        ],
        ignore_index=True,
    )
    assert together.set_index("doc_id")["verdict"].to_dict() == {"wire-a": "matches", "wire-b": "matches"}
    pd.testing.assert_frame_equal(together, alone)

"""An article is checked without the reference figures curated from it, and only those: the ids a row cites are
matched whole, so a short id ("a", or the API's default "article") never drops figures whose text merely contains
it. Cases are in tests/cases/self_cited.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_checks_builders import claims_frame, reference_frame

from auditor.checks import check_claims, load_rules
from auditor.reference.pack import load_reference

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "self_cited.yaml").read_text(encoding="utf-8")
)
_TOLL = {"series": "un.published.deaths", "location": "SYR", "date": "2015-08-21", "value": 250000}
_CLAIM = {"surface": "250,000", "value": 250000, "precision": 10000, "measure": "deaths", "location": "SYR"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_only_the_ids_a_reference_row_cites_are_checked_without_it(case: dict[str, Any]) -> None:
    references = reference_frame([{**_TOLL, "cumulative": True, "publisher": "UN"}])
    references["definition"] = case["definition"]
    references["url"] = case.get("url")
    claims = claims_frame([{**_CLAIM, "doc": case["doc_id"]}], date="2015-10-01")
    result = check_claims(claims, references=references, rules=load_rules())
    assert result.verdicts["verdict"].tolist() == [case["verdict"]]


@pytest.mark.parametrize("doc_id", ["a", "article", "b"])
def test_a_short_article_id_keeps_every_figure_of_the_shipped_pack(doc_id: str) -> None:
    claims = claims_frame(
        [
            {**_CLAIM, "doc": doc_id, "sentence": "The war has killed 250,000 people."},
            {**_CLAIM, "doc": "unrelated-id-0", "sentence": "The war has killed 250,000 people."},
        ],
        date="2015-10-01",
    )
    result = check_claims(claims, references=load_reference(), rules=load_rules())
    verdict = result.verdicts.set_index("doc_id")["verdict"]
    assert verdict[doc_id] == verdict["unrelated-id-0"] == "matches"
    findings = result.findings.set_index("doc_id")[["rule_id", "series_id", "reference_value", "message"]]
    assert len(findings.loc[[doc_id]]) > 0
    assert findings.loc[[doc_id]].values.tolist() == findings.loc[["unrelated-id-0"]].values.tolist()

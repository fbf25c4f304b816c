"""Resolving origin and place of claims, and aligning claims with reference observations as of their date
(cases in tests/cases/checks/subjects.yaml and alignment.yaml)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from test_checks_builders import claims_frame, load_cases, reference_frame

from auditor.checks import load_rules
from auditor.checks.alignment import align
from auditor.checks.subjects import dominant_countries, refugee_sources, resolve_subjects, sentence_origin


def _subjects(case: dict[str, Any]) -> pd.DataFrame:
    rules = load_rules()
    return resolve_subjects(claims_frame(case["claims"]), rules.hierarchy.origin_measures)


@pytest.mark.parametrize("case", load_cases("subjects"))
def test_origin_and_place(case: dict[str, Any]) -> None:
    resolved = _subjects(case).set_index("claim_id")
    for claim_id, (origin, place) in case["expect"].items():
        got = {k: None if pd.isna(v) else v for k, v in resolved.loc[claim_id].items()}
        assert (got["origin"], got["place"]) == (origin, place), claim_id
        assert got["subject"] == (origin if origin is not None else place)


@pytest.mark.parametrize("case", load_cases("alignment"))
def test_alignment(case: dict[str, Any]) -> None:
    claims = _subjects(case)
    result = align(claims, reference_frame(case["references"]), load_rules().references)
    for claim_id, rows in case.get("aligned", {}).items():
        got = result.aligned[result.aligned["claim_id"] == claim_id]
        found = sorted(
            (spec, d.strftime("%Y-%m-%d"), round(v))
            for spec, d, v in zip(got["spec_id"], got["ref_date"], got["ref_value"], strict=True)
        )
        assert found == sorted((spec, str(date), value) for spec, date, value in rows)
        assert claim_id not in set(result.reasons["claim_id"])
    reasons = result.reasons.set_index("claim_id")["reason"]
    for claim_id, reason in case.get("reasons", {}).items():
        assert reasons[claim_id] == reason
        assert claim_id not in set(result.aligned["claim_id"])


def test_sentence_origin_needs_a_demonym_or_a_word_of_leaving() -> None:
    assert sentence_origin("Turkey hosts 2 million Syrian refugees.") == "SYR"
    assert sentence_origin("They fled Eritrea by boat.") == "ERI"
    assert sentence_origin("Turkey hosts 2 million refugees.") is None


def test_dominant_country_needs_a_good_share_of_the_mentions_first_mention_winning_ties() -> None:
    """Regression (issue 8): a digest naming four countries as often is about none of them, so an unplaced claim
    in it gets no place; of two countries named as often, the first named wins."""
    claims = claims_frame(
        [
            {"surface": "1", "value": 1, "location": "TUR", "sentence": "1 in Turkey."},
            {"surface": "2", "value": 2, "location": "SYR", "sentence": "2 in Syria."},
            {"surface": "3", "value": 3, "location": "Europe", "sentence": "3 in Europe."},
            {"doc": "other", "surface": "5", "value": 5, "location": "IRQ", "sentence": "5 in Iraq."},
            *(
                {
                    "doc": "digest",
                    "surface": str(n),
                    "value": n,
                    "location": code,
                    "sentence": f"{n} in {name}.",
                }
                for n, (code, name) in enumerate(
                    [("IND", "India"), ("AUT", "Austria"), ("GRC", "Greece"), ("HUN", "Hungary")], start=6
                )
            ),
        ]
    )
    assert dominant_countries(claims).to_dict() == {"doc": "TUR", "other": "IRQ"}


def test_a_route_country_is_not_an_origin_when_people_do_not_flee_it() -> None:
    """Regression (issue 8): "migrants crossed from Hungary" in a Sept 2015 article named Hungary as where they came
    from; with the reference data only countries people flee (10,000 refugees abroad in the latest figures) are
    origins, and the article's named origin (Syrians) beats its most named country (Hungary)."""
    references = reference_frame(
        [
            {
                "series": "unhcr.popstats.refugees.from_SYR",
                "location": "World",
                "date": "2014-12-31",
                "value": 3.9e6,
            },
            {
                "series": "unhcr.popstats.refugees.from_HUN",
                "location": "World",
                "date": "1957-12-31",
                "value": 2e5,
            },
            {
                "series": "unhcr.popstats.refugees.from_HUN",
                "location": "World",
                "date": "2014-12-31",
                "value": 1270,
            },
        ]
    )
    sources = refugee_sources(references)
    assert sources is not None
    assert "SYR" in sources
    assert "HUN" not in sources
    claims = claims_frame(
        [
            {"surface": "3,000", "value": 3000, "measure": "migrants", "location": "AUT",
             "sentence": "Some 3,000 migrants crossed from Hungary into Austria."},
            {"surface": "500", "value": 500, "measure": "migrants", "location": "HUN",
             "sentence": "Police in Hungary stopped 500 Syrians at the border."},
        ]
    )  # fmt: skip
    origins = resolve_subjects(claims, frozenset({"migrants"}), sources)["origin"].tolist()
    assert origins == ["SYR", "SYR"]
    assert refugee_sources(references.iloc[:0]) is None

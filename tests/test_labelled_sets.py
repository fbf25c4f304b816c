"""The hand-labelled real claims in ``tests/cases/labelled/`` stay well-formed (issue 8 §6).

``benchmarks/labelled_accuracy.py`` scores the tool against these files; a label whose offsets drift off its
number, whose verdict and reason disagree, or whose article carries two dates would silently skew those scores.
The files keep offsets and labels only; the article texts come from ``../shared/data/news``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims.lexicon import default_measures, iso3_codes

LABELS = Path(__file__).parent / "cases" / "labelled"
#: Corpus names the label files use, and the shared files that hold their articles.
CORPORA: dict[str, str] = yaml.safe_load((LABELS / "corpora.yaml").read_text("utf-8"))
#: Fields both files share: the span, then what it counts, where, when and on whose word.
SPAN = {"doc", "corpus", "start", "end", "number"}
COMMON = SPAN | {"measure", "place", "origin", "scope", "as_of", "attribution"}
CLAIM_FIELDS = COMMON | {"note"}
VERDICT_FIELDS = COMMON | {"date", "verdict", "reason", "reference", "why"}
#: The labelled sets: the claims file and the verdicts file of each (the held-out batch is scored once, never tuned on).
SETS = {
    "real": ("claims_real", "verdicts_real"),
    "heldout": ("heldout_claims", "heldout_verdicts"),
    "heldout2": ("heldout2_claims", "heldout2_verdicts"),
}
CLAIM_FILES = sorted(claims for claims, _ in SETS.values())
VERDICT_FILES = sorted(verdicts for _, verdicts in SETS.values())
FIELDS = {**dict.fromkeys(CLAIM_FILES, CLAIM_FIELDS), **dict.fromkeys(VERDICT_FILES, VERDICT_FIELDS)}
VERDICTS = {"consistent", "needs_review", "likely_error", "outdated", "not_checkable"}
#: Why a claim is not checkable: no shipped series, one event, not an observed count (a plan, a forecast),
#: or an older total the claim may have grown from (benchmarks/README.md, issue 8 sections).
REASONS = {"no_reference", "event_level", "not_a_count", "unsettled"}
SCOPES = {"event", "period", "stock", "none"}
#: Places the labels name that are not countries: Europe as a whole and the EU of 28.
REGION_CODES = {"EUR", "EU28"}


def _labels(name: str) -> list[dict[str, Any]]:
    key = "verdicts" if name in VERDICT_FILES else "claims"
    data = yaml.safe_load((LABELS / f"{name}.yaml").read_text("utf-8"))
    return list(data[key])


def _where(name: str, label: dict[str, Any]) -> str:
    return f"{name}.yaml {label['doc']} [{label['start']}:{label['end']}] {label['number']!r}"


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_labels_use_the_fields_and_words_of_the_set(name: str) -> None:
    measures = set(default_measures().measures) | {"other", "none"}
    places = iso3_codes() | REGION_CODES
    seen: set[tuple[str, int, int]] = set()
    for label in _labels(name):
        where = _where(name, label)
        assert set(label) == FIELDS[name], f"{where}: fields {sorted(set(label) ^ FIELDS[name])} differ"
        assert label["corpus"] in CORPORA, f"{where}: unknown corpus {label['corpus']!r}"
        assert 0 <= label["start"] < label["end"], f"{where}: empty or negative span"
        assert label["measure"] in measures, f"{where}: unknown measure {label['measure']!r}"
        assert label["scope"] in SCOPES, f"{where}: scope {label['scope']!r} not one of {sorted(SCOPES)}"
        for role in ("place", "origin"):
            assert label[role] is None or label[role] in places, f"{where}: unknown {role} {label[role]!r}"
        key = (str(label["doc"]), int(label["start"]), int(label["end"]))
        assert key not in seen, f"{where}: labelled twice"
        seen.add(key)


@pytest.mark.parametrize("name", VERDICT_FILES)
def test_every_verdict_has_the_reason_and_the_reference_it_needs(name: str) -> None:
    for label in _labels(name):
        where = _where(name, label)
        verdict, reason = label["verdict"], label["reason"]
        assert verdict in VERDICTS, f"{where}: verdict {verdict!r} not one of {sorted(VERDICTS)}"
        if verdict == "not_checkable":
            assert reason in REASONS, f"{where}: reason {reason!r} not one of {sorted(REASONS)}"
        else:
            assert reason is None, f"{where}: a {verdict} verdict takes no reason"
            assert label["reference"], f"{where}: a {verdict} verdict names the figure it rests on"
        assert label["why"], f"{where}: no one-line why"


@pytest.mark.parametrize("name", VERDICT_FILES)
def test_each_article_is_judged_as_of_one_date(name: str) -> None:
    """The scorer checks each article once, as of its label date, so an article's labels share that date."""
    dates: dict[str, set[str]] = defaultdict(set)
    for label in _labels(name):
        dates[str(label["doc"])].add(str(label["date"]))
    assert {doc: sorted(d) for doc, d in dates.items() if len(d) > 1} == {}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_each_label_span_is_its_number_in_the_article(shared: Path, name: str) -> None:
    labels = _labels(name)
    texts: dict[str, str] = {}
    for corpus in {str(label["corpus"]) for label in labels}:
        with (shared / "data" / "news" / CORPORA[corpus]).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                texts[str(row["id"])] = str(row["text"])
    for label in labels:
        text = texts.get(str(label["doc"]))
        assert text is not None, f"{_where(name, label)}: article not in the corpus"
        assert text[label["start"] : label["end"]] == str(label["number"]), _where(name, label)


@pytest.mark.parametrize("held", sorted(name for name in SETS if name.startswith("heldout")))
def test_heldout_articles_appear_in_no_other_set(held: str) -> None:
    """A held-out batch measures unseen claims, so none of its articles is in any other labelled set."""
    others = {
        str(label["doc"])
        for name, files in SETS.items()
        if name != held
        for f in files
        for label in _labels(f)
    }
    heldout = {str(label["doc"]) for name in SETS[held] for label in _labels(name)}
    assert sorted(heldout & others) == []

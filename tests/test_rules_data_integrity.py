"""The shipped lexicons are consistent and every entry can actually be reached (like dateparser's data checks).

Also: every measure and place that any rule file names is one the lexicons know, and broken lexicon files
fail with a message that names file, line, field, value and what is allowed (cases in cases/broken_rules.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims import places
from auditor.claims.context import ContextReader
from auditor.claims.context.words import Grammar, default_grammar, load_grammar
from auditor.claims.lexicon import (
    MeasureLexicon,
    default_measures,
    default_places,
    demonym_plural,
    iso3_codes,
    load_measures,
    load_places,
)
from auditor.claims.numbers import parse_words, split_words
from auditor.claims.word_tables import number_words
from auditor.errors import RuleError

#: The canonical measure names the team agreed on (the project brief); the lexicon must define each.
AGREED_MEASURES = frozenset(
    (
        *("deaths", "injured", "casualties", "displaced", "internally_displaced", "refugees", "migrants"),
        *("arrivals", "missing", "dead_and_missing", "detained", "people_in_need", "asylum_recognitions"),
        *(
            "asylum_applications",
            "aircraft",
            "troops",
            "population",
            "gdp",
            "budget",
            "aid",
            "debt",
            "revenue",
        ),
        *(
            "profit",
            "spending",
            "exports",
            "imports",
            "price",
            "wages",
            "unemployment_rate",
            "inflation_rate",
        ),
        *("growth_rate", "interest_rate", "votes", "cases", "arrests", "vehicles", "buildings"),
    )
)
BROKEN = yaml.safe_load((Path(__file__).parent / "cases" / "broken_rules.yaml").read_text("utf-8"))
DATE = dt.date(2015, 10, 1)


@pytest.fixture(scope="module")
def lexicon() -> MeasureLexicon:
    return default_measures()


@pytest.fixture(scope="module")
def reader() -> ContextReader:
    return ContextReader()


def _read(reader: ContextReader, text: str, number: str, kind: str) -> Any:
    start = text.index(number)
    return reader.annotate(text, (0, len(text)), (start, start + len(number)), kind, DATE)


# --- measures ---------------------------------------------------------------------------------------------


def test_measures_are_the_agreed_ones(lexicon: MeasureLexicon) -> None:
    assert set(lexicon.measures) == AGREED_MEASURES


def _noun_cases() -> Iterator[tuple[str, str, str]]:
    for measure in default_measures().measures.values():
        for noun in measure.nouns:
            yield measure.name, noun, sorted(measure.kinds)[0]


def _trigger_cases() -> Iterator[tuple[str, str, str]]:
    for measure in default_measures().measures.values():
        for trigger in measure.triggers:
            yield measure.name, trigger, sorted(measure.kinds)[0]


@pytest.mark.parametrize(("measure", "noun", "kind"), list(_noun_cases()))
def test_every_noun_is_reachable(reader: ContextReader, measure: str, noun: str, kind: str) -> None:
    """Each noun gives its own measure: no other entry shadows it."""
    if kind == "count":
        got = _read(reader, f"There were 1,000 {noun} in the report.", "1,000", kind)
    else:
        number = {"money": "$5bn", "percent": "5%", "percentage_point": "2 points"}.get(kind, "40 tonnes")
        got = _read(reader, f"The {noun} was {number} in the report.", number, kind)
    assert got.measure == measure, got


@pytest.mark.parametrize(("measure", "trigger", "kind"), list(_trigger_cases()))
def test_every_trigger_is_reachable(reader: ContextReader, measure: str, trigger: str, kind: str) -> None:
    """Each trigger gives its measure to a number with no telling noun of its own, after the number ("1,000
    people fled") or, for an event or a group of people, as the verb whose object it is ("the shelling wounds
    1,000 people", "the town is home to 1,000 people")."""
    number = {"count": "1,000", "money": "$5bn", "percent": "5%", "percentage_point": "2 points"}[kind]
    head = " people" if kind == "count" else ""
    frames = [f"Reports said {number}{head} {trigger}, sources said."]
    spec = default_measures().measures[measure]
    if spec.event or spec.people:
        frames.append(f"Reports said the attack {trigger} {number}{head}, sources said.")
    got = [_read(reader, frame, number, kind) for frame in frames]
    assert measure in {g.measure for g in got}, got


_GENERIC_LISTED = yaml.safe_load(default_measures().path.read_text("utf-8"))["generic"]


@pytest.mark.parametrize("generic", sorted(_GENERIC_LISTED))
def test_every_generic_head_takes_the_verb_measure(reader: ContextReader, generic: str) -> None:
    """Each generic head as written in rules/measures.yaml ("others", "child") takes the verb's measure."""
    got = _read(reader, f"At least 40 {generic} were wounded.", "At least 40", "count")
    assert (got.counted, got.measure) == (generic, "injured")


def _rule_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1] / "rules"
    return sorted(root.rglob("*.yaml"))


def _named(node: Any, keys: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) of every mapping entry in ``node`` whose key is one of ``keys``, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                yield key, value
            yield from _named(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _named(item, keys)


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _names(item)


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: p.name)
def test_rule_files_name_known_measures_and_places(path: Path, lexicon: MeasureLexicon) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    measure_keys = frozenset({"measure", "measures", "origin_measures", "additive_over_places"})
    if path.name != "measures.yaml":
        for key, value in _named(data, measure_keys):
            for name in _names(value):
                assert name in lexicon.measures, f"{path.name}: {key} names unknown measure {name!r}"
    place_keys = frozenset({"location", "locations", "places", "regions", "default_place"})
    if path.name != "places.yaml":
        known = set(places.REGIONS) | iso3_codes()
        for key, value in _named(data, place_keys):
            if isinstance(value, dict):
                continue  # a section ("places: {regions: [...]}"), visited on its own
            for name in _names(value):
                assert "{" in name or name in known, f"{path.name}: {key} names unknown place {name!r}"


# --- places -----------------------------------------------------------------------------------------------


def test_regions_are_the_agreed_ones() -> None:
    assert tuple(default_places().regions) == places.REGIONS


@pytest.mark.parametrize(
    ("section", "surface", "code"),
    default_places().declared,
    ids=lambda v: str(v) if isinstance(v, str) else "",
)
def test_every_place_entry_is_reachable(section: str, surface: str, code: str) -> None:
    """Each declared name resolves to its code alone and inside a sentence, at its own offsets."""
    assert places.place_of(surface) == code
    text = f"Reports from {surface} came in."
    found = places.mentions(text)
    assert [(m.start, m.end, m.code) for m in found] == [(13, 13 + len(surface), code)]
    if section == "demonyms":
        plural = f"Reports from {demonym_plural(surface)} came in."
        assert [m.code for m in places.mentions(plural)] == [code]


def test_country_names_of_the_library_resolve() -> None:
    """Every country pycountry knows is found by its name (unless the lexicon deliberately re-maps it)."""
    import pycountry

    remapped = {s for _, s, _ in default_places().declared}
    for country in pycountry.countries:
        if country.name in remapped or "," in country.name:
            continue
        assert places.place_of(country.name) == country.alpha_3, country.name
        assert places.country_code(country.alpha_2) == country.alpha_3


# --- broken files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", BROKEN, ids=[c["id"] for c in BROKEN])
def test_broken_lexicon_names_the_problem(tmp_path: Path, case: dict[str, Any]) -> None:
    path = tmp_path / case["file"]
    path.write_text(case["content"], encoding="utf-8")
    loader = {"places.yaml": load_places, "measures.yaml": load_measures, "grammar.yaml": _grammar_from}[
        case["file"]
    ]
    with pytest.raises(RuleError) as err:
        loader(path)
    message = str(err.value)
    assert str(path) in message
    for fragment in case["message"]:
        assert fragment in message, message


def test_shipped_lexicons_load(repo: Path) -> None:
    assert load_places(repo / "rules" / "places.yaml").regions
    assert load_measures(repo / "rules" / "measures.yaml").measures


# --- closed word classes (rules/grammar.yaml) and number words (rules/numbers.yaml) ---------------------------


def _grammar_from(path: Path) -> Grammar:
    """A broken-file case gives only the class under test; the others are filled from the shipped file."""
    shipped = yaml.safe_load(
        (Path(__file__).parents[1] / "rules" / "grammar.yaml").read_text(encoding="utf-8")
    )
    given = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8")
    rest = {k: v for k, v in shipped.items() if k not in given}
    path.write_text(lines + yaml.safe_dump(rest, default_flow_style=None, width=1000), encoding="utf-8")
    return load_grammar(path)


def test_shipped_grammar_loads_with_every_word_class() -> None:
    grammar = default_grammar()
    assert all(len(getattr(grammar, name)) > 0 for name in Grammar.__dataclass_fields__)


@pytest.mark.parametrize(
    ("first", "second"),
    [("links", "predicative"), ("destination_words", "origin_words"), ("say_verbs", "source_stop")],
)
def test_word_classes_that_decide_opposite_readings_do_not_overlap(first: str, second: str) -> None:
    grammar = default_grammar()
    assert set(getattr(grammar, first)) & set(getattr(grammar, second)) == set()


@pytest.mark.parametrize("verb", sorted(default_grammar().say_verbs))
def test_every_saying_verb_names_its_source(reader: ContextReader, verb: str) -> None:
    text = f"The ministry {verb} 40 people were killed."
    start = text.index("40")
    found = reader.annotate(text, (0, len(text)), (start, start + 2), "count", dt.date(2015, 10, 1))
    assert found.attribution == "The ministry"


@pytest.mark.parametrize("word", sorted(default_grammar().host_verbs))
def test_every_hosting_verb_makes_the_place_the_host(reader: ContextReader, word: str) -> None:
    text = f"Jordan {word} 600,000 refugees."
    start = text.index("600,000")
    found = reader.annotate(text, (0, len(text)), (start, start + 7), "count", dt.date(2015, 10, 1))
    assert found.location == "JOR"


@pytest.mark.parametrize("table", ["units", "tens", "scales"])
def test_every_number_word_reads_as_its_value(table: str) -> None:
    for word, value in number_words()[table].items():
        assert parse_words(split_words(word)) == pytest.approx(value), word


def test_number_word_lists_hold_no_duplicates() -> None:
    for key, value in number_words().items():
        if isinstance(value, list):
            assert len(value) == len(set(value)), key

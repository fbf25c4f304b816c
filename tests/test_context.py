"""ContextReader: what a claim counts, its measure, place, as-of date and source (cases in cases/context.yaml)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.claims.context import ClaimContext, ContextReader

CASES_FILE = Path(__file__).parent / "cases" / "context.yaml"
_DATA = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
_DEFAULTS: dict[str, Any] = _DATA["defaults"]
CASES: list[dict[str, Any]] = _DATA["cases"]
FIELDS = ("counted", "measure", "location", "as_of", "attribution")
#: Compared only when a case names them.
OPTIONAL_FIELDS = ("scope", "qualifier")


@pytest.fixture(scope="module")
def reader() -> ContextReader:
    return ContextReader()


def unmark(marked: str) -> tuple[str, tuple[int, int]]:
    """Text without the [brackets] and the span they marked."""
    start = marked.index("[")
    end = marked.index("]", start)
    return marked[:start] + marked[start + 1 : end] + marked[end + 1 :], (start, end - 1)


def _date(value: Any) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def test_cases_are_many_and_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_context_case(reader: ContextReader, case: dict[str, Any]) -> None:
    sentence, span = unmark(case["text"])
    before = case.get("before", "")  # the document's text before the sentence
    text, span = before + sentence, (span[0] + len(before), span[1] + len(before))
    kind = case.get("kind", _DEFAULTS["kind"])
    doc_date = _date(case["doc_date"] if "doc_date" in case else _DEFAULTS["doc_date"])
    got = reader.annotate(text, (len(before), len(text)), span, kind, doc_date, case.get("size"))
    expected = {f: case["expect"].get(f) for f in FIELDS}
    expected["as_of"] = _date(case["expect"]["as_of"]) if "as_of" in case["expect"] else doc_date
    expected.update((f, case["expect"][f]) for f in OPTIONAL_FIELDS if f in case["expect"])
    assert {f: getattr(got, f) for f in (*FIELDS, *OPTIONAL_FIELDS) if f in expected} == expected


def test_context_is_frozen_and_slotted() -> None:
    ctx = ClaimContext(counted="lives")
    with pytest.raises(AttributeError):
        ctx.counted = "people"  # type: ignore[misc]
    assert not hasattr(ctx, "__dict__")


def test_sentence_cache_does_not_leak_between_texts(reader: ContextReader) -> None:
    """Two different texts with the same offsets must not share cached sentence facts."""
    first, span = unmark("In Germany [300] people were killed.")
    second, _ = unmark("In Lebanon [300] people were killed.")
    date = dt.date(2015, 10, 1)
    assert reader.annotate(first, (0, len(first)), span, "count", date).location == "DEU"
    assert reader.annotate(second, (0, len(second)), span, "count", date).location == "LBN"
    assert reader.annotate(first, (0, len(first)), span, "count", date).location == "DEU"


def test_sentence_cache_keys_on_doc_date(reader: ContextReader) -> None:
    """The same sentence read for two article dates gives each its own relative date."""
    text, span = unmark("Last year [5,000] migrants drowned.")
    read = [
        reader.annotate(text, (0, len(text)), span, "count", dt.date(y, 6, 1)).as_of for y in (2015, 2016)
    ]
    assert read == [dt.date(2014, 12, 31), dt.date(2015, 12, 31)]


def test_timestamp_doc_date_is_read_as_its_day(reader: ContextReader) -> None:
    """A datetime (or pandas Timestamp) article date works like its calendar day."""
    text, span = unmark("By December 2015 the figure may reach [1 million] arrivals.")
    got = reader.annotate(text, (0, len(text)), span, "count", dt.datetime(2015, 10, 1, 8, 30))
    assert got.as_of == dt.date(2015, 10, 1)
    assert type(got.as_of) is dt.date


def test_each_number_of_a_sentence_gets_its_own_reading(reader: ContextReader) -> None:
    text = "The war has killed 250,000 people and displaced 11 million in Syria since 2011."
    date = dt.date(2015, 10, 1)
    killed = text.index("250,000")
    displaced = text.index("11 million")
    a = reader.annotate(text, (0, len(text)), (killed, killed + 7), "count", date)
    b = reader.annotate(text, (0, len(text)), (displaced, displaced + 10), "count", date)
    assert (a.measure, b.measure) == ("deaths", "displaced")
    assert a.location == b.location == "SYR"


def test_offsets_within_a_longer_document(reader: ContextReader) -> None:
    """Sentence offsets are into the document: only the number's sentence counts."""
    text = "Germany took part in the talks. Elsewhere, the strike killed 14 people. Greece said nothing."
    s_start = text.index("Elsewhere")
    s_end = text.index("Greece") - 1
    n = text.index("14")
    got = reader.annotate(text, (s_start, s_end), (n, n + 2), "count", None)
    assert (got.counted, got.measure, got.location, got.attribution) == ("people", "deaths", None, None)


def test_custom_rules_folder_is_used(tmp_path: Path, repo: Path) -> None:
    """A rules folder with its own measures.yaml changes what is read; places fall back to the shipped file."""
    text = (repo / "rules" / "measures.yaml").read_text(encoding="utf-8")
    (tmp_path / "measures.yaml").write_text(text.replace("nouns: [aircraft,", "nouns: [aircraft, zeppelin,"))
    custom = ContextReader(tmp_path)
    sentence, span = unmark("The fleet had [12] zeppelins over France.")
    got = custom.annotate(sentence, (0, len(sentence)), span, "count", None)
    assert (got.measure, got.location) == ("aircraft", "FRA")
    assert ContextReader().annotate(sentence, (0, len(sentence)), span, "count", None).measure is None


_PEOPLE_KILLED = re.compile(
    # "those killed at least 160 people were injured", "a child killed 7 people injured" (a lost comma) are about
    # the injured: not this form
    r"killed ((?:more than |at least |over )?\d[\d,]*) people(?! (?:(?:were|have been|had been) )?(?:injured|wounded))"
    r"|((?:more than |at least )?\d[\d,]*) people"
    r" (?:have been|were|had been) killed"
)


@pytest.mark.shared
@pytest.mark.slow
def test_people_killed_reads_as_deaths_on_real_articles(shared: Path) -> None:
    """The corpus' most common claim forms ("killed N people", "N people were killed") read as deaths of people."""
    reader = ContextReader()
    seen = 0
    with (shared / "data" / "news" / "fakes_syria.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            text = doc["text"]
            for m in _PEOPLE_KILLED.finditer(text):
                group = 1 if m.group(1) else 2
                start = text.rfind(". ", 0, m.start()) + 2 if text.rfind(". ", 0, m.start()) >= 0 else 0
                end = text.find(". ", m.end())
                sentence = (start, end if end > 0 else len(text))
                got = reader.annotate(text, sentence, m.span(group), "count", None)
                assert (got.counted, got.measure) == ("people", "deaths"), text[sentence[0] : sentence[1]]
                seen += 1
    assert seen >= 100

"""The context reader: one object that reads a claim's counted phrase, measure, place, date and source.

What depends only on the sentence (its places, dates, sources, trigger words) is found once per sentence and
reused for every number in it, so annotating a claim costs a few list scans.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from auditor.claims.context.attribution import attribution_reader
from auditor.claims.context.counted import CountedReader
from auditor.claims.context.measure import MeasureReader
from auditor.claims.context.place import place_reader
from auditor.claims.context.scope import scope_reader
from auditor.claims.context.sentence import Sentence, nearest
from auditor.claims.context.time import as_of, date_reader
from auditor.claims.context.words import Grammar, alternation, default_grammar, load_grammar
from auditor.claims.lexicon import MeasureLexicon, default_measures, load_measures, noun_key
from auditor.claims.places import Gazetteer, PlaceMention, default_gazetteer

#: How far back a "the country's" looks for the country it refers to (characters).
_COUNTRY_REACH: Final = 3000


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """What a claim is about; every field is None when the sentence does not say."""

    counted: str | None = None
    measure: str | None = None
    location: str | None = None
    as_of: dt.date | None = None
    attribution: str | None = None
    scope: str | None = None
    qualifier: str | None = None


class ContextReader:
    """Reads the context of claims with the lexicons of one rules folder (default: the shipped rules)."""

    def __init__(self, rules: Path | None = None) -> None:
        from auditor.schemas import CLAIM_KINDS

        def rule_file(name: str) -> Path | None:
            path = rules / name if rules is not None else None
            return path if path is not None and path.is_file() else None

        measures_file, places_file, grammar_file = (
            rule_file(n) for n in ("measures.yaml", "places.yaml", "grammar.yaml")
        )
        self.measures: MeasureLexicon = load_measures(measures_file) if measures_file else default_measures()
        self.places: Gazetteer = Gazetteer.from_file(places_file) if places_file else default_gazetteer()
        self.grammar: Grammar = load_grammar(grammar_file) if grammar_file else default_grammar()
        self._claim_kinds = frozenset(CLAIM_KINDS)
        self._keys: dict[str, str] = {}
        self._counted = CountedReader(self.grammar, self.measures.nouns, self._key)
        self._measure = MeasureReader(self.measures, self.places, self.grammar, self._counted)
        self._place = place_reader(self.grammar)
        self._dates = date_reader(self.grammar)
        self._attributions = attribution_reader(self.grammar)
        self._scope = scope_reader(self.grammar, self.measures, self.places)
        self._anaphor = re.compile(rf"(?i)(?<!\w)(?:{alternation(self.grammar.country_anaphors)})(?!\w)")
        self._text: str | None = None
        self._sentences: dict[tuple[int, int, dt.date | None], Sentence] = {}

    def _country_before(self, text: str, end: int) -> str | None:
        """The country named last before ``end`` in the document (what "the country's" refers to)."""
        for mention in reversed(self.places.mentions(text[max(0, end - _COUNTRY_REACH) : end])):
            if len(mention.code) == 3 and mention.code.isupper():
                return mention.code
        return None

    def _adjective(self, word: str) -> bool:
        """A singular demonym, which describes a thing ("Turkish beach") more often than it places people."""
        return self.places.is_demonym(word) and not word.endswith("s")

    def _key(self, phrase: str) -> str:
        key = self._keys.get(phrase)
        if key is None:
            if len(self._keys) > 100_000:
                self._keys.clear()
            key = self._keys[phrase] = noun_key(phrase)
        return key

    def annotate(
        self,
        text: str,
        sentence: tuple[int, int],
        span: tuple[int, int],
        kind: str,
        doc_date: dt.date | None,
        size: float | None = None,
    ) -> ClaimContext:
        """The context of the number at ``span`` (its qualifier included) in ``sentence`` of ``text``; ``size``
        is the number's upper bound when it was read."""
        if isinstance(
            doc_date, dt.datetime
        ):  # a timestamp: its calendar day (dates and datetimes don't compare)
            doc_date = doc_date.date()
        sent = self._sentence(text, sentence, doc_date)
        counted: tuple[str, tuple[int, int]] | None = None
        measure: str | None = None
        if kind in self._claim_kinds:
            counted = self._counted.after(text, span[1], sent.end, kind)
            if counted is None or (
                counted[0][:1].isupper() and self._measure.noun_measure(counted[0], kind) == (None, False)
            ):
                # no phrase after the number, or a name that is nothing counted ("rises to [70] REUTERS Social
                # Media"): the subject before a link, if it names a measure
                subject = self._counted.before(text, sent.start, span[0])
                if subject is not None and (
                    counted is None or self._measure.noun_measure(subject[0], kind)[0] is not None
                ):
                    counted = subject
            measure = self._measure.measure(text, sent, span, kind, counted)
        counted_range = counted[1] if counted else None
        counts = kind == "count" and measure is not None
        location = (
            self._place.location(text, sent, span, counted_range, self._adjective) if sent.places else None
        )
        if location is None and measure is not None:
            lo, hi = sent.clause(text, span)
            anaphor = self._anaphor.search(text, lo, hi)
            if anaphor is not None:  # "half of the country's population": the country named last
                location = self._country_before(text, anaphor.start())
        when = as_of(sent.as_of, span, doc_date) if sent.as_of else doc_date
        if measure is not None and when is not None:
            when = (
                self._scope.before_war(
                    text, sent, span, measure, location, lambda: self._country_before(text, span[0])
                )
                or when
            )
        return ClaimContext(
            counted=counted[0] if counted else None,
            measure=measure,
            location=location,
            as_of=when,
            attribution=nearest(sent.attributions, span, sent.start, sent.end) if sent.attributions else None,
            scope=self._scope.scope(text, sent, span, measure, size) if counts else None,
            qualifier=self._scope.qualifier(text, sent, span, measure, kind) if measure is not None else None,
        )

    def _sentence(self, text: str, sentence: tuple[int, int], doc_date: dt.date | None) -> Sentence:
        """The sentence's analysis, cached for the numbers of the same document."""
        if (
            text is not self._text or len(self._sentences) > 64
        ):  # claims come in text order: recent ones suffice
            self._text = text
            self._sentences = {}
        key = (sentence[0], sentence[1], doc_date)
        sent = self._sentences.get(key)
        if sent is None:
            sent = self._sentences[key] = self._analyse(text, sentence[0], sentence[1], doc_date)
        return sent

    def _analyse(self, text: str, start: int, end: int, doc_date: dt.date | None) -> Sentence:
        sent = Sentence(start, end)
        chunk = text[start:end]
        sent.places = [
            PlaceMention(p.start + start, p.end + start, p.code) for p in self.places.mentions(chunk)
        ]
        sent.as_of = self._dates.find(chunk, start, doc_date)
        sent.attributions = self._attributions.find(chunk, start)
        return sent

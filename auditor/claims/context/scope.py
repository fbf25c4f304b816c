"""Scope: whether a count is one event, a total over a period, or a stock on a date; and whether it is a plan.

A count is an ``event`` when its clause names one incident near the number ("[26] people on a boat", "killed
[12] in an air strike"), when it is something that happens to people and its sentence names one day ("[5,809]
entered Hungary on Sunday", in the number's clause: "the ministry said on Sunday" dates the statement), or when the nearest place of its clause is a town or island rather than a country
("[25,000] refugees on Lesvos"). Otherwise a measure counted as it stands (``stock: true`` in
``rules/measures.yaml``: refugees hosted, the population) is a ``stock`` and any other measure a ``period``
total ("the war has killed [250,000]"); a period word near the number ("since", "so far", "the war") makes it
one of those even beside an incident noun ("air strikes have killed [2,000] since September"). Event counts are never compared with national totals.

The *qualifier* says that a count is not a count of what happened: ``plan`` (a quota, pledge or intention: "the
U.S. will accept [85,000] refugees") or ``subset`` (a part no series breaks out: "[60,000] died in government
jails"); and that any number with a measure is a criterion rather than an amount: ``threshold`` ("all donations
[over £5,000] must be declared"). The word lists are in ``rules/grammar.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from auditor.claims.context.sentence import Sentence
from auditor.claims.context.words import Grammar, alternation
from auditor.claims.lexicon import MeasureLexicon
from auditor.claims.places import Gazetteer

#: How far from the number an incident noun still names the number's own event (characters, in its clause).
_EVENT_REACH: Final = 90
#: How far after the number a subset noun still narrows it ("[60,000] people have died in government jails").
_SUBSET_REACH: Final = 60
#: A year that dates a total: "killed on the roads in 2015", "during 2014".
_YEAR: Final = re.compile(r"(?i)\b(?:in|during|for|throughout|since|by)\s+(?:the\s+year\s+)?(?:19|20)\d\d\b")
#: A pre-war figure of a place with no known war: dated so early that no observation precedes it.
NO_WAR: Final = dt.date(1800, 1, 1)
#: How far before a stock a pre-war word still dates it: "Syria's pre-war population of [22 million]".
_PREWAR_REACH: Final = 40
#: A clause opened by a participle, which tells what the clause before it did: ", killing [12]", ", leaving [30]".
_PARTICIPLE_CLAUSE: Final = re.compile(r",\s+[a-z]+ing\b")
#: How long an opening phrase that names the day may be: "On Wednesday alone," (characters).
_OPENING_REACH: Final = 30
#: Below this size a count of what happens to people (deaths, injured, rescued…) with no period word near it is one
#: incident's or one day's: news names the period of a total ("since 2011", "this year"), not of a day's toll.
_EVENT_SIZE: Final = 1000
#: How far before a comparator its threshold noun phrase may start: "any political donations [over £500]", or a
#: first threshold it is coordinated with.
_THRESHOLD_REACH: Final = 120
#: Measures that a place of detention defines rather than narrows.
_HELD: Final = frozenset({"detained", "arrests"})


@dataclass(frozen=True)
class ScopeReader:
    """The scope patterns of one grammar, with the measure lexicon and gazetteer they are read against."""

    event_nouns: re.Pattern[str]
    periods: re.Pattern[str]
    event_times: re.Pattern[str]
    plans: re.Pattern[str]
    subsets: re.Pattern[str]
    #: a noun phrase opened by a threshold opener, ending where the number's comparator starts
    threshold_noun: re.Pattern[str]
    #: a threshold comparator at the start of a number's span
    threshold_comparator: re.Pattern[str]
    prewar: re.Pattern[str]
    appositive: re.Pattern[str]
    lexicon: MeasureLexicon
    places: Gazetteer

    def scope(
        self, text: str, sent: Sentence, span: tuple[int, int], measure: str | None, size: float | None = None
    ) -> str | None:
        """``event``, ``period`` or ``stock`` for a count whose measure is known (``size``: its upper bound, when
        read); None otherwise."""
        spec = self.lexicon.measures.get(measure) if measure is not None else None
        if spec is None:
            return None
        total = "stock" if spec.stock else "period"
        lo, hi = sent.clause(text, span)
        if (
            _PARTICIPLE_CLAUSE.match(text, lo) is not None
        ):  # ", killing all [five]": the clause before's event
            lo = sent.clause(text, (lo, lo))[0]
        aside = self.appositive.match(text, hi)
        if (
            aside is not None
        ):  # "[22] refugees, including 4 children, died on Tuesday": the predicate after it
            hi = sent.clause(text, (aside.end() + 1, aside.end() + 1))[1]
        near = (max(lo, span[0] - _EVENT_REACH), min(hi, span[1] + _EVENT_REACH))
        if self.periods.search(text, *near) is not None or _YEAR.search(text, *near) is not None:
            return total
        if self.event_nouns.search(text, *near) is not None:
            return "event"
        if spec.event and (
            self.event_times.search(text, *near) is not None or self._opened_by_a_day(text, sent, lo)
        ):
            return "event"
        if self._local(text, sent, span, lo, hi):
            return "event"
        if spec.event and size is not None and size < _EVENT_SIZE:
            return "event"  # "[23] people were killed", no period named: one incident's or one day's toll
        return total

    def qualifier(
        self, text: str, sent: Sentence, span: tuple[int, int], measure: str | None, kind: str = "count"
    ) -> str | None:
        """``threshold``, ``plan`` or ``subset`` when the number is not an amount of what happened (see the module
        doc); of a number of another kind than a count, only ``threshold``."""
        if measure not in self.lexicon.measures:
            return None
        if self.threshold_comparator.match(text, span[0]) is not None and self.threshold_noun.search(
            text, max(sent.start, span[0] - _THRESHOLD_REACH), span[0]
        ):
            return "threshold"
        if kind != "count":
            return None
        if self.plans.search(text, sent.start, sent.end) is not None:
            return "plan"
        _, hi = sent.clause(text, span)
        if measure not in _HELD and self.subsets.search(text, span[1], min(hi, span[1] + _SUBSET_REACH)):
            return "subset"
        return None

    def before_war(
        self,
        text: str,
        sent: Sentence,
        span: tuple[int, int],
        measure: str,
        location: str | None,
        country_before: Callable[[], str | None] | None = None,
    ) -> dt.date | None:
        """For a stock the words just before it date before the war of its place ("the pre-war population of
        [22 million]"): the day before that war began, or :data:`NO_WAR` when the place has no war in
        ``places.yaml``; else None. ("[11 million], half the pre-war population" is not dated by it.)"""
        spec = self.lexicon.measures.get(measure)
        if spec is None or not spec.stock:
            return None
        lo, _ = sent.clause(text, span)
        if self.prewar.search(text, max(lo, span[0] - _PREWAR_REACH), span[0]) is None:
            return None
        if location is None and country_before is not None:
            location = country_before()  # "the country's pre-war population": the country named last
        began = self.places.war_start(location)
        return began - dt.timedelta(days=1) if began is not None else NO_WAR

    def _opened_by_a_day(self, text: str, sent: Sentence, lo: int) -> bool:
        """Whether the sentence opens with a short phrase naming one day, before the number's clause ("On
        Wednesday alone, [2,322] were rescued")."""
        head = sent.clause(text, (sent.start, sent.start))[1]
        return (
            lo > sent.start
            and head - sent.start <= _OPENING_REACH
            and self.event_times.search(text, sent.start, head) is not None
        )

    def _local(self, text: str, sent: Sentence, span: tuple[int, int], lo: int, hi: int) -> bool:
        """Whether the place of the clause nearest the number is a town, city or island."""
        best, best_d = None, 1 << 30
        for place in sent.places:
            if place.start >= lo and place.end <= hi:
                d = place.start - span[1] if place.start >= span[1] else span[0] - place.end
                if d < best_d:
                    best, best_d = place, d
        return best is not None and self.places.is_subnational(text[best.start : best.end])


def _words(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?i)\b(?:{alternation(phrases)})\b")


def scope_reader(grammar: Grammar, lexicon: MeasureLexicon, places: Gazetteer) -> ScopeReader:
    """The scope reader of ``grammar``, reading measures of ``lexicon`` and places of ``places``."""
    return ScopeReader(
        event_nouns=_words(grammar.event_nouns),
        periods=_words(grammar.period_words),
        event_times=_words(grammar.event_times),
        plans=_words(grammar.plan_words),
        subsets=_words(grammar.subset_nouns),
        # "all donations [over £5,000] to head offices and [over £1,000] to local parties": the second too
        threshold_noun=re.compile(
            rf"(?i)\b(?:{alternation(grammar.threshold_openers)})\s+(?:(?!to\b)[a-z][a-z-]*\s+)?[a-z][a-z-]*[^\Ws]s\s+"
            rf"(?:(?:{alternation(grammar.threshold_comparators)})\s+\S+(?:\s+(?:to|for|in|from|at|by)\s+[a-z' ]{{1,40}}?)?"
            rf"\s+(?:and|or)\s+)?\Z"
        ),
        threshold_comparator=re.compile(rf"(?i)(?:{alternation(grammar.threshold_comparators)})\b"),
        prewar=_words(grammar.prewar_words),
        appositive=grammar.appositive,
        lexicon=lexicon,
        places=places,
    )

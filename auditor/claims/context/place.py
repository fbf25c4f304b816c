"""Where: the place of a claim among the places its sentence names.

A place inside the counted phrase ("Syrian refugees") or right after it with a destination word ("refugees in
Germany") is where the counted people are; one after an origin word ("migrants from Eritrea") is where they
come from and is used only when nothing better is said; a place before a hosting verb ("Turkey hosts 1.9
million") is the host; otherwise the nearest place in the clause, then in the sentence. A place inside a source
("Russia said") is the speaker, not the place. The role words are in ``rules/grammar.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Final

from auditor.claims.context.sentence import Sentence, distance, nearest
from auditor.claims.context.words import Grammar, alternation

#: A demonym that describes a thing ("a Turkish beach") places a number only this close (characters).
_ADJECTIVE_REACH: Final = 40
#: A new predicate after the number: the place it takes as its object is not the number's ("killed [100,000]
#: people and divided the Middle East"; but "killed [250,000] and displaced 11 million in Syria" is in Syria).
_NEXT_PREDICATE: Final = re.compile(
    r"\s(?:and|but|while)\s+(?:has\s+|have\s+|had\s+)?(?:[a-z]+ed|left|sent|drove|driven|made|put|forced)\b"
)

#: After a place, the seat of an organisation, not where its count is: "the UK-based monitor", "London based".
_BASED: Final = re.compile(r"[-\s]based\b", re.IGNORECASE)
#: What joins two places into a pair that names a relation or a border, not one place: "US-Russia", "Turkey/Syria".
_PAIR_JOINS: Final = frozenset({"-", "–", "—", "/"})


@dataclass(frozen=True)
class PlaceReader:
    """The role patterns of one grammar."""

    role: re.Pattern[str]
    host: re.Pattern[str]

    def location(
        self,
        text: str,
        sent: Sentence,
        span: tuple[int, int],
        counted: tuple[int, int] | None,
        adjective: Callable[[str], bool] = lambda _: False,
    ) -> str | None:
        """The place code of the number at ``span`` (``counted``: the counted phrase's range), or None.
        ``adjective`` tells a demonym that describes a thing ("a Turkish beach"): it places only a number near it."""
        clause = sent.clause(text, span)
        anchor = counted[1] if counted is not None and counted[1] > span[1] else span[1]
        after = _NEXT_PREDICATE.search(text, anchor, sent.end)
        inside: str | None = None
        origin: str | None = None
        places = sent.places
        if sent.attributions:  # a place in the source is the speaker ("Russia said ..."), not where
            places = [p for p in places if not any(a <= p.start < b for a, b, _ in sent.attributions)]
        places = [p for p in places if _BASED.match(text, p.end) is None]  # "a Beirut-based NGO": its seat
        pairs = {
            i for a, b in pairwise(places) if text[a.end : b.start] in _PAIR_JOINS for i in (a.start, b.start)
        }
        places = [p for p in places if p.start not in pairs]  # "the US-Russia truce": two countries, no place
        if after is not None:
            end = after.end()
            places = [p for p in places if p.start < end or text[end : p.start].strip() not in ("", "the")]
        for place in places:
            if counted is not None and place.start >= counted[0] and place.end <= counted[1]:
                inside = inside or place.code
            elif anchor <= place.start <= anchor + 45 and place.start < clause[1] + 2:
                found = self.role.search(text, max(sent.start, place.start - 16), place.start)
                role = "" if found is None else ("dest" if found.group("dest") else "orig")
                if role == "dest":
                    return place.code  # the destination wins: "Syrian refugees in Germany" -> DEU
                if role == "orig":
                    origin = origin or place.code
        for place in places:  # "Turkey hosts [1.9 million] refugees": the host is the place
            if clause[0] <= place.start and place.end < span[0] and self.host.match(text, place.end, span[0]):
                return place.code
        if inside is not None or origin is not None:
            return inside or origin
        items = [
            (p.start, p.end, p.code)
            for p in places
            if distance(p.start, p.end, span) <= _ADJECTIVE_REACH or not adjective(text[p.start : p.end])
        ]
        return nearest(items, span, *clause) or nearest(items, span, sent.start, sent.end)


@cache
def place_reader(grammar: Grammar) -> PlaceReader:
    """The place reader of ``grammar`` (compiled once per grammar)."""
    role = re.compile(
        rf"(?:\b(?P<dest>{alternation(grammar.destination_words)})"
        rf"|\b(?P<orig>{alternation(grammar.origin_words)}))\s+(?:the\s+)?$"
    )
    host = re.compile(
        r"(?:'s|’s)?\s+(?:(?:" + alternation(grammar.host_auxiliaries) + r")\s+)*"
        r"(?:" + alternation(grammar.host_verbs) + r")\s+(?:[a-z]+\s+){0,2}$"
    )
    return PlaceReader(role, host)

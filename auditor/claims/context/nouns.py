"""What a counted noun phrase names: the measure of its nouns ("Syrian refugees" -> refugees, "refugee camps" ->
none), and whether its head is a generic people noun ("civilians", "Syrians") whose measure the sentence gives.
"""

from __future__ import annotations

from auditor.claims.context.counted import CountedReader
from auditor.claims.context.words import Grammar
from auditor.claims.lexicon import MeasureLexicon
from auditor.claims.places import Gazetteer


class NounReader:
    """Reads noun phrases with one measure lexicon, gazetteer (for demonyms) and grammar; memoised."""

    def __init__(
        self, lexicon: MeasureLexicon, places: Gazetteer, grammar: Grammar, counted: CountedReader
    ) -> None:
        self.lexicon = lexicon
        self.places = places
        self.grammar = grammar
        self.counted = counted
        self._readings: dict[tuple[str, str], tuple[str | None, bool]] = {}

    def measure(self, phrase: str, kind: str) -> tuple[str | None, bool]:
        """(measure of the phrase's nouns, whether its head is a generic people noun); memoised."""
        key = (phrase, kind)
        found = self._readings.get(key)
        if found is None:
            if len(self._readings) > 50_000:
                self._readings.clear()
            found = self._readings[key] = self._read_nouns(phrase, kind)
        return found

    def _read_nouns(self, phrase: str, kind: str) -> tuple[str | None, bool]:
        lex = self.lexicon
        raw = phrase.split()
        words = [w.lower() for w in raw]
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n, -1, -1):
                key = " ".join(words[i : i + n])
                measure = lex.nouns.get(key) or lex.nouns.get(self.counted.key(key))
                if (
                    measure is not None
                    and kind in lex.measures[measure].kinds
                    and self._heads(words[i + n - 1], words[i + n :])
                ):
                    return measure, False
        head = raw[-1].rstrip("'’")
        generic = (
            words[-1] in lex.generic
            or self.counted.key(words[-1]) in lex.generic
            or self.places.is_demonym(head)
            or (head[:1].isupper() and head.endswith("s"))
        )
        return None, generic

    def _heads(self, last: str, rest: list[str]) -> bool:
        """Whether a measure noun whose last word is ``last``, followed by ``rest`` in its phrase, says what the
        phrase counts: at the end ("Syrian refugees"), before a prepositional phrase, as a participle or adjective
        ("injured civilians", "dead bodies") or before a people noun ("refugee children"), but not as any other
        modifier ("refugee camps", "home runs")."""
        if not rest or last.endswith("ed") or last in self.grammar.predicative:
            return True
        if rest[0] in self.grammar.subject_prepositions:
            return True  # the head before its prepositional phrase: "the toll in several air strikes"
        generic = self.lexicon.generic
        return all(w in generic or self.counted.key(w) in generic for w in rest)

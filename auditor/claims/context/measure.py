"""The canonical measure of a claim: from its counted nouns, else from the event words around it.

A counted noun of a measure that does not count people ("planes" -> aircraft) decides; a people noun
("civilians", "Syrians") takes the measure of the nearest event word of the number's own clause ("were
killed", "fled"); a generic head without an event nearby takes the subject before a linking verb ("the
death toll rose to 70"). The nouns and trigger words are in ``rules/measures.yaml``.
"""

from __future__ import annotations

import re

from auditor.claims.context.counted import CountedReader
from auditor.claims.context.sentence import Sentence
from auditor.claims.context.words import PUNCT, Grammar, plural, word_index
from auditor.claims.lexicon import MeasureLexicon
from auditor.claims.places import Gazetteer

_Hit = tuple[int, int, str]

#: A word ending with one of these closes the verb's phrase: "killed, [30] injured" is not "killed 30".
_DIGITS = re.compile(r"\d[\d,.]*$")  # a count written in digits ("101", "1,200")
_CLOSING = (",", ";", ":", ".", ")", "!", "?")
#: A part of the count just given: "[two] of them", "[three] of whom".
_OF_THEM = re.compile(r"\s+of\s+(?:them|whom)\b", re.IGNORECASE)
#: "as" before these opens a count ("killed as many as [40]"); before other words, a clause ("killed as forces ...").
_AS_MANY = frozenset({"many", "much", "few"})
#: Finite auxiliaries that start the predicate after a subject's prepositional phrase: "from both sides [were]".
_FINITE = frozenset({"are", "had", "has", "have", "is", "was", "were"})
#: How many words the noun of an earlier listed part may have ("19 [young] children and").
_PART_NOUN_WORDS = 3
#: How far after a number in an aside the comma that closes it may be (characters).
_ASIDE_REACH = 80
#: A whitespace-separated token, as ``str.split`` cuts the words before a number.
_TOKEN = re.compile(r"\S+")


def _title_case(text: str, sent: Sentence) -> bool:
    """Whether a sentence is a headline in title case: most of its longer words capitalised (read once)."""
    if sent.title_case is None:
        words = [w for w in text[sent.start : sent.end].split() if len(w) > 3 and w[0].isalpha()]
        sent.title_case = len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
    return sent.title_case


class MeasureReader:
    """Reads measures with one measure lexicon, gazetteer (for demonyms) and grammar."""

    def __init__(
        self, lexicon: MeasureLexicon, places: Gazetteer, grammar: Grammar, counted: CountedReader
    ) -> None:
        self.lexicon = lexicon
        self.places = places
        self.grammar = grammar
        self.counted = counted
        #: first word -> (the phrase's words, measure), longest first: triggers, and nouns of non-count kinds
        self._trigger_index = word_index(lexicon.triggers.items())
        self._noun_index = word_index(
            (form, m.name)
            for m in lexicon.measures.values()
            if m.kinds - {"count"}
            for noun in m.nouns
            for form in (noun.lower(), plural(noun.lower()))
        )
        self._readings: dict[tuple[str, str], tuple[str | None, bool]] = {}
        #: what a people noun after a loss verb counts (``loss_measure`` in grammar.yaml)
        self._loss = next((m for m in grammar.loss_measure if m in lexicon.measures), None)

    def _aside(self, words: list[str], at: int | None = None) -> bool:
        """Whether the words end (or, given ``at``, start there) with an opener of a part of a count given before
        (``aside_openers``): "killed 30, including [8] soldiers", "among them 26 minors"; or, without ``at``,
        with a later part of the list it opened (:meth:`_list_opener`)."""
        if at is None:
            return self._list_opener(words) is not None
        tokens = tuple(w.strip(PUNCT).lower() for w in words[at : at + 3])
        return any(tokens[: len(o)] == o for o in self.grammar.aside_tails)

    def _list_opener(self, words: list[str]) -> int | None:
        """Where the aside opener starts when the words end with it, or with an earlier part of the list it opened
        and a joining word or comma ("killed 26 people, including 19 children and [16] women", "including 5
        boys, 4 girls, [3] women"); else None."""
        tokens = tuple(w.strip(PUNCT).lower() for w in words[-3:])
        for o in self.grammar.aside_tails:
            if tokens[-len(o) :] == o:
                return len(words) - len(o)
        if not words:
            return None
        last = words[-1].lower()
        if last in ("and", "or"):
            at = len(words) - 2
        elif last.endswith(",") and not last[:1].isdigit():
            at = len(words) - 1
        else:
            return None
        for j in range(at, max(-1, at - _PART_NOUN_WORDS - 1), -1):
            if words[j][:1].isdigit():
                return self._list_opener(words[:j]) if j < at else None
        return None

    def noun_measure(self, phrase: str, kind: str) -> tuple[str | None, bool]:
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

    def measure(
        self,
        text: str,
        sent: Sentence,
        span: tuple[int, int],
        kind: str,
        counted: tuple[str, tuple[int, int]] | None,
    ) -> str | None:
        """The measure of the number at ``span`` whose counted phrase (and its range) is ``counted``."""
        lex = self.lexicon
        longer = self._phrase_after(text, span[1], kind)
        if longer is not None:
            return longer
        phrase = counted[0] if counted else None
        measure, generic = self.noun_measure(phrase, kind) if phrase else (None, True)
        if generic and phrase and self._capital_guess(phrase) and _title_case(text, sent):
            generic = False  # a title-case headline: "Pounds down by [56] Airstrikes 60 Terrorists Killed"
        people = generic or (measure is not None and lex.measures[measure].people)
        if kind == "count" and phrase and people and self._loss is not None and self._lost(text, sent, span):
            return self._loss  # "Russia has so far lost [at least 12] soldiers"
        if measure is not None and not lex.measures[measure].people:
            return measure
        subject_read = counted is not None and counted[1][0] < span[0]
        if measure is None and generic and not subject_read:
            # a trigger of a group of people right before the number is its verb, not a subject's link: "home to
            # [60,000] people" (an event verb waits for the number's own participle: "killed [37] others injured")
            hits = [h for h in self._hits(text, sent, triggers=True) if not lex.measures[h[2]].event]
            adjacent = self._object_of(hits, text[sent.start : span[0]].split(), kind, people=True)
            if adjacent is not None:
                return adjacent
            before = self.counted.before(text, sent.start, span[0])
            if before is not None:
                found, _ = self.noun_measure(before[0], kind)
                if found is not None:
                    return found
        # where the number sits among the sentence's words
        preceding = text[sent.start : span[0]].split()
        first = len(preceding)
        after = first + len(text[span[0] : span[1]].split())
        if counted is None and preceding and preceding[-1].lower().strip(PUNCT) in self.grammar.page_words:
            return None  # "Get short URL [113]": a page's furniture
        if counted is None and preceding and preceding[-1].lower() == "at":
            events = self._hits(text, sent, triggers=True)
            if any(end == first - 1 and self.lexicon.measures[m].event for _, end, m in events):
                return None  # "died at [97]", "killed at [10]pm": an age or a time, not a count
        # words from the number to the end of its counted noun after it ("five [other] worshippers")
        size = len(text[span[1] : counted[1][1]].split()) if counted and counted[1][0] >= span[1] else 0
        if measure is None and kind == "count":
            hits = self._hits(text, sent, triggers=True)
            end = counted[1][1] if counted and counted[1][0] >= span[1] else span[1]
            if self._aside(preceding):
                # a part in an aside between a whole and its predicate: "[35] others, including [18] children and
                # 20 women, were injured"
                closing = self._after_aside(text, span, after, hits, kind, sent.words or [])
                if closing is not None:
                    return closing
                whole = self._whole_measure(text, sent, span, kind)
                if whole is not None:
                    return whole
            opener = self._list_opener(preceding) if text.startswith(",", end) else None
            if opener is not None and opener < first - 2:
                # the last part of a list an aside opened, closed by a comma, counts what the whole did, not what
                # the clause after the list says: "killed 26 people, including 19 children and [16] women, and
                # injured 11 others" ("and [43] others were injured" has a predicate of its own)
                whole = self._pick(hits, opener, opener, 0, opener, kind, event=True, words=sent.words)
                if whole is not None:
                    return whole
            # the participle right after the counted phrase is the number's own: "killed 7, [37] others injured",
            # "leaving [30] cadets injured"; or after an aside: "[35] others, including 18 children, were injured"
            aside = self.grammar.appositive.match(text, end)
            skipped = len(aside.group()[1:].split()) if aside else 0
            own = self._participle_after(hits, after + size + skipped, kind, sent.words)
            if own is not None:
                return own
        if measure is None and subject_read and counted is not None and self._restated(text, counted):
            # "180,000 people have been killed, while the UN puts the figure at [191,000]": what was counted before
            return self._pick(
                self._hits(text, sent, triggers=True), first, after, 0, first, kind, words=sent.words
            )
        if measure is None and not generic and kind == "count":
            # something else is counted ("155,221 bags"), unless an event verb governs the number ("wounded
            # five medical staff")
            hits = self._hits(text, sent, triggers=True)
            return self._object_of(hits, preceding, kind) or self._shared_event(
                hits, sent.words or [], first, after + size, kind
            )  # "killed 22 children and [six] teachers"
        if measure is not None:
            size = size or (len(phrase.split()) if phrase else 0)
            aside = (
                self.grammar.appositive.match(text, counted[1][1]) if counted else None
            )  # ", including 11,"
            size += len(aside.group()[1:].split()) if aside else 0
            return self._people_event(text, sent, preceding, (after, after + size), kind) or measure
        if kind != "count":
            nouns = self._hits(text, sent, triggers=False)
            found = self._pick(nouns, first, after, first - 12, after + 12, kind)
            if found is not None:
                return found
        return self._governed(text, sent, span, kind, counted is None, preceding, after)

    def _governed(
        self,
        text: str,
        sent: Sentence,
        span: tuple[int, int],
        kind: str,
        bare: bool,
        preceding: list[str],
        after: int,
    ) -> str | None:
        """The measure of an event that governs the number (``bare``: it has no counted noun), else of the
        nearest trigger in its sentence."""
        first = len(preceding)
        hits = self._hits(text, sent, triggers=True)
        governed = self._object_of(hits, preceding, kind) or (
            self._elided(hits, sent.words or [], first, kind) if bare else None
        )
        if governed is None and bare and preceding and preceding[-1].endswith(","):
            # "Ten people are killed, [seven] from the same family": a part of the toll just given
            governed = self._pick(hits, first, after, first - 1, first, kind, event=True, words=sent.words)
        if governed is None and bare and _OF_THEM.match(text, span[1]):
            # "injured five others [two] of them critically": a part of the count just before
            governed = self._pick(hits, first, after, first - 4, first, kind, event=True, words=sent.words)
        if governed is None and bare and not any(c.isdigit() for c in text[span[0] : span[1]]):
            # a bare word quantity ("millions", "thousands"): only its own predicate, the verb right before it
            # ("killed 280,000 people and displaced [millions]") or the one right after it ("millions more
            # displaced"), never one of an earlier predicate ("killed 280,000 people and driven millions from
            # their homes")
            return self._object_of(hits, preceding, kind, people=True) or self._pick(
                hits, first, after, after, after + 7, kind, words=sent.words
            )
        return governed or self._pick(hits, first, after, -1, 1 << 20, kind, words=sent.words)

    def _people_event(
        self, text: str, sent: Sentence, preceding: list[str], ends: tuple[int, int], kind: str
    ) -> str | None:
        """The event of a number counting a group of people (``ends``: the word indexes after the number and after
        its noun), if one is close by: "30 soldiers were killed", "killing 30 soldiers", "troops killed at least
        14 militants", "killed 30 people, including [8] soldiers" (a part of the whole's toll)."""
        first, (after, end) = len(preceding), ends
        hits = self._hits(text, sent, triggers=True)
        if self._aside(preceding):
            whole = self._pick(hits, first, after, 0, first, kind, event=True, words=sent.words)
            if whole is not None:
                return whole
        words = sent.words or []
        if end < len(words) and (
            words[end] in self.grammar.subject_prepositions or words[end] == "including"
        ):
            # the predicate after the noun's own prepositional phrase or aside: "[38] fighters from both sides were
            # killed", "[287] IS fighters among them 26 minors had been killed"
            own = self._participle_after(hits, end, kind, words)
            if own is not None:
                return own
        window = (first - 2, end + 5)  # an event in an earlier clause does not count
        return (
            self._pick(hits, first, after, *window, kind, event=True, words=sent.words)
            or self._object_of(hits, preceding, kind)
            or self._shared_event(hits, sent.words or [], first, end, kind)
        )

    def _lost(self, text: str, sent: Sentence, span: tuple[int, int]) -> bool:
        """Whether a loss verb governs the number ("has lost at least [12] soldiers"), lead-in words between."""
        g = self.grammar
        before = text[max(sent.start, span[0] - 60) : span[0]].lower().split()
        while before and before[-1] in g.lead_in:
            before.pop()
        return bool(before) and before[-1].strip(PUNCT) in g.loss_verbs

    def _capital_guess(self, phrase: str) -> bool:
        """Whether a phrase was taken for a group of people only because its head is a capitalised plural (a
        demonym the gazetteer lacks: "Yazidis")."""
        head = phrase.rsplit(maxsplit=1)[-1].rstrip("'’")
        low = head.lower()
        generic = self.lexicon.generic
        return not (low in generic or self.counted.key(low) in generic or self.places.is_demonym(head))

    def _restated(self, text: str, counted: tuple[str, tuple[int, int]]) -> bool:
        """Whether a subject read before the number is a restated figure: "puts the figure at", "put the toll"."""
        g = self.grammar
        phrase, (begin, _) = counted
        if phrase.lower() not in g.restating_nouns:
            return False
        before = text[max(0, begin - 40) : begin].lower().split()
        while before and before[-1] in g.determiners:
            before.pop()
        return bool(before) and before[-1] in g.restating_verbs

    def _phrase_after(self, text: str, end: int, kind: str) -> str | None:
        """The measure of a several-word noun right after the number that the counted phrase cuts short
        ("[1,000] dead and missing", "[5,000] people in need")."""
        words = [w.strip(PUNCT) for w in text[end : end + 60].lower().split()[:4]]
        nouns = self.lexicon.nouns
        for n in range(len(words), 1, -1):
            key = " ".join(words[:n])
            measure = nouns.get(key)
            if measure is not None and " " in key and kind in self.lexicon.measures[measure].kinds:
                return measure
        return None

    def _participle_after(self, hits: list[_Hit], at: int, kind: str, words: list[str] | None) -> str | None:
        """The event measure of the number's own participle at word ``at`` (:meth:`_participle_at`), or of a finite
        one after a short prepositional phrase: "[38] fighters from both sides were killed"."""
        words = words or []
        found = self._participle_at(hits, at, kind, words)
        opener = words[at] if at < len(words) else ""
        if found is not None or not (opener in self.grammar.subject_prepositions or opener == "including"):
            return found
        aside = self._aside(words, at)  # "among them 26 minors", "including 4"
        for j in range(at + 1, min(len(words), at + 12)):
            word = words[j]
            if word in _FINITE:
                return self._participle_at(hits, j, kind, words)
            if (
                (word[:1].isdigit() and not aside)
                or word in self.grammar.conjunctions
                or word in self.grammar.auxiliaries
            ):
                return None  # another count, clause or relative clause ("in the town that was hit")
        return None

    def _whole_measure(self, text: str, sent: Sentence, span: tuple[int, int], kind: str) -> str | None:
        """The measure of the count right before the aside opener that starts the number's clause: a listed part
        counts what its whole counts ("the death toll has reached 20 people, including [18] children"; "80
        sustained injuries, including [72] children"); None when no count is a few words before the opener."""
        tokens = list(_TOKEN.finditer(text, sent.start, span[0]))
        low = tuple(t.group().strip(PUNCT).lower() for t in tokens[-3:])
        tail = next((o for o in self.grammar.aside_tails if low[-len(o) :] == o), None)
        if tail is None:
            return None  # a later part has a predicate of its own: "including 3 children and [43] others were hurt"
        opener = len(tokens) - len(tail)
        for j in range(opener - 1, max(-1, opener - _PART_NOUN_WORDS - 2), -1):
            token = tokens[j]
            if token.group()[:1].isdigit():
                whole = (token.start(), token.start() + len(token.group().rstrip(PUNCT)))
                return self.measure(
                    text, sent, whole, kind, self.counted.after(text, whole[1], sent.end, kind)
                )
        return None

    def _after_aside(
        self, text: str, span: tuple[int, int], after: int, hits: list[_Hit], kind: str, words: list[str]
    ) -> str | None:
        """The event measure of the predicate right after the comma that closes the aside the number sits in
        (``after``: the index of the word after the number): "[35] others, including [18] children and 20 women,
        were injured"; None when no comma closes it within a few words or no predicate follows."""
        for j, token in enumerate(text[span[1] : span[1] + _ASIDE_REACH].split()):
            if token[-1:] in ";:.!?":
                return None
            if token.endswith(","):
                return self._participle_at(hits, after + j + 1, kind, words)
        return None

    def _participle_at(self, hits: list[_Hit], at: int, kind: str, words: list[str]) -> str | None:
        """The event measure of a participle or predicate adjective starting at word ``at`` (right after the number
        and its noun, or its auxiliaries: "[37] others injured", "[23] journalists had been killed", not "[5]
        people on board"), unless the trigger is a verb with an object of its own ("killed 220000 people wounded
        [at least] a million")."""
        while at < len(words) and (words[at] in self.grammar.auxiliaries or words[at] in self.grammar.others):
            at += 1  # "[23] journalists had been killed", "[five] children were among the dead"
        for start, end, name in hits:
            m = self.lexicon.measures[name]
            word = words[start] if start < len(words) else ""
            participle = word.endswith("ed") or word in self.grammar.predicative or word == "among"
            if start == at and m.event and kind in m.kinds and participle:
                nxt, then = [*words[end : end + 2], "", ""][:2]
                if nxt[:1].isdigit() or (nxt in self.grammar.lead_in and (nxt != "as" or then in _AS_MANY)):
                    return None  # its own object; "killed as forces advanced" is a clause of time
                return name
        return None

    def _elided(self, hits: list[_Hit], words: list[str], first: int, kind: str) -> str | None:
        """The measure of the count before "and" whose noun a bare count leaves out: "85,000 refugees in 2016 and
        [100,000] more in 2017", "killed 15 in Manbij and another [six] in Al-Tukhar" (word ``first``)."""
        i = first - 1
        if first + 1 < len(words) and words[first + 1] in self.grammar.auxiliaries:
            return None  # "and another [12] were released": its own predicate, which says something else
        if i >= 0 and words[i] == "another":
            i -= 1
        elif first + 1 >= len(words) or words[first + 1] not in ("more", "others"):
            return None
        if i < 1 or words[i] != "and":
            return None
        for j in range(i - 1, max(-1, i - 8), -1):
            if not _DIGITS.match(words[j]) or (j and words[j - 1] in ("in", "since") and len(words[j]) == 4):
                continue  # not a count, or a year ("refugees in 2016 and [100,000] more")
            noun, _ = self.noun_measure(words[j + 1], kind) if j + 1 < i else (None, True)
            if noun is not None:
                return noun
            return self._pick(hits, j, j + 1, max(0, j - 10), j + 3, kind, event=True, words=words)
        return None

    def _shared_event(
        self, hits: list[_Hit], words: list[str], first: int, end: int, kind: str
    ) -> str | None:
        """The event of a count coordinated with another that shares its predicate: "[37] government fighters and
        101 militants have been killed" (the event after the second count), "cost the lives of 63 rebels and
        [21] fighters" (the event before the first); words ``first`` to ``end`` are the number and its noun."""
        measures = self.lexicon.measures
        events = [h for h in hits if measures[h[2]].event and kind in measures[h[2]].kinds]
        if end + 1 < len(words) and words[end] == "and" and _DIGITS.match(words[end + 1]):
            later = [h for h in events if end + 2 < h[0] <= end + 10]
            if later:
                return min(later)[2]
        j = first - 1
        while j > 0 and words[j] in self.grammar.lead_in:
            j -= 1  # "killed at least 12 and [a confirmed] 33 militants"
        if j >= 2 and words[j] == "and" and any(_DIGITS.match(w) for w in words[j - 3 : j]):
            earlier = [h for h in events if j - 9 <= h[1] <= j - 2]
            if earlier:
                return max(earlier, key=lambda h: h[1])[2]
        return None

    def _object_of(
        self, hits: list[_Hit], before: list[str], kind: str, *, people: bool = False
    ) -> str | None:
        """The event measure of a trigger verb right before the number, only lead-in words between ("killed at
        least [14]", "wounds [19]", "rescued another [119]"); ``before``: the sentence's words before it. With
        ``people``, a measure of a group of people too ("displaced [millions]")."""
        first = len(before)
        best: _Hit | None = None
        for hit in hits:
            _, end, name = hit
            if not first - 3 <= end <= first or (best is not None and end <= best[1]):
                continue
            m = self.lexicon.measures[name]
            gap = before[end - 1 : first]
            if len(gap) > 1 and gap[-1].lower() == "at":
                continue  # "died at [97]": an age or a time, not the verb's object ("killed at least 14" goes on)
            if (
                (m.event or (people and m.people))
                and kind in m.kinds
                and all(w.lower() in self.grammar.lead_in for w in gap[1:])
                and not any(w.endswith(_CLOSING) for w in gap)
            ):
                best = hit
        return best[2] if best is not None else None

    def _hits(self, text: str, sent: Sentence, *, triggers: bool) -> list[_Hit]:
        """(first word, end word, measure) of every trigger (or non-count noun) in the sentence, cached."""
        cached = sent.triggers if triggers else sent.nouns
        if cached is not None:
            return cached
        if sent.words is None:
            sent.words = [w.strip(PUNCT) for w in text[sent.start : sent.end].lower().split()]
        words = sent.words
        index = self._trigger_index if triggers else self._noun_index
        hits: list[_Hit] = []
        if not index.keys().isdisjoint(words):
            for i in [i for i, word in enumerate(words) if word in index]:  # the few words that start one
                for rest, name in index[words[i]]:
                    if not rest or tuple(words[i + 1 : i + 1 + len(rest)]) == rest:
                        hits.append((i, i + 1 + len(rest), name))
        if len(hits) > 1:  # a phrase inside a longer one is the longer one's: "killing and [injuring]"
            hits = [
                h
                for h in hits
                if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0] for o in hits)
            ]
        if triggers:
            sent.triggers = hits
        else:
            sent.nouns = hits
        return hits

    def _pick(
        self,
        hits: list[_Hit],
        first: int,
        after: int,
        lo: int,
        hi: int,
        kind: str,
        *,
        event: bool = False,
        words: list[str] | None = None,
    ) -> str | None:
        """The measure of the hit nearest the number (in words, after it on a tie) within words [lo, hi)."""
        measures = self.lexicon.measures
        generic = self.lexicon.generic
        g = self.grammar
        words = words or []
        best, best_d = None, 1 << 30
        for start, end, name in hits:
            if start < lo or end > hi:
                continue
            m = measures[name]
            if kind in m.kinds and (m.event or not event):
                d = 2 * (start - after) if start >= after else 2 * (first - end) + 1
                between = words[after:start] if start >= after else words[end:first]
                own = start >= after and not g.auxiliaries.isdisjoint(between)
                if own and all(w in g.auxiliaries or w in generic or w in g.others for w in between):
                    d = 0  # the number's own predicate: "five million who have sought refuge"
                elif start < after and not g.conjunctions.isdisjoint(between):
                    if event:
                        continue  # "killed and more than 10 million displaced": the event is another clause's
                    d += 20  # an earlier predicate: "displaced internally and four million others fled"
                if start > after and not g.conjunctions.isdisjoint(words[after:start]):
                    d += 20  # a new predicate: "killed 230,000 people and wounded a million"
                if 0 <= d < best_d:
                    best, best_d = name, d
        return best

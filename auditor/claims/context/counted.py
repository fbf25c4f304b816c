"""What is counted: the noun phrase after a number, or the subject before a linking verb.

"250,000 lives", "4 million migrants and refugees", "$3bn in aid" (the phrase after the number); "the death toll
rose to [70]", "unemployment was [5%]" (the subject before a linking verb). The word classes that end or skip a
phrase are in ``rules/grammar.yaml``; the counted nouns in ``rules/measures.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from auditor.claims.context.words import ACRONYM, CLOSERS, PUNCT, RUN, Grammar, participle, plural_noun

_DIGITS: Final = re.compile(r"\d+(?:[.,]\d+)?")
_PERCENT: Final = re.compile(r"\d+(?:[.,]\d+)?%")
_TOKEN: Final = re.compile(r"\S+")
#: The count of a whole after "of": "[Eight] of 11 detainees", "[two] of the 40 people".
_OF_COUNT: Final = re.compile(r"\s+(?:the\s+)?\d[\d,]*(?=\s)")


#: Heads that end a first conjunct though they do not end in -s: "[20] people and civilian casualties".
_PLURAL_HEADS: Final = frozenset({"people", "men", "women", "children", "persons"})


class CountedReader:
    """Reads counted phrases with one grammar and the counted nouns of one measure lexicon."""

    def __init__(self, grammar: Grammar, nouns: Mapping[str, str], key: Callable[[str], str]) -> None:
        self.grammar = grammar
        self.nouns = nouns
        self.key = key  # a noun phrase's look-up key (singular, lower case), memoised by the caller

    def after(self, text: str, pos: int, limit: int, kind: str) -> tuple[str, tuple[int, int]] | None:
        """The noun phrase right after the number at ``pos``, with its range."""
        run = RUN.match(text, pos, limit)
        if run is None:
            return None
        if run.group(1) == "of":
            whole = _OF_COUNT.match(text, run.end(1), limit)  # "[Eight] of 11 detainees": the whole's noun
            return self.after(text, whole.end(), limit, kind) if whole is not None else None
        words = run.group(1).split()
        first = self._skip_of(words, kind)
        if first is None:
            return None
        i = self._phrase_end(words, first)
        if i == first:
            return None
        begin = run.start(1)
        for skipped in words[:first]:
            begin = text.index(skipped, begin) + len(skipped)
        begin = text.index(words[first], begin)
        end = begin
        for word in words[first:i]:
            end = text.index(word, end) + len(word)
        return text[begin:end], (begin, end)

    def _skip_of(self, words: list[str], kind: str) -> int | None:
        """Where the phrase starts: after "of the" ("3,000 of the migrants"), "in" for money ("$3bn in aid")."""
        if words[0].lower() in self.grammar.count_modifiers and len(words) > 1 and not participle(words[1]):
            return 1  # "[eight] more bodies", "[12] other people"
        if not (words[0] == "of" or (kind == "money" and words[0] == "in")):
            return 0
        i = 1
        while i < len(words) and words[i].lower() in self.grammar.after_of:
            i += 1
        if words[0] == "in" and (i == len(words) or self.key(words[i].lower()) not in self.nouns):
            return None  # "$3bn in aid", but not "$3bn in the first half"
        return i

    def _phrase_end(self, words: list[str], first: int) -> int:
        """The index after the phrase's last word (at most four words, one coordinated noun)."""
        g, nouns, n = self.grammar, self.nouns, len(words)
        i = first
        skipped = 0  # bracketed acronyms inside the phrase, not counted as its words
        while i < n and i - first - skipped < 4:
            word = words[i]
            low = word.lower()
            if i > first and ACRONYM.fullmatch(word):
                i, skipped = i + 1, skipped + 1
                continue
            after = words[i + 1] if i + 1 < n else ""
            if low in ("and", "or"):
                if i == first or not g.nounish(after) or participle(after) or after.endswith("ly"):
                    break
                if i + 2 < n and g.nounish(words[i + 2]):
                    head = self.key(words[i + 2].lower().strip(PUNCT)) in nouns
                    prev = words[i - 1].lower()
                    if head and prev.isalpha() and self.key(prev) not in nouns and prev not in _PLURAL_HEADS:
                        i += 3  # two modifiers of one head: "[70] regime and rebel fighters"
                    break  # else only a one-word second conjunct: "migrants and refugees", not "people and civilian"
                i += 2
                break
            if not g.nounish(word):
                break
            if i > first and word.islower() and not word.endswith("s") and plural_noun(words[i - 1]):
                break  # a verb after a plural head: "30 soldiers guard the crossing"
            if i > first and low in g.predicative:
                break  # "300 people dead or wounded"
            if i > first and low.endswith("ly") and low not in nouns:
                break  # an adverb: "28 people mostly civilians"
            if i > first and word[0].isupper() and words[i - 1][0].islower() and not self._modifies(words, i):
                break  # a name after a common noun starts something else: "13 people MSF said"
            if participle(low) and not (
                i == first + 1 and words[first].endswith("ly")
            ):  # "internally displaced"
                if i == first and g.nounish(after) and not participle(after):
                    pass  # an adjective: "displaced people", "injured civilians"
                elif i == first and (low in nouns or self.key(low) in nouns):
                    i += 1  # "300 wounded", "$2bn in spending"
                    break
                else:
                    break
            i += 1
        while i > first and (words[i - 1].lower() in ("and", "or") or ACRONYM.fullmatch(words[i - 1])):
            i -= 1
        return i

    def _modifies(self, words: list[str], i: int) -> bool:
        """Whether the lower-case word before a capitalised ``words[i]`` is a modifier of a counted noun that
        follows within two words: "[30] foreign-sponsored Takfiri terrorists" (not "13 people MSF said")."""
        prev = words[i - 1].lower()
        if self.key(prev) in self.nouns or plural_noun(prev):
            return False
        return any(self.key(w.lower().strip(PUNCT)) in self.nouns for w in words[i + 1 : i + 3])

    def _skip_change(self, raw: list[str], i: int) -> int:
        """Before "to [level]", a change stated in percent has the same subject: "imports fell 3.2 pct to
        [7.33 billion]" counts imports. The index of the word before that change (``i`` when there is none)."""
        links = self.grammar.links
        if i >= 1 and _PERCENT.fullmatch(raw[i]) and raw[i - 1].lower() in links:
            j = i - 1  # "fell 3.2%"
        elif i >= 2 and raw[i].lower() in ("pct", "percent") and _DIGITS.fullmatch(raw[i - 1]):
            j = i - 2  # "fell 3.2 pct"
        else:
            return i
        if j < 0 or raw[j].lower() not in links:
            return i
        while j >= 0 and raw[j].lower() in links:
            j -= 1
        return j

    def before(self, text: str, start: int, pos: int) -> tuple[str, tuple[int, int]] | None:
        """The subject of a copular or toll form: "the death toll rose to [70]", "unemployment was [5%]"."""
        g = self.grammar
        lo = max(start, pos - 130)
        j = text.rfind(" ", lo, pos - 1)  # a cheap look at the word right before the number first
        if text[(j + 1 if j >= 0 else lo) : pos].strip().lower() not in g.links:
            return None
        tokens = list(_TOKEN.finditer(text, lo, pos))
        raw = [t.group() for t in tokens]
        i = len(raw) - 1
        links = 0
        while i >= 0 and (raw[i].lower() in g.links or (links and participle(raw[i]))):
            links += 1  # "rose to", "was revised to", "slowed to"
            i -= 1
        if not links:
            return None
        i = self._skip_change(raw, i)
        last, first = i, i + 1  # the subject is raw[first : last + 1]
        while True:
            if last - i >= 18 or (i < 0 and lo > start):
                return None  # cut short: "The number of civilians killed by ... in the province of Raqqa has risen to"
            if i < 0:
                break
            word = raw[i]
            low = word.lower()
            taken = first <= last
            prev = raw[i - 1].lower() if i > 0 else ""
            agent = prev == "by" and i > 1 and participle(raw[i - 2])  # "civilians killed by [the] airstrike"
            linked = (low in g.subject_prepositions and taken and g.nounish(prev)) or (
                low in g.after_of and taken and (prev in g.subject_prepositions or agent)
            )  # "the death toll from [the] stampede", "the toll in [several] air strikes"
            if low == "by" and taken and participle(prev):
                first, i = i - 1, i - 2  # a reduced relative clause: "the number of civilians killed by"
                continue
            if word[-1] in CLOSERS or not (linked or (g.nounish(word) and not low.endswith(("'s", "’s")))):
                break
            first = i
            i -= 1
        while first <= last and (
            raw[first].lower() in g.subject_prepositions - {"of"} or raw[first].lower() in g.after_of
        ):
            first += 1  # "in Syria the death toll rose", "out of [a] population of": starts after those
        if first > last or raw[first].lower() == "of":
            return None
        begin, end = tokens[first].start(), tokens[last].end()
        phrase = text[begin:end]
        low = phrase.lower()
        for noun in g.lead_nouns:
            lead = noun + " "
            if low.startswith(lead) and len(phrase) > len(lead):
                return phrase[len(lead) :], (begin + len(lead), end)
        return phrase, (begin, end)

"""Who said it: the source named with a saying verb or "according to".

"according to UNHCR, ...", "..., said the UN refugee agency" (the source after the verb) and "the defence
ministry said ..." (the source before it). The saying verbs, the words skipped or stopped at and the report
nouns dropped around a source ("figures from", "UNHCR figures") are in ``rules/grammar.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from auditor.claims.context.words import TOKEN, WORDS_BEFORE, Grammar, acronym, alternation

_INVERTED: Final = re.compile(r"[,\"”’']\s*$")


@dataclass(frozen=True)
class AttributionReader:
    """The saying patterns of one grammar."""

    grammar: Grammar
    says: re.Pattern[str]
    lead: re.Pattern[str]
    tail: re.Pattern[str]

    def find(self, chunk: str, offset: int) -> list[tuple[int, int, str]]:
        """(start, end, source) of every attributed stretch in a sentence (offsets into the document)."""
        if not (
            "said" in chunk
            or "say" in chunk
            or "told" in chunk
            or "ccording" in chunk
            or any(h in chunk for h in self.grammar.say_hints)
        ):
            return []
        found: list[tuple[int, int, str]] = []
        for m in self.says.finditer(chunk):
            after = _after_verb(chunk, m)
            source = self._source_after(chunk, m.end()) if after else self._source_before(chunk, m.start())
            if source is not None:
                at = chunk.rfind(source, 0, m.start()) if not after else -1
                at = at if at >= 0 else max(chunk.find(source, m.end()), m.start())
                lo, hi = min(at, m.start()), max(at + len(source), m.end())
                found.append((lo + offset, hi + offset, source))
        return found

    def _clean(self, words: list[str]) -> str | None:
        g = self.grammar
        while words and words[-1].lower() in ("of", "for", "and"):
            words.pop()
        if not words or (words[0].lower() in g.pronouns and not acronym(words[0])):
            return None
        if all(w.lower() in g.determiners for w in words):
            return None  # "it killed [a] confirmed 33": an article is not a source
        source = self.lead.sub("", " ".join(words))
        short = self.tail.sub("", source)  # "UNHCR figures" -> "UNHCR", but "the report" stays
        if short.lower() not in g.determiners:
            source = short
        return source.strip(" ,") or None

    def _source_after(self, chunk: str, pos: int) -> str | None:
        """The source named after "according to" or an inverted "..., said the UN refugee agency"."""
        stop = self.grammar.source_stop
        words: list[str] = []
        for m in TOKEN.finditer(chunk, pos):
            word = m.group(1)
            if not word[0].isalpha() or (word.lower() in stop and not acronym(word)) or len(words) >= 10:
                break
            if self._new_phrase(word, words):
                break  # "according to the United Nations [the] war has claimed": the source ended
            words.append(word.rstrip("'’"))
        return self._clean(words)

    def _new_phrase(self, word: str, words: list[str]) -> bool:
        """Whether a determiner after a named source starts another noun phrase (not after "of": "the head of
        the UN")."""
        determiners = self.grammar.determiners
        return (
            word.lower() in determiners
            and any(w.lower() not in determiners for w in words)
            and words[-1].lower() not in ("of", "for")
        )

    def _source_before(self, chunk: str, pos: int) -> str | None:
        """The subject of a saying verb: "the defence ministry [said]", "WHO [said] in a statement"."""
        g = self.grammar
        found = WORDS_BEFORE.findall(chunk, max(0, pos - 100), pos)
        i = len(found) - 1
        while i >= 0 and found[i].lower() in g.aux_before_say:
            i -= 1
        words: list[str] = []
        while i >= 0 and len(words) < 7:
            word = found[i]
            low = word.lower()
            if low in g.determiners:
                words.append(word)
                break
            if (
                low in ("of", "for")
                and words
                and i > 0
                and (g.nounish(found[i - 1]) or found[i - 1][0].isupper())
            ):
                words.append(word)
            elif g.nounish(word) or (low in g.pronouns and not words):
                words.append(word)
                if low in g.pronouns and not acronym(word):
                    break
            else:
                break
            i -= 1
        words.reverse()
        return self._clean(words)


@cache
def attribution_reader(grammar: Grammar) -> AttributionReader:
    """The attribution reader of ``grammar`` (compiled once per grammar)."""
    says = re.compile(rf"\b(?:(?P<acc>[Aa]ccording\s+to)|(?P<verb>{alternation(grammar.say_verbs)}))\b")
    lead = re.compile(
        r"^(?:(?:the\s+)?(?:latest\s+)?(?:" + alternation(grammar.source_lead) + r")\s+"
        r"(?:from|by|of|released\s+by|published\s+by)\s+)"
    )
    tail = re.compile(r"\s+(?:" + alternation(grammar.source_tail) + r")$")
    return AttributionReader(grammar, says, lead, tail)


def _after_verb(chunk: str, m: re.Match[str]) -> bool:
    """Whether the source follows: "according to UNHCR", "..., said the UN refugee agency"."""
    return m.group("acc") is not None or _INVERTED.search(chunk, max(0, m.start() - 3), m.start()) is not None

"""The closed word classes of ``rules/grammar.yaml`` and the word tests built on them.

The context reader uses no parser or tagger: closed word lists stand in for parts of speech. This module reads
the lists (validated, with the file and line in any error) and offers the small word tests the readers share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache, cached_property
from pathlib import Path
from typing import Final

from auditor.claims.lexicon import read_yaml_doc
from auditor.resources import rules_dir

#: Tokens: a run of up to eight words; one word, number or mark; words, numbers and marks before a position.
#: A run of words; an acronym in brackets inside it is kept ("Islamic State (IS) group militants").
#: A word; a dotted acronym is one ("two U.S. soldiers", "U.N.").
_WORD: Final = r"(?:(?:[A-Z]\.){2,}|[^\W\d_][\w'’\-]*)"
RUN: Final = re.compile(rf"\s*({_WORD}(?:\s+(?:{_WORD}|\([A-Z]{{2,6}}\)(?=\s+\w))){{0,7}})")
ACRONYM: Final = re.compile(r"\([A-Z]{2,6}\)")
TOKEN: Final = re.compile(rf"\s*({_WORD}|\d[\d,.]*|\S)")
WORDS_BEFORE: Final = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d,.]*|[^\w\s]")
PUNCT: Final = '.,;:!?"()[]“”‘’—–'
CLOSERS: Final = frozenset(",;:.!?)]\"”’'")


@dataclass(frozen=True)
class Grammar:
    """The word classes of one ``grammar.yaml``; each field is documented in that file."""

    not_noun: frozenset[str]
    links: frozenset[str]
    predicative: frozenset[str]
    auxiliaries: frozenset[str]
    others: frozenset[str]
    lead_in: frozenset[str]
    conjunctions: frozenset[str]
    subject_prepositions: frozenset[str]
    after_of: frozenset[str]
    lead_nouns: tuple[str, ...]
    restating_verbs: frozenset[str]
    restating_nouns: frozenset[str]
    page_words: frozenset[str]
    loss_verbs: frozenset[str]
    count_modifiers: frozenset[str]
    loss_measure: tuple[str, ...]
    aside_openers: tuple[str, ...]
    determiners: frozenset[str]
    pronouns: frozenset[str]
    say_verbs: tuple[str, ...]
    say_hints: tuple[str, ...]
    aux_before_say: frozenset[str]
    source_stop: frozenset[str]
    source_lead: tuple[str, ...]
    source_tail: tuple[str, ...]
    since: tuple[str, ...]
    year_prepositions: tuple[str, ...]
    destination_words: tuple[str, ...]
    origin_words: tuple[str, ...]
    host_verbs: tuple[str, ...]
    host_auxiliaries: tuple[str, ...]
    event_nouns: tuple[str, ...]
    period_words: tuple[str, ...]
    event_times: tuple[str, ...]
    plan_words: tuple[str, ...]
    subset_nouns: tuple[str, ...]
    threshold_openers: tuple[str, ...]
    threshold_comparators: tuple[str, ...]
    prewar_words: tuple[str, ...]
    country_anaphors: tuple[str, ...]

    @cached_property
    def appositive(self) -> re.Pattern[str]:
        """An aside between a count and its predicate, up to its closing comma: ", including 4 children,"."""
        return re.compile(rf",\s+(?:{alternation(self.aside_openers)})\b[^,;:]{{0,80}}(?=,)")

    @cached_property
    def aside_tails(self) -> tuple[tuple[str, ...], ...]:
        """The aside openers as word tuples: ("including",), ("among", "them")."""
        return tuple(tuple(o.split()) for o in self.aside_openers)

    def nounish(self, word: str) -> bool:
        """Whether a token can be part of a noun phrase (no function word, verb or time word; "WHO" is)."""
        if not word or not word[0].isalpha():
            return False
        return word.lower() not in self.not_noun or acronym(word)


def load_grammar(path: Path) -> Grammar:
    """Read and check a ``grammar.yaml``: every field present, each a list of lower-case words or phrases."""
    doc = read_yaml_doc(path)
    if not isinstance(doc.data, dict):
        raise doc.error("expected a mapping of word classes", allowed=[f.name for f in fields(Grammar)])
    names = [f.name for f in fields(Grammar)]
    unknown = sorted(set(doc.data) - set(names))
    if unknown:
        raise doc.error("unknown word class", unknown[0], value=unknown[0], allowed=names)
    values: dict[str, frozenset[str] | tuple[str, ...]] = {}
    for f in fields(Grammar):
        raw = doc.data.get(f.name)
        if not isinstance(raw, list) or not raw:
            raise doc.error("expected a non-empty list of words", f.name, value=raw)
        for i, word in enumerate(raw):
            if not isinstance(word, str) or not word.strip() or word != word.lower().strip():
                raise doc.error("expected a lower-case word or phrase", f.name, i, value=word)
        words = tuple(" ".join(w.split()) for w in raw)
        twice = sorted({w for w in words if words.count(w) > 1})
        if twice:
            raise doc.error(
                "a word is listed twice", f.name, len(words) - 1 - words[::-1].index(twice[0]), value=twice[0]
            )
        values[f.name] = frozenset(words) if "frozenset" in str(f.type) else words
    return Grammar(**values)  # type: ignore[arg-type]


@cache
def default_grammar() -> Grammar:
    """The shipped ``rules/grammar.yaml``."""
    return load_grammar(rules_dir() / "grammar.yaml")


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases`` (longest first; a space matches any white space)."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)


def with_capitals(phrases: Iterable[str]) -> list[str]:
    """Each phrase and its sentence-initial form ("since", "Since")."""
    return [form for p in phrases for form in (p, p[:1].upper() + p[1:])]


def acronym(word: str) -> bool:
    """An all-capital word of two letters or more: "WHO", "UNHCR"."""
    return len(word) > 1 and word.isupper()


def plural_noun(word: str) -> bool:
    """A lower-case word that looks like a plural noun ("soldiers", not "crisis")."""
    return word.islower() and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def participle(word: str) -> bool:
    """A word that looks like a participle: "displaced", "fleeing"."""
    return word.lower().endswith(("ed", "ing"))


def plural(phrase: str) -> str:
    """The regular plural of a noun phrase's last word."""
    head, _, last = phrase.rpartition(" ")
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def word_index(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """first word -> ((remaining words, measure), ...), longest phrase first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, measure in pairs:
        first, *rest = phrase.lower().split()
        entries = index.setdefault(first, [])
        if (tuple(rest), measure) not in entries:
            entries.append((tuple(rest), measure))
    return {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}

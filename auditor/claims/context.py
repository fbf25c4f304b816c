"""The context of a claim: what it counts, its canonical measure, where, as of when, and who said it.

:class:`ContextReader` reads the words around a number with precompiled patterns and the lexicons of
``rules/measures.yaml`` and ``rules/places.yaml``. What depends only on the sentence (its places, dates,
sources, trigger words) is found once per sentence and reused for every number in it, so annotating a
claim costs a few list scans. No parser or tagger is involved: closed word lists stand in for parts of speech.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from auditor.claims.lexicon import MeasureLexicon, default_measures, load_measures, noun_key, trie_pattern
from auditor.claims.places import Gazetteer, PlaceMention, default_gazetteer


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """What a claim is about; every field is None when the sentence does not say."""

    counted: str | None = None
    measure: str | None = None
    location: str | None = None
    as_of: dt.date | None = None
    attribution: str | None = None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- word classes -------------------------------------------------------------------------------------------

_RUN: Final = re.compile(r"\s*([^\W\d_][\w'’\-]*(?:\s+[^\W\d_][\w'’\-]*){0,7})")
_TOKEN: Final = re.compile(r"\s*([^\W\d_][\w'’\-]*|\d[\d,.]*|\S)")
_WORDS_BEFORE: Final = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d,.]*|[^\w\s]")
_CLAUSE: Final = re.compile(r"[,;:()\[\]\"“”—–]")  # a comma counts when white space follows
_NOT_NOUN: Final = _words(
    """a an the this that these those it its they them their he she his her we our you your i who whom whose
    which what when where while whereas if as than then there here and or but nor not no also only just even
    still already now yet so too very more most less least many much some any each every all both either
    neither such own other another
    in on at to from by with without for of into onto over under about above below across after before since
    during until till through throughout against among amongst between within inside outside toward towards
    around near via per like unlike up down off out amid despite including according
    is are was were be been being am has have had do does did will would can could may might must shall should
    said says say told tells according reported reports announced added stated claimed believes estimated
    fled left lost made took came went saw got gave kept held ran won hit fought sought brought met paid sent
    spent set cut put became began remain remains live need needs face faces flee return arrive arrives
    rose fell grew rise fall grow reached reach topped totalled totaled stood stands hosted hosts host
    ago earlier later today yesterday tomorrow last next year years month months week weeks day days
    overnight annually daily weekly monthly apiece each altogether alone respectively
    driven forced taken given seen gone done shown known thrown hidden beaten stolen written broken chosen
    kill kills die dies slain shot drown drowns
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy eighty
    ninety dozen dozens scores half third quarter several few
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december percent cent million billion thousand hundred trillion"""
)
_LINKS: Final = _words(
    """rose risen rises rise climbed climbs jumped jumps fell fallen falls dropped drops increased increases
    decreased decreases grew grown grows reached reaches hit hits topped tops exceeded exceeds surpassed
    totalled totaled totals stood stands stand at to by of was were is are be been has have had now
    currently already put estimated"""
)
_PUNCT: Final = '.,;:!?"()[]“”‘’—–'
_PREDICATIVE: Final = _words("dead alive missing homeless injured wounded hurt")
_AUXILIARIES = frozenset(
    [
        "who",
        "that",
        "which",
        "have",
        "has",
        "had",
        "been",
        "were",
        "was",
        "are",
        "is",
        "be",
        "being",
        "now",
        "since",
    ]
)
_OTHERS = frozenset(
    ["others", "more"]
)  # "four million others have fled": the counted word before the predicate
_CONJUNCTIONS: Final = _words("and but while whereas")
_CLOSERS: Final = frozenset(",;:.!?)]\"”’'")
_AFTER_OF: Final = _words("the its their all these those")
_LEAD_NOUNS: Final = ("total number of ", "number of ", "total of ", "count of ", "tally of ", "figure for ")
_DETERMINERS: Final = _words("a an the")
_PRONOUNS: Final = _words("he she they it we i you who which this that one someone")

# --- dates --------------------------------------------------------------------------------------------------

_MONTH_NUMBERS: Final = {
    name: i
    for i in range(1, 13)
    for name in {calendar.month_name[i], calendar.month_abbr[i], "Sept" if i == 9 else calendar.month_abbr[i]}
}
_M: Final = "(?:" + trie_pattern(_MONTH_NUMBERS) + r")\b\.?"
_Y: Final = r"(?:19|20)\d\d(?![\d%])"
_D: Final = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PART: Final = (
    r"(?:(?:early|late|mid-?|the\s+(?:end|start|beginning|middle|first\s+half|second\s+half)\s+of)\s*)?"
)
_SINCE: Final = trie_pattern(
    [
        *("since", "Since", "from", "From", "starting in", "Starting in", "beginning in", "began in"),
        *("started in", "erupted in", "broke out in"),
    ]
)
_PREPOSITIONS: Final = trie_pattern(
    w
    for p in (
        "in",
        "by",
        "as of",
        "during",
        "for",
        "of",
        "until",
        "till",
        "through",
        "throughout",
        "to",
        "end of",
    )
    for w in (p, p.capitalize())
)
_DATES: Final = re.compile(
    rf"""(?P<since>\b(?:{_SINCE})\s+{_PART}
            (?:{_D}\s+(?:of\s+)?{_M}|{_M}(?:\s+{_D})?|{_Y})(?:,?\s+{_Y})?)
        |(?P<dmy>\b(?P<d1>{_D})\s+(?:of\s+)?(?P<m1>{_M}),?\s+(?P<y1>{_Y}))
        |(?P<mdy>\b(?P<m2>{_M})\s+(?P<d2>{_D}),?\s+(?P<y2>{_Y}))
        |(?P<my>\b(?P<m3>{_M}),?\s+(?:of\s+)?(?P<y3>{_Y}))
        |(?P<y>\b(?:{_PREPOSITIONS}|[Bb]etween\s+{_Y}\s+and)\s+{_PART}(?P<y4>{_Y}))""",
    re.X,
)
_RELATIVE: Final = re.compile(
    r"\b(?:(?P<which>[Ll]ast|[Pp]revious|[Tt]his|[Pp]ast)\s+(?P<unit>year|month)|(?P<yday>[Yy]esterday))\b"
)

#: cheap pre-checks: a date is parsed only around a year, a source only where a saying word occurs
_YEAR: Final = re.compile(r"[12][09]\d\d(?![\d%])")
_SAY_HINTS: Final = (
    "reported",
    "announced",
    "stated",
    "added",
    "confirmed",
    "believes",
    "warned",
    "estimate",
)

# --- sources ------------------------------------------------------------------------------------------------

_SAY_VERBS: Final = [
    *_words("said says say told reported announced stated added confirmed believes warned"),
    "estimates that",
    "estimated that",
    "estimates there",
    "estimated there",
]
_SAYS: Final = re.compile(rf"\b(?:(?P<acc>[Aa]ccording\s+to)|(?P<verb>{trie_pattern(_SAY_VERBS)}))\b")
_INVERTED: Final = re.compile(r"[,\"”’']\s*$")
_AUX_BEFORE: Final = _words("has have had also reportedly previously later earlier had then")
_SOURCE_STOP: Final = _words(
    """on in at which who that adding citing as while when after before released published issued last this
    and but whose where since over during with to from"""
)
_SOURCE_LEAD: Final = re.compile(
    r"^(?:(?:the\s+)?(?:latest\s+)?(?:figures|data|estimates|statistics|numbers|a\s+report|reports?|a\s+count"
    r"|a\s+tally|a\s+statement|an\s+estimate)\s+(?:from|by|of|released\s+by|published\s+by)\s+)"
)
_SOURCE_TAIL: Final = re.compile(r"\s+(?:figures|data|estimates|statistics|numbers|report|count|tally)$")

# --- places -------------------------------------------------------------------------------------------------

_ROLE: Final = re.compile(
    r"(?:\b(?P<dest>to|in|into|inside|within|across|throughout|reached|reaching|entered|entering|for)"
    r"|\b(?P<orig>from|fled|fleeing|out\s+of|left|leaving))\s+(?:the\s+)?$"
)


_HOST: Final = re.compile(
    r"(?:'s|’s)?\s+(?:(?:has|have|had|now|currently|already|also)\s+)*(?:hosts?|hosted|hosting|took\s+in"
    r"|taken\s+in|takes?\s+in|received?|receives|accepted|accepts?|welcomed|welcomes|admitted|admits"
    r"|registered|registers|is\s+home\s+to|shelters?|sheltered|houses|housed|has|had)\s+(?:[a-z]+\s+){0,2}$"
)


class _Sentence:
    """What a sentence says once for all its numbers (offsets are into the document text)."""

    __slots__ = ("as_of", "attributions", "clauses", "end", "nouns", "places", "start", "triggers", "words")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.places: list[PlaceMention] = []
        self.clauses: list[int] | None = None  # offsets of clause-ending punctuation (lazy)
        self.as_of: list[tuple[int, int, dt.date | None]] = []
        self.attributions: list[tuple[int, int, str]] = []
        #: lower-case words without punctuation, and the trigger / noun hits among them (lazy)
        self.words: list[str] | None = None
        self.triggers: list[tuple[int, int, str]] | None = None
        self.nouns: list[tuple[int, int, str]] | None = None


def _distance(start: int, end: int, span: tuple[int, int]) -> int:
    return start - span[1] if start >= span[1] else (span[0] - end if end <= span[0] else 0)


def _nearest(items: list[tuple[int, int, str]], span: tuple[int, int], lo: int, hi: int) -> str | None:
    best, best_d = None, 1 << 30
    for start, end, value in items:
        if start >= lo and end <= hi:
            d = _distance(start, end, span)
            if d < best_d:
                best, best_d = value, d
    return best


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


class ContextReader:
    """Reads the context of claims with the lexicons of one rules folder (default: the shipped rules)."""

    def __init__(self, rules: Path | None = None) -> None:
        from auditor.schemas import CLAIM_KINDS

        measures_file = rules / "measures.yaml" if rules is not None else None
        places_file = rules / "places.yaml" if rules is not None else None
        self.measures: MeasureLexicon = (
            load_measures(measures_file)
            if measures_file is not None and measures_file.is_file()
            else default_measures()
        )
        self.places: Gazetteer = (
            Gazetteer.from_file(places_file)
            if places_file is not None and places_file.is_file()
            else default_gazetteer()
        )
        self._claim_kinds = frozenset(CLAIM_KINDS)
        lex = self.measures
        #: first word -> (the phrase's words, measure), longest first: triggers, and nouns of non-count kinds
        self._trigger_index = _word_index(lex.triggers.items())
        self._noun_index = _word_index(
            (form, m.name)
            for m in lex.measures.values()
            if m.kinds - {"count"}
            for noun in m.nouns
            for form in (noun.lower(), _plural(noun.lower()))
        )
        self._keys: dict[str, str] = {}
        self._readings: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self._text: str | None = None
        self._sentences: dict[tuple[int, int, dt.date | None], _Sentence] = {}

    def _key(self, phrase: str) -> str:
        key = self._keys.get(phrase)
        if key is None:
            if len(self._keys) > 100_000:
                self._keys.clear()
            key = self._keys[phrase] = noun_key(phrase)
        return key

    # --- the one public method ----------------------------------------------------------------------------

    def annotate(
        self,
        text: str,
        sentence: tuple[int, int],
        span: tuple[int, int],
        kind: str,
        doc_date: dt.date | None,
    ) -> ClaimContext:
        """The context of the number at ``span`` (its qualifier included) in ``sentence`` of ``text``."""
        if isinstance(
            doc_date, dt.datetime
        ):  # a timestamp: its calendar day (dates and datetimes don't compare)
            doc_date = doc_date.date()
        sent = self._sentence(text, sentence, doc_date)
        counted: str | None = None
        measure: str | None = None
        counted_range: tuple[int, int] | None = None
        if kind in self._claim_kinds:
            after = self._after(text, span[1], sent.end, kind)
            if after is not None:
                counted, counted_range = after
            else:
                before = self._before(text, sent.start, span[0])
                if before is not None:
                    counted, counted_range = before
            measure = self._measure(
                text,
                sent=sent,
                span=span,
                kind=kind,
                counted=counted,
                counted_range=counted_range,
            )
        return ClaimContext(
            counted=counted,
            measure=measure,
            location=self._location(text, sent, span, counted_range) if sent.places else None,
            as_of=self._as_of(sent, span, doc_date) if sent.as_of else doc_date,
            attribution=_nearest(sent.attributions, span, sent.start, sent.end)
            if sent.attributions
            else None,
        )

    # --- sentence-level analysis (cached) -----------------------------------------------------------------

    def _sentence(self, text: str, sentence: tuple[int, int], doc_date: dt.date | None) -> _Sentence:
        if text is not self._text:
            self._text = text
            self._sentences = {}
        key = (sentence[0], sentence[1], doc_date)
        sent = self._sentences.get(key)
        if sent is None:
            sent = self._analyse(text, sentence[0], sentence[1], doc_date)
            self._sentences[key] = sent
        return sent

    def _analyse(self, text: str, start: int, end: int, doc_date: dt.date | None) -> _Sentence:
        sent = _Sentence(start, end)
        chunk = text[start:end]
        sent.places = [
            PlaceMention(p.start + start, p.end + start, p.code) for p in self.places.mentions(chunk)
        ]
        sent.as_of = _dates(chunk, start, doc_date)
        if (
            "said" in chunk
            or "say" in chunk
            or "told" in chunk
            or "ccording" in chunk
            or any(h in chunk for h in _SAY_HINTS)
        ):
            for m in _SAYS.finditer(chunk):
                source = self._source(chunk, m)
                if source is not None:
                    at = chunk.rfind(source, 0, m.start()) if not _after_verb(chunk, m) else -1
                    at = at if at >= 0 else max(chunk.find(source, m.end()), m.start())
                    lo, hi = min(at, m.start()), max(at + len(source), m.end())
                    sent.attributions.append((lo + start, hi + start, source))
        return sent

    @staticmethod
    def _clause(text: str, sent: _Sentence, span: tuple[int, int]) -> tuple[int, int]:
        """The stretch between punctuation marks that holds the number."""
        if sent.clauses is None:
            sent.clauses = [
                m.start()
                for m in _CLAUSE.finditer(text, sent.start, sent.end)
                if m.group() != "," or (m.end() < sent.end and text[m.end()].isspace())
            ]
        lo, hi = sent.start, sent.end
        for pos in sent.clauses:
            if pos < span[0]:
                lo = pos
            elif pos >= span[1]:
                hi = pos
                break
        return lo, hi

    # --- counted ------------------------------------------------------------------------------------------

    def _after(self, text: str, pos: int, limit: int, kind: str) -> tuple[str, tuple[int, int]] | None:
        """The noun phrase right after the number: "250,000 lives", "4 million migrants and refugees"."""
        run = _RUN.match(text, pos, limit)
        if run is None:
            return None
        tokens = run.group(1).split()
        n = len(tokens)
        i = 0
        if tokens[0] == "of" or (kind == "money" and tokens[0] == "in"):
            i = 1
            while i < n and tokens[i].lower() in _AFTER_OF:
                i += 1
            if tokens[0] == "in" and (i == n or self._key(tokens[i].lower()) not in self.measures.nouns):
                return None  # "$3bn in aid", but not "$3bn in the first half"
        first = i
        nouns = self.measures.nouns
        while i < n and i - first < 4:
            word = tokens[i]
            low = word.lower()
            after = tokens[i + 1] if i + 1 < n else ""
            if low in ("and", "or"):
                if i == first or not _nounish(after) or _participle(after) or after.endswith("ly"):
                    break
                if i + 2 < n and _nounish(tokens[i + 2]):
                    break  # only a one-word second conjunct: "migrants and refugees", not "people and civilian ..."
                i += 2
                break
            if not _nounish(word):
                break
            if i > first and word.islower() and not word.endswith("s") and _plural_noun(tokens[i - 1]):
                break  # a verb after a plural head: "30 soldiers guard the crossing"
            if i > first and low in _PREDICATIVE:
                break  # "300 people dead or wounded"
            if i > first and low.endswith("ly") and low not in nouns:
                break  # an adverb: "28 people mostly civilians"
            if i > first and word[0].isupper() and tokens[i - 1][0].islower():
                break  # a name after a common noun starts something else: "13 people MSF said"
            if _participle(low) and not (
                i == first + 1 and tokens[first].endswith("ly")
            ):  # "internally displaced"
                if i == first and _nounish(after) and not _participle(after):
                    pass  # an adjective: "displaced people", "injured civilians"
                elif i == first and (low in nouns or self._key(low) in nouns):
                    i += 1  # "300 wounded", "$2bn in spending"
                    break
                else:
                    break
            i += 1
        while i > first and tokens[i - 1].lower() in ("and", "or"):
            i -= 1
        if i == first:
            return None
        begin = run.start(1)
        for skipped in tokens[:first]:
            begin = text.index(skipped, begin) + len(skipped)
        begin = text.index(tokens[first], begin)
        end = begin
        for word in tokens[first:i]:
            end = text.index(word, end) + len(word)
        return text[begin:end], (begin, end)

    def _before(self, text: str, start: int, pos: int) -> tuple[str, tuple[int, int]] | None:
        """The subject of a copular or toll form: "the death toll rose to [70]", "unemployment was [5%]"."""
        j = text.rfind(" ", start, pos - 1)  # a cheap look at the word right before the number first
        if text[j + 1 : pos].strip().lower() not in _LINKS:
            return None
        lo = max(start, pos - 90)
        raw = text[lo:pos].split()
        i = len(raw) - 1
        links = 0
        while i >= 0 and (raw[i].lower() in _LINKS or (links and _participle(raw[i]))):
            links += 1  # "rose to", "was revised to", "slowed to"
            i -= 1
        if not links:
            return None
        words: list[str] = []
        while i >= 0 and len(words) < 5:
            word = raw[i]
            low = word.lower()
            of_phrase = low == "of" and words and i > 0 and _nounish(raw[i - 1])
            if word[-1] in _CLOSERS or not (of_phrase or (_nounish(word) and not low.endswith(("'s", "’s")))):
                break
            words.append(word)
            i -= 1
        if not words or words[-1].lower() == "of":
            return None
        words.reverse()
        end = text.rfind(words[-1], lo, pos) + len(words[-1])
        begin = text.rfind(words[0], lo, end)
        phrase = text[begin:end]
        low = phrase.lower()
        for lead in _LEAD_NOUNS:
            if low.startswith(lead) and len(phrase) > len(lead):
                return phrase[len(lead) :], (begin + len(lead), end)
        return phrase, (begin, end)

    # --- measure ------------------------------------------------------------------------------------------

    def _noun_measure(self, phrase: str, kind: str) -> tuple[str | None, bool]:
        """(measure of the phrase's nouns, whether its head is a generic people noun); memoised."""
        key = (phrase, kind)
        found = self._readings.get(key)
        if found is None:
            if len(self._readings) > 50_000:
                self._readings.clear()
            found = self._readings[key] = self._read_nouns(phrase, kind)
        return found

    def _read_nouns(self, phrase: str, kind: str) -> tuple[str | None, bool]:
        lex = self.measures
        raw = phrase.split()
        words = [w.lower() for w in raw]
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n, -1, -1):
                key = " ".join(words[i : i + n])
                measure = lex.nouns.get(key) or lex.nouns.get(self._key(key))
                if measure is not None and kind in lex.measures[measure].kinds:
                    return measure, False
        head = raw[-1].rstrip("'’")
        generic = (
            words[-1] in lex.generic
            or self._key(words[-1]) in lex.generic
            or self.places.is_demonym(head)
            or (head[:1].isupper() and head.endswith("s"))
        )
        return None, generic

    def _measure(
        self,
        text: str,
        *,
        sent: _Sentence,
        span: tuple[int, int],
        kind: str,
        counted: str | None,
        counted_range: tuple[int, int] | None,
    ) -> str | None:
        lex = self.measures
        measure, generic = self._noun_measure(counted, kind) if counted else (None, True)
        if measure is not None and not lex.measures[measure].people:
            return measure
        subject_read = counted_range is not None and counted_range[0] < span[0]
        if measure is None and generic and not subject_read:
            before = self._before(text, sent.start, span[0])
            if before is not None:
                found, _ = self._noun_measure(before[0], kind)
                if found is not None:
                    return found
        if measure is None and not generic and kind == "count":
            return None  # something else is counted ("155,221 bags")
        # where the number sits among the sentence's words
        first = len(text[sent.start : span[0]].split())
        after = first + len(text[span[0] : span[1]].split())
        if measure is not None:
            # a people noun: an event close by wins ("30 soldiers were killed", "killing 30 soldiers")
            size = len(counted.split()) if counted else 0
            hits = self._hits(text, sent, triggers=True)
            window = (first - 2, after + size + 5)  # an event in an earlier clause does not count
            return self._pick(hits, first, after, *window, kind, event=True, words=sent.words) or measure
        if kind != "count":
            nouns = self._hits(text, sent, triggers=False)
            found = self._pick(nouns, first, after, first - 12, after + 12, kind)
            if found is not None:
                return found
        hits = self._hits(text, sent, triggers=True)
        return self._pick(hits, first, after, -1, 1 << 20, kind, words=sent.words)

    def _hits(self, text: str, sent: _Sentence, *, triggers: bool) -> list[tuple[int, int, str]]:
        """(first word, end word, measure) of every trigger (or non-count noun) in the sentence, cached."""
        cached = sent.triggers if triggers else sent.nouns
        if cached is not None:
            return cached
        if sent.words is None:
            sent.words = [w.strip(_PUNCT) for w in text[sent.start : sent.end].lower().split()]
        words = sent.words
        index = self._trigger_index if triggers else self._noun_index
        hits: list[tuple[int, int, str]] = []
        if not index.keys().isdisjoint(words):
            for i, word in enumerate(words):
                for rest, name in index.get(word, ()):
                    if not rest or tuple(words[i + 1 : i + 1 + len(rest)]) == rest:
                        hits.append((i, i + 1 + len(rest), name))
        if triggers:
            sent.triggers = hits
        else:
            sent.nouns = hits
        return hits

    def _pick(
        self,
        hits: list[tuple[int, int, str]],
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
        measures = self.measures.measures
        generic = self.measures.generic
        words = words or []
        best, best_d = None, 1 << 30
        for start, end, name in hits:
            if start < lo or end > hi:
                continue
            m = measures[name]
            if kind in m.kinds and (m.event or not event):
                d = 2 * (start - after) if start >= after else 2 * (first - end) + 1
                between = words[after:start] if start >= after else words[end:first]
                own = start >= after and not _AUXILIARIES.isdisjoint(between)
                if own and all(w in _AUXILIARIES or w in generic or w in _OTHERS for w in between):
                    d = 0  # the number's own predicate: "five million who have sought refuge"
                elif start < after and not _CONJUNCTIONS.isdisjoint(between):
                    if event:
                        continue  # "killed and more than 10 million displaced": the event is another clause's
                    d += 20  # an earlier predicate: "displaced internally and four million others fled"
                if start > after and not _CONJUNCTIONS.isdisjoint(words[after:start]):
                    d += 20  # a new predicate: "killed 230,000 people and wounded a million"
                if 0 <= d < best_d:
                    best, best_d = name, d
        return best

    # --- location, as-of, attribution ---------------------------------------------------------------------

    def _location(
        self, text: str, sent: _Sentence, span: tuple[int, int], counted: tuple[int, int] | None
    ) -> str | None:
        clause = self._clause(text, sent, span)
        anchor = counted[1] if counted is not None and counted[1] > span[1] else span[1]
        inside: str | None = None
        origin: str | None = None
        places = sent.places
        if sent.attributions:  # a place in the source is the speaker ("Russia said ..."), not where
            places = [p for p in places if not any(a <= p.start < b for a, b, _ in sent.attributions)]
        for place in places:
            if counted is not None and place.start >= counted[0] and place.end <= counted[1]:
                inside = inside or place.code
            elif anchor <= place.start <= anchor + 45 and place.start < clause[1] + 2:
                found = _ROLE.search(text, max(sent.start, place.start - 16), place.start)
                role = "" if found is None else ("dest" if found.group("dest") else "orig")
                if role == "dest":
                    return place.code  # the destination wins: "Syrian refugees in Germany" -> DEU
                if role == "orig":
                    origin = origin or place.code
        for place in places:  # "Turkey hosts [1.9 million] refugees": the host is the place
            if clause[0] <= place.start and place.end < span[0] and _HOST.match(text, place.end, span[0]):
                return place.code
        if inside is not None or origin is not None:
            return inside or origin
        items = [(p.start, p.end, p.code) for p in places]
        return _nearest(items, span, *clause) or _nearest(items, span, sent.start, sent.end)

    @staticmethod
    def _as_of(sent: _Sentence, span: tuple[int, int], doc_date: dt.date | None) -> dt.date | None:
        best, best_d = doc_date, 1 << 30
        for start, end, value in sent.as_of:
            if start < span[1] and end > span[0]:
                continue  # the number itself
            d = _distance(start, end, span)
            if d < best_d:
                best, best_d = value, d
        return best

    @staticmethod
    def _source(chunk: str, m: re.Match[str]) -> str | None:
        return _source_after(chunk, m.end()) if _after_verb(chunk, m) else _source_before(chunk, m.start())


# --- helpers ------------------------------------------------------------------------------------------------


def _nounish(word: str) -> bool:
    """Whether a token can be part of a noun phrase (no function word, verb or time word; "WHO" is)."""
    if not word or not word[0].isalpha():
        return False
    return word.lower() not in _NOT_NOUN or _acronym(word)


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _word_index(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """first word -> ((remaining words, measure), ...), longest phrase first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, measure in pairs:
        first, *rest = phrase.lower().split()
        entries = index.setdefault(first, [])
        if (tuple(rest), measure) not in entries:
            entries.append((tuple(rest), measure))
    return {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}


def _tokens(text: str, pos: int, limit: int) -> Iterator[tuple[str, int, int]]:
    """Words, numbers and punctuation marks from ``pos``, lazily."""
    while pos < limit:
        m = _TOKEN.match(text, pos, limit)
        if m is None:
            return
        yield m.group(1), m.start(1), m.end(1)
        pos = m.end()


def _plural_noun(word: str) -> bool:
    return word.islower() and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _participle(word: str) -> bool:
    return word.lower().endswith(("ed", "ing"))


def _plural(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    if last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def _dates(chunk: str, offset: int, doc_date: dt.date | None) -> list[tuple[int, int, dt.date | None]]:
    """The time expressions of a sentence with the as-of date each stands for (a since-phrase: the doc date)."""
    found: list[tuple[int, int, dt.date | None]] = []
    last = -1
    for year in _YEAR.finditer(chunk):
        for m in _DATES.finditer(chunk, max(last + 1, year.start() - 45), year.end()):
            if m.end() == year.end():
                value = doc_date if m.group("since") is not None else _date_value(m, doc_date)
                found.append((m.start() + offset, m.end() + offset, value))
                last = m.end()
    if doc_date is not None and ("year" in chunk or "month" in chunk or "esterday" in chunk):
        for m in _RELATIVE.finditer(chunk):
            if m.group("yday") is not None:
                value = doc_date - dt.timedelta(days=1)
            elif m.group("which").lower() in ("this", "past"):
                value = doc_date
            elif m.group("unit") == "year":
                value = dt.date(doc_date.year - 1, 12, 31)
            else:
                value = doc_date.replace(day=1) - dt.timedelta(days=1)
            found.append((m.start() + offset, m.end() + offset, value))
    return found


def _date_value(m: re.Match[str], doc_date: dt.date | None) -> dt.date | None:
    """The as-of date a matched time expression stands for, capped at the article date for periods."""
    group = m.lastgroup
    value: dt.date | None = None
    period = True
    if group in {"dmy", "mdy"}:
        n = "1" if group == "dmy" else "2"
        day = int(re.sub(r"\D", "", m.group("d" + n)))
        month = _MONTH_NUMBERS[m.group("m" + n).rstrip(".")]
        year = int(m.group("y" + n))
        period = False
        try:
            value = dt.date(year, month, day)
        except ValueError:
            return None
    elif group == "my":
        value = _month_end(int(m.group("y3")), _MONTH_NUMBERS[m.group("m3").rstrip(".")])
    elif group == "y":
        value = dt.date(int(m.group("y4")), 12, 31)
    if value is not None and period and doc_date is not None and value > doc_date:
        return doc_date
    return value


def _after_verb(chunk: str, m: re.Match[str]) -> bool:
    """Whether the source follows: "according to UNHCR", "..., said the UN refugee agency"."""
    return m.group("acc") is not None or _INVERTED.search(chunk, max(0, m.start() - 3), m.start()) is not None


def _clean_source(words: list[str]) -> str | None:
    while words and words[-1].lower() in ("of", "for", "and"):
        words.pop()
    if not words or (words[0].lower() in _PRONOUNS and not _acronym(words[0])):
        return None
    source = _SOURCE_LEAD.sub("", " ".join(words))
    short = _SOURCE_TAIL.sub("", source)  # "UNHCR figures" -> "UNHCR", but "the report" stays
    if short.lower() not in _DETERMINERS:
        source = short
    return source.strip(" ,") or None


def _source_after(chunk: str, pos: int) -> str | None:
    """The source named after "according to" or an inverted "..., said the UN refugee agency"."""
    words: list[str] = []
    for m in _TOKEN.finditer(chunk, pos):
        word = m.group(1)
        if not word[0].isalpha() or (word.lower() in _SOURCE_STOP and not _acronym(word)) or len(words) >= 10:
            break
        words.append(word.rstrip("'’"))
    return _clean_source(words)


def _source_before(chunk: str, pos: int) -> str | None:
    """The subject of a saying verb: "the defence ministry [said]", "WHO [said] in a statement"."""
    lo = max(0, pos - 100)
    tokens = _WORDS_BEFORE.findall(chunk, lo, pos)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].lower() in _AUX_BEFORE:
        i -= 1
    words: list[str] = []
    while i >= 0 and len(words) < 7:
        word = tokens[i]
        low = word.lower()
        if low in _DETERMINERS:
            words.append(word)
            break
        if (
            low in ("of", "for")
            and words
            and i > 0
            and (_nounish(tokens[i - 1]) or tokens[i - 1][0].isupper())
        ):
            words.append(word)
        elif _nounish(word) or (low in _PRONOUNS and not words):
            words.append(word)
            if low in _PRONOUNS and not _acronym(word):
                break
        else:
            break
        i -= 1
    words.reverse()
    return _clean_source(words)

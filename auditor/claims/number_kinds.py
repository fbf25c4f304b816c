"""Numbers that are not claims: years, dates, times, phone numbers, identifiers, list numbers, scores,
citations, ages used as names and street numbers.

:func:`non_claim_kind` looks at the text around a number the reader has read and names its kind when it is one of
these (``--all-numbers`` lists them; otherwise they are dropped).
"""

from __future__ import annotations

import re
from typing import Final

from auditor.claims.lexicon import noun_key
from auditor.claims.number_reader import Reading
from auditor.claims.numeric_rules import NumericRules
from auditor.claims.word_tables import number_words

_MONTH_WORDS: Final = tuple(number_words()["months"])
MONTHS: Final = "|".join(_MONTH_WORDS)
_GLUED_ID = re.compile(r"[A-Za-z]+\d")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![\w])", re.IGNORECASE)
_TIME = re.compile(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.m\.|[ap]m(?![\w])|GMT|UTC|BST|CET)?|\d{1,2}\s*(?:[ap]\.m\.|[ap]m(?![\w]))",
    re.IGNORECASE,
)
_DATE_AFTER_START: Final = frozenset(" \t\u00a0sSnNrRtT")
_DATE_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?![\w])", re.IGNORECASE)
_MONTH_DAY_BEFORE = re.compile(rf"(?<![\w])(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+$", re.IGNORECASE)
_DATE_BEFORE = re.compile(rf"(?<![\w])(?:{MONTHS})\.?\s+$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![\d])|(?:18|19|20)\d\d-(?:0[1-9]|1[0-2])(?![\d-])"
)
#: A phone number: digits in groups, read up to 40 characters (bounded, so that a long run of digits and
#: separators is read in pieces, not once from each of its numbers to its end).
_PHONE = re.compile(r"\+?\(?\d[\d ()./-]{6,36}\d(?![\d])")
_YEAR_BEFORE = re.compile(
    r"(?<![\w])(?:a|an|in|since|by|from|until|till|to|during|of|early|late|mid|before|after|between|and|summer|"
    r"winter|spring|autumn|fall|year|fiscal|through|circa|c\.|the)\s+$|['’]s\s+$|[(\[]$",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"-years?-old|-month-old|-week-old|-day-old|\s?yo(?![\w])", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?<![\w])(?:aged|age|ages)\s+$", re.IGNORECASE)
#: The words a citation's number follows ("section 3", "No. 5", "route #66").
_CITATION_WORD_TEXT: Final = (
    "p pp page pages vol volume volumes no nos nr nrs number numbers chapter chapters section sections article "
    "articles art paragraph paragraphs para figure figures fig table tables exercise exercises resolution "
    "resolutions rule rules route routes highway flight flights version v room platform gate bus line level grade "
    "class episode episodes season act scene verse psalm amendment amendments item items step phase stage "
    "district zone ward sector unit block lot model type mark mk series tier category cat"
)
_CITATION_WORD_LIST: Final = tuple(_CITATION_WORD_TEXT.split())
_CITATION_WORDS = r"(?<![\w])(?:" + "|".join(_CITATION_WORD_LIST) + r")\.?\s*#?\s*"
_CITATION_BEFORE = re.compile(_CITATION_WORDS + "$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
#: the later numbers of a cited list: "resolutions 2235, 2254 and 2268"
_CITATION_LIST_BEFORE = re.compile(_CITATION_WORDS + r"\d+(?:\s*(?:,|and|&)\s*\d+)*\s*(?:,|and|&)\s*$", re.I)
_SCORE_BEFORE = re.compile(
    r"(?<![\w])(?:won|winning|lost|losing|beat|beating|beaten|drew|draw|defeated|defeating|routed|thrashed|"
    r"edged|score|scored|scoreline|victory|defeat|win|loss|lead|led|trailed|trailing)\s+(?:[\w'’]+\s+){0,4}$",
    re.IGNORECASE,
)
_SCORE_AFTER = re.compile(r"[-–]\d{1,3}(?![\d-])")
_SCORE_NOUN_AFTER = re.compile(
    r"\s+(?:home\s+|away\s+)?(?:win|victory|defeat|loss|lead|draw|triumph|scoreline)\b", re.I
)
_PREVIOUS_SCORE = re.compile(r"\d{1,2}[-–]\d{1,2}\)?[,;]?\s+(?:\(\s*)?$")
_ANOTHER_SCORE = re.compile(r"[,;]?\s+(?:\(\d{1,2}[-–]\d{1,2}\)\s+)?\d{1,2}[-–]\d{1,2}(?![\d])")
_TRUNK_PHONE = re.compile(r"0\d{2,5}[ \u00a0]\d{3,4}[ \u00a0]?\d{3,4}(?![\d])")
_APPOSITION_BEFORE = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*,\s$")
_DATE_STAMP_AFTER = re.compile(r"\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}(?![\d])")
_DATE_SEPARATORS: Final = frozenset("/.-")
_PHONE_SEPARATORS: Final = frozenset(" ()./-")
_CLOCK_ZONE = re.compile(r"\s*(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|local time)\b")
_SENTENCE_START = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|\n\s*|^\s*|[\"“‘(]\s*)$")
_NAME_BEFORE = re.compile(r"(?<![.!?]\s)(?<![.!?])\b[A-Z][A-Za-z]+\s$")
_ADDRESS_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Boulevard|Blvd|Drive|Square|Place|Way)\b"
)
_LIST_ITEM = re.compile(r"(?:^|\n)[ \t]*\(?$")
_LIST_AFTER = re.compile(r"[.)][ \t]+\S")
CLAIM_KINDS: Final = frozenset({"count", "money", "percent", "percentage_point", "quantity", "ratio"})
NON_CLAIM_DIGIT_KINDS: Final = frozenset({"year", "date", "time", "phone", "identifier"})


def non_claim_kind(rules: NumericRules, text: str, num: Reading) -> tuple[str, int] | None:
    """(kind, end) when the number read at ``num`` is not a claim: a year, date, time, phone number, identifier,
    list number, score, citation, age or street number; ``None`` when it may be a claim."""
    if num.words:
        age = _AGE_AFTER.match(text, num.end)
        if age is not None:
            return "age", age.end()
        return ("identifier", num.end) if _is_capitalised_name(rules, text, num) else None
    return (
        _glued_kind(rules, text, num)
        or _clock_or_calendar(text, num)
        or _phone(text, num)
        or (_plain_kind(rules, text, num) if not num.scaled and num.plain.isdigit() else None)
        or _reference_number(text, num)
    )


#: A numbered document: "UN Security Council resolution 2254", "UNSCR 2118 (2013) and 2235", "Article 50".
_DOCUMENT_BEFORE: Final = re.compile(
    r"\b(?:resolutions?|unscr|decree|article)\s+(?:no\.?\s*)?(?:\d+\s*(?:,|and)\s*|\d+\s*\(\d{4}\)\s*and\s*)*$",
    re.I,
)


_DOCUMENT_WORDS: Final = ("resolution", "unscr", "decree", "article")


def _may_follow_document(window: str) -> bool:
    """Whether :data:`_DOCUMENT_BEFORE` can match in ``window`` (one of its words is in it): a cheap test first."""
    if not window.isascii():
        return True  # under re.I a non-ASCII letter may match an ASCII one ("ſ" and "s")
    low = window.lower()
    return any(word in low for word in _DOCUMENT_WORDS)


def _reference_number(text: str, num: Reading) -> tuple[str, int] | None:
    """A decimal number after "section", "shelf mark", "No." and the like is a citation ("section 3.2"), and so is
    a number after a numbered document ("resolution 2254")."""
    if (
        not num.scaled
        and num.plain.isdigit()
        and _may_follow_document(text[max(0, num.start - 40) : num.start])
        and _DOCUMENT_BEFORE.search(text, max(0, num.start - 40), num.start)
    ):
        return "citation", num.end
    if num.scaled or "." not in num.plain:
        return None
    return ("citation", num.end) if _CITATION_BEFORE.search(text, max(0, num.start - 16), num.start) else None


def _glued_kind(rules: NumericRules, text: str, num: Reading) -> tuple[str, int] | None:
    """Digits glued to letters: identifiers ("A320", "F-16", "COVID-19", "24703L202") and "21st" ordinals."""
    s, e = num.start, num.end
    prev_char = text[s - 1] if s > 0 else " "
    next_char = text[e] if e < len(text) else " "
    letter_before = prev_char.isalpha() and rules.currency_before.find(text, s, 6) is None  # not "USD115"
    if letter_before or (prev_char == "-" and s > 1 and text[s - 2].isalpha()):
        return "identifier", e
    if not next_char.isalpha():
        return None
    glued = _GLUED_ID.match(text, e)
    if glued is not None:
        unit = rules.unit_after.match(text, e)
        if unit is None or text[unit.end() : unit.end() + 1].isalnum():  # "24703m2" is square metres
            return "identifier", glued.end()
    suffix = _ORDINAL_SUFFIX.match(text, e)
    if suffix is None or num.scaled:
        return None
    date = _DATE_AFTER.match(text, e)
    if date is not None:
        return "date", date.end()
    if _DATE_BEFORE.search(text, max(0, s - 12), s):
        return "date", suffix.end()
    return "ordinal", suffix.end()


def _clock_or_calendar(text: str, num: Reading) -> tuple[str, int] | None:
    """ "5:30 pm", "10am", "0900 GMT", "5/17/2018", "2015-10-01"."""
    if len(num.plain) == 4 and num.plain.isdigit() and int(num.plain[:2]) < 24 and int(num.plain[2:]) < 60:
        zone = _CLOCK_ZONE.match(text, num.end)
        if zone is not None:
            return "time", zone.end()
        if _DATE_STAMP_AFTER.match(text, num.end):  # "updated 1404 07.04.2017": a time stamp
            return "time", num.end
    head = text[num.start : num.end + 6]
    time = _TIME.match(text, num.start) if (":" in head or "." in head or "m" in head.lower()) else None
    if (
        time is not None
        and time.end() >= num.end
        and (":" in time.group() or time.group()[-1].lower() in "m.")
    ):
        return "time", time.end()
    if not num.scaled and _DATE_SEPARATORS.intersection(text[num.start : num.start + 5]):
        date = _NUMERIC_DATE.match(text, num.start)
        if date is not None:
            return "date", date.end()
    return None


def _phone(text: str, num: Reading) -> tuple[str, int] | None:
    """ "+1-222-2222-2222", "(020) 7946 0958", "01632 960471": at least nine digits in groups."""
    s = num.start
    trunk = _TRUNK_PHONE.match(text, s) if num.plain.startswith("0") else None
    if trunk is not None:
        return "phone", trunk.end()
    if text[num.end : num.end + 1] not in _PHONE_SEPARATORS or len(num.plain) > 5:
        return None  # a phone number goes on in short groups: "555-123-4567", "020) 7946 0958"
    phone = _PHONE.match(text, s - 1 if s > 0 and text[s - 1] == "+" else s)
    if phone is None:
        return None
    g = phone.group()
    if re.search(r"[-()+/.]", g) and g.count("-") + g.count(" ") >= 2 and len(re.sub(r"\D", "", g)) >= 9:
        return "phone", phone.end()
    return None


def _plain_kind(rules: NumericRules, text: str, num: Reading) -> tuple[str, int] | None:
    """Plain whole numbers: dates by month names, ages, citations, years, scores, list items, street numbers.

    Most numbers are none of these, so each pattern is tried only when the character before or after the number
    allows it (``lead``: the last character before it, spaces skipped; ``nxt``: the first after it)."""
    s, e, plain = num.start, num.end, num.plain
    value = int(plain)
    before = text[max(0, s - 16) : s].rstrip()
    lead = before[-1:]
    worded = lead.isalpha() or lead in ".#"  # a word (or "No.", "#") right before the number
    nxt = text[e : e + 1]
    date_after = _DATE_AFTER.match(text, e) if nxt in _DATE_AFTER_START else None
    month_before = (
        worded
        and _may_end_with(before, _MONTH_WORDS)
        and _DATE_BEFORE.search(text, max(0, s - 12), s) is not None
    )
    if (date_after is not None or month_before) and (value <= 31 or len(plain) == 4):
        return "date", date_after.end() if date_after is not None else e
    if month_before and len(plain) in (5, 6) and plain[-4:-2] in ("19", "20") and 0 < int(plain[:-4]) <= 31:
        return "date", e  # "Apr 232017": a day glued to its year
    if lead in ("'", "’") and len(plain) == 2 and (s < 2 or not text[s - 2].isalnum()):
        return "year", e  # "the class of '89"
    if (
        nxt == ","
        and value <= 120
        and text[s - 2 : s - 1] == ","  # the pattern's ",\s" right before the number, tested cheaply first
        and text[s - 1 : s].isspace()
        and _APPOSITION_BEFORE.search(text, max(0, s - 30), s)
    ):
        return "age", e  # "Captain Tom Rees, 31, said"
    age = _AGE_AFTER.match(text, e) if nxt in ("-", " ", "y", "Y") else None
    if age is not None:
        return "age", age.end()
    if worded and _may_end_with(before, _AGE_WORDS) and _AGE_BEFORE.search(text, max(0, s - 8), s):
        return "age", e
    if (worded and _may_cite(before) and _CITATION_BEFORE.search(text, max(0, s - 16), s)) or (
        (lead in (",", "&") or before.endswith("and"))
        and _LETTER.search(text, max(0, s - 60), s)
        is not None  # a list cited by a word ("resolutions 2235, ...")
        and _CITATION_LIST_BEFORE.search(text, max(0, s - 60), s)
    ):
        return "citation", e
    if len(plain) == 4 and 1800 <= value <= 2100:
        if lead in (",", *"0123456789") and _MONTH_DAY_BEFORE.search(text, max(0, s - 24), s):
            return "date", e  # "due April 3, 1990"
        if _is_year(rules, text, s, e):
            return "year", e
    score = _SCORE_AFTER.match(text, e) if nxt in ("-", "–") else None
    if score is not None and value <= 200 and value > int(score.group()[1:]):
        return "score", score.end()  # "93-87": a range goes up, a falling pair is a result
    if score is not None and value <= 99:
        series = (  # tennis sets: "6-3 6-1", "7-6 (8-6) 7-5"
            _ANOTHER_SCORE.match(text, score.end()) is not None
            or _PREVIOUS_SCORE.search(text, max(0, s - 12), s) is not None
        )
        named = _SCORE_NOUN_AFTER.match(text, score.end()) is not None  # "a 1-0 win"
        if series or named or _SCORE_BEFORE.search(text, max(0, s - 48), s):
            return "score", score.end()
    if lead == "[" and nxt == "]":
        return "citation", e + 1
    at_line_start = s == 0 or "\n" in text[max(0, s - 4) : s]
    if (
        value < 100
        and at_line_start
        and _LIST_ITEM.search(text, max(0, s - 4), s)
        and _LIST_AFTER.match(text, e)
    ):
        return "list_item", e
    if value < 10000 and nxt == " " and text[e + 1 : e + 2].isupper() and _ADDRESS_AFTER.match(text, e):
        return "address", e
    if value < 1000 and "," not in plain and lead.isalpha() and _is_name_part(rules, text, s, e):
        return "identifier", e
    return None


_AGE_WORDS: Final = ("aged", "age", "ages")


def _may_end_with(before: str, words: tuple[str, ...]) -> bool:
    """Whether ``before`` (the text before a number, trailing spaces stripped) may end with one of ``words`` and
    an optional dot, as the end-anchored patterns read them under re.I: a cheap test before the search."""
    tail = before[:-1] if before.endswith(".") else before
    tail = tail[-12:]
    return not tail.isascii() or tail.lower().endswith(words)


def _may_cite(before: str) -> bool:
    """Whether :data:`_CITATION_BEFORE` can match at the end of ``before`` (trailing spaces stripped): a citation
    word, then an optional dot, spaces and "#"."""
    if before.endswith("#"):
        before = before[:-1].rstrip()
    return _may_end_with(before, _CITATION_WORD_LIST)


def _is_name_part(rules: NumericRules, text: str, s: int, e: int) -> bool:
    """A small number inside a name: "Radio 4", "Boeing 747", "Windows 95" (a capitalised word right before it,
    not at a sentence start, and no lower-case word after it, nor a counted noun: "Raids Kill 12 Civilians", nor a
    verb of what happens to people before it: "Raids Kill 12")."""
    before = _NAME_BEFORE.search(text, max(0, s - 24), s)
    if before is None or rules.before.find(text, s) is not None or _counted_noun_after(rules, text, e):
        return False
    word = before.group().strip()
    if word.endswith(("'s", "’s")) or word.lower() in _NOT_NAMES or word.lower() in rules.count_verbs:
        return False
    if word.isupper() and 2 <= len(word) <= 5 and rules.currency_before.find(text, s, 8) is None:
        return True  # an acronym's number: "the FTSE 100 climbed", "a DAX 30 firm"
    return re.match(r"\s+[a-z]", text[e : e + 2]) is None


_NOT_NAMES: Final = frozenset(number_words()["not_names"])
#: Up to five words right after a number ("12 Civilians", "13 Daesh Militants", "31 Islamic State (IS) group militants",
#: "6 ISIS Bombers").
_WORDS_AFTER = re.compile(r"(?:\s+(?:\([A-Z]+\)|[A-Z]{2,}\b|[A-Za-z][a-z]+)){1,5}")


def _counted_noun_after(rules: NumericRules, text: str, e: int) -> bool:
    """One of the next five words names what is counted ("Kill 13 Daesh Militants"): the number is a count."""
    words = _WORDS_AFTER.match(text, e, min(len(text), e + 48))
    return words is not None and any(noun_key(w) in rules.count_nouns for w in words.group().split())


def _is_capitalised_name(rules: NumericRules, text: str, num: Reading) -> bool:
    """A capitalised number word inside a sentence that is part of a name: "BBC One", "the Six Nations"."""
    s = num.start
    if not text[s].isupper() or _SENTENCE_START.search(text, max(0, s - 6), s) is not None or s == 0:
        return False
    if _counted_noun_after(rules, text, num.end):
        return False
    return (
        _is_name_part(rules, text, s, num.end)
        or re.match(r"\s+[A-Z][a-z]", text[num.end : num.end + 3]) is not None
        or _NAME_BEFORE.search(text, max(0, s - 24), s) is not None  # "the Formula One team"
    )


def _is_year(rules: NumericRules, text: str, s: int, e: int) -> bool:
    """A four-digit number with no unit, currency or qualifier, after "in"/"since"/… or not before a noun."""
    if rules.unit_after.match(text, e) is not None or rules.currency_before.find(text, s, 10) is not None:
        return False
    if rules.before.find(text, s) is not None:
        return False
    return bool(_YEAR_BEFORE.search(text, max(0, s - 12), s)) or not re.match(r"\s+[a-z]", text[e : e + 3])


def looks_like_years(first: Reading, second: Reading) -> bool:
    """ "2011-2015", "1939–45" are periods, not ranges of counts."""
    p1, p2 = first.plain, second.plain
    return (
        len(p1) == 4
        and p1.isdigit()
        and 1800 <= int(p1) <= 2100
        and (len(p2) in (2, 4))
        and p2.isdigit()
        and first.unit is None
    )


def looks_like_score(text: str, first: Reading, second: Reading, connector: str) -> bool:
    """ "won 3-1" is a score."""
    if connector not in ("-", "–", "—") or first.value > 30 or second.value > 30:
        return False
    return bool(_SCORE_BEFORE.search(text, max(0, first.start - 40), first.start))

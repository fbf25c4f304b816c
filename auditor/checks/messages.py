"""Plain-English pieces of findings: numbers, places, dates and phrases that rule templates put together.

A rule's ``message`` and ``suggestion`` are ``str.format`` templates over *facts*: every finding has the common
facts of its claim (``surface``, ``claim``, ``what``, ``place``, ``as_of``, ``observed``) and the facts its check
adds (``reference``, ``publisher``, ``by_date``...). The phrases here keep those facts short and in newspaper style:
"4 million", "about 0.13 million" (a reference shown at the claim's scale), "in Syria's neighbouring countries",
"at the end of 2014".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import pandas as pd

from auditor.checks.wording import grouped, is_missing, place_name, spoken

#: Why a claim could not be checked, in words (keys are :data:`auditor.schemas.NOT_CHECKABLE_REASONS`); they read
#: after "Not checkable:" and after "Not checked because".
REASON_WORDS: Final = {
    "no_measure": "the auditor could not tell what the number counts",
    "no_reference": "no reference dataset covers this measure and place",
    "no_location": "the sentence does not say which place the number is about",
    "no_reference_near_date": "no reference observation is close enough to the claim's date",
    "no_date": "the article has no publication date (or one that could not be read) and the sentence gives no "
    "date; give one with --date YYYY-MM-DD, or a date field in JSONL",
    "ambiguous": "the number is far smaller than the national figure it would be compared with: it probably "
    "counts one event or one place",
    "event_level": "the number counts one event (an attack, a boat, a day, a town); the reference data hold "
    "national totals, not single events",
    "not_a_count": 'the number is a plan, quota or pledge, or a threshold ("all donations over £5,000"), not a '
    "count of what happened",
    "subset": "the number counts a part (such as deaths in detention) that no reference series breaks out",
    "unsettled": "the reference figures neither confirm nor contradict it: the latest is an older, lower total "
    "that the count may have grown from since, or an estimate that counts more",
}

#: How a named region reads after "in".
_REGION_PHRASES: Final = {
    "World": "worldwide",
    "Syria's neighbours": "in Syria's neighbouring countries",
    "Middle East": "in the Middle East",
    "European Union": "in the European Union",
    "Americas": "in the Americas",
}


def _text(value: object) -> str | None:
    return None if is_missing(value) else str(value)


def amount(value: float, *, like: float | None = None, sig: int = 3) -> str:
    """A reference figure in words, at the scale of the claim it is compared with: ``(130_000, like=4e6) ->
    "0.13 million"``, ``(3_887_486) -> "3.89 million"``, ``(191_369) -> "191,000"``."""
    if is_missing(value) or math.isinf(value):
        return "an unknown number"
    rounded = float(f"{value:.{sig}g}") if value else 0.0
    if like is not None and not is_missing(like) and abs(like) >= 1e6 > abs(rounded) >= 1e5:
        return f"{float(f'{rounded / 1e6:.2g}'):g} million"
    if abs(rounded) >= 1e6:
        return spoken(rounded)
    return grouped(rounded)


def reference_amount(value: float, low: object, high: object, *, like: float | None = None) -> str:
    """A reference figure with its published bound: "more than 230,000", "up to 5,000", "between 1 million and
    1.2 million", or just the value."""
    has_low, has_high = not is_missing(low), not is_missing(high)
    if has_low and has_high:
        shown_low, shown_high = amount(float(str(low)), like=like), amount(float(str(high)), like=like)
        if shown_low != shown_high:
            return f"between {shown_low} and {shown_high}"
    if has_low and not has_high:
        return f"more than {amount(float(str(low)), like=like)}"
    if has_high and not has_low:
        return f"up to {amount(float(str(high)), like=like)}"
    shown = amount(value, like=like)
    exact = amount(value, sig=15)
    return shown if shown == exact else f"about {shown}"


def place_phrase(place: object) -> str:
    """``"SYR" -> "in Syria"``, ``"World" -> "worldwide"``, ``None -> ""``."""
    code = _text(place)
    if code is None:
        return ""
    if code in _REGION_PHRASES:
        return _REGION_PHRASES[code]
    return f"in {place_name(code)}"


def place_name_of(place: object) -> str:
    """``"SYR" -> "Syria"``, ``"Europe" -> "Europe"``, ``None -> ""``."""
    code = _text(place)
    return "" if code is None else str(place_name(code))


def place_noun(place: object) -> str:
    """A place as a noun phrase: ``"World" -> "the whole world"``, ``"Syria's neighbours" -> "Syria's
    neighbouring countries"``, ``"SYR" -> "Syria"``."""
    code = _text(place)
    if code is None:
        return ""
    phrase = _REGION_PHRASES.get(code)
    if code == "World":
        return "the whole world"
    if phrase is not None:
        return phrase.removeprefix("in ")
    return str(place_name(code))


def origin_phrase(origin: object) -> str:
    """``"SYR" -> "from Syria"``."""
    code = _text(origin)
    return "" if code is None else f"from {place_name(code)}"


#: How a measure reads after a number when the claim's own noun says nothing ("250,000 people" -> deaths).
MEASURE_PHRASES: Final = {
    "deaths": "deaths",
    "injured": "people injured",
    "casualties": "casualties",
    "displaced": "people displaced",
    "internally_displaced": "people internally displaced",
    "asylum_applications": "asylum applications",
    "population": "inhabitants",
}
#: Nouns that count people without saying what happened to them; the measure's phrase is used instead.
GENERIC_NOUNS: Final = frozenset({"people", "person", "persons", "individuals", "lives", "others", "more"})


def what(measure: object, counted: object = None) -> str:
    """What is counted, in words: the claim's own noun phrase unless it is generic ("people"), else the measure:
    ``("deaths", "people") -> "deaths"``, ``("migrants", "migrants and refugees") -> "migrants and refugees"``."""
    noun = _text(counted)
    name = _text(measure)
    if noun and (name is None or noun.lower() not in GENERIC_NOUNS):
        return noun
    if name is None:
        return ""
    return MEASURE_PHRASES.get(name, name.replace("_", " "))


def date_phrase(value: object, *, annual: bool = False) -> str:
    """``"by 2015-08-25"``, or for an annual stock ``"at the end of 2014"``."""
    if is_missing(value):
        return "at an unknown date"
    stamp = pd.Timestamp(str(value))
    if annual:
        return f"at the end of {stamp.year if stamp.month == 12 else stamp.year - 1}"
    return f"by {stamp.strftime('%Y-%m-%d')}"


def join(*phrases: str) -> str:
    """Words joined by single spaces, empty phrases left out."""
    return " ".join(p for p in phrases if p)


def ratio_phrase(ratio: float) -> str:
    """``30.2 -> "about 30 times"``, ``1.6 -> "about 1.6 times"``."""
    if not math.isfinite(ratio):
        return "far"
    return f"about {float(f'{ratio:.2g}'):g} times"


def factor_word(factor: float) -> str:
    """``1e3 -> "a thousand"``, ``1e6 -> "a million"``, ``1e9 -> "a billion"``."""
    words = {3: "a thousand", 6: "a million", 9: "a billion", 12: "a trillion"}
    return words.get(round(math.log10(factor)), f"{factor:g}")


def claim_facts(claim: Mapping[str, object]) -> dict[str, str]:
    """The common facts of a claim row (see the module doc)."""
    surface = _text(claim.get("surface")) or ""
    noun = what(claim.get("measure"), claim.get("counted"))
    place = claim.get("place") if "place" in claim else claim.get("location")
    value = claim.get("value")
    observed = value if not is_missing(value) else claim.get("low")
    observed = observed if not is_missing(observed) else claim.get("high")
    return {
        "surface": surface,
        "what": noun,
        "claim": join(
            surface, noun, _unsaid_origin(claim.get("origin"), noun), place_phrase(place), _placed_by(claim)
        ),
        "place": place_phrase(place),
        "as_of": date_phrase(claim.get("as_of")).removeprefix("by "),
        "observed": "" if is_missing(observed) else amount(float(str(observed))),
    }


#: What a finding adds when the article, not the sentence, gave the claim its place or origin.
_PLACED_BY: Final = {
    "article_place": "(the sentence names no place: {name} is the country the article is about)",
    "article_origin": "(the sentence names no origin: {name} is the country the article is about)",
}


def _placed_by(claim: Mapping[str, object]) -> str:
    rule = _text(claim.get("placed_by"))
    if rule not in _PLACED_BY:
        return ""
    code = _text(claim.get("place") if rule == "article_place" else claim.get("origin"))
    return _PLACED_BY[rule].format(name=place_name(code)) if code else ""


def _unsaid_origin(origin: object, noun: str) -> str:
    """ "from Syria" unless the noun already says so ("Syrian refugees")."""
    from auditor.claims import places

    code = _text(origin)
    if code is None or any(m.code == code for m in places.mentions(noun)):
        return ""
    return origin_phrase(code)


def render(template: str, facts: Mapping[str, str]) -> str:
    """Fill a template and tidy the spacing left by empty facts."""
    text = template.format_map(dict(facts))
    for before, after in (("  ", " "), (" ,", ","), (" .", "."), (" ;", ";"), ("..", ".")):
        while before in text:
            text = text.replace(before, after)
    return text.strip()

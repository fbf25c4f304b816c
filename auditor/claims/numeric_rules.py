"""Loading ``rules/hedges.yaml`` and ``rules/units.yaml`` into compiled patterns for the scanner.

The files declare *what* the words are; this module checks them (typed :class:`~auditor.errors.RuleError` naming
file, field, bad value and what is allowed) and compiles them once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import RuleError
from auditor.resources import rules_dir

BOUND_COMPARATORS = ("gt", "ge", "lt", "le", "approx", "eq")
AFTER_COMPARATORS = ("ge", "le", "approx")


@dataclass(frozen=True, slots=True)
class UnitForm:
    """A unit as written in text: its pint unit name and the claim kind it makes."""

    unit: str
    kind: str


_TOKEN = re.compile(r"[A-Za-z]+\.?|\d+|[^\w\s]+")


def phrase_key(phrase: str, case_sensitive: bool = False) -> str:
    """Normal form of a phrase for look-ups: tokens joined by one space, lower-cased unless ``case_sensitive``
    ("more  than" -> "more than"; "US$" -> "US $")."""
    tokens = _TOKEN.findall(phrase)
    return " ".join(tokens if case_sensitive else [t.lower() for t in tokens])


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Phrases that must stand right before a position, found by dictionary look-up of the last few tokens.

    Much faster than an end-anchored regex search over a window: at most ``max_words`` look-ups per call.
    """

    table: dict[str, str]
    max_words: int
    last_tokens: frozenset[str]  # the last token of every phrase: a cheap first test
    last_chars: frozenset[str]  # the last character of every phrase: a cheaper one
    case_sensitive: bool = False  # currencies: "A$" is Australian, "a $7,000" is not

    @classmethod
    def build(cls, table: dict[str, str], *, case_sensitive: bool = False) -> PhraseIndex:
        keyed = {phrase_key(k, case_sensitive): v for k, v in table.items()}
        return cls(
            keyed,
            max((len(k.split()) for k in keyed), default=1),
            frozenset(k.rsplit(" ", 1)[-1] for k in keyed),
            frozenset(k[-1] for k in keyed if k),
            case_sensitive,
        )

    def _norm(self, token: str) -> str:
        return token if self.case_sensitive else token.lower()

    def find(self, text: str, pos: int, span: int = 48) -> tuple[str, int] | None:
        """(value, start offset) of the longest phrase ending right before ``pos`` (white space allowed)."""
        lo = max(0, pos - span)
        window = text[lo:pos]
        tail = window.rstrip()
        # a phrase's last token ends the window's last token, which ends at its last character (else no phrase)
        if not tail or self._norm(tail[-1]) not in self.last_chars:
            return None
        last = _TOKEN.findall(tail[-24:])
        if not last or self._norm(last[-1]) not in self.last_tokens:
            return None
        tokens = list(_TOKEN.finditer(window))
        if not tokens or window[tokens[-1].end() :].strip():
            return None
        tokens = tokens[-self.max_words :]
        words = [t.group() for t in tokens]
        if not self.case_sensitive:
            words = [w.lower() for w in words]
        for n in range(len(tokens), 0, -1):
            value = self.table.get(" ".join(words[-n:]))
            if value is None:
                continue
            first = tokens[-n]
            if first.start() == 0 and lo > 0 and text[lo - 1].isalnum() and first.group()[0].isalnum():
                continue  # the phrase would start inside a word cut by the window
            return value, lo + first.start()
        return None


#: What may stand between a number and its unit: spaces, or a line break when the line goes on in lower case
#: ("six\nmonths", not a table's next row "7,148,000\n    Year"), or a hyphen.
_UNIT_GAP = r"(?:[ \t\u00a0]*|[ \t\u00a0]*\n[ \t\u00a0]*(?=(?-i:[a-z]))|-)"
_SPACES = " \t\u00a0"


class UnitAfter:
    """The unit right after a number: :attr:`pattern` (the gap, then one alternation of every unit form, longest
    first), matched through a smaller copy holding only the forms that can start at the characters after the gap.

    ``match`` gives the match of :attr:`pattern` itself: a form whose first character is not ASCII is kept in every
    copy (under ``re.I`` "K" matches the Kelvin sign), and after a non-ASCII character the whole pattern is used.
    """

    __slots__ = ("_by_start", "_forms", "_narrow", "pattern")

    def __init__(self, forms: list[str]) -> None:
        self.pattern = re.compile(
            _UNIT_GAP + f"(?:{_alternation(forms, left_boundary=False)})", re.IGNORECASE
        )
        self._forms = forms
        self._by_start: dict[str, list[str]] = {}
        for f in forms:
            first = f.strip()[:1]
            keys = [first.lower()] if first.isascii() else ["*"]  # "*": in every copy
            for key in keys:
                self._by_start.setdefault(key, []).append(f)
        self._narrow: dict[frozenset[str], re.Pattern[str]] = {}

    def _copy(self, starts: frozenset[str]) -> re.Pattern[str]:
        found = self._narrow.get(starts)
        if found is None:
            keep = {f for key in (*starts, "*") for f in self._by_start.get(key, ())}
            forms = [f for f in self._forms if f in keep]
            body = _alternation(forms, left_boundary=False) if forms else "(?!)"
            found = re.compile(_UNIT_GAP + f"(?:{body})", re.IGNORECASE)
            self._narrow[starts] = found
        return found

    def match(self, text: str, pos: int) -> re.Match[str] | None:
        """``pattern.match(text, pos)``."""
        end = len(text)
        i = pos
        while i < end and text[i] in _SPACES:
            i += 1
        if i == end:
            return None
        starts = [text[i]]
        if text[i] == "\n":  # the gap may go on to the next line
            j = i + 1
            while j < end and text[j] in _SPACES:
                j += 1
            if j < end:
                starts.append(text[j])
        if text[pos] == "-" and pos + 1 < end:
            starts.append(text[pos + 1])
        if not all(c.isascii() for c in starts):
            return self.pattern.match(text, pos)
        return self._copy(frozenset(c.lower() for c in starts)).match(text, pos)


@dataclass(frozen=True, slots=True)
class NumericRules:
    """Compiled qualifier, range and unit patterns."""

    before: PhraseIndex  # qualifiers right before a number
    before_forward: re.Pattern[str]  # the same phrases, matched forward (a second bound after "and")
    before_comparator: dict[str, str]
    after: re.Pattern[str]  # matched right after a number (and its unit)
    after_comparator: dict[str, str]
    duration_exempt: frozenset[str]
    range_open: PhraseIndex
    range_join: re.Pattern[str]
    change_verbs: frozenset[str]
    compound_join: re.Pattern[str]
    currency_before: PhraseIndex
    unit_after: UnitAfter
    #: what a unit after a number can start with (lower case; a non-ASCII character is always tried)
    unit_after_starts: frozenset[str]
    unit_after_form: dict[str, UnitForm]
    vague: re.Pattern[str]  # searched around a vague trigger word
    vague_range: dict[str, tuple[float, float, str]]
    #: look-up keys (``lexicon.noun_key``) of the nouns that name what is counted ("civilians", "militants"):
    #: a capitalised one after a number makes it a count in a title-case headline ("Raids Kill 12 Civilians")
    count_nouns: frozenset[str] = frozenset()
    #: the one-word triggers (lower case) of the measures that happen to people ("kill", "injure"): a number
    #: right after one counts, even capitalised in a headline ("Airstrikes Kill 50", "Injure 100 Militants")
    count_verbs: frozenset[str] = frozenset()


def _phrase(form: str, left_boundary: bool = True) -> str:
    """Regex for a phrase: words separated by any run of spaces; words keep a left/right word boundary."""
    parts = [re.escape(p) for p in form.split()]
    body = r"\s+".join(parts)
    left = r"(?<![\w])" if form[:1].isalnum() and left_boundary else ""
    right = r"(?![\w])" if form[-1:].isalnum() else ""
    return f"{left}{body}{right}"


def _alternation(forms: list[str], left_boundary: bool = True) -> str:
    """Alternation, longest first; forms with an upper-case letter, and short ones, match case-sensitively."""
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    alts = []
    for f in ordered:
        pat = _phrase(f, left_boundary)
        exact = any(c.isupper() for c in f) or (len(f) <= 2 and f.isalpha())
        alts.append(f"(?-i:{pat})" if exact else pat)
    return "|".join(alts)


def _key(form: str, case_sensitive: bool) -> str:
    folded = " ".join(form.split())
    return folded if case_sensitive else folded.lower()


def lookup_form(table: dict[str, Any], surface: str) -> Any:
    """Find a matched surface in a form table (exact case first, then case-folded)."""
    folded = " ".join(surface.split())
    if folded in table:
        return table[folded]
    return table.get(folded.lower())


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(path, f"cannot read rule file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RuleError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=line) from exc
    if not isinstance(data, dict):
        raise RuleError(path, "expected a mapping at the top level", value=type(data).__name__)
    return data


def _str_list(path: Path, field: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(path, "expected a list of non-empty strings", field=field, value=value)
    return [str(v) for v in value]


def _check_keys(path: Path, field: str, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise RuleError(path, "unknown key", field=f"{field}.{key}" if field else key, allowed=allowed)


@dataclass(frozen=True)
class _Hedges:
    """The phrase lists of ``hedges.yaml``, before compiling."""

    before: dict[str, str]
    after: dict[str, str]
    opens: list[str]
    joins: list[str]
    verbs: list[str]
    compound: list[str]
    exempt: list[str]
    vague: dict[str, tuple[float, float, str]]


def _read_hedges(hedges_path: Path) -> _Hedges:
    """Read and check ``hedges.yaml``."""
    hedges = _load_yaml(hedges_path)
    _check_keys(
        hedges_path, "", hedges, ("before", "after", "duration_exempt", "range", "compound_join", "vague")
    )

    before = hedges.get("before") or {}
    after = hedges.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise RuleError(hedges_path, "expected a mapping of comparator to phrases", field="before/after")
    _check_keys(hedges_path, "before", before, BOUND_COMPARATORS)
    _check_keys(hedges_path, "after", after, AFTER_COMPARATORS)
    before_map: dict[str, str] = {}
    for cmp, forms in before.items():
        for f in _str_list(hedges_path, f"before.{cmp}", forms):
            before_map[_key(f, False)] = cmp
    after_map: dict[str, str] = {}
    for cmp, forms in after.items():
        for f in _str_list(hedges_path, f"after.{cmp}", forms):
            after_map[_key(f, False)] = cmp
    rng = hedges.get("range") or {}
    if not isinstance(rng, dict):
        raise RuleError(hedges_path, "expected a mapping", field="range", value=rng)
    _check_keys(hedges_path, "range", rng, ("open", "join", "change_verbs"))
    opens = _str_list(hedges_path, "range.open", rng.get("open", []))
    joins = _str_list(hedges_path, "range.join", rng.get("join", []))
    verbs = _str_list(hedges_path, "range.change_verbs", rng.get("change_verbs", []))
    compound = _str_list(hedges_path, "compound_join", hedges.get("compound_join", []))
    exempt = _str_list(hedges_path, "duration_exempt", hedges.get("duration_exempt", []))

    vague_range: dict[str, tuple[float, float, str]] = {}
    vague = hedges.get("vague") or {}
    if not isinstance(vague, dict):
        raise RuleError(hedges_path, "expected a mapping of phrase to [low, high, kind]", field="vague")
    for phrase, spec in vague.items():
        ok = isinstance(spec, list) and len(spec) == 3 and all(isinstance(x, int | float) for x in spec[:2])
        if not ok or spec[2] not in ("count", "percent") or spec[0] > spec[1]:
            raise RuleError(
                hedges_path,
                "expected [low, high, kind] with low <= high",
                field=f"vague.{phrase}",
                value=spec,
                allowed=("count", "percent"),
            )
        vague_range[_key(str(phrase), False)] = (float(spec[0]), float(spec[1]), str(spec[2]))
    return _Hedges(before_map, after_map, opens, joins, verbs, compound, exempt, vague_range)


def _read_units(units_path: Path) -> tuple[dict[str, UnitForm], dict[str, str]]:
    """Read and check ``units.yaml``: unit forms after a number, and currency forms before one."""
    units = _load_yaml(units_path)
    _check_keys(units_path, "", units, ("percent", "percentage_point", "currencies", "quantities"))
    unit_forms: dict[str, UnitForm] = {}
    for kind in ("percent", "percentage_point"):
        spec = units.get(kind)
        if not isinstance(spec, dict) or "unit" not in spec:
            raise RuleError(units_path, "expected {unit: ..., forms: [...]}", field=kind, value=spec)
        for f in _str_list(units_path, f"{kind}.forms", spec.get("forms")):
            unit_forms[_key(f, True)] = UnitForm(str(spec["unit"]), kind)
    currency_before: dict[str, str] = {}
    currencies = units.get("currencies") or {}
    if not isinstance(currencies, dict):
        raise RuleError(units_path, "expected a mapping of ISO code to forms", field="currencies")
    for code, spec in currencies.items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
            raise RuleError(
                units_path, "currency key must be an ISO 4217 code", field="currencies", value=code
            )
        if not isinstance(spec, dict):
            raise RuleError(units_path, "expected {before: [...], after: [...]}", field=f"currencies.{code}")
        _check_keys(units_path, f"currencies.{code}", spec, ("before", "after"))
        for f in _str_list(units_path, f"currencies.{code}.before", spec.get("before", [])):
            currency_before[_key(f, True)] = code
        for f in _str_list(units_path, f"currencies.{code}.after", spec.get("after", [])):
            unit_forms[_key(f, True)] = UnitForm(code, "money")
    quantities = units.get("quantities") or {}
    if not isinstance(quantities, dict):
        raise RuleError(units_path, "expected a mapping of pint unit to forms", field="quantities")
    for unit, forms in quantities.items():
        for f in _str_list(units_path, f"quantities.{unit}", forms):
            unit_forms.setdefault(_key(f, True), UnitForm(str(unit), "quantity"))
    return unit_forms, currency_before


def load_numeric_rules(directory: Path | None = None) -> NumericRules:
    """Read and compile ``hedges.yaml`` and ``units.yaml`` from ``directory`` (default: the shipped rules)."""
    base = directory or rules_dir()
    h = _read_hedges(base / "hedges.yaml")
    unit_forms, currency_before = _read_units(base / "units.yaml")
    before_map, after_map, opens, joins, verbs = h.before, h.after, h.opens, h.joins, h.verbs
    compound, exempt, vague_range = h.compound, h.exempt, h.vague
    count_nouns, count_verbs = _count_words(base / "measures.yaml")

    return NumericRules(
        before=PhraseIndex.build(before_map),
        before_forward=re.compile(rf"(?:{_alternation(list(before_map))})\s*", re.IGNORECASE),
        before_comparator=before_map,
        after=re.compile(rf"\s*(?:{_alternation(list(after_map))})", re.IGNORECASE),
        after_comparator=after_map,
        duration_exempt=frozenset(e.lower() for e in exempt),
        range_open=PhraseIndex.build({**{o: o for o in opens}, **{f"{o} the": o for o in opens}}),
        range_join=re.compile(rf"\s*(?:{_alternation(joins)})\s*", re.IGNORECASE),
        change_verbs=frozenset(v.lower() for v in verbs),
        compound_join=re.compile(rf"\s*(?:{_alternation(compound)})\s*", re.IGNORECASE),
        currency_before=PhraseIndex.build(currency_before, case_sensitive=True),
        unit_after=UnitAfter(list(unit_forms)),
        unit_after_starts=frozenset(" \t\n-") | {f.strip()[:1].lower() for f in unit_forms if f.strip()},
        unit_after_form=unit_forms,
        vague=re.compile(rf"(?:{_alternation(list(vague_range))})", re.IGNORECASE),
        vague_range=vague_range,
        count_nouns=count_nouns,
        count_verbs=count_verbs,
    )


def _count_words(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The noun keys of ``measures.yaml`` (its measure nouns and generic people nouns) and the one-word triggers
    of its event measures; none when it is absent."""
    from auditor.claims.lexicon import load_measures

    if not path.is_file():
        return frozenset(), frozenset()
    lexicon = load_measures(path)
    verbs = {t for m in lexicon.measures.values() if m.event for t in m.triggers if " " not in t}
    return frozenset(lexicon.nouns) | lexicon.generic, frozenset(verbs)


@cache
def default_numeric_rules() -> NumericRules:
    """The shipped rules, compiled once per process."""
    return load_numeric_rules()

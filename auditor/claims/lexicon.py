"""Typed, validated views of ``rules/places.yaml`` and ``rules/measures.yaml``.

Each loader reads one YAML file, checks every key and value, and returns frozen dataclasses. A broken file
raises :class:`~auditor.errors.RuleError` naming the file, the line, the field, the bad value and what is
allowed. Plural forms are derived here, once, so that matchers only do dictionary look-ups.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from auditor.errors import RuleError
from auditor.resources import rules_dir

# --- YAML with line numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Doc:
    """A parsed YAML file; its node tree is composed only when an error needs a line number."""

    path: Path
    text: str
    data: Any

    def line(self, *keys: str | int) -> int | None:
        """The 1-based line of the value at ``keys`` (or of the deepest key that exists)."""
        import yaml

        try:
            node = yaml.compose(self.text, Loader=_loader())
        except yaml.YAMLError:
            return None
        line = node.start_mark.line + 1 if node is not None else None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == key:
                        line, node = k.start_mark.line + 1, v
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def error(
        self,
        reason: str,
        *keys: str | int,
        value: object = None,
        allowed: Any = None,
        rule_id: str | None = None,
    ) -> RuleError:
        """A :class:`RuleError` located at ``keys``."""
        field = ".".join(str(k) for k in keys) or None
        return RuleError(
            self.path,
            reason,
            field=field,
            value=value,
            allowed=allowed,
            line=self.line(*keys),
            rule_id=rule_id,
        )


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_doc(path: Path) -> _Doc:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, f"cannot read rule file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RuleError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=line) from exc
    return _Doc(path, text, data)


def _mapping(doc: _Doc, value: Any, *keys: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error("must be a mapping", *keys, value=type(value).__name__)
    for k in value:
        if not isinstance(k, str) or not k.strip():
            raise doc.error("keys must be non-empty strings", *keys, value=k)
    return value


def _strings(doc: _Doc, value: Any, *keys: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error("must be a list of non-empty strings", *keys, value=value)
    return tuple(v.strip() for v in value)


def _check_keys(doc: _Doc, value: dict[str, Any], allowed: tuple[str, ...], *keys: str) -> None:
    for k in value:
        if k not in allowed:
            raise doc.error("unknown key", *keys, k, value=k, allowed=allowed)


# --- countries (library-backed) -----------------------------------------------------------------------------


@cache
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code pycountry knows."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


@cache
def _coco_table() -> tuple[tuple[str, ...], tuple[dict[str, str], ...]]:
    """country_converter's country table (header, rows), read without instantiating its pandas converter."""
    # find the package without importing it: its __init__ imports pandas
    spec = importlib.util.find_spec("country_converter")
    if spec is None or spec.origin is None:
        raise RuleError(None, "the country_converter package is not installed; reinstall auditor")
    source = Path(spec.origin).parent / "country_data.tsv"
    with source.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = tuple(reader)
        header = tuple(reader.fieldnames or ())
    return header, rows


def library_members(column: str, value: str) -> frozenset[str]:
    """ISO3 codes whose ``column`` equals ``value`` in country_converter's table (pycountry codes only)."""
    header, rows = _coco_table()
    if column not in header:
        raise KeyError(column)
    known = iso3_codes()
    return frozenset(r["ISO3"] for r in rows if r.get(column) == value and r["ISO3"] in known)


# --- places -------------------------------------------------------------------------------------------------

PLACE_SECTIONS = ("regions", "aliases", "demonyms", "subnational")
#: Sections a places file may leave out.
OPTIONAL_PLACE_SECTIONS = ("wars",)
REGION_KEYS = ("all", "library", "members", "exclude", "aliases")


@dataclass(frozen=True, slots=True)
class Region:
    """A named region: its members (ISO3 codes) and the mentions that mean it."""

    name: str
    members: frozenset[str]
    everything: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlaceLexicon:
    """Everything ``rules/places.yaml`` declares, with derived forms."""

    path: Path
    regions: Mapping[str, Region]
    #: surface form in text -> place code (ISO3 or region name); case-sensitive, includes derived plurals.
    surfaces: Mapping[str, str]
    #: surface forms that are demonyms (singular or plural), for "Syrian refugees" and generic "Syrians".
    demonyms: frozenset[str]
    #: which section each declared entry came from: (section, surface) -> code, before derivation.
    declared: tuple[tuple[str, str, str], ...]
    #: ISO3 -> the day a war began there, for "pre-war" and "before the war" figures.
    wars: Mapping[str, dt.date] = dataclasses.field(default_factory=dict)


def demonym_plural(word: str) -> str:
    """ "Syrian" -> "Syrians"; "Swiss", "British", "Dutch", "Lebanese" stay as they are."""
    return word if word.endswith(("s", "sh", "ch", "ese")) else word + "s"


def load_places(path: Path) -> PlaceLexicon:
    """Load and validate a places file (see the header of ``rules/places.yaml`` for the syntax)."""
    doc = read_yaml_doc(path)
    data = _mapping(doc, doc.data if doc.data is not None else {}, *())
    _check_keys(doc, data, PLACE_SECTIONS + OPTIONAL_PLACE_SECTIONS)
    for section in PLACE_SECTIONS:
        if section not in data:
            raise doc.error("missing section", section, allowed=PLACE_SECTIONS)
    known = iso3_codes()
    header, _ = _coco_table()

    def code(value: Any, *keys: str) -> str:
        if not isinstance(value, str) or value not in known:
            raise doc.error("not an ISO 3166-1 alpha-3 code known to pycountry", *keys, value=value)
        return value

    regions: dict[str, Region] = {}
    for name, raw in _mapping(doc, data["regions"], "regions").items():
        spec = _mapping(doc, raw, "regions", name)
        _check_keys(doc, spec, REGION_KEYS, "regions", name)
        if not {"all", "library", "members"} & spec.keys():
            raise doc.error(
                "a region needs one of all, library, members", "regions", name, value=sorted(spec)
            )
        everything = spec.get("all", False)
        if not isinstance(everything, bool):
            raise doc.error("must be true or false", "regions", name, "all", value=everything)
        members: set[str] = set(known) if everything else set()
        if "library" in spec:
            lib = _mapping(doc, spec["library"], "regions", name, "library")
            _check_keys(doc, lib, ("column", "value"), "regions", name, "library")
            column, value = lib.get("column"), lib.get("value")
            if column not in header:
                raise doc.error(
                    "unknown country_converter column", "regions", name, "library", "column", value=column,
                    allowed=header,
                )  # fmt: skip
            found = library_members(str(column), str(value))
            if not found:
                raise doc.error("no country has this value", "regions", name, "library", "value", value=value)
            members |= found
        for key in ("members", "exclude"):
            codes = {
                code(c, "regions", name, key) for c in _strings(doc, spec.get(key, []), "regions", name, key)
            }
            members = members | codes if key == "members" else members - codes
        aliases = _strings(doc, spec.get("aliases", []), "regions", name, "aliases")
        regions[name] = Region(name, frozenset(members), everything, aliases)

    declared: list[tuple[str, str, str]] = [
        ("regions", a, r.name) for r in regions.values() for a in r.aliases
    ]
    for section in PLACE_SECTIONS[1:]:
        for surface, value in _mapping(doc, data[section], section).items():
            declared.append((section, surface.strip(), code(value, section, surface)))

    surfaces: dict[str, str] = {}
    demonyms: set[str] = set()
    origin: dict[str, tuple[str, str]] = {}
    for section, surface, target in declared:
        forms = [surface]
        if section == "demonyms":
            forms.append(demonym_plural(surface))
            demonyms.update(forms)
        for form in forms:
            previous = surfaces.get(form)
            if previous is not None and previous != target:
                raise doc.error(
                    f"surface form already maps to {previous!r} in section {origin[form][0]!r}",
                    section,
                    surface,
                    value=form,
                )
            surfaces[form] = target
            origin.setdefault(form, (section, surface))
    wars = _wars(doc, data.get("wars", {}), known)
    return PlaceLexicon(path, regions, surfaces, frozenset(demonyms), tuple(declared), wars)


def _wars(doc: _Doc, raw: Any, known: Iterable[str]) -> dict[str, dt.date]:
    """The ``wars`` section: ISO3 code -> the day the war began."""
    wars: dict[str, dt.date] = {}
    codes = set(known)
    for country, began in _mapping(doc, raw, "wars").items():
        if country not in codes:
            raise doc.error(
                "not an ISO 3166-1 alpha-3 code known to pycountry", "wars", country, value=country
            )
        if not isinstance(began, dt.date):
            raise doc.error("expected a date (YYYY-MM-DD)", "wars", country, value=began)
        wars[country] = began
    return wars


# --- measures -----------------------------------------------------------------------------------------------

MEASURE_SECTIONS = ("generic", "measures")
MEASURE_KEYS = ("description", "kinds", "nouns", "triggers", "event", "people", "stock")


@dataclass(frozen=True, slots=True)
class Measure:
    """One canonical measure: the claim kinds it applies to, its nouns and its context triggers."""

    name: str
    description: str
    kinds: frozenset[str]
    nouns: tuple[str, ...]
    triggers: tuple[str, ...]
    #: happens to people (deaths): its triggers beat a ``people`` noun ("30 soldiers were killed")
    event: bool = False
    #: counts a group of people (troops, refugees)
    people: bool = False
    #: counted as it stands on a date (refugees hosted, population), not summed over a period (deaths)
    stock: bool = False


@dataclass(frozen=True, slots=True)
class MeasureLexicon:
    """Everything ``rules/measures.yaml`` declares, with look-up tables."""

    path: Path
    measures: Mapping[str, Measure]
    #: head nouns that count people without saying what happened to them ("people", "civilians").
    generic: frozenset[str]
    #: lower-case noun phrase (singular and plural forms) -> measure name.
    nouns: Mapping[str, str]
    #: lower-case trigger phrase -> measure name.
    triggers: Mapping[str, str]


def singular(word: str) -> str:
    """A naive English singular for look-ups: "casualties" -> "casualty", "jets" -> "jet"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def noun_key(phrase: str) -> str:
    """The look-up key of a noun phrase: lower case, single spaces, last word singular."""
    words = phrase.lower().split()
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def load_measures(path: Path) -> MeasureLexicon:
    """Load and validate a measures file (see the header of ``rules/measures.yaml`` for the syntax)."""
    from auditor.schemas import CLAIM_KINDS

    doc = read_yaml_doc(path)
    data = _mapping(doc, doc.data if doc.data is not None else {})
    _check_keys(doc, data, MEASURE_SECTIONS)
    for section in MEASURE_SECTIONS:
        if section not in data:
            raise doc.error("missing section", section, allowed=MEASURE_SECTIONS)
    generic = frozenset(noun_key(g) for g in _strings(doc, data["generic"], "generic"))
    measures: dict[str, Measure] = {}
    nouns: dict[str, str] = {}
    triggers: dict[str, str] = {}
    for name, raw in _mapping(doc, data["measures"], "measures").items():
        spec = _mapping(doc, raw, "measures", name)
        _check_keys(doc, spec, MEASURE_KEYS, "measures", name)
        for required in ("description", "kinds", "nouns"):
            if required not in spec:
                raise doc.error("missing key", "measures", name, required, allowed=MEASURE_KEYS)
        if not isinstance(spec["description"], str) or not spec["description"].strip():
            raise doc.error(
                "must be a non-empty string", "measures", name, "description", value=spec["description"]
            )
        kinds = _strings(doc, spec["kinds"], "measures", name, "kinds")
        for kind in kinds:
            if kind not in CLAIM_KINDS:
                raise doc.error(
                    "unknown claim kind", "measures", name, "kinds", value=kind, allowed=CLAIM_KINDS
                )
        measure_nouns = _strings(doc, spec["nouns"], "measures", name, "nouns")
        measure_triggers = _strings(doc, spec.get("triggers", []), "measures", name, "triggers")
        for table, entries, field in (
            (nouns, measure_nouns, "nouns"),
            (triggers, measure_triggers, "triggers"),
        ):
            for entry in entries:
                key = noun_key(entry) if field == "nouns" else " ".join(entry.lower().split())
                if field == "nouns" and key in generic:
                    raise doc.error("noun is also listed as generic", "measures", name, field, value=entry)
                other = table.get(key)
                if other is not None and other != name:
                    raise doc.error(
                        f"already belongs to measure {other!r}", "measures", name, field, value=entry
                    )
                table[key] = name
        flags = {}
        for flag in ("event", "people", "stock"):
            flags[flag] = spec.get(flag, False)
            if not isinstance(flags[flag], bool):
                raise doc.error("must be true or false", "measures", name, flag, value=flags[flag])
        measures[name] = Measure(
            name,
            spec["description"].strip(),
            frozenset(kinds),
            measure_nouns,
            measure_triggers,
            event=flags["event"],
            people=flags["people"],
            stock=flags["stock"],
        )
    return MeasureLexicon(path, measures, generic, nouns, triggers)


@cache
def default_places() -> PlaceLexicon:
    """The shipped ``rules/places.yaml``."""
    return load_places(rules_dir() / "places.yaml")


@cache
def default_measures() -> MeasureLexicon:
    """The shipped ``rules/measures.yaml``."""
    return load_measures(rules_dir() / "measures.yaml")


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases`` shaped as a trie, so the engine tries one branch per character.

    The longest phrase wins (optional tails are greedy); a space in a phrase matches any run of white space.
    """
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + build(child) for ch, child in node.items() if ch
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else "(?:" + body + ")?"
        return body

    return build(root) or "(?!)"

"""Loading the rule files into typed, validated structures.

A rules folder holds ``checks/*.yaml`` (the rules: which registered check runs on which claims, with which
parameters, severity and message), ``hierarchy.yaml`` (part-whole relations of measures, and which measures add up
over places) and ``references.yaml`` (which reference series verify which measure and place). Each file starts with
a comment header documenting its syntax. Anything unexpected raises :class:`~auditor.errors.RuleError` naming the
file and line, the rule id, the field, the bad value and the allowed values.

How a whole folder (the shipped one, or a user's given with ``--rules DIR``) becomes one :class:`RuleSet` is in
:mod:`auditor.checks.rule_set`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from auditor.checks.registry import CheckSpec, registered_checks
from auditor.checks.specs import (
    Hierarchy,
    MeasureRelation,
    Params,
    ParamValue,
    ParamValueError,
    ReferenceSpec,
    Scope,
    SeriesPart,
)
from auditor.errors import RuleError
from auditor.schemas import CLAIM_KINDS, SEVERITIES

RULE_KEYS: Final = ("id", "check", "description", "severity", "scope", "params", "message", "suggestion")
SCOPE_KEYS: Final = ("measures", "kinds", "locations")
HIERARCHY_KEYS: Final = ("measures", "additive_over_places", "origin_measures", "places")
REFERENCE_KEYS: Final = (
    "id",
    "measures",
    "kinds",
    "series",
    "sum",
    "location",
    "places",
    "default_place",
    "tolerance",
    "max_days",
    "annual",
    "align",
    "min_share",
    "upper_bound",
    "label",
    "note",
)
DEFAULT_KEYS: Final = ("tolerance", "max_days", "kinds", "min_share")
TEMPLATE_VARIABLES: Final = ("place", "origin")
#: Placeholders of an entry's ``label`` (the phrase naming what the reference counts): place names, not codes.
LABEL_VARIABLES: Final = ("place", "place_name", "origin")
ALIGN_MODES: Final = ("latest", "same_year")
_ID: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


# --- YAML that remembers lines ----------------------------------------------------------------------------------


class _Map(dict[str, Any]):
    """A YAML mapping with the line of the mapping and of each key."""

    line: int = 0
    lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """Safe loader whose mappings are :class:`_Map` and which rejects duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[str(key)] = line
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, f"cannot read rule file: {exc}") from exc
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(path, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from exc


@dataclass(frozen=True, slots=True)
class _At:
    """Where a value sits (file, rule id, line) so that errors can say so."""

    path: Path
    rule_id: str | None = None
    line: int | None = None

    def error(self, reason: str, field: str | None, value: object = None, allowed: Any = None) -> RuleError:
        return RuleError(
            self.path, reason, rule_id=self.rule_id, field=field, value=value, allowed=allowed, line=self.line
        )

    def within(self, mapping: object, key: str | None = None) -> _At:
        """The location of ``mapping`` (or of its ``key``) when it carries line numbers."""
        if isinstance(mapping, _Map):
            line = mapping.lines.get(key, mapping.line) if key is not None else mapping.line
            return _At(self.path, self.rule_id, line)
        return self


def _kind(value: object) -> str:
    """What a YAML value is, in the file's terms (for "must be a list (got 'a mapping')")."""
    kinds = (
        (bool, "true/false"),
        (dict, "a mapping"),
        (list, "a list"),
        (str, "a string"),
        (int | float, "a number"),
    )
    return next(
        (name for kind, name in kinds if isinstance(value, kind)),
        "nothing" if value is None else type(value).__name__,
    )


def _mapping(at: _At, value: object, field: str | None, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise at.error("must be a mapping", field, _kind(value))
    for key in value:
        if key not in allowed:
            name = f"{field}.{key}" if field else str(key)
            raise at.within(value, key).error("unknown key", name, key, allowed)
    return value


def _strings(at: _At, value: object, field: str, allowed: tuple[str, ...] | None = None) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise at.error("must be a list of non-empty strings", field, value)
    if allowed is not None:
        for item in value:
            if item not in allowed:
                raise at.error("unknown value", field, item, allowed)
    return frozenset(value)


def _number(at: _At, value: object, field: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise at.error(f"must be a number >= {minimum:g}", field, value)
    return float(value)


def _measure_names() -> tuple[str, ...]:
    from auditor.claims.lexicon import default_measures

    return tuple(default_measures().measures)


def _known_place(place: str) -> bool:
    from auditor.claims import places

    return place in places.REGIONS or (len(place) == 3 and places.country_code(place) == place)


def _places(at: _At, value: object, field: str) -> frozenset[str]:
    from auditor.claims.places import REGIONS

    result = _strings(at, value, field)
    for place in result:
        if not _known_place(place):
            raise at.error("unknown place", field, place, (*REGIONS, "an ISO 3166-1 alpha-3 code"))
    return result


# --- rules ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: a registered check with parameters, a scope, a severity and message templates per verdict."""

    id: str
    check: CheckSpec
    params: Params
    scope: Scope
    severity: str
    messages: Mapping[str, str]
    suggestions: Mapping[str, str]
    description: str
    path: Path


def _templates(at: _At, value: object, field: str, spec: CheckSpec, required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if isinstance(value, str):
        templates = dict.fromkeys(spec.verdicts, value)
    elif isinstance(value, dict):
        templates = {}
        for verdict, text in value.items():
            if verdict not in spec.verdicts:
                raise at.within(value, verdict).error(
                    f"check {spec.name!r} never reports this verdict",
                    f"{field}.{verdict}",
                    verdict,
                    spec.verdicts,
                )
            if not isinstance(text, str) or not text.strip():
                raise at.within(value, verdict).error(
                    "must be a non-empty string", f"{field}.{verdict}", text
                )
            templates[verdict] = text
        missing = [v for v in spec.verdicts if v not in templates]
        if required and missing:
            raise at.error("no message for a verdict the check reports", field, missing[0], spec.verdicts)
    else:
        raise at.error("must be a string or a mapping verdict -> string", field, value)
    for verdict, text in templates.items():
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise at.error(f"bad template: {exc}", field, text) from exc
        for name in names:
            if name not in spec.fields:
                raise at.error(f"unknown placeholder in the {verdict} template", field, name, spec.fields)
    return templates


def _rule(at: _At, raw: object, checks: Mapping[str, CheckSpec], measures: tuple[str, ...]) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise at.error("id must be lower-case letters, digits, '-', '_' or '.'", "id", rule_id)
    at = _At(at.path, rule_id, at.line)
    data = _mapping(at, raw, None, RULE_KEYS)
    for key in ("check", "severity", "message"):
        if key not in data:
            raise at.error("missing key", key, None, RULE_KEYS)
    name = data["check"]
    if name not in checks:
        raise at.within(data, "check").error("unknown check", "check", name, checks)
    spec = checks[name]
    severity = data["severity"]
    if severity not in SEVERITIES:
        raise at.within(data, "severity").error("unknown severity", "severity", severity, SEVERITIES)
    values: dict[str, ParamValue] = {}
    raw_params = _mapping(at.within(data, "params"), data.get("params") or {}, "params", tuple(spec.params))
    for key, value in raw_params.items():
        try:
            values[key] = spec.params[key].coerce(value)
        except ParamValueError as problem:
            where = at.within(raw_params, key)
            raise where.error(
                f"bad parameter: {problem.reason}", f"params.{key}", value, problem.allowed
            ) from None
    scope_at = at.within(data, "scope")
    scope_raw = _mapping(scope_at, data.get("scope") or {}, "scope", SCOPE_KEYS)
    scope = Scope(
        measures=_strings(scope_at, scope_raw["measures"], "scope.measures", measures)
        if "measures" in scope_raw
        else None,
        kinds=_strings(scope_at, scope_raw["kinds"], "scope.kinds", CLAIM_KINDS)
        if "kinds" in scope_raw
        else None,
        locations=_places(scope_at, scope_raw["locations"], "scope.locations")
        if "locations" in scope_raw
        else None,
    )
    description = data.get("description", "")
    if not isinstance(description, str):
        raise at.error("must be a string", "description", description)
    return Rule(
        id=rule_id,
        check=spec,
        params=spec.bind(values),
        scope=scope,
        severity=severity,
        messages=_templates(at.within(data, "message"), data["message"], "message", spec, required=True),
        suggestions=_templates(
            at.within(data, "suggestion"), data.get("suggestion"), "suggestion", spec, False
        ),
        description=description.strip(),
        path=at.path,
    )


def load_rule_file(path: Path) -> tuple[Rule, ...]:
    """The rules of one ``checks/*.yaml`` file."""
    data = _read_yaml(path)
    at = _At(path, line=getattr(data, "line", None))
    top = _mapping(at, {} if data is None else data, None, ("rules",))
    items = top.get("rules") or []
    if not isinstance(items, list):
        raise at.within(top, "rules").error("must be a list of rules", "rules", _kind(items))
    checks, measures = registered_checks(), _measure_names()
    return tuple(_rule(at.within(item), item, checks, measures) for item in items)


# --- hierarchy --------------------------------------------------------------------------------------------------


def load_hierarchy(path: Path) -> Hierarchy:
    """Read ``hierarchy.yaml``."""
    data = _read_yaml(path)
    at = _At(path, line=getattr(data, "line", None))
    top = _mapping(at, data, None, HIERARCHY_KEYS)
    measures = _measure_names()
    relations: list[MeasureRelation] = []
    rel_at = at.within(top, "measures")
    for whole, parts in _mapping(rel_at, top.get("measures") or {}, "measures", measures).items():
        where = rel_at.within(top.get("measures"), whole)
        part_set = _strings(where, parts, f"measures.{whole}", measures)
        if whole in part_set:
            raise where.error("a measure cannot be a part of itself", f"measures.{whole}", whole)
        relations.append(MeasureRelation(whole, tuple(sorted(part_set))))
    places_raw = _mapping(at.within(top, "places"), top.get("places") or {}, "places", ("regions",))
    from auditor.claims.places import REGIONS

    return Hierarchy(
        measures=tuple(relations),
        additive_over_places=_strings(
            at.within(top, "additive_over_places"),
            top.get("additive_over_places") or [],
            "additive_over_places",
            measures,
        ),
        origin_measures=_strings(
            at.within(top, "origin_measures"), top.get("origin_measures") or [], "origin_measures", measures
        ),
        regions=_strings(
            at.within(top, "places"), places_raw.get("regions") or [], "places.regions", REGIONS
        ),
    )


# --- references -------------------------------------------------------------------------------------------------


def _template(at: _At, value: object, field: str, variables: tuple[str, ...] = TEMPLATE_VARIABLES) -> str:
    if not isinstance(value, str) or not value:
        raise at.error("must be a non-empty string", field, value)
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        raise at.error(f"bad template: {exc}", field, value) from exc
    for name in names:
        if name not in variables:
            raise at.error("unknown template variable", field, name, variables)
    return value


def _reference(at: _At, raw: object, defaults: Mapping[str, Any], measures: tuple[str, ...]) -> ReferenceSpec:
    spec_id = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(spec_id, str) or not _ID.match(spec_id):
        raise at.error("id must be lower-case letters, digits, '-', '_' or '.'", "id", spec_id)
    at = _At(at.path, spec_id, at.line)
    data = _mapping(at, raw, None, REFERENCE_KEYS)
    if "measures" not in data:
        raise at.error("missing key", "measures", None, REFERENCE_KEYS)
    if ("series" in data) == ("sum" in data):
        raise at.error("give exactly one of series or sum", "series", None, ("series", "sum"))
    location = _template(at, data.get("location", "{place}"), "location")
    parts: list[SeriesPart] = []
    if "series" in data:
        parts.append(SeriesPart(_template(at, data["series"], "series"), location))
    else:
        items = data["sum"]
        if not isinstance(items, list) or len(items) < 2:
            raise at.error("must be a list of at least two {series, location} entries", "sum", items)
        for item in items:
            part = _mapping(at.within(item), item, "sum", ("series", "location"))
            parts.append(
                SeriesPart(
                    _template(at.within(item), part.get("series"), "sum.series"),
                    _template(at.within(item), part.get("location", location), "sum.location"),
                )
            )
    merged = {**defaults, **data}
    align = merged.get("align", "latest")
    if align not in ALIGN_MODES:
        raise at.within(data, "align").error("unknown alignment", "align", align, ALIGN_MODES)
    annual = merged.get("annual", False)
    if not isinstance(annual, bool):
        raise at.within(data, "annual").error("must be true or false", "annual", annual)
    upper_bound = data.get("upper_bound", False)
    if not isinstance(upper_bound, bool):
        raise at.within(data, "upper_bound").error("must be true or false", "upper_bound", upper_bound)
    max_days = _number(at.within(data, "max_days"), merged.get("max_days"), "max_days", 0)
    default_place = data.get("default_place")
    if default_place is not None:
        default_place = next(iter(_places(at.within(data, "default_place"), default_place, "default_place")))
    label = data.get("label")
    if label is not None:
        label = _template(at.within(data, "label"), label, "label", LABEL_VARIABLES)
    return ReferenceSpec(
        id=spec_id,
        measures=_strings(at.within(data, "measures"), data["measures"], "measures", measures),
        kinds=_strings(at.within(data, "kinds"), merged.get("kinds", ["count"]), "kinds", CLAIM_KINDS),
        parts=tuple(parts),
        places=_places(at.within(data, "places"), data["places"], "places") if "places" in data else None,
        default_place=default_place,
        tolerance=_number(at.within(data, "tolerance"), merged.get("tolerance", 0.05), "tolerance"),
        max_days=int(max_days),
        annual=annual,
        align=align,
        min_share=_number(at.within(data, "min_share"), merged.get("min_share", 0.0), "min_share"),
        label=label,
        upper_bound=upper_bound,
    )


def _defaults(at: _At, top: Mapping[str, Any]) -> dict[str, Any]:
    return dict(_mapping(at.within(top, "defaults"), top.get("defaults") or {}, "defaults", DEFAULT_KEYS))


def load_references(path: Path, *, inherit: Path | None = None) -> tuple[ReferenceSpec, ...]:
    """Read ``references.yaml``; keys its ``defaults`` leave out come from ``inherit``'s (a user file takes the
    shipped defaults)."""
    base: dict[str, Any] = {}
    if inherit is not None:
        shipped = _read_yaml(inherit)
        base_at = _At(inherit, line=getattr(shipped, "line", None))
        base = _defaults(base_at, _mapping(base_at, shipped, None, ("defaults", "series")))
    data = _read_yaml(path)
    at = _At(path, line=getattr(data, "line", None))
    top = _mapping(at, data, None, ("defaults", "series"))
    defaults = {**base, **_defaults(at, top)}
    items = top.get("series") or []
    if not isinstance(items, list):
        raise at.within(top, "series").error("must be a list", "series", _kind(items))
    measures = _measure_names()
    specs = tuple(_reference(at.within(item), item, defaults, measures) for item in items)
    unique_ids(at.path, [(s.id, s) for s in specs], "id")
    return specs


# --- the whole set ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything a rules folder declares."""

    rules: tuple[Rule, ...]
    hierarchy: Hierarchy
    references: tuple[ReferenceSpec, ...]
    files: tuple[Path, ...]


def unique_ids(where: Path, items: list[tuple[str, object]], field: str) -> None:
    """Refuse a key given twice (the item's own ``path`` is named when it has one, else ``where``)."""
    seen: dict[str, object] = {}
    for key, item in items:
        if key in seen:
            path = getattr(item, "path", where)
            raise RuleError(path, "duplicate id", rule_id=key, field=field, value=key)
        seen[key] = item

"""Checks within one article: statements that cannot all be true, whatever the true figures are.

``conflicting_statements``
    The same quantity (measure, counted group, place, origin, period, unit) stated twice with intervals that cannot
    both hold, hedges and rounding included ("more than 250,000" and "300,000" can; "250,000" and "300,000"
    cannot). Statements attributed to different sources are allowed to differ.
``part_exceeds_whole``
    Parts larger than their whole, along ``hierarchy.yaml``: the parts of a measure (internally displaced +
    refugees <= displaced, for the same people) and places (refugees in Germany <= refugees in Europe).
``total_vs_parts``
    A total followed by "including X and Y" (or "of whom", "among them"...) where the listed parts add up to more
    than the total.

All work on batches (many articles at once) with DataFrame joins; Python loops only run over the few sentences or
pairs that survive the joins.
"""

from __future__ import annotations

import math
import re
from collections import namedtuple
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.checks import messages as say
from auditor.checks.intervals import claim_intervals, overlaps
from auditor.checks.pretests import inside, may_repeat, parts_may_exceed, places_may_nest
from auditor.checks.quantities import definite, incident_key, quantity_key
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
from auditor.checks.specs import Param, Params
from auditor.checks.two_times import contrasted_apart, sentence_anchor, two_times
from auditor.schemas import CLAIM_KINDS

KEYS: Final = ["doc_id", "claim_id"]
GENERIC_COUNTED: Final = ("people", "person", "persons", "lives", "life", "individuals", "individual")

APPROX_PARAM: Final = Param("float", 0.1, "relative half-width read into 'about X'", minimum=0, maximum=1)
#: Figures further apart than this are taken to count different things (two attacks), not to contradict.
MAX_RATIO_PARAM: Final = Param(
    "float", 2.0, "figures further apart than this ratio count different things, not one", minimum=1
)


def point(claims: pd.DataFrame) -> pd.Series:
    """The number as stated: the value, else the bound."""
    return claims["value"].fillna(claims["low"]).fillna(claims["high"])


def with_intervals(claims: pd.DataFrame, approx_margin: float, open_slack: float = 0.0) -> pd.DataFrame:
    """``claims`` with the interval columns of :func:`claim_intervals` and ``point``."""
    intervals = claim_intervals(claims, approx_margin=approx_margin, open_slack=open_slack)
    return pd.concat([claims, intervals], axis=1).assign(point=point(claims))


#: Columns a pair of claims carries (``_a``/``_b``); the rest (the sentence...) is left behind for speed.
PAIR_COLUMNS: Final = (
    "doc_id",
    "claim_id",
    "start",
    "surface",
    "measure",
    "counted",
    "place",
    "origin",
    "subject",
    "comparator",
    "attribution",
    "point",
    "hard_low",
    "hard_high",
)


def repeated(claims: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    """A group number per claim for ``keys`` (plus the article), ``-1`` where the claim is alone in its group."""
    group = (
        pd.concat([claims[["doc_id"]], keys], axis=1)
        .groupby(list(keys.columns.insert(0, "doc_id")), sort=False, dropna=False)
        .ngroup()
    )
    alone = ~group.duplicated(keep=False)
    return group.where(~alone, -1)


def same_quantity_pairs(claims: pd.DataFrame, generic: Sequence[str]) -> pd.DataFrame:
    """Every ordered pair (earlier ``_a``, later ``_b``) of claims of one article stating the same quantity."""
    measured = claims[claims["measure"].notna()]
    # a cheap first cut: the same measure at least twice in an article
    measured = measured[measured.duplicated(["doc_id", "measure"], keep=False)]
    if measured.empty or not may_repeat(measured, generic):
        return pd.DataFrame(columns=[f"{c}_{s}" for c in PAIR_COLUMNS for s in "ab"])
    group = repeated(measured, quantity_key(measured, generic))
    keyed = measured[[c for c in PAIR_COLUMNS if c in measured.columns]].assign(group=group)
    keyed = keyed[keyed["group"] >= 0]
    pairs = keyed.merge(keyed.drop(columns="doc_id"), on="group", suffixes=("_a", "_b"))
    return pairs[pairs["start_a"] < pairs["start_b"]].reset_index(drop=True)


def _attribution_compatible(
    pairs: pd.DataFrame, a: str = "attribution_a", b: str = "attribution_b"
) -> pd.Series:
    """Pairs whose figures may be compared: at most one attributed, or both to the same source."""
    left, right = pairs[a], pairs[b]
    return left.isna() | right.isna() | (left.fillna("").str.lower() == right.fillna("").str.lower())


def _close(a: pd.Series, b: pd.Series, params: Params) -> pd.Series:
    """Figures within ``max_ratio`` of each other: further apart, they count different things."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.maximum(a, b) / np.minimum(a, b)
    return pd.Series(ratio <= params.number("max_ratio"), index=a.index)


# --- conflicting_statements -------------------------------------------------------------------------------------


@register_check(
    "conflicting_statements",
    verdicts=("needs_review",),
    params={
        "approx_margin": APPROX_PARAM,
        "generic_counted": Param("strs", GENERIC_COUNTED, "nouns that count people without naming a group"),
        "max_ratio": MAX_RATIO_PARAM,
        "min_value": Param(
            "float",
            1000.0,
            "smaller figures are left alone: articles list many small counts of different events",
            minimum=0,
        ),
    },
    fields=("other", "other_claim"),
)
def conflicting_statements(data: CheckInput, params: Params) -> pd.DataFrame:
    """The same quantity stated twice with intervals that cannot both hold."""
    big = definite(data.claims)
    big = big[point(big) >= params.number("min_value")]
    if len(big) < 2:
        return raw_findings([])
    claims = with_intervals(big, params.number("approx_margin"))
    pairs = same_quantity_pairs(claims, params.texts("generic_counted"))
    if pairs.empty:
        return raw_findings([])
    clash = ~overlaps(pairs["hard_low_a"], pairs["hard_high_a"], pairs["hard_low_b"], pairs["hard_high_b"])
    large = pairs[["point_a", "point_b"]].min(axis=1) >= params.number("min_value")
    keep = clash & large & _close(pairs["point_a"], pairs["point_b"], params) & _attribution_compatible(pairs)
    pairs = pairs[keep & ~two_times(pairs, claims) & ~contrasted_apart(pairs, claims)]
    pairs = pairs.drop_duplicates(["doc_id", "claim_id_b"])
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id_b"],
            "verdict": "needs_review",
            "observed": row["point_b"],
            "expected_low": row["hard_low_a"],
            "expected_high": row["hard_high_a"],
            "facts": {
                "other": str(row["surface_a"]),
                "other_claim": say.join(str(row["surface_a"]), say.what(row["measure_a"], row["counted_a"])),
            },
        }
        for row in records(pairs)
    ]
    return raw_findings(out)


# --- part_exceeds_whole -----------------------------------------------------------------------------------------


def _measure_parts(claims: pd.DataFrame, data: CheckInput, margin: float) -> pd.DataFrame:
    """Wholes whose parts (by measure) add up to more than the whole can hold."""
    relation = data.hierarchy.part_pairs()
    if relation.empty:
        return pd.DataFrame()
    measure, doc = claims["measure"], claims["doc_id"]
    docs = set(doc[measure.isin(list(relation["whole_measure"]))]) & set(
        doc[measure.isin(list(relation["part_measure"]))]
    )
    related = {*relation["part_measure"], *relation["whole_measure"]}
    measured = claims[doc.isin(list(docs)) & measure.isin(list(related)) & claims["subject"].notna()]
    if measured.empty:
        return pd.DataFrame()
    measured = with_intervals(measured, margin)
    period = pd.to_datetime(measured["as_of"]).dt.strftime("%Y-%m-%d").fillna("")
    measured = measured[[c for c in PAIR_COLUMNS if c in measured.columns]].assign(
        period=period, incident=incident_key(measured)
    )
    if not parts_may_exceed(measured, relation):
        return pd.DataFrame()
    parts = measured.merge(relation, left_on="measure", right_on="part_measure")
    wholes = measured.rename(columns={"measure": "whole_measure"})
    joined = parts.merge(
        wholes, on=["doc_id", "whole_measure", "subject", "period", "incident"], suffixes=("_p", "_w")
    )
    joined = joined[
        (joined["claim_id_p"] != joined["claim_id_w"])
        & _attribution_compatible(joined, "attribution_p", "attribution_w")
    ]
    if joined.empty:
        return joined
    # one figure per part measure (the largest lower bound), then add the different parts up
    per_part = joined.sort_values("hard_low_p", kind="stable").drop_duplicates(
        ["doc_id", "claim_id_w", "part_measure"], keep="last"
    )
    per_part = per_part.assign(
        part_text=per_part["surface_p"] + " " + per_part["part_measure"].str.replace("_", " ")
    )
    summed = per_part.groupby(["doc_id", "claim_id_w"], sort=False).agg(
        parts_low=("hard_low_p", "sum"),
        parts_point=("point_p", "sum"),
        parts=("part_text", " and ".join),
        whole_high=("hard_high_w", "first"),
        whole_point=("point_w", "first"),
        whole_surface=("surface_w", "first"),
    )
    summed = summed[summed["parts_low"] > summed["whole_high"]].reset_index()
    return summed.rename(columns={"claim_id_w": "claim_id"})


def _place_parts(
    claims: pd.DataFrame, data: CheckInput, generic: Sequence[str], margin: float
) -> pd.DataFrame:
    """Figures for a place larger than the same figure for a place that contains it."""
    additive = claims[claims["measure"].isin(list(data.hierarchy.additive_over_places))]
    by_origin = additive["measure"].isin(list(data.hierarchy.origin_measures))
    # a count of people by origin with no place is a world total, unless it counts one event ("200 people were
    # rescued" from one ferry is no world total of migrants)
    event = additive["scope"].eq("event").fillna(False) if "scope" in additive.columns else False
    place = additive["place"].where(additive["place"].notna() | ~by_origin | event, "World")
    additive = additive.assign(place=place)
    additive = additive[additive["place"].notna()]
    # the same measure for two different places of one article
    places_per_group = additive.groupby(["doc_id", "measure"], sort=False)["place"].transform("nunique")
    additive = additive[places_per_group >= 2]
    usable = set(data.hierarchy.regions)
    if additive.empty or not places_may_nest(additive, usable):
        return pd.DataFrame()
    additive = with_intervals(additive, margin)
    group = repeated(additive, quantity_key(additive, generic).drop(columns="k_place"))
    keyed = additive[[c for c in PAIR_COLUMNS if c in additive.columns]].assign(group=group)
    keyed = keyed[keyed["group"] >= 0]
    pairs = keyed.merge(keyed.drop(columns="doc_id"), on="group", suffixes=("_p", "_w"))
    pairs = pairs[
        (pairs["place_p"] != pairs["place_w"])
        & _attribution_compatible(pairs, "attribution_p", "attribution_w")
    ]
    if pairs.empty:
        return pd.DataFrame()
    nested = [
        inside(p, w, usable)
        for p, w in zip(pairs["place_p"].astype(str), pairs["place_w"].astype(str), strict=True)
    ]
    pairs = pairs[np.asarray(nested, dtype=bool) & (pairs["hard_low_p"] > pairs["hard_high_w"])]
    pairs = pairs.sort_values("hard_low_p", kind="stable").drop_duplicates(
        ["doc_id", "claim_id_w"], keep="last"
    )
    parts = [
        say.join(str(s), say.what(m, c), say.place_phrase(p))
        for s, m, c, p in zip(
            pairs["surface_p"], pairs["measure_p"], pairs["counted_p"], pairs["place_p"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "doc_id": pairs["doc_id"],
            "claim_id": pairs["claim_id_w"],
            "parts_low": pairs["hard_low_p"],
            "parts_point": pairs["point_p"],
            "parts": parts,
            "whole_high": pairs["hard_high_w"],
            "whole_point": pairs["point_w"],
            "whole_surface": pairs["surface_w"],
        }
    )


@register_check(
    "part_exceeds_whole",
    verdicts=("needs_review",),
    params={
        "approx_margin": APPROX_PARAM,
        "generic_counted": Param("strs", GENERIC_COUNTED, "nouns that count people without naming a group"),
        "max_ratio": Param(
            "float", 10.0, "parts further above the whole than this ratio count something else", minimum=1
        ),
    },
    fields=("parts", "parts_total"),
)
def part_exceeds_whole(data: CheckInput, params: Params) -> pd.DataFrame:
    """Parts (by measure or by place, along the hierarchy) larger than their whole."""
    claims = definite(data.claims[data.claims["measure"].notna()])
    claims = claims[claims.duplicated("doc_id", keep=False)]
    if claims.empty:
        return raw_findings([])
    margin = params.number("approx_margin")
    found = [
        f
        for f in (
            _measure_parts(claims, data, margin),
            _place_parts(claims, data, params.texts("generic_counted"), margin),
        )
        if len(f)
    ]
    if not found:
        return raw_findings([])
    rows = pd.concat(found, ignore_index=True).drop_duplicates(KEYS)
    rows = rows[_close(rows["parts_point"], rows["whole_point"], params)]
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id"],
            "verdict": "needs_review",
            "observed": row["whole_point"],
            "expected_low": row["parts_low"],
            "facts": {"parts": str(row["parts"]), "parts_total": say.amount(row["parts_point"])},
        }
        for row in records(rows)
    ]
    return raw_findings(out)


# --- total_vs_parts ---------------------------------------------------------------------------------------------


def sentence_groups(claims: pd.DataFrame, kinds: tuple[str, ...], minimum: int) -> list[list[Any]]:
    """Per sentence holding at least ``minimum`` claims of ``kinds``: its claims in order, as namedtuples with
    ``rel`` (the offset in the sentence; claims whose surface is not found there are left out).

    Read once from the columns and grouped in plain Python: the sentences by article and text, each sentence's
    claims by start, each offset from where :func:`~auditor.checks.two_times.sentence_anchor` places the sentence
    (as :func:`~auditor.checks.two_times.sentence_offsets` does)."""
    claims = claims[claims["kind"].isin(list(kinds))]
    if len(claims) < minimum:
        return []
    fields = [
        str(c) for c in claims.columns if str(c).isidentifier() and not str(c).startswith("_") and c != "rel"
    ]
    values = [claims[c].tolist() for c in fields]
    at = {name: number for number, name in enumerate(fields)}
    doc, sentence, start, surface = (values[at[c]] for c in ("doc_id", "sentence", "start", "surface"))
    members: dict[tuple[object, object], list[int]] = {}
    for number, key in enumerate(zip(doc, sentence, strict=True)):
        members.setdefault(key, []).append(number)
    kept: list[tuple[object, object, object, int, float]] = []
    for (d, s), rows in members.items():
        if len(rows) < minimum:
            continue
        text = str(s)
        anchor = sentence_anchor(text, sorted((int(start[r]), surface[r]) for r in rows))
        for r in rows:
            rel = float(start[r] - anchor)
            if math.isnan(rel) or text[int(rel) : int(rel) + len(surface[r])] != surface[r]:
                continue
            kept.append((d, s, start[r], r, rel))
    kept.sort(key=lambda item: (item[0], item[1], item[2]))
    row_type = _row_type((*fields, "rel"))
    rows_out: list[Any] = [row_type(*(column[r] for column in values), rel) for _, _, _, r, rel in kept]
    return [list(group) for _, group in groupby(rows_out, key=lambda r: (r.doc_id, r.sentence))]


@lru_cache(maxsize=64)
def _row_type(fields: tuple[str, ...]) -> Any:
    return namedtuple("Row", fields)


def in_sentences_matching(claims: pd.DataFrame, pattern: re.Pattern[str]) -> pd.Series:
    """Claims whose sentence matches ``pattern`` (each distinct sentence searched once)."""
    sentences = claims["sentence"]
    hits = {s for s in sentences.unique() if pattern.search(s)}
    return sentences.isin(hits)


def gap_text(a: Any, b: Any) -> str:
    """The text of the sentence between claim ``a`` and claim ``b`` (rows of :func:`sentence_groups`)."""
    return str(a.sentence[int(a.rel) + len(a.surface) : int(b.rel)])


def _same_unit(a: object, b: object) -> bool:
    missing_a, missing_b = not isinstance(a, str), not isinstance(b, str)
    return (missing_a and missing_b) or a == b


def _fits_whole(part: Any, whole: Any) -> bool:
    """A listed part counts the same kind of thing as the total: same kind and unit, and the total's measure when
    it has one (a part of unknown measure only when it names nothing else: "including 80 and 60", not "43 others
    were injured")."""
    if isinstance(whole.measure, str):
        unknown = not isinstance(part.measure, str) and not isinstance(part.counted, str)
        same_measure = part.measure == whole.measure or unknown
    else:
        same_measure = True
    return part.kind == whole.kind and _same_unit(part.unit, whole.unit) and same_measure


#: Between two listed parts: at most two words (the first part's noun) and a joining word ("80 children and 60
#: women", "80 children, 60 women").
_JOIN: Final = re.compile(r"^\s*(?:[\w'’]+\s*){0,2}(?:,\s*(?:and\s+)?|and\s+|plus\s+|as well as\s+)$")


@register_check(
    "total_vs_parts",
    verdicts=("needs_review",),
    params={
        "approx_margin": APPROX_PARAM,
        "cues": Param(
            "strs",
            ("including", "among them", "among whom", "of whom", "of which", "of them", "among those"),
            "words between a total and its listed parts",
        ),
        "tolerance": Param("float", 0.0, "relative margin before the parts count as exceeding", minimum=0),
    },
    fields=("parts", "parts_total"),
)
def total_vs_parts(data: CheckInput, params: Params) -> pd.DataFrame:
    """A stated total smaller than the parts listed after it ("including X and Y")."""
    cues = "|".join(re.escape(c) for c in params.texts("cues"))
    cue = re.compile(r"\b(?:" + cues + r")\b", re.I)
    # the cue comes after the total's noun and right before the first part ("people, including 80 children")
    opening = re.compile(r"^[^\d.;:]{0,40}\b(?:" + cues + r")\b\W{0,3}(?:\w+\W+){0,1}$", re.I)
    claims = data.claims[data.claims.duplicated(["doc_id", "sentence"], keep=False)]
    claims = claims[in_sentences_matching(claims, cue)]
    if len(claims) < 2:
        return raw_findings([])
    claims = with_intervals(claims, params.number("approx_margin"))
    out: list[dict[str, object]] = []
    tolerance = params.number("tolerance")
    for rows in sentence_groups(claims, CLAIM_KINDS, 2):
        for i, whole in enumerate(rows[:-1]):
            if not opening.match(gap_text(whole, rows[i + 1])):
                continue
            if not _fits_whole(rows[i + 1], whole):
                continue
            parts = [rows[i + 1]]
            for part in rows[i + 2 :]:
                # the list ends at the first count that is no part of the whole: "killed 10, including 9
                # children and 9 women, and 59 injured"
                if not _JOIN.match(gap_text(parts[-1], part)) or not _fits_whole(part, whole):
                    break
                parts.append(part)
            total = sum(p.hard_low for p in parts)
            if total > whole.round_high * (1 + tolerance):
                out.append(
                    {
                        "doc_id": whole.doc_id,
                        "claim_id": whole.claim_id,
                        "verdict": "needs_review",
                        "observed": whole.point,
                        "expected_low": total,
                        "facts": {
                            "parts": " and ".join(str(p.surface) for p in parts),
                            "parts_total": say.amount(sum(p.point for p in parts)),
                        },
                    }
                )
    return raw_findings(out)

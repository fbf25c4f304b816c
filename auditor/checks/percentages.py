"""Checks of percentages within one sentence.

``percent_breakdown``
    Three or more percentages listed in one sentence ("40% voted yes, 35% no and 20% did not vote") whose sum is
    near 100 but off by more than their rounding and the rule's tolerance. Sums far from 100 (three growth rates)
    are not breakdowns and are left alone.
``percent_of_count``
    "X% of N" next to a stated count C ("900 workers, or 45% of the 2,000"): C must be about X/100 × N.
``percent_vs_points``
    Both levels given and the change stated as a percentage ("from 5% to 7%, an increase of 2%"): a change that
    equals the difference in points but not the relative change should be in percentage points (and the reverse
    for a change stated in points).

Positions inside the sentence come from :func:`auditor.checks.consistency.sentence_groups`; loops run per
sentence, and only over sentences that hold the claims a check needs.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.checks import messages as say
from auditor.checks.consistency import (
    APPROX_PARAM,
    gap_text,
    sentence_groups,
    with_intervals,
)
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
from auditor.checks.specs import Param, Params

#: "X% of [its] N": up to three words between, none a verb ("35% of votes affording them 145 seats" is not 35% of
#: 145).
_OF: Final = re.compile(r"^\s*of\s+(?:(?![\w'’-]*(?:ing|ed)\s)[\w'’-]+\s+){0,3}$")
_CHANGE: Final = re.compile(
    r"\b(?:by|rise|rises|rose|risen|fell|fall|falls|fallen|up|down|gain\w*|increas\w*|decreas\w*|grew|grow\w*|"
    r"jump\w*|climb\w*|drop\w*|declin\w*|slip\w*|slid\w*|plung\w*|surg\w*|soar\w*|cut|shr[iu]nk\w*|change\w*)"
    r"\b[^%\d]{0,24}$",
    re.I,
)


#: Words right before a percentage that make it a level ("from 5% to 7%"), not a change.
_LEVEL: Final = re.compile(r"\b(?:from|to|at)\s+$", re.I)


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _newsroom_pct(value: float) -> str:
    """A relative change as a newsroom writes it: one decimal (11.5%), whole numbers from 100% on."""
    return f"{value:.0f}%" if abs(value) >= 100 else f"{value:.1f}".removesuffix(".0") + "%"


_FALL: Final = re.compile(
    r"\b(?:fell|fall|falls|fallen|down|drop\w*|declin\w*|decreas\w*|slip\w*|slid\w*|"
    r"plung\w*|cut|shr[iu]nk\w*|lower)\b",
    re.I,
)
_RISE: Final = re.compile(
    r"\b(?:rose|rise|rises|risen|up|gain\w*|increas\w*|grew|grow\w*|jump\w*|climb\w*|"
    r"surg\w*|soar\w*|higher)\b",
    re.I,
)


#: Words by which a list of shares says it covers the whole: three shares without them ("44 pct, 29 pct and 12
#: pct") may leave out the rest, as results, polls and market shares usually do.
COMPLETE_WORDS: Final = (
    "remaining",
    "the rest",
    "remainder",
    "the balance",
    "abstained",
    "undecided",
    "don't know",
    "no opinion",
)
_LINKED_LEVELS: Final = re.compile(r"\b(?:from|to|against|compared\s+with)\b", re.I)
#: Words that start another clause between a change and its levels ("rose 4.7 pct ..., as load factor fell to 52.1
#: pct from 56.7 pct", "rose 0.5 pct in January after a decrease of 0.5 pct"): the change is of something else.
_CLAUSE_BREAK: Final = re.compile(r"\b(?:as|while|after|before|and|but|whereas|when|bringing)\b|;", re.I)
#: The most text between a change and the nearer of its two levels (characters).
_CHANGE_REACH: Final = 45


def _linked(first: Any, second: Any, change: Any) -> bool:
    """Whether the levels are stated as one quantity at two times ("from A to B", "to B from A", "B, up from
    A") and the change is said of them, next to them in the same clause ("..., an increase of C")."""
    lead = str(first.sentence[: int(first.rel)])[-15:]
    if not (_LINKED_LEVELS.search(gap_text(first, second)) or re.search(r"\bfrom\s+$", lead, re.I)):
        return False
    gap = gap_text(change, first) if change.rel < first.rel else gap_text(second, change)
    return len(gap) <= _CHANGE_REACH and not _CLAUSE_BREAK.search(gap)


def _from_to(levels: list[Any], context: str) -> tuple[Any, Any]:
    """The two levels in reading order, as (from, to): "to A from B" and "A, up/down from B" state the earlier
    level second; without "from"/"to", the verb decides (a fall starts at the higher level)."""
    first, second = levels
    between = gap_text(first, second)
    lead = str(first.sentence[: int(first.rel)])[-30:]
    if re.search(r"\bfrom\b", between, re.I) and not re.search(r"\bfrom\b", lead, re.I):
        return second, first
    if re.search(r"\bfrom\b", lead + between, re.I):
        return first, second
    verb = lead + " " + between + " " + context
    if _FALL.search(verb) and not _RISE.search(verb):
        return (first, second) if first.point >= second.point else (second, first)
    if _RISE.search(verb) and not _FALL.search(verb):
        return (first, second) if first.point <= second.point else (second, first)
    return first, second


# --- percent_breakdown ------------------------------------------------------------------------------------------

#: How far the plain-Python sums of :func:`_may_be_breakdowns` may be from pandas' (compensated) group sums: far
#: more than the rounding error of adding a few percentages, far less than any rounding a sentence states.
_SUM_SLACK: Final = 1e-6


def _may_be_breakdowns(listed: pd.DataFrame, params: Params, complete: re.Pattern[str]) -> bool:
    """Whether some sentence's listed percentages could be a breakdown that misses 100 (enough items, a total off
    by more than their rounding but within ``window``, words saying they cover the whole), tested in plain Python
    with a slack: when none could, the group sums of :func:`percent_breakdown` are not needed."""
    groups: dict[tuple[object, object], tuple[list[float], list[float]]] = {}
    columns = zip(listed["doc_id"], listed["sentence"], listed["value"], listed["precision"], strict=True)
    for doc, sentence, value, precision in columns:
        values, halves = groups.setdefault((doc, sentence), ([], []))
        values.append(float(value))
        halves.append(1.0 / 2 if math.isnan(precision) else float(precision) / 2)
    tolerance, window = params.number("tolerance"), params.number("window")
    for (_, sentence), (values, halves) in groups.items():
        off = abs(sum(values) - 100)
        if (
            len(values) >= params.integer("min_items")
            and off > sum(halves) + tolerance - _SUM_SLACK
            and off <= window + _SUM_SLACK
            and complete.search(str(sentence))
        ):
            return True
    return False


@register_check(
    "percent_breakdown",
    verdicts=("needs_review",),
    params={
        "min_items": Param("int", 3, "how many percentages make a breakdown", minimum=2),
        "tolerance": Param("float", 1.0, "points of slack beyond rounding", minimum=0),
        "window": Param("float", 25.0, "sums further than this from 100 are not breakdowns", minimum=0),
        "complete_words": Param(
            "strs",
            COMPLETE_WORDS,
            "words by which a sentence says its shares cover the whole; other lists of shares are not judged",
        ),
    },
    fields=("items", "total"),
)
def percent_breakdown(data: CheckInput, params: Params) -> pd.DataFrame:
    """Percentages listed in one sentence that should, but do not, add up to about 100."""
    claims = data.claims
    pct = claims[
        (claims["kind"] == "percent") & claims["comparator"].isin(["eq", "approx"]) & claims["value"].notna()
    ]
    listed = pct[pct.duplicated(["doc_id", "sentence"], keep=False)]
    complete = re.compile(rf"\b(?:{'|'.join(map(re.escape, params.texts('complete_words')))})\b", re.I)
    if len(listed) < params.integer("min_items") or not _may_be_breakdowns(listed, params, complete):
        return raw_findings([])
    listed = listed.sort_values("start", kind="stable").assign(half=listed["precision"].fillna(1.0) / 2)
    groups = listed.groupby(["doc_id", "sentence"], sort=False).agg(
        n=("value", "size"),
        total=("value", "sum"),
        allowance=("half", "sum"),
        claim_id=("claim_id", "last"),
    )
    off = (groups["total"] - 100).abs()
    hit = groups[
        (groups["n"] >= params.integer("min_items"))
        & (off > groups["allowance"] + params.number("tolerance"))
        & (off <= params.number("window"))
    ].reset_index()
    # only sentences saying their shares cover the whole are judged
    hit = hit[[bool(complete.search(str(s_))) for s_ in hit["sentence"]]] if len(hit) else hit
    if hit.empty:
        return raw_findings([])
    # every sentence's percentages, in reading order: a breakdown may start in the sentence before ("Syrians made
    # up 23% of applications. Kosovars accounted for 19%, ... the remaining 30%.")
    sums = (
        pct.assign(half=pct["precision"].fillna(1.0) / 2)
        .groupby(["doc_id", "sentence"], sort=False)
        .agg(total=("value", "sum"), allowance=("half", "sum"), first=("start", "min"))
        .reset_index()
        .sort_values(["doc_id", "first"], kind="stable")
    )
    previous = sums.groupby("doc_id")[["total", "allowance"]].shift(1)
    before = {
        (d, s): (t, a)
        for d, s, t, a in zip(
            sums["doc_id"], sums["sentence"], previous["total"], previous["allowance"], strict=True
        )
    }
    slack = params.number("tolerance")

    def completed_by_previous(doc: str, sentence: str, total: float, allowance: float) -> bool:
        prev_total, prev_allowance = before.get((doc, sentence), (np.nan, np.nan))
        if np.isnan(prev_total):
            return False
        return bool(abs(total + prev_total - 100) <= allowance + prev_allowance + slack)

    completed = [
        completed_by_previous(d, s_, t, a)
        for d, s_, t, a in zip(hit["doc_id"], hit["sentence"], hit["total"], hit["allowance"], strict=True)
    ]
    hit = hit[~np.asarray(completed, dtype=bool)] if len(hit) else hit
    hit["items"] = [
        ", ".join(listed.loc[(listed["doc_id"] == d) & (listed["sentence"] == s), "surface"])
        for d, s in zip(hit["doc_id"], hit["sentence"], strict=True)
    ]
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id"],
            "verdict": "needs_review",
            "observed": row["total"],
            "expected_low": 100 - row["allowance"] - params.number("tolerance"),
            "expected_high": 100 + row["allowance"] + params.number("tolerance"),
            "facts": {"items": str(row["items"]), "total": _pct(row["total"])},
        }
        for row in records(hit)
    ]
    return raw_findings(out)


# --- percent_of_count -------------------------------------------------------------------------------------------


@register_check(
    "percent_of_count",
    verdicts=("needs_review",),
    params={
        "approx_margin": APPROX_PARAM,
        "max_gap": Param("int", 30, "characters between the count and the 'X% of N' phrase", minimum=0),
        "tolerance": Param("float", 0.02, "relative slack beyond rounding", minimum=0),
    },
    fields=("percent", "base", "expected"),
)
def percent_of_count(data: CheckInput, params: Params) -> pd.DataFrame:
    """A count stated next to "X% of N" that is not about X% of N."""
    claims = data.claims[data.claims["kind"].isin(["percent", "count"])]
    is_pct = claims["kind"] == "percent"
    with_pct = set(zip(claims.loc[is_pct, "doc_id"], claims.loc[is_pct, "sentence"], strict=True))
    keep = [key in with_pct for key in zip(claims["doc_id"], claims["sentence"], strict=True)]
    claims = claims[pd.Series(keep, index=claims.index, dtype=bool)]
    if len(claims) < 3:
        return raw_findings([])
    claims = with_intervals(claims, params.number("approx_margin"))
    out: list[dict[str, object]] = []
    max_gap, tol = params.integer("max_gap"), params.number("tolerance")
    for rows in sentence_groups(claims, ("percent", "count"), 3):
        for i, pct in enumerate(rows[:-1]):
            base = rows[i + 1]
            if pct.kind != "percent" or base.kind != "count" or not _OF.match(gap_text(pct, base)):
                continue
            options = []
            if i > 0 and rows[i - 1].kind == "count" and len(gap_text(rows[i - 1], pct)) <= max_gap:
                options.append(rows[i - 1])
            if (
                i + 2 < len(rows)
                and rows[i + 2].kind == "count"
                and len(gap_text(base, rows[i + 2])) <= max_gap
            ):
                options.append(rows[i + 2])
            low = pct.round_low * base.round_low / 100 * (1 - tol)
            high = pct.round_high * base.round_high / 100 * (1 + tol)
            for count in options[:1]:
                if count.round_high < low or count.round_low > high:
                    out.append(
                        {
                            "doc_id": count.doc_id,
                            "claim_id": count.claim_id,
                            "verdict": "needs_review",
                            "observed": count.point,
                            "expected_low": low,
                            "expected_high": high,
                            "facts": {
                                "percent": str(pct.surface),
                                "base": str(base.surface),
                                "expected": say.amount(pct.point * base.point / 100),
                            },
                        }
                    )
    return raw_findings(out)


# --- percent_vs_points ------------------------------------------------------------------------------------------


@register_check(
    "percent_vs_points",
    verdicts=("needs_review",),
    params={"tolerance": Param("float", 0.05, "points of slack beyond rounding", minimum=0)},
    fields=("from_level", "to_level", "points", "relative", "direction"),
)
def percent_vs_points(data: CheckInput, params: Params) -> pd.DataFrame:
    """A change between two stated percentages given in the wrong unit (percent vs percentage points)."""
    claims = data.claims[data.claims["kind"].isin(["percent", "percentage_point"])]
    if len(claims) < 3:
        return raw_findings([])
    claims = with_intervals(claims, 0.0)
    tol = params.number("tolerance")
    out: list[dict[str, object]] = []
    for rows in sentence_groups(claims, ("percent", "percentage_point"), 3):
        for i, change in enumerate(rows):
            before = gap_text(rows[i - 1], change) if i else str(change.sentence[: int(change.rel)])
            if not _CHANGE.search(before) or _LEVEL.search(before):
                continue
            levels = sorted(
                (r for r in rows if r is not change and r.kind == "percent"),
                key=lambda r: abs(r.rel - change.rel),
            )[:2]
            if len(levels) < 2:
                continue
            ordered = sorted(levels, key=lambda r: r.rel)
            if not _linked(ordered[0], ordered[1], change):
                continue
            first, second = _from_to(ordered, before)
            if first.point <= 0:
                continue
            top, bottom = (second, first) if second.point >= first.point else (first, second)
            diff_low, diff_high = (
                top.round_low - bottom.round_high - tol,
                top.round_high - bottom.round_low + tol,
            )
            rel_low = max(diff_low, 0) / first.round_high * 100
            rel_high = diff_high / max(first.round_low, 1e-9) * 100
            c_low, c_high = change.round_low - tol, change.round_high + tol
            fits_points = c_low <= diff_high and diff_low <= c_high
            fits_relative = c_low <= rel_high and rel_low <= c_high
            wrong = (change.kind == "percent" and fits_points and not fits_relative) or (
                change.kind == "percentage_point" and fits_relative and not fits_points
            )
            if wrong:
                points = abs(second.point - first.point)
                out.append(
                    {
                        "doc_id": change.doc_id,
                        "claim_id": change.claim_id,
                        "verdict": "needs_review",
                        "observed": change.point,
                        "expected_low": points,
                        "expected_high": points,
                        "facts": {
                            "from_level": str(first.surface),
                            "to_level": str(second.surface),
                            "points": _pct(points).removesuffix("%"),
                            "relative": _newsroom_pct(points / first.point * 100),
                            "direction": "rise" if second.point >= first.point else "fall",
                        },
                    }
                )
    return raw_findings(out)

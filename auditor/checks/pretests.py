"""Plain-Python pre-tests of the consistency checks (:mod:`auditor.checks.consistency`): each says whether a
check's joins could find anything, loosened so that it never says no where the pandas path would find something;
when it says no, the check skips its frame work. The consistency cases fail when a pre-test is forced to say no.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from auditor.checks.registry import records
from auditor.claims import places


def may_repeat(claims: pd.DataFrame, generic: Sequence[str]) -> bool:
    """Whether two claims of one article share their :func:`~auditor.checks.quantities.quantity_key`, computed in plain Python (no coarser
    than pandas' key: a missing or non-text value is ""); when none do, there are no pairs to join."""
    folded = set(generic)
    events = "scope" in claims.columns
    columns = ["doc_id", "measure", "counted", "place", "origin", "as_of", "unit"]
    seen: set[tuple[object, ...]] = set()
    for row in records(claims[[*columns, "scope", "sentence"] if events else columns]):
        counted = row["counted"].lower().strip() if isinstance(row["counted"], str) else ""
        key = (
            row["doc_id"],
            str(row["sentence"]) if events and row["scope"] == "event" else "",
            _text(row["measure"]),
            "" if counted in folded else counted,
            _text(row["place"]),
            _text(row["origin"]),
            "" if pd.isna(row["as_of"]) else pd.Timestamp(row["as_of"]).strftime("%Y-%m-%d"),
            _text(row["unit"]),
        )
        if key in seen:
            return True
        seen.add(key)
    return False


def _text(value: Any) -> str:
    return "" if not isinstance(value, str) and pd.isna(value) else str(value)


#: Relative slack of :func:`parts_may_exceed`'s plain sums against pandas' group sums (a few ulps apart).
_SUM_SLACK: Final = 1e-9


def parts_may_exceed(measured: pd.DataFrame, relation: pd.DataFrame) -> bool:
    """Whether some whole of ``measured`` could have parts adding up to more than its ``hard_high``: the join of
    :func:`~auditor.checks.consistency._measure_parts` in plain Python, loosened (no attribution test; NaN keys equal; per part measure the
    largest lower bound, or 0 where a bound is missing) so that it never says no where the pandas join would find
    one; when it says no, the joins and group sums are skipped."""
    parts_of: dict[object, list[object]] = {}
    for part, whole in zip(relation["part_measure"], relation["whole_measure"], strict=True):
        parts_of.setdefault(whole, []).append(part)
    keys = ["doc_id", "subject", "period", "incident"]
    rows = records(measured[[*keys, "measure", "claim_id", "hard_low", "hard_high"]])

    def key(row: dict[str, Any]) -> tuple[object, ...]:
        return tuple("\0nan" if pd.isna(row[k]) else row[k] for k in keys)

    lows: dict[tuple[object, ...], dict[object, float]] = {}
    for row in rows:
        low = row["hard_low"]
        bound = 0.0 if math.isnan(low) else float(low)
        per_measure = lows.setdefault((*key(row), row["measure"]), {})
        per_measure[row["claim_id"]] = bound
    for row in rows:
        high = row["hard_high"]
        if row["measure"] not in parts_of or math.isnan(high):
            continue
        total = 0.0
        for part in parts_of[row["measure"]]:
            bounds = [b for claim, b in lows.get((*key(row), part), {}).items() if claim != row["claim_id"]]
            total += max(bounds) if bounds else 0.0
        if not (math.isfinite(total) and math.isfinite(high)) or total > high - _SUM_SLACK * (
            abs(total) + abs(high)
        ):
            return True
    return False


def inside(part: str, whole: str, usable: set[str]) -> bool:
    """Place ``part`` lies inside ``whole``, both countries or regions the hierarchy uses."""
    return (
        (len(part) == 3 or part in usable)
        and (len(whole) == 3 or whole in usable)
        and places.contains(whole, part)
    )


def places_may_nest(additive: pd.DataFrame, usable: set[str]) -> bool:
    """Whether two claims of one article and measure are for different places, one inside the other: what every
    pair :func:`~auditor.checks.consistency._place_parts` reports needs (tested on the places alone, before the intervals and the join)."""
    seen: dict[tuple[object, object], set[str]] = {}
    for doc, measure, place in zip(
        additive["doc_id"], additive["measure"], additive["place"].astype(str), strict=True
    ):
        seen.setdefault((doc, measure), set()).add(place)
    return any(
        p != w and inside(p, w, usable)
        for found in seen.values()
        if len(found) > 1
        for p in found
        for w in found
    )

"""Magnitude slips: the same quantity off by a factor near a thousand, a million or a billion.

``magnitude_slip`` compares two mentions of the same quantity in one article (see
:func:`auditor.checks.consistency.same_quantity_pairs`) and each claim with the reference observations aligned with
it. A ratio within ``tolerance`` of 10^3, 10^6 or 10^9 (either way) is a likely error: "4 billion" written for
"4 million", or thousands read as millions.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from auditor.checks import messages as say
from auditor.checks.consistency import GENERIC_COUNTED, point, same_quantity_pairs
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
from auditor.checks.specs import Param, Params

KEYS: Final = ["doc_id", "claim_id"]


def slip_factor(ratio: pd.Series, factors: tuple[float, ...], tolerance: float) -> pd.Series:
    """The factor (e.g. 1e6) a ratio is near, either way round; NaN when it is near none."""
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(ratio >= 1, ratio, 1 / ratio)
    found = pd.Series(np.nan, index=ratio.index)
    for factor in sorted(factors):
        near = (size >= factor / (1 + tolerance)) & (size <= factor * (1 + tolerance))
        found = found.where(~near, factor)
    return found


def _may_slip(
    aligned: pd.DataFrame, claims: pd.DataFrame, factors: tuple[float, ...], tolerance: float
) -> bool:
    """Whether some aligned observation is off from its claim's point by a factor near one of ``factors``: the
    ratios :func:`slip_factor` tests after the join, computed from a look-up of the points (no join)."""
    point_of = dict(zip(zip(claims["doc_id"], claims["claim_id"], strict=True), claims["point"], strict=True))
    points = np.asarray(
        [point_of.get(key, np.nan) for key in zip(aligned["doc_id"], aligned["claim_id"], strict=True)],
        dtype="float64",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = points / aligned["ref_value"].to_numpy(dtype="float64")
    return bool(slip_factor(pd.Series(ratio), factors, tolerance).notna().any())


@register_check(
    "magnitude_slip",
    verdicts=("likely_error",),
    params={
        "factors": Param("floats", (1e3, 1e6, 1e9), "ratios that betray a slipped scale word"),
        "tolerance": Param("float", 0.25, "relative slack around each factor", minimum=0, maximum=1),
        "within_article": Param("bool", True, "compare two mentions of the same quantity"),
        "against_reference": Param("bool", True, "compare a claim with its aligned reference"),
        "generic_counted": Param("strs", GENERIC_COUNTED, "nouns that count people without naming a group"),
    },
    fields=("factor", "compared", "other", "reference", "publisher", "by_date"),
)
def magnitude_slip(data: CheckInput, params: Params) -> pd.DataFrame:
    """Two figures for the same quantity differing by a factor near a thousand, a million or a billion."""
    factors, tol = params.numbers("factors"), params.number("tolerance")
    claims = data.claims.assign(point=point(data.claims))
    out: list[dict[str, object]] = []
    if params.flag("within_article"):
        # vague ranges ("hundreds", "tens of thousands") name no digits that could have slipped, and a criterion
        # ("all donations over £1,000") is no figure of the quantity
        exact = claims[claims["comparator"] != "range"]
        if "qualifier" in exact.columns:
            exact = exact[exact["qualifier"].ne("threshold").fillna(True).astype(bool)]
        pairs = same_quantity_pairs(exact, params.texts("generic_counted"))
        if len(pairs):
            # a slipped scale copies the phrase: "some 300000 lives" and "more than 300 people" (a bound on a
            # different count) are not one figure written twice
            family = {"eq": "exact", "approx": "exact", "gt": "low", "ge": "low", "lt": "high", "le": "high"}
            same_kind = pairs["comparator_a"].map(family) == pairs["comparator_b"].map(family)
            pairs = pairs[same_kind]
        if len(pairs):
            pairs = pairs.assign(factor=slip_factor(pairs["point_b"] / pairs["point_a"], factors, tol))
            pairs = pairs[pairs["factor"].notna()].drop_duplicates(["doc_id", "claim_id_b"])
            out += [
                {
                    "doc_id": row["doc_id"],
                    "claim_id": row["claim_id_b"],
                    "verdict": "likely_error",
                    "observed": row["point_b"],
                    "expected_low": row["point_a"],
                    "expected_high": row["point_a"],
                    "facts": {
                        "factor": say.factor_word(row["factor"]),
                        "compared": f"the {row['surface_a']} the article gives elsewhere",
                        "other": str(row["surface_a"]),
                        "reference": "",
                        "publisher": "",
                        "by_date": "",
                    },
                }
                for row in records(pairs)
            ]
    if (
        params.flag("against_reference")
        and len(data.aligned)
        and _may_slip(data.aligned, claims, factors, tol)
    ):
        rows = data.aligned.merge(claims[[*KEYS, "point"]], on=KEYS)
        rows = rows.assign(factor=slip_factor(rows["point"] / rows["ref_value"], factors, tol))
        rows = rows[rows["factor"].notna()].sort_values("gap_days", kind="stable").drop_duplicates(KEYS)
        out += [
            {
                "doc_id": row["doc_id"],
                "claim_id": row["claim_id"],
                "verdict": "likely_error",
                "observed": row["point"],
                "reference_value": row["ref_value"],
                "reference_date": row["ref_date"],
                "series_id": row["series_id"],
                "source": f"{row['publisher']}, {row['dataset']}",
                "facts": {
                    "factor": say.factor_word(row["factor"]),
                    "compared": f"{row['publisher']}'s {say.amount(row['ref_value'])} "
                    + say.date_phrase(row["ref_date"], annual=bool(row["annual"])),
                    "other": "",
                    "reference": say.amount(row["ref_value"]),
                    "publisher": str(row["publisher"]),
                    "by_date": say.date_phrase(row["ref_date"], annual=bool(row["annual"])),
                },
            }
            for row in records(rows)
        ]
    return raw_findings(out)

"""``source_newer``: a figure given to a publisher that had already published a materially different newer one.

"More than a quarter of a million people have been killed, according to UN figures" in July 2016: the UN's
envoy had put the toll at 400,000 in April 2016. A claim that names its source is compared first with that
source's own figures, every series of the publisher taken together (the UN's OHCHR tolls and its envoy's
estimate are one source): when the source's newest figure on the article's date is materially higher than the
figure stated, the claim is ``outdated``, naming the newer figure and its date, even when another publisher's
count, or the open wording ("more than"), still fits it. Only cumulative totals are judged this way (a toll only
grows, so a lower figure from the same source is an older one), and only stated figures (not "hundreds of
thousands"); a figure above the source's newest is left to the other checks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditor.checks import messages as say
from auditor.checks.comparison import KEYS, READING_PARAMS, candidate_rows, source_label, stated_point
from auditor.checks.observations import Row
from auditor.checks.publishers import names_publisher
from auditor.checks.quantities import definite
from auditor.checks.registry import CheckInput, raw_findings, register_check
from auditor.checks.specs import Param, Params


@register_check(
    "source_newer",
    verdicts=("outdated",),
    params={
        **READING_PARAMS,
        "material_change": Param(
            "float",
            0.15,
            "how far (as a share) the source's newest figure must be above the stated one",
            minimum=0,
        ),
        "max_change": Param(
            "float",
            3.0,
            "the newest figure at most this many times the stated one: beyond it, the claim more likely counts "
            "something else",
            minimum=1,
        ),
    },
    fields=("source", "reference", "publisher", "subject", "by_date", "series"),
)
def source_newer(data: CheckInput, params: Params) -> pd.DataFrame:
    """Claims naming a publisher whose newest cumulative figure on their date is materially higher."""
    claims = definite(
        data.claims[data.claims.index.isin(data.aligned["row"]) & data.claims["attribution"].notna()]
    )
    if claims.empty:  # a vague quantity ("hundreds of thousands") states no figure to be outdated
        return raw_findings([])
    cands = data.candidates[(data.candidates["n_parts"] == 1) & data.candidates["row"].isin(claims.index)]
    claims = claims.assign(point=stated_point(claims))[[*KEYS, "attribution", "as_of", "point"]]
    newest = _newest_named(data, cands[[*KEYS, "spec_id", "series_id", "location"]], claims, params)
    out: list[dict[str, object]] = []
    for row in newest:
        out.append(
            {
                "doc_id": row["doc_id"],
                "claim_id": row["claim_id"],
                "verdict": "outdated",
                "observed": row["point"],
                "reference_value": row["value"],
                "reference_date": row["date"],
                "series_id": row["series_id"],
                "source": source_label(row["publisher"], row["dataset"]),
                "facts": {
                    "source": str(row["attribution"]),
                    "reference": say.amount(row["value"], like=row["point"]),
                    "publisher": str(row["publisher"]),
                    "subject": say.place_phrase(row["location"]),
                    "by_date": say.date_phrase(row["date"]),
                    "series": str(row["series_id"]),
                },
            }
        )
    return raw_findings(out)


def _newest_named(
    data: CheckInput, cands: pd.DataFrame, claims: pd.DataFrame, params: Params
) -> list[dict[str, Any]]:
    """Per claim, the newest cumulative figure on or before its date of a series at the candidate's location whose
    publisher the claim names, when it is materially higher (within ``max_change``): the claim's and the
    candidate's fields with the figure's (``value``, ``date``, ``publisher``, ``dataset``), by the figures'
    dates. Plain Python over the series' rows in table order (the last on a date tie, candidate then table order,
    as the merges and the stable sort gave it)."""
    newest: dict[tuple[object, object], tuple[tuple[int, int, int], dict[str, Any], dict[str, Any], Row]] = {}
    for at, cand, claim, as_of, number, row in candidate_rows(claims, cands, data.references):
        if row.location != cand["location"] or not row.cumulative or row.date > as_of:
            continue
        if not names_publisher(str(claim["attribution"]), str(row.publisher)):
            continue
        key, order = (cand["doc_id"], cand["claim_id"]), (row.date, at, number)
        if key not in newest or order >= newest[key][0]:
            newest[key] = (order, cand, claim, row)
    found = sorted(newest.values(), key=lambda item: item[0])
    value = np.asarray([row.value for *_, row in found], dtype="float64")
    point = np.asarray([claim["point"] for _, _, claim, _ in found], dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / point
    keep = (ratio > 1 + params.number("material_change")) & (ratio <= params.number("max_change"))
    return [
        {
            **claim,
            **cand,
            "value": row.value,
            "date": pd.Timestamp(row.date),
            "publisher": row.publisher,
            "dataset": row.dataset,
        }
        for (_, cand, claim, row), kept in zip(found, keep.tolist(), strict=True)
        if kept
    ]

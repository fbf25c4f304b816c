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

import pandas as pd

from auditor.checks import messages as say
from auditor.checks.alignment import reference_index
from auditor.checks.comparison import KEYS, READING_PARAMS, source_label, stated_point
from auditor.checks.publishers import names_publisher
from auditor.checks.quantities import definite
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
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
    references = reference_index(data.references).series(cands["series_id"])
    rows = (
        cands[[*KEYS, "spec_id", "series_id", "location"]]
        .merge(claims, on=KEYS)
        .merge(references, on=["series_id", "location"])
    )
    if rows.empty:  # (no series of these claims has data: ``series`` then gives no ``date`` column)
        return raw_findings([])
    rows = rows[rows["cumulative"].astype(bool) & (rows["date"] <= pd.to_datetime(rows["as_of"]))]
    if rows.empty:
        return raw_findings([])
    named = [
        names_publisher(str(a), str(p)) for a, p in zip(rows["attribution"], rows["publisher"], strict=True)
    ]
    rows = rows[named]
    newest = rows.sort_values("date", kind="stable").drop_duplicates(KEYS, keep="last")
    ratio = newest["value"] / newest["point"]
    newest = newest[(ratio > 1 + params.number("material_change")) & (ratio <= params.number("max_change"))]
    out: list[dict[str, object]] = []
    for row in records(newest):
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

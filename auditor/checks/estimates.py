"""``estimates_disagree``: a figure that only an estimate supports, while the documented count of its date is
materially lower, and the article does not say whose figure it is.

Published tolls of a war come in two kinds (``upper_bound: true`` in ``rules/references.yaml``): documented counts
(deaths recorded one by one: SOHR, OHCHR) and estimates that count more (the UN envoy's 400,000, SCPR's 470,000
with indirect deaths). ``reference_value`` reports the most favourable figure, so "around 400,000 killed" matches
the envoy's estimate. An editor still needs to know that the documented count of that date is far lower and that
the sentence should name whose figure it uses: this check says so (``needs_review``) unless the sentence already
names the estimate's publisher.
"""

from __future__ import annotations

import re

import pandas as pd

from auditor.checks import messages as say
from auditor.checks.against_reference import paired
from auditor.checks.comparison import KEYS, READING_PARAMS, classify, source_label
from auditor.checks.publishers import names_publisher
from auditor.checks.registry import CheckInput, raw_findings, records, register_check
from auditor.checks.specs import Param, Params

_MATCHES = ("matches", "matches_within_rounding")
#: The sentence already says the figure is one of several estimates: "with some estimates suggesting 470,000".
_ESTIMATES = re.compile(r"\b(?:some|other|several|many|higher|various)\s+estimates\b", re.IGNORECASE)


@register_check(
    "estimates_disagree",
    verdicts=("needs_review",),
    params={
        **READING_PARAMS,
        "material": Param(
            "float", 0.15, "how far (as a share) the claim must be above the documented count", minimum=0
        ),
    },
    fields=("estimate", "estimate_publisher", "estimate_date", "count", "count_publisher", "count_date"),
)
def estimates_disagree(data: CheckInput, params: Params) -> pd.DataFrame:
    """Claims matched only by an estimate that counts more, well above the documented count of their date."""
    upper = {s.id for s in data.specs if s.upper_bound}
    if data.aligned.empty or not upper:
        return raw_findings([])
    rows = paired(data, params)
    estimate = rows["spec_id"].isin(upper) if len(rows) else None
    # a finding pairs an estimate with a count of the same claim: without both kinds of rows there is none
    if estimate is None or not estimate.any() or estimate.all():
        return raw_findings([])
    slack = params.number("open_slack")
    rows = rows.assign(fits=classify(rows, 1.0, slack).isin(_MATCHES), estimate=estimate)
    stated = rows["ref_high"].fillna(rows["ref_value"])
    # "around 400,000" claims 400,000, not its lowest reading
    claimed = rows["point"].fillna(rows["round_low"])
    rows = rows.assign(above=claimed > stated * (1 + params.number("material")))
    # A documented count stated well below the claim does not back it, even when its wording is open-ended
    # ("more than 320,000" fits "more than 400,000" only as a bound).
    counted_fits = (
        (rows["fits"] & ~rows["estimate"] & ~rows["above"])
        .groupby([rows["doc_id"], rows["claim_id"]])
        .transform("any")
    )
    estimates = rows[rows["estimate"] & rows["fits"] & ~counted_fits]
    counts = rows[~rows["estimate"] & rows["above"]]
    both = estimates.merge(counts, on=KEYS, suffixes=("", "_count"))
    if both.empty:
        return raw_findings([])
    both = both.sort_values(["gap_days", "gap_days_count"], kind="stable").drop_duplicates(KEYS)
    publishers = rows[rows["estimate"]].groupby(KEYS)["publisher"].agg(lambda p: sorted(set(p)))
    out: list[dict[str, object]] = []
    for row in records(both):
        told = f"{row['sentence']} {row['attribution'] if isinstance(row['attribution'], str) else ''}"
        named = publishers.get((row["doc_id"], row["claim_id"]), [])
        if _ESTIMATES.search(told) or any(names_publisher(told, str(p)) for p in named):
            continue  # the sentence says whose estimate it is (any estimate's publisher), or that it is one
        out.append(
            {
                "doc_id": row["doc_id"],
                "claim_id": row["claim_id"],
                "verdict": "needs_review",
                "observed": row["point"],
                "reference_value": row["ref_value_count"],
                "reference_date": row["ref_date_count"],
                "series_id": row["series_id_count"],
                "source": source_label(row["publisher_count"], row["dataset_count"]),
                "facts": {
                    "estimate": say.reference_amount(
                        row["ref_value"], row["ref_low"], row["ref_high"], like=row["point"]
                    ),
                    "estimate_publisher": str(row["publisher"]),
                    "estimate_date": say.date_phrase(row["ref_date"]).removeprefix("by "),
                    "count": say.reference_amount(
                        row["ref_value_count"], row["ref_low_count"], row["ref_high_count"], like=row["point"]
                    ),
                    "count_publisher": str(row["publisher_count"]),
                    "count_date": say.date_phrase(row["ref_date_count"]),
                },
            }
        )
    return raw_findings(out)

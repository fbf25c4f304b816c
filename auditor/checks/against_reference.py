"""Checks of claims against reference observations.

``reference_value``
    The claim's interval (hedge and rounding, :mod:`auditor.checks.intervals`) against the aligned observation and
    its uncertainty, widened by the entry's tolerance: inside the strict reading -> ``matches``; inside the rounded
    reading -> ``matches_within_rounding``; only inside the logical reading ("more than 250" against 250,000) or
    within ``review_ratio`` of it -> ``needs_review``; further -> ``likely_error``. When a claim can be checked
    against several entries (UN and SOHR death tolls), the most favourable one is reported: one reputable source
    supporting the figure is enough. A mismatched claim whose figure fits the same series at another place (Syrian
    refugees in Syria's neighbouring countries rather than in Europe) says so.
``outdated``
    The claim fits an older observation of a series while the latest one on the claim's date differs materially and
    does not fit it, and no other entry supports it today.
``cumulative_decrease``
    The observation a claim was compared with is lower than an earlier value of the same cumulative series, so the
    comparison rests on a total that went down; :func:`cumulative_drops` lists such points for a whole table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.checks import messages as say
from auditor.checks.alignment import reference_index
from auditor.checks.comparison import (
    KEYS,
    READING_PARAMS,
    candidate_rows,
    classify,
    reference_interval,
    source_label,
    with_intervals,
)
from auditor.checks.intervals import INTERVAL_COLUMNS
from auditor.checks.observations import DAY_NS, Row
from auditor.checks.registry import CheckInput, per_table, raw_findings, records, register_check
from auditor.checks.specs import Param, Params
from auditor.claims import places

#: Verdicts a comparison can give, most favourable first.
_ORDER: Final = ("matches", "matches_within_rounding", "needs_review", "likely_error")
_MATCHES: Final = _ORDER[:2]


def _subject(data: CheckInput, spec_id: str, claim: Mapping[str, Any], location: object) -> str:
    spec = next((s for s in data.specs if s.id == spec_id), None)
    noun = say.what(claim["measure"])
    if spec is not None and spec.label:
        origin, place = claim.get("origin"), claim.get("place")
        place = place if isinstance(place, str) else spec.default_place
        return say.render(
            spec.label,
            {
                "origin": say.place_name_of(origin),
                "place": say.place_phrase(place),
                "place_name": say.place_name_of(place),
            },
        )
    where = str(location) if isinstance(location, str) and " + " not in str(location) else None
    return say.join(noun, say.origin_phrase(claim.get("origin")), say.place_phrase(where))


# --- reference_value --------------------------------------------------------------------------------------------


def _alternatives(
    data: CheckInput, flagged: pd.DataFrame, open_slack: float
) -> dict[tuple[object, object], Any]:
    """For flagged claims, by (doc_id, claim_id): the best other place of the same series whose figure fits the
    claim (``alt_location``, ``ref_value``, ``date``, ``publisher``).

    In plain Python over the series' rows: per claim, series and other place the latest figure on or before the
    claim's date within ``max_days`` (the last candidate's on a tie), those that fit (:func:`classify`), then the
    unrelated places before the related ones, the nearest figure first, the oldest first among equals."""
    claims = {(row["doc_id"], row["claim_id"]): row for row in records(flagged)}
    single = data.candidates[data.candidates["n_parts"] == 1]
    columns = [*KEYS, "series_id", "location", "as_of", "max_days", "tolerance"]
    by_series = reference_index(data.references).by_series
    latest: dict[tuple[object, ...], tuple[tuple[int, int, int], dict[str, Any], Row]] = {}
    for at, cand in enumerate(records(single[columns])):
        claim = claims.get((cand["doc_id"], cand["claim_id"]))
        if claim is None or pd.isna(cand["as_of"]):
            continue
        as_of = pd.Timestamp(cand["as_of"]).value
        for number, row in enumerate(by_series.rows(cand["series_id"])):
            if row.location == cand["location"] or row.date > as_of:
                continue
            if (as_of - row.date) // DAY_NS > cand["max_days"]:
                continue
            group = (cand["doc_id"], cand["claim_id"], cand["series_id"], row.location)
            order = (row.date, at, number)
            if group not in latest or order >= latest[group][0]:
                latest[group] = (order, cand, row)
    if not latest:
        return {}
    found = sorted(latest.values(), key=lambda item: item[0])
    keyed = [claims[(cand["doc_id"], cand["claim_id"])] for _, cand, _ in found]
    table = pd.DataFrame(
        {
            "ref_value": [row.value for _, _, row in found],
            "ref_low": [row.low for _, _, row in found],
            "ref_high": [row.high for _, _, row in found],
            "tolerance": [cand["tolerance"] for _, cand, _ in found],
            **{c: [claim[c] for claim in keyed] for c in INTERVAL_COLUMNS},
        },
        dtype="float64",
    )
    fits = classify(table, 1.0, open_slack).isin(["matches", "matches_within_rounding"]).to_numpy()
    point = np.asarray([claim["point"] for claim in keyed], dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log(point / table["ref_value"].to_numpy())).tolist()
    ranked = []
    for at, ((_, cand, row), fit) in enumerate(zip(found, fits.tolist(), strict=True)):
        if not fit:
            continue
        where, alt = cand["location"], row.location
        related = (
            places.contains(str(where), str(alt)) or places.contains(str(alt), str(where))
            if isinstance(where, str) and isinstance(alt, str)
            else False
        )
        # as a stable sort of the frame by (related, distance) put it: NaN distances last
        nan = math.isnan(distance[at])
        ranked.append(((related, nan, 0.0 if nan else distance[at]), cand, row))
    best: dict[tuple[object, object], Any] = {}
    for _, cand, row in sorted(ranked, key=lambda item: item[0]):
        best.setdefault(
            (cand["doc_id"], cand["claim_id"]),
            {
                "alt_location": row.location,
                "ref_value": row.value,
                "date": pd.Timestamp(row.date),
                "publisher": row.publisher,
            },
        )
    return best


_PAIRED: list[tuple[CheckInput, tuple[float, float], pd.DataFrame, pd.DataFrame]] = []


def _paired(data: CheckInput, params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The aligned claims with their intervals, and :func:`paired`'s join (remembered for the last input)."""
    key = (params.number("approx_margin"), params.number("open_slack"))
    if _PAIRED and _PAIRED[0][0] is data and _PAIRED[0][1] == key:
        return _PAIRED[0][2], _PAIRED[0][3]
    claims = with_intervals(data.claims[data.claims.index.isin(data.aligned["row"])], params)
    rows = data.aligned.rename(columns={"location": "ref_location"}).merge(claims, on=KEYS)
    _PAIRED[:] = [(data, key, claims, rows)]
    return claims, rows


def paired(data: CheckInput, params: Params) -> pd.DataFrame:
    """Aligned observations joined with their claims' intervals; rules sharing a scope (and so an input) share
    this join within a batch."""
    return _paired(data, params)[1]


def best_comparison(data: CheckInput, params: Params, review_ratio: float) -> pd.DataFrame:
    """Each claim with its most favourable aligned observation and the verdict it gives."""
    if data.aligned.empty:
        return pd.DataFrame(columns=[*KEYS, "verdict"])
    rows = paired(data, params)
    if rows.empty:
        return rows.assign(verdict=pd.Series(dtype="object"))
    growth = params.number("cumulative_growth")
    rows = rows.assign(verdict=classify(rows, review_ratio, params.number("open_slack"), growth))
    # an upper-bound series (an estimate that counts more) does not contradict a claim below it
    upper = {s.id for s in data.specs if s.upper_bound}
    below = (
        rows["spec_id"].isin(upper) & ~rows["verdict"].isin(_MATCHES) & (rows["point"] < rows["ref_value"])
    )
    # an older, lower cumulative total the claim may have grown from neither confirms nor contradicts it
    rows = rows.loc[~below & (rows["verdict"] != "unsettled")]
    rows = rows.assign(rank=rows["verdict"].map(_ORDER.index))
    return rows.sort_values(["rank", "gap_days"], kind="stable").drop_duplicates(KEYS).reset_index(drop=True)


@register_check(
    "reference_value",
    verdicts=_ORDER,
    params={
        **READING_PARAMS,
        "review_ratio": Param("float", 1.5, "beyond this ratio a mismatch is a likely error", minimum=1),
        "suggest_other_places": Param("bool", True, "name another place of the same series that fits"),
    },
    fields=("reference", "publisher", "subject", "by_date", "ratio", "alternative", "series", "fix"),
)
def reference_value(data: CheckInput, params: Params) -> pd.DataFrame:
    """The claim against the reference observation aligned with it."""
    rows = best_comparison(data, params, params.number("review_ratio"))
    if rows.empty:
        return raw_findings([])
    # another place is only suggested for counts of people by origin, whose destination is the usual confusion
    # ("to Europe" for the neighbouring countries); for other measures any country with a similar figure would do
    flagged = rows.loc[
        rows["verdict"].isin(["needs_review", "likely_error"]) & rows["origin"].notna(),
        [*KEYS, "point", *INTERVAL_COLUMNS],
    ]
    slack = params.number("open_slack")
    alt_by_key = (
        _alternatives(data, flagged, slack) if params.flag("suggest_other_places") and len(flagged) else {}
    )
    low, high = reference_interval(rows, slack)
    rows = rows.assign(expected_low=low, expected_high=high)
    out: list[dict[str, object]] = []
    for row in records(rows):
        reference = say.reference_amount(row["ref_value"], row["ref_low"], row["ref_high"], like=row["point"])
        by_date = say.date_phrase(row["ref_date"], annual=bool(row["annual"]))
        alt = alt_by_key.get((row["doc_id"], row["claim_id"]))
        alternative, fix = (
            "",
            f"Use {row['publisher']}'s figure of {reference} ({by_date.removeprefix('by ')}), or cite the "
            "source of the article's figure.",
        )
        if alt is not None:
            check = "destination" if isinstance(row.get("origin"), str) else "place"
            alt_where = say.place_phrase(alt["alt_location"])
            alternative = (
                f", while {say.amount(alt['ref_value'], like=row['point'])} were counted {alt_where} "
                f"{say.date_phrase(alt['date'])}. Check the {check}"
            )
            fix = (
                f"If {row['surface']} refers to {say.place_noun(alt['alt_location'])}, say so; "
                f"{row['publisher']} counted {reference} {say.place_phrase(row['ref_location'])}."
            )
        ratio = (
            max(row["point"] / row["ref_value"], row["ref_value"] / row["point"]) if row["point"] else np.inf
        )
        out.append(
            {
                "doc_id": row["doc_id"],
                "claim_id": row["claim_id"],
                "verdict": row["verdict"],
                "observed": row["point"],
                "expected_low": row["expected_low"],
                "expected_high": row["expected_high"],
                "reference_value": row["ref_value"],
                "reference_date": row["ref_date"],
                "series_id": row["series_id"],
                "source": source_label(row["publisher"], row["dataset"]),
                "facts": {
                    "reference": reference,
                    "publisher": str(row["publisher"]),
                    "subject": _subject(data, row["spec_id"], row, row["ref_location"]),
                    "by_date": by_date,
                    "ratio": say.ratio_phrase(float(ratio)),
                    "alternative": alternative,
                    "series": str(row["series_id"]),
                    "fix": fix,
                },
            }
        )
    return raw_findings(out)


# --- outdated ---------------------------------------------------------------------------------------------------


@register_check(
    "outdated",
    verdicts=("outdated",),
    params={
        **READING_PARAMS,
        "material_change": Param(
            "float", 0.1, "relative change that makes a newer figure different", minimum=0
        ),
        "lookback_days": Param("int", 1830, "how far back older figures are considered", minimum=1),
        "max_change": Param(
            "float",
            3.0,
            "the newer figure at most this many times the older: beyond it, a claim that matches the older "
            "one more likely counts something else (deaths in prisons against the national toll)",
            minimum=1,
        ),
    },
    fields=("reference", "publisher", "subject", "by_date", "old_reference", "old_date", "series"),
)
def outdated(data: CheckInput, params: Params) -> pd.DataFrame:
    """The claim matches an older figure, while a materially different newer one existed on its date."""
    # only claims at the scale of a series' figures (see min_share in rules/references.yaml)
    cands = data.candidates[
        (data.candidates["n_parts"] == 1) & data.candidates["row"].isin(data.aligned["row"])
    ][[*KEYS, "spec_id", "series_id", "location", "tolerance"]]
    if cands.empty:
        return raw_findings([])
    claims = _paired(data, params)[0]
    supported = best_comparison(data, params, 1.0)
    if len(supported):
        ok = supported.loc[supported["verdict"].isin(["matches", "matches_within_rounding"]), KEYS]
        supporting = set(zip(ok["doc_id"], ok["claim_id"], strict=True))
        unfit = [key not in supporting for key in zip(claims["doc_id"], claims["claim_id"], strict=True)]
        claims = claims[np.asarray(unfit, dtype=bool)]
    both = _newer_than_fitting(data, cands, claims, params)
    out: list[dict[str, object]] = []
    for row in both:
        point = row["value"] if pd.notna(row["value"]) else row["point"]
        out.append(
            {
                "doc_id": row["doc_id"],
                "claim_id": row["claim_id"],
                "verdict": "outdated",
                "observed": point,
                "reference_value": row["ref_value"],
                "reference_date": row["date"],
                "series_id": row["series_id"],
                "source": source_label(row["publisher"], row["dataset"]),
                "facts": {
                    "reference": say.amount(row["ref_value"], like=point),
                    "publisher": str(row["publisher"]),
                    "subject": _subject(data, row["spec_id"], row, row["location"]),
                    "by_date": say.date_phrase(row["date"]),
                    "old_reference": say.amount(row["ref_value_old"], like=point),
                    "old_date": say.date_phrase(row["date_old"]).removeprefix("by "),
                    "series": str(row["series_id"]),
                },
            }
        )
    return raw_findings(out)


def _fit_frame(found: list[tuple[tuple[int, int, int], dict[str, Any], dict[str, Any], Row]]) -> pd.DataFrame:
    """The columns :func:`classify` reads, one row per (candidate, claim, reference row) of ``found``."""
    return pd.DataFrame(
        {
            "ref_value": pd.Series([row.value for *_, row in found], dtype="float64"),
            "ref_low": pd.Series([row.low for *_, row in found], dtype="float64"),
            "ref_high": pd.Series([row.high for *_, row in found], dtype="float64"),
            "tolerance": pd.Series([cand["tolerance"] for _, cand, _, _ in found], dtype="float64"),
            **{
                c: pd.Series([claim[c] for _, _, claim, _ in found], dtype="float64")
                for c in INTERVAL_COLUMNS
            },
            "comparator": pd.Series([claim["comparator"] for _, _, claim, _ in found], dtype="object"),
            "approx": pd.Series([claim["approx"] for _, _, claim, _ in found], dtype="object"),
            "value": pd.Series([claim["value"] for _, _, claim, _ in found], dtype="float64"),
        }
    )


def _newer_than_fitting(
    data: CheckInput, cands: pd.DataFrame, claims: pd.DataFrame, params: Params
) -> list[dict[str, Any]]:
    """Per claim (``outdated``), the series whose latest figure on or before the claim's date (within
    ``lookback_days``) does not fit it while an older one does, materially different and within ``max_change`` of
    it: the claim's fields with the newer figure (``ref_value``, ``date``, ``publisher``, ``dataset``) and the
    older one (``ref_value_old``, ``date_old``), in the order of the newer figures' dates.

    In plain Python over the series' rows at the candidate's location (cached per series), the latest of a
    group being the last on a date tie (candidate order, then table order); :func:`classify` decides the fits on
    one small frame."""
    lookback = params.integer("lookback_days")
    found: list[tuple[tuple[int, int, int], dict[str, Any], dict[str, Any], Row]] = []
    for at, cand, claim, as_of, number, row in candidate_rows(claims, cands, data.references):
        if (
            row.location == cand["location"]
            and row.date <= as_of
            and (as_of - row.date) // DAY_NS <= lookback
        ):
            found.append(((row.date, at, number), cand, claim, row))
    if not found:
        return []
    table = _fit_frame(found)
    fits = classify(table, 1.0, params.number("open_slack")).isin(["matches", "matches_within_rounding"])
    latest: dict[
        tuple[object, ...], tuple[tuple[int, int, int], bool, dict[str, Any], dict[str, Any], Row]
    ] = {}
    older: dict[tuple[object, ...], tuple[tuple[int, int, int], Row]] = {}
    for (order, cand, claim, row), fit in zip(found, fits.tolist(), strict=True):
        group = (cand["doc_id"], cand["claim_id"], cand["series_id"])
        if group not in latest or order >= latest[group][0]:
            latest[group] = (order, fit, cand, claim, row)
        if fit and (group not in older or order >= older[group][0]):
            older[group] = (order, row)
    pairs = [(item, older[group][1]) for group, item in latest.items() if not item[1] and group in older]
    if not pairs:
        return []
    new = np.asarray([item[4].value for item, _ in pairs], dtype="float64")
    old = np.asarray([row.value for _, row in pairs], dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(new - old) / old
        ratio = np.maximum(new, old) / np.minimum(new, old)
    keep = (change > params.number("material_change")) & (ratio <= params.number("max_change"))
    newest: dict[tuple[object, object], tuple[tuple[int, int, int], dict[str, Any]]] = {}
    for ((order, _, cand, claim, row), previous), kept in zip(pairs, keep.tolist(), strict=True):
        if not kept:
            continue
        key = (cand["doc_id"], cand["claim_id"])
        if key not in newest or order >= newest[key][0]:
            fields = {
                **claim,
                **cand,
                "ref_value": row.value,
                "date": pd.Timestamp(row.date),
                "publisher": row.publisher,
                "dataset": row.dataset,
                "ref_value_old": previous.value,
                "date_old": pd.Timestamp(previous.date),
            }
            newest[key] = (order, fields)
    return [fields for _, fields in sorted(newest.values(), key=lambda item: item[0])]


# --- cumulative_decrease ----------------------------------------------------------------------------------------


@per_table
def _all_drops(references: pd.DataFrame) -> pd.DataFrame:
    return cumulative_drops(references, 0.0)


def cumulative_drops(references: pd.DataFrame, tolerance: float = 0.0) -> pd.DataFrame:
    """Observations of cumulative series lower than an earlier value of the same series and place.

    Columns: ``series_id, location, date, value, previous_value`` (the highest earlier value) and
    ``previous_date`` (when it was published).
    """
    cum = references[references["cumulative"].astype(bool)].sort_values(
        ["series_id", "location", "date"], kind="stable"
    )
    if cum.empty:
        return pd.DataFrame(
            columns=["series_id", "location", "date", "value", "previous_value", "previous_date"]
        )
    group = cum.groupby(["series_id", "location"], sort=False)["value"]
    previous = group.transform(lambda s: s.cummax().shift(1))
    dates = cum["date"].where(cum["value"] == group.transform("cummax"))
    previous_date = dates.groupby([cum["series_id"], cum["location"]], sort=False).transform(
        lambda s: s.ffill().shift(1)
    )
    drops = cum.assign(previous_value=previous, previous_date=previous_date)
    drops = drops[drops["value"] < drops["previous_value"] * (1 - tolerance)]
    return drops[["series_id", "location", "date", "value", "previous_value", "previous_date"]].reset_index(
        drop=True
    )


@register_check(
    "cumulative_decrease",
    verdicts=("needs_review",),
    params={
        **READING_PARAMS,
        "review_ratio": Param(
            "float", 1.5, "as for reference_value: picks the observation the claim rests on", minimum=1
        ),
        "tolerance": Param("float", 0.0, "relative drop tolerated (revisions)", minimum=0, maximum=1),
    },
    fields=("publisher", "reference", "by_date", "previous", "previous_date", "series"),
)
def cumulative_decrease(data: CheckInput, params: Params) -> pd.DataFrame:
    """The observation a claim was judged against is a cumulative total lower than an earlier value of its series."""
    if data.aligned.empty or not data.aligned["cumulative"].astype(bool).any():
        return raw_findings([])
    drops = _all_drops(data.references)
    drops = drops[drops["value"] < drops["previous_value"] * (1 - params.number("tolerance"))]
    if drops.empty:
        return raw_findings([])
    # the observation each claim's verdict rests on (the most favourable one, as reference_value picks it)
    used = best_comparison(data, params, params.number("review_ratio"))
    used = used.loc[
        ~used["composite"].astype(bool),
        [*KEYS, "series_id", "ref_location", "ref_date", "ref_value", "publisher", "dataset", "point"],
    ]
    rows = used.rename(columns={"ref_location": "location"}).merge(
        drops.rename(columns={"date": "ref_date", "value": "dropped_value"}),
        on=["series_id", "location", "ref_date"],
    )
    out = [
        {
            "doc_id": row["doc_id"],
            "claim_id": row["claim_id"],
            "verdict": "needs_review",
            "observed": row["point"],
            "reference_value": row["ref_value"],
            "reference_date": row["ref_date"],
            "series_id": row["series_id"],
            "source": source_label(row["publisher"], row["dataset"]),
            "facts": {
                "publisher": str(row["publisher"]),
                "reference": say.amount(row["ref_value"]),
                "by_date": say.date_phrase(row["ref_date"]),
                "previous": say.amount(row["previous_value"]),
                "previous_date": say.date_phrase(row["previous_date"]).removeprefix("by "),
                "series": str(row["series_id"]),
            },
        }
        for row in records(rows)
    ]
    return raw_findings(out)

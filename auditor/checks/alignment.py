"""As-of alignment: each claim to the reference observations that can verify it.

For every claim and every entry of ``references.yaml`` that covers its measure, kind and place, the entry's series
id and location templates are filled in (``{place}``, ``{origin}``, see :mod:`auditor.checks.subjects`), giving
*candidates*. Each candidate is matched to the latest observation of that series at that location on or before the
claim's ``as_of`` (``align: latest``), or to the observation in the same calendar year (``align: same_year``, for
annual flows). An observation more than ``max_days`` before ``as_of`` is too far: the claim is not checkable against
it (``no_reference_near_date``). Entries made of a ``sum`` of series are aligned part by part and added up when
every part has an observation; the sum is dated by its oldest part.

A claim that aligns with nothing gets one reason, from the furthest stage any entry reached for it: ``no_measure``
(no measure read), ``no_reference`` (no entry covers the measure, or the series has no data for the place),
``no_location`` (an entry covers the measure but the claim has no place or origin to look up), ``no_date`` (data
exist but the claim has no as-of date: its article has no readable date and the sentence gives none),
``ambiguous`` (the claim is below ``min_share`` of the observation: "23 civilians killed" in one attack is not a
national death toll), ``no_reference_near_date`` (data exist, none close enough before the date).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from auditor.checks.observations import DAY_NS, Observation, SeriesObservations, last_of_year, latest
from auditor.checks.registry import per_table, records
from auditor.checks.specs import ReferenceSpec

KEYS: Final = ["doc_id", "claim_id"]
#: A year's total dated 31 December still verifies a claim dated in the last weeks of that year.
_YEAR_END_SLACK_DAYS = 31
#: ``NaT`` as nanoseconds (a candidate without an as-of date).
_NAT: Final = int(np.iinfo("int64").min)
ALIGNED_COLUMNS: Final = (
    "doc_id",
    "claim_id",
    "spec_id",
    "series_id",
    "location",
    "ref_value",
    "ref_low",
    "ref_high",
    "ref_date",
    "gap_days",
    "publisher",
    "dataset",
    "cumulative",
    "annual",
    "tolerance",
    "composite",
)
CANDIDATE_COLUMNS: Final = (
    "doc_id",
    "point",
    "claim_id",
    "spec_id",
    "part",
    "n_parts",
    "series_id",
    "location",
    "as_of",
    "tolerance",
    "max_days",
    "annual",
    "align",
    "min_share",
)
#: Column types of the aligned table (an empty or all-sum batch must not fall back to ``object``).
_ALIGNED_TYPES: Final = {
    "ref_value": "float64",
    "ref_low": "float64",
    "ref_high": "float64",
    "ref_date": "datetime64[ns]",
    "gap_days": "float64",
    "cumulative": "bool",
    "annual": "bool",
    "tolerance": "float64",
    "composite": "bool",
    "row": "int64",
    "point": "float64",
    "min_share": "float64",
}
#: Columns carried through combining: the claim's row, its stated number and the entry's scale floor.
_CARRIED: Final = ("row", "point", "min_share")
#: How far a claim got on the way to an observation, and the reason it is not checkable when it stopped there.
_STAGES: Final = ("covered", "candidate", "has_data", "dated", "observed", "near")
_REASON_AT: Final = {
    -1: "no_reference",  # no entry covers the measure and kind
    0: "no_location",  # an entry covers it, but no place (or origin) to look up
    1: "no_reference",  # the series has no data for that place
    2: "no_date",  # data exist, but the claim has no as-of date (the article has none, the sentence gives none)
    3: "no_reference_near_date",  # dated, but no observation on or before it
    4: "no_reference_near_date",  # observations exist, none within max_days
    5: "ambiguous",  # an observation is near, but the claim is far below its scale (one event, one town)
}


@dataclass(frozen=True, slots=True)
class Alignment:
    """``aligned``: one row per (claim, reference entry) with an observation close enough; ``candidates``: the
    series/location looked up per claim, entry and part; ``reasons``: why each unaligned claim is not checkable.
    ``aligned`` and ``candidates`` carry ``row``, the claim's index label in the claims table."""

    aligned: pd.DataFrame
    candidates: pd.DataFrame
    reasons: pd.DataFrame


def _fill(template: str, place: object, origin: object) -> str | None:
    """A series id or location template filled in, or None when it needs a place or origin the claim lacks."""
    if ("{place}" in template and not isinstance(place, str)) or (
        "{origin}" in template and not isinstance(origin, str)
    ):
        return None
    return template.format(place=place, origin=origin)


def candidates(
    claims: pd.DataFrame, specs: tuple[ReferenceSpec, ...]
) -> tuple[list[dict[str, Any]], pd.Series]:
    """Candidate (series, location) look-ups per claim (one dict each, with the columns of
    :data:`CANDIDATE_COLUMNS` and ``row``), and the stage every claim reached (see module doc).

    Few claims of a batch have a measure some entry covers, so this loops over them in plain Python."""
    stage = pd.Series(-1, index=claims.index, dtype="int64")
    measures = {m for spec in specs for m in spec.measures}
    covered = claims[claims["measure"].isin(list(measures))]
    rows: list[dict[str, Any]] = []
    reached: dict[object, int] = {}
    columns = ["doc_id", "claim_id", "measure", "kind", "place", "origin", "as_of", "value", "low", "high"]
    for row, claim in zip(covered.index, records(covered[columns]), strict=True):
        point = next((v for v in (claim["value"], claim["low"], claim["high"]) if not pd.isna(v)), np.nan)
        for spec in specs:
            if claim["measure"] not in spec.measures or claim["kind"] not in spec.kinds:
                continue
            reached[row] = max(reached.get(row, -1), _STAGES.index("covered"))
            place = claim["place"] if isinstance(claim["place"], str) else spec.default_place
            if spec.places is not None and place not in spec.places:
                place = None
            parts = [
                (_fill(part.series, place, claim["origin"]), _fill(part.location, place, claim["origin"]))
                for part in spec.parts
            ]
            if any(series is None or location is None for series, location in parts):
                continue
            for number, (series, location) in enumerate(parts):
                rows.append(
                    {
                        "doc_id": claim["doc_id"],
                        "point": point,
                        "claim_id": claim["claim_id"],
                        "spec_id": spec.id,
                        "part": number,
                        "n_parts": len(spec.parts),
                        "series_id": series,
                        "location": location,
                        "as_of": claim["as_of"],
                        "tolerance": spec.tolerance,
                        "max_days": spec.max_days,
                        "annual": spec.annual,
                        "align": spec.align,
                        "min_share": spec.min_share,
                        "row": row,
                    }
                )
    if reached:
        stage.loc[pd.Index(list(reached))] = np.asarray(list(reached.values()), dtype="int64")
    return rows, stage


def _candidate_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=[*CANDIDATE_COLUMNS, "row"])
    table["as_of"] = pd.to_datetime(table["as_of"])
    return table


@dataclass(frozen=True, slots=True)
class ReferenceIndex:
    """Look-up structures over one reference table, built once per table (see :func:`reference_index`)."""

    #: observations renamed ``ref_*``, typed for as-of joins and sorted by date
    observations: pd.DataFrame
    #: every (series id, location) with data
    keys: frozenset[tuple[str, str]]
    #: the reference table
    table: pd.DataFrame
    #: the positions in ``table`` of each series id's rows
    rows_of: Mapping[str, np.ndarray]
    #: the positions in ``observations`` of each series id's rows
    observed_at: Mapping[str, np.ndarray]
    #: the observations per series and location in plain Python, for bisection (read on first use)
    by_series: SeriesObservations

    def series(self, ids: Iterable[str]) -> pd.DataFrame:
        """The reference rows of the given series ids (series by series, each in table order)."""
        found = [self.rows_of[i] for i in dict.fromkeys(ids) if i in self.rows_of]
        if not found:
            return self.observations.iloc[:0]
        return self.table.iloc[np.concatenate(found)].reset_index(drop=True)

    def observations_of(self, ids: Iterable[str]) -> pd.DataFrame:
        """The rows of ``observations`` of the given series ids, in its order (by date)."""
        found = [self.observed_at[i] for i in dict.fromkeys(ids) if i in self.observed_at]
        if not found:
            return self.observations.iloc[:0]
        return self.observations.iloc[np.sort(np.concatenate(found))]


@per_table
def reference_index(references: pd.DataFrame) -> ReferenceIndex:
    """The :class:`ReferenceIndex` of a reference table (cached for the last tables, the run's)."""
    refs = references.rename(
        columns={"value": "ref_value", "low": "ref_low", "high": "ref_high", "date": "ref_date"}
    )[
        [
            "series_id",
            "location",
            "ref_date",
            "ref_value",
            "ref_low",
            "ref_high",
            "publisher",
            "dataset",
            "cumulative",
        ]
    ]
    refs = refs.assign(
        series_id=refs["series_id"].astype("object"),
        location=refs["location"].astype("object"),
        ref_date=pd.to_datetime(refs["ref_date"]).astype("datetime64[ns]"),
    ).sort_values("ref_date", kind="stable")
    keys = frozenset(zip(refs["series_id"], refs["location"], strict=True))
    observed_at, rows_of = _positions(refs["series_id"]), _positions(references["series_id"])
    return ReferenceIndex(
        observations=refs,
        keys=keys,
        table=references,
        rows_of=rows_of,
        observed_at=observed_at,
        by_series=SeriesObservations(refs, observed_at, references, rows_of),
    )


def _positions(series_ids: pd.Series) -> dict[str, np.ndarray]:
    """Per series id, the positions of its rows (in order)."""
    groups = series_ids.groupby(series_ids, sort=False).indices
    return {str(k): np.asarray(v, dtype="int64") for k, v in groups.items()}


def align(claims: pd.DataFrame, references: pd.DataFrame, specs: tuple[ReferenceSpec, ...]) -> Alignment:
    """Align every claim (with ``origin``/``place`` resolved) to the reference table; see the module doc.

    Written over the candidates' dicts in plain Python (each looks up its series' observations by bisection, see
    :mod:`auditor.checks.observations`); the rows, their order and the column types are those of the as-of joins
    it replaces (``tests/pandas_alignment.py``, compared frame for frame in
    ``tests/test_checks_alignment_oracle.py``)."""
    held = _held_back(claims)
    rows, stage = candidates(claims, specs)
    table = _candidate_table(rows)
    # held-back claims reach "covered" at most: no series is looked up for them
    kept = np.asarray([row["row"] not in held for row in rows], dtype=bool)
    cands = [row for row, keep in zip(rows, kept.tolist(), strict=True) if keep]
    as_of = table["as_of"].to_numpy(dtype="datetime64[ns]")[kept].view("int64").tolist()
    index = reference_index(references)
    found = [_observed(cand, date, index) for cand, date in zip(cands, as_of, strict=True)]
    order = _joined(cands, as_of, found)
    joined = set(order)

    # stage reached per candidate: data exist for its series/location; the claim has a date; an observation on
    # or before it exists; it is near enough. A sum is as far as its least advanced part; a claim as far as its
    # best entry.
    per_part: dict[tuple[object, object], int] = {}
    for at, (cand, date, obs) in enumerate(zip(cands, as_of, found, strict=True)):
        has_data = (cand["series_id"], cand["location"]) in index.keys
        dated = has_data and date != _NAT
        observed = obs is not None and at in joined and not math.isnan(obs.value)
        near = obs is not None and observed and _near(cand, date, obs)
        reached = 1 + has_data + dated + observed + near
        key = (cand["row"], cand["spec_id"])
        per_part[key] = min(per_part.get(key, reached), reached)
    per_claim: dict[object, int] = {}
    for (row, _), reached in per_part.items():
        per_claim[row] = max(per_claim.get(row, reached), reached)
    if per_claim:
        claimed = pd.Index(list(per_claim))
        stage[claimed] = np.maximum(
            stage[claimed].to_numpy(), np.asarray(list(per_claim.values()), dtype="int64")
        )

    good = [
        (cands[at], as_of[at], obs)
        for at in order
        if (obs := found[at]) is not None and not math.isnan(obs.value) and _near(cands[at], as_of[at], obs)
    ]
    aligned = _aligned(good, table, index)
    reasons = _reasons(claims, stage, set(aligned["row"]), held)
    return Alignment(aligned=aligned, candidates=table[kept], reasons=reasons)


def _observed(cand: Mapping[str, Any], as_of: int, index: ReferenceIndex) -> Observation | None:
    """The observation a dated candidate aligns with (``latest`` on or before its date, ``same_year`` the last of
    its year), or None."""
    if as_of == _NAT:
        return None
    dated = index.by_series.of(cand["series_id"], cand["location"])
    if dated is None:
        return None
    if cand["align"] == "latest":
        return latest(dated, as_of)
    return last_of_year(dated, pd.Timestamp(as_of).year) if cand["align"] == "same_year" else None


def _near(cand: Mapping[str, Any], as_of: int, obs: Observation) -> bool:
    """Whether an observation is close enough to the candidate's date to verify it."""
    gap = (as_of - obs.date) // DAY_NS
    if cand["align"] == "same_year":
        # a same-year total dated after the claim (the year's flow, when the article was written mid-year) was
        # not known on the claim's date: "235,000 in the first eight months" is not compared with the year's total
        return bool(gap >= -_YEAR_END_SLACK_DAYS)
    return bool(gap <= cand["max_days"])


def _joined(cands: list[dict[str, Any]], as_of: list[int], found: list[Observation | None]) -> list[int]:
    """The positions of the dated candidates in the order the as-of joins gave them: the ``latest`` ones by
    date, then the ``same_year`` ones by the date of their observation, none last (one per claim, entry and part,
    the last of equals)."""
    at = range(len(cands))
    by_date = sorted(
        (i for i in at if cands[i]["align"] == "latest" and as_of[i] != _NAT), key=as_of.__getitem__
    )
    yearly = [i for i in at if cands[i]["align"] == "same_year" and as_of[i] != _NAT]
    yearly.sort(key=lambda i: (found[i] is None, 0 if (obs := found[i]) is None else obs.date))
    last = {
        (cands[i]["doc_id"], cands[i]["claim_id"], cands[i]["spec_id"], cands[i]["part"]): i for i in yearly
    }
    kept = set(last.values())
    return [*by_date, *(i for i in yearly if i in kept)]


def _aligned(
    good: list[tuple[dict[str, Any], int, Observation]], table: pd.DataFrame, index: ReferenceIndex
) -> pd.DataFrame:
    """One row per (claim, entry) in scale: plain series as they are, sums added up when every part is present
    (their ``low``/``high`` only when every part has one); column types as :data:`_ALIGNED_TYPES`."""
    single = [_row(cand, as_of, obs) for cand, as_of, obs in good if cand["n_parts"] == 1]
    groups: dict[tuple[object, ...], list[dict[str, Any]]] = {}
    sums = sorted((g for g in good if g[0]["n_parts"] > 1), key=lambda g: g[0]["part"])
    for cand, as_of, obs in sums:
        groups.setdefault((cand["row"], cand["spec_id"]), []).append(
            _row(cand, as_of, obs) | {"part": cand["part"]}
        )
    combined = [_add_up(parts) for parts in groups.values() if len(parts) == parts[0]["n_parts"]]
    out = [*single, *combined]
    labels = [
        at for at, row in enumerate(out) if abs(row["point"]) >= row["min_share"] * abs(row["ref_value"])
    ]
    # the text columns' types the joins and their concatenation gave: the candidates' own, object when there
    # was nothing to join or sums of which none was complete
    text = object if not good or (sums and not combined) else None
    frame: dict[str, Any] = {}
    for column in (*ALIGNED_COLUMNS, "row"):
        values = [out[at][column] for at in labels]
        if column == "ref_date":
            frame[column] = np.asarray([v.value for v in values], dtype="int64").view("datetime64[ns]")
        elif column in _ALIGNED_TYPES:
            frame[column] = np.asarray(values, dtype=_ALIGNED_TYPES[column])
        elif column in ("series_id", "location") or text is object:
            # a Series: the frame constructor would read an object array of strings as ``str``
            frame[column] = pd.Series(values, index=labels, dtype=object)
        else:
            source = index.observations if column in ("publisher", "dataset") else table
            frame[column] = pd.Series(values, index=labels, dtype=source[column].dtype)
    # the labels a boolean filter of the combined rows' range leaves (a range again when it is one)
    in_scale = np.zeros(len(out), dtype=bool)
    in_scale[labels] = True
    return pd.DataFrame(frame, index=pd.RangeIndex(len(out))[in_scale])


def _row(cand: Mapping[str, Any], as_of: int, obs: Observation) -> dict[str, Any]:
    return {
        "doc_id": cand["doc_id"],
        "claim_id": cand["claim_id"],
        "spec_id": cand["spec_id"],
        "series_id": cand["series_id"],
        "location": cand["location"],
        "ref_value": obs.value,
        "ref_low": obs.low,
        "ref_high": obs.high,
        "ref_date": pd.Timestamp(obs.date),
        "gap_days": (as_of - obs.date) // DAY_NS,
        "publisher": obs.publisher,
        "dataset": obs.dataset,
        "cumulative": obs.cumulative,
        "annual": cand["annual"],
        "tolerance": cand["tolerance"],
        "composite": False,
        "row": cand["row"],
        "point": cand["point"],
        "min_share": cand["min_share"],
        "n_parts": cand["n_parts"],
    }


def _held_back(claims: pd.DataFrame) -> dict[object, str]:
    """Why a claim is not compared with any series whatever its measure covers, by row: a plan or quota, or a
    threshold (``not_a_count``), a part no series breaks out (``subset``), one event (``event_level``)."""
    held: dict[object, str] = {}
    labels = claims.index.tolist()
    if "scope" in claims:
        held.update(
            (row, "event_level")
            for row, scope in zip(labels, claims["scope"].tolist(), strict=True)
            if scope == "event"
        )
    if "qualifier" in claims:
        for row, qualifier in zip(labels, claims["qualifier"].tolist(), strict=True):
            if qualifier == "subset":
                held[row] = "subset"
            elif qualifier in ("plan", "threshold"):
                held[row] = "not_a_count"
    return held


def _add_up(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One aligned row for a sum of parts; a bound of the sum needs the bounds of all parts."""
    lows, highs = [p["ref_low"] for p in parts], [p["ref_high"] for p in parts]
    first = parts[0]
    return {
        "doc_id": first["doc_id"],
        "claim_id": first["claim_id"],
        "spec_id": first["spec_id"],
        "series_id": " + ".join(p["series_id"] for p in parts),
        "location": " + ".join(dict.fromkeys(p["location"] for p in parts)),
        "ref_value": sum(p["ref_value"] for p in parts),
        "ref_low": np.nan if any(pd.isna(v) for v in lows) else sum(lows),
        "ref_high": np.nan if any(pd.isna(v) for v in highs) else sum(highs),
        "ref_date": min(p["ref_date"] for p in parts),
        "gap_days": max(p["gap_days"] for p in parts),
        "publisher": " + ".join(dict.fromkeys(p["publisher"] for p in parts)),
        "dataset": " + ".join(dict.fromkeys(p["dataset"] for p in parts)),
        "cumulative": all(p["cumulative"] for p in parts),
        "annual": first["annual"],
        "tolerance": first["tolerance"],
        "composite": True,
        "row": first["row"],
        "point": first["point"],
        "min_share": first["min_share"],
    }


def _reasons(
    claims: pd.DataFrame, stage: pd.Series, aligned_rows: set[object], held: Mapping[object, str]
) -> pd.DataFrame:
    """One row per claim not aligned: its reason (see the module doc), a held-back claim that some entry covers
    saying why it was held back."""
    covered = _STAGES.index("covered")
    labels, docs, ids, reasons = [], [], [], []
    columns = zip(
        claims.index.tolist(),
        claims["doc_id"].tolist(),
        claims["claim_id"].tolist(),
        claims["measure"].isna().tolist(),
        stage.tolist(),
        strict=True,
    )
    for row, doc, claim, no_measure, reached in columns:
        if row in aligned_rows:
            continue
        reason = "no_measure" if no_measure else _REASON_AT[reached]
        if row in held and reached >= covered:
            reason = held[row]
        labels.append(row)
        docs.append(doc)
        ids.append(claim)
        reasons.append(reason)
    return pd.DataFrame(
        {
            "doc_id": pd.Series(docs, dtype=claims["doc_id"].dtype),
            "claim_id": pd.Series(ids, dtype=claims["claim_id"].dtype),
            "reason": pd.Series(reasons, dtype="str"),
            "row": pd.Series(labels, dtype=claims.index.dtype),
        }
    )

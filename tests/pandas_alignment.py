"""The pandas implementation of :func:`auditor.checks.alignment.align` before it was written in plain Python
(merges, ``merge_asof``, group-bys), kept unchanged as the oracle that ``tests/test_checks_alignment_oracle.py``
compares the plain-Python one with, frame for frame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditor.checks.alignment import (
    _ALIGNED_TYPES,
    _CARRIED,
    _REASON_AT,
    _STAGES,
    _YEAR_END_SLACK_DAYS,
    ALIGNED_COLUMNS,
    CANDIDATE_COLUMNS,
    KEYS,
    Alignment,
    reference_index,
)
from auditor.checks.registry import records
from auditor.checks.specs import ReferenceSpec


def _fill(template: str, place: object, origin: object) -> str | None:
    """A series id or location template filled in, or None when it needs a place or origin the claim lacks."""
    if ("{place}" in template and not isinstance(place, str)) or (
        "{origin}" in template and not isinstance(origin, str)
    ):
        return None
    return template.format(place=place, origin=origin)


def candidates(claims: pd.DataFrame, specs: tuple[ReferenceSpec, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """Candidate (series, location) look-ups per claim, and the stage every claim reached (see module doc).

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
    table = pd.DataFrame(rows, columns=[*CANDIDATE_COLUMNS, "row"])
    table["as_of"] = pd.to_datetime(table["as_of"])
    return table.assign(cand=np.arange(len(table))), stage


def _observations(cands: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Each candidate with its aligned observation (columns of the reference table, prefixed ``ref_``)."""
    refs = reference_index(references).observations_of(cands["series_id"].unique())
    cands = cands.assign(
        series_id=cands["series_id"].astype("object"),
        location=cands["location"].astype("object"),
        as_of=pd.to_datetime(cands["as_of"]).astype("datetime64[ns]"),
    )
    dated = cands[cands["as_of"].notna()]
    latest = dated[dated["align"] == "latest"].sort_values("as_of", kind="stable")
    merged = [
        pd.merge_asof(
            latest,
            refs,
            left_on="as_of",
            right_on="ref_date",
            by=["series_id", "location"],
            direction="backward",
        )
    ]
    yearly = dated[dated["align"] == "same_year"]
    if not yearly.empty:
        year_refs = refs.assign(year=refs["ref_date"].dt.year)
        joined = yearly.assign(year=yearly["as_of"].dt.year).merge(
            year_refs, on=["series_id", "location", "year"], how="left"
        )
        joined = joined.sort_values("ref_date", kind="stable").drop_duplicates(
            [*KEYS, "spec_id", "part"], keep="last"
        )
        merged.append(joined.drop(columns="year"))
    return pd.concat([m for m in merged if not m.empty] or [merged[0]], ignore_index=True)


def align(claims: pd.DataFrame, references: pd.DataFrame, specs: tuple[ReferenceSpec, ...]) -> Alignment:
    """Align every claim (with ``origin``/``place`` resolved) to the reference table; see the module doc."""
    held = _held_back(claims)
    cands, stage = candidates(claims, specs)
    # held-back claims reach "covered" at most: no series is looked up for them
    cands = cands[~cands["row"].isin(held.index[held.notna()])]
    obs = _observations(cands, references)
    obs["gap_days"] = (obs["as_of"] - obs["ref_date"]).dt.days
    if not obs.empty:
        # a same-year total dated after the claim (the year's flow, when the article was written mid-year) was
        # not known on the claim's date: "235,000 in the first eight months" is not compared with the year's total
        same_year_known = (obs["align"] == "same_year") & (obs["gap_days"] >= -_YEAR_END_SLACK_DAYS)
        near = obs["ref_value"].notna() & (
            same_year_known | ((obs["align"] != "same_year") & (obs["gap_days"] <= obs["max_days"]))
        )
    else:
        near = pd.Series(dtype=bool)

    # stage reached per candidate: data exist for its series/location; the claim has a date; an observation on
    # or before it exists. A sum is as far as its least advanced part; a claim as far as its best entry.
    known = reference_index(references).keys
    has_data = np.asarray(
        [(s, loc) in known for s, loc in zip(cands["series_id"], cands["location"], strict=True)], dtype=bool
    )
    dated = has_data & cands["as_of"].notna().to_numpy()
    observed = cands["cand"].isin(obs.loc[obs["ref_value"].notna(), "cand"]).to_numpy()
    is_near = (
        cands["cand"].isin(obs.loc[near.to_numpy(dtype=bool), "cand"]).to_numpy() if len(obs) else observed
    )
    per_part = cands[["row", "spec_id"]].assign(stage=1 + has_data.astype(int) + dated + observed + is_near)
    per_claim = per_part.groupby(["row", "spec_id"])["stage"].min().groupby(level="row").max()
    stage[per_claim.index] = np.maximum(stage[per_claim.index], per_claim)

    good = obs[near.to_numpy(dtype=bool)] if len(obs) else obs
    aligned = _typed(_combine(good))
    in_scale = aligned["point"].abs() >= aligned["min_share"] * aligned["ref_value"].abs()
    aligned = aligned[in_scale.to_numpy(dtype=bool)].drop(columns=["point", "min_share"])
    reasons = _reasons(claims, stage, set(aligned["row"]), held)
    return Alignment(aligned=aligned, candidates=cands.drop(columns="cand"), reasons=reasons)


def _typed(aligned: pd.DataFrame) -> pd.DataFrame:
    """``aligned`` with the column types of :data:`_ALIGNED_TYPES` (only the columns not already of their type are
    converted)."""
    wrong = {c: t for c, t in _ALIGNED_TYPES.items() if aligned[c].dtype != t}
    return aligned.astype(wrong) if wrong else aligned


def _held_back(claims: pd.DataFrame) -> pd.Series:
    """Why a claim is not compared with any series whatever its measure covers: a plan or quota, or a threshold
    (``not_a_count``), a part no series breaks out (``subset``), one event (``event_level``); else None."""
    held = pd.Series(None, index=claims.index, dtype="object")
    if "scope" in claims:
        held = held.mask(claims["scope"].eq("event").fillna(False).astype(bool), "event_level")
    if "qualifier" in claims:
        qualifier = claims["qualifier"]
        held = held.mask(qualifier.eq("subset").fillna(False).astype(bool), "subset")
        held = held.mask(qualifier.isin(["plan", "threshold"]).fillna(False).astype(bool), "not_a_count")
    return held


def _combine(good: pd.DataFrame) -> pd.DataFrame:
    """One row per (claim, entry): plain series as they are, sums added up when every part is present (their
    ``low``/``high`` only when every part has one)."""
    if good.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in (*ALIGNED_COLUMNS, *_CARRIED)})
    single = good[good["n_parts"] == 1].assign(composite=False)
    sums = good[good["n_parts"] > 1]
    if sums.empty:
        return single[[*ALIGNED_COLUMNS, *_CARRIED]].reset_index(drop=True)
    groups: dict[tuple[object, ...], list[dict[str, Any]]] = {}
    used = [c for c in (*ALIGNED_COLUMNS, *_CARRIED, "part", "n_parts") if c in sums.columns]
    for part in records(sums.sort_values("part", kind="stable")[used]):
        groups.setdefault((part["row"], part["spec_id"]), []).append(part)
    combined = [_add_up(parts) for parts in groups.values() if len(parts) == parts[0]["n_parts"]]
    frame = pd.DataFrame(combined, columns=[*ALIGNED_COLUMNS, *_CARRIED])
    return pd.concat([single[[*ALIGNED_COLUMNS, *_CARRIED]], frame], ignore_index=True)


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
    claims: pd.DataFrame, stage: pd.Series, aligned_rows: set[object], held: pd.Series
) -> pd.DataFrame:
    reason = stage.map(_REASON_AT).where(claims["measure"].notna(), "no_measure")
    # a held-back claim that some entry covers says why it was held back
    reason = reason.mask(held.notna() & (stage >= _STAGES.index("covered")), held)
    unaligned = ~claims.index.isin(list(aligned_rows))
    return pd.DataFrame(
        {
            "doc_id": claims.loc[unaligned, "doc_id"],
            "claim_id": claims.loc[unaligned, "claim_id"],
            "reason": reason[unaligned],
            "row": claims.index[unaligned],
        }
    ).reset_index(drop=True)

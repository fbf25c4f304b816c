"""Figures one sentence links as one quantity at two times ("rose to A from B", "A, up from B", "B a year
earlier"): the consistency checks must not read them as two statements of one quantity."""

from __future__ import annotations

import re
from typing import Final

import pandas as pd


def sentence_offsets(claims: pd.DataFrame) -> pd.Series:
    """Each claim's start offset inside its sentence (NaN when the surface cannot be found there)."""
    rows: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for d, s, st, sf in zip(
        claims["doc_id"], claims["sentence"], claims["start"], claims["surface"], strict=True
    ):
        rows.setdefault((d, s), []).append((int(st), sf))
    anchor = {key: sentence_anchor(key[1], sorted(found)) for key, found in rows.items()}
    base = pd.Series(
        [anchor[(d, s)] for d, s in zip(claims["doc_id"], claims["sentence"], strict=True)],
        index=claims.index,
        dtype="float64",
    )
    rel = claims["start"] - base
    found = [
        bool(pd.notna(r) and s[int(r) : int(r) + len(sf)] == sf)
        for r, s, sf in zip(rel, claims["sentence"], claims["surface"], strict=True)
    ]
    return rel.where(pd.Series(found, index=claims.index))


def sentence_anchor(sentence: str, claims: list[tuple[int, str]]) -> float:
    """Where ``sentence`` starts in its document, from its claims (start, surface; in text order): the first place
    of the first claim's surface at which every claim's surface is found, else its first place ("01-10-2014 … Kills
    [10]" has a "10" in the date first); NaN when the surface is not in the sentence."""
    start, surface = claims[0]
    at = first = sentence.find(surface)
    while at >= 0:
        base = start - at
        if all(sentence[st - base : st - base + len(sf)] == sf for st, sf in claims[1:]):
            return float(base)
        at = sentence.find(surface, at + 1)
    return float(start - first) if first >= 0 else float("nan")


#: Text between two figures that makes them one quantity at two times ("rose to A from B", "A, up from B").
_BETWEEN_TWO_TIMES: Final = re.compile(
    r"\b(?:from|compared|versus|vs|against|than|up|down|rose|fell|ris\w*|fall\w*|increas\w*|decreas\w*|"
    r"climb\w*|drop\w*|jump\w*|declin\w*)\b",
    re.I,
)
_FROM_BEFORE: Final = re.compile(r"\bfrom\s+$", re.I)
_TO_BETWEEN: Final = re.compile(r"^\W*(?:[\w'’-]+\s+){0,3}?to\s+$", re.I)
#: "B a year earlier", "B two years ago" right after the second figure.
_TIME_AFTER: Final = re.compile(r"^\W*(?:[\w'’-]+\s+){0,4}?(?:earlier|ago|before|previously)\b", re.I)


def contrasted_apart(pairs: pd.DataFrame, claims: pd.DataFrame) -> pd.Series:
    """Pairs where one figure is set against another time in its own sentence ("imports rose
    to 292,000 from 201,400 tonnes", "net 39.9 mln dlrs vs loss 49.1 mln"): such a figure is dated only by that
    contrast (this quarter, last year), so a figure elsewhere in the article may be another period's."""
    if pairs.empty:
        return pd.Series(False, index=pairs.index, dtype=bool)
    cols = ["doc_id", "claim_id", "sentence"]
    same = claims[cols].merge(claims[cols], on=["doc_id", "sentence"], suffixes=("_a", "_b"))
    same = same[same["claim_id_a"] != same["claim_id_b"]].reset_index(drop=True)
    linked = same[two_times(same, claims)] if len(same) else same
    dated = set(zip(linked["doc_id"], linked["claim_id_a"], strict=True))
    a = [(d, c) in dated for d, c in zip(pairs["doc_id"], pairs["claim_id_a"], strict=True)]
    b = [(d, c) in dated for d, c in zip(pairs["doc_id"], pairs["claim_id_b"], strict=True)]
    return pd.Series(a, index=pairs.index) | pd.Series(b, index=pairs.index)


def two_times(pairs: pd.DataFrame, claims: pd.DataFrame) -> pd.Series:
    """Pairs of one sentence whose figures the words between them (or right around them) link as one quantity at
    two times; words elsewhere in the sentence do not count."""
    rel = sentence_offsets(claims)
    found = claims.assign(rel=rel).set_index(["doc_id", "claim_id"])[["sentence", "rel", "surface"]]
    where = {key: tuple(row) for key, row in zip(found.index, found.itertuples(index=False), strict=True)}
    out = []
    for doc, a, b in zip(pairs["doc_id"], pairs["claim_id_a"], pairs["claim_id_b"], strict=True):
        first, second = sorted((where[(doc, a)], where[(doc, b)]), key=lambda w: float(w[1]))
        if first[0] != second[0] or pd.isna(first[1]) or pd.isna(second[1]):
            out.append(False)
            continue
        text = str(first[0])
        end_first, start_second = int(first[1]) + len(first[2]), int(second[1])
        between, before = text[end_first:start_second], text[max(0, int(first[1]) - 12) : int(first[1])]
        after = text[start_second + len(second[2]) : start_second + len(second[2]) + 40]
        out.append(
            bool(
                _BETWEEN_TWO_TIMES.search(between)
                or (_FROM_BEFORE.search(before) and _TO_BETWEEN.search(between))
                or _TIME_AFTER.search(after)
            )
        )
    return pd.Series(out, index=pairs.index, dtype=bool)

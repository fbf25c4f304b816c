"""Whose people a claim counts (``origin``) and where they are (``place``).

The claims table has one ``location`` column. For most measures that is enough: "250,000 deaths in Syria" has
location SYR, and the reference is looked up at SYR. Measures that count people by where they came from
(``origin_measures`` in ``hierarchy.yaml``: refugees, migrants, asylum applications) need two places: "four million
migrants and refugees to Europe" in an article about Syria is about people *from* Syria *in* Europe, and the
reference is the series ``unhcr.popstats.refugees.from_SYR`` at location Europe.

For those measures this module derives, per claim:

1. ``origin`` from the claim's sentence: the first place mention used as an origin, i.e. a demonym ("Syrian
   refugees", "Syrians") or a place after "from", "fled", "fleeing", "leaving" or "out of" ("fled Syria");
2. failing that, the article's *dominant country* (the country most often given as location among the article's
   claims, first mention on ties), unless that is the claim's own location, in which case the claim counts people
   of every origin in that place (origin stays empty);
3. ``place`` is the claim's location, except when the location is the origin itself ("four million Syrians fled"
   read with location SYR): then ``place`` is empty, and the reference entry's ``default_place`` (World, or
   Syria's neighbours for UNHCR's regional count) is used.

For every other measure ``origin`` is empty and ``place`` is the location, or, when the sentence names no place
("The war has killed 250,000 people"), the article's dominant country. ``subject`` is the place a part-whole
comparison keys on: the origin when there is one, else the place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pandas as pd

from auditor import places

_ORIGIN_CUE: Final = re.compile(
    r"\b(?:from|fled|fleeing|flee|flees|leaving|left|out\s+of)\s+(?:the\s+)?$", re.I
)
_ISO3: Final = re.compile(r"^[A-Z]{3}$")


@lru_cache(maxsize=65536)
def sentence_origin(sentence: str) -> str | None:
    """The first country a sentence names as an origin (demonym, or after "from"/"fled"...); None if none."""
    for mention in places.mentions(sentence):
        if not _ISO3.match(mention.code):
            continue
        word = sentence[mention.start : mention.end]
        if places.is_demonym(word) or _ORIGIN_CUE.search(
            sentence[max(0, mention.start - 24) : mention.start]
        ):
            return mention.code
    return None


def dominant_countries(claims: pd.DataFrame) -> pd.Series:
    """Per ``doc_id``: the country (ISO3 code) most often given as a claim location; first mention wins ties."""
    location = claims["location"]
    located = claims.loc[location.notna() & (location.str.len() == 3), ["doc_id", "location", "start"]]
    if located.empty:
        return pd.Series(dtype="object", name="dominant")
    stats = located.groupby(["doc_id", "location"], sort=False).agg(
        n=("start", "size"), first=("start", "min")
    )
    stats = stats.reset_index().sort_values(["doc_id", "n", "first"], ascending=[True, False, True])
    return stats.drop_duplicates("doc_id").set_index("doc_id")["location"].rename("dominant")


def resolve_subjects(claims: pd.DataFrame, origin_measures: frozenset[str]) -> pd.DataFrame:
    """``claims`` with ``origin``, ``place`` and ``subject`` columns added (see the module docstring)."""
    out = claims.copy()
    location = out["location"].astype("object").where(out["location"].notna(), None)
    origin = pd.Series(None, index=out.index, dtype="object")
    by_origin = out["measure"].isin(list(origin_measures))
    # a claim whose sentence names no place is about the article's main country (origin measures excepted: their
    # missing place is the reference's default place, World or the region)
    unplaced = location.isna() & ~by_origin & out["measure"].notna()
    main = dominant_countries(claims) if (by_origin.any() or unplaced.any()) else None
    if main is not None and by_origin.any():
        picked = out.loc[by_origin]
        from_sentence = picked["sentence"].map(sentence_origin)
        dominant = picked["doc_id"].map(main)
        fallback = dominant.where(dominant.ne(picked["location"]) & dominant.notna(), None)
        origin.loc[by_origin] = from_sentence.where(from_sentence.notna(), fallback)
    place = location.where(origin.isna() | location.ne(origin), None)
    if main is not None and unplaced.any():
        place.loc[unplaced] = out.loc[unplaced, "doc_id"].map(main)
    out["origin"] = origin.astype("object")
    out["place"] = place.astype("object")
    out["subject"] = origin.where(origin.notna(), place).astype("object")
    return out

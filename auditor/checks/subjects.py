"""Whose people a claim counts (``origin``) and where they are (``place``).

The claims table has one ``location`` column. For most measures that is enough: "250,000 deaths in Syria" has
location SYR, and the reference is looked up at SYR. Measures that count people by where they came from
(``origin_measures`` in ``hierarchy.yaml``: refugees, migrants, asylum applications) need two places: "four million
migrants and refugees to Europe" in an article about Syria is about people *from* Syria *in* Europe, and the
reference is the series ``unhcr.popstats.refugees.from_SYR`` at location Europe.

For those measures this module derives, per claim:

1. ``origin`` from the claim's sentence: the first place mention used as an origin, i.e. a demonym ("Syrian
   refugees", "Syrians") or a place after "from", "fled", "fleeing", "leaving" or "out of" ("fled Syria");
2. failing that, the origin the article's sentences name most often (first named on ties: an article about
   Syrian refugees in Greece counts people from Syria, not from Greece), else the article's dominant country
   (below) when people flee it (10,000 refugees abroad in the latest reference data: Syria, not Greece or
   Germany); unless that is the claim's own location, in which case the claim counts people of every origin in
   that place (origin stays empty);
3. ``place`` is the claim's location, except when the location is the origin itself ("four million Syrians fled"
   read with location SYR): then ``place`` is empty, and the reference entry's ``default_place`` (World, or
   Syria's neighbours for UNHCR's regional count) is used.

For every other measure ``origin`` is empty and ``place`` is the location, or, when the sentence names no place
("The war has killed 250,000 people"), the article's *dominant country* (the country its claims' sentences name
most often, first mention on ties, when it has at least 30% of the article's country mentions: an article
clearly about one country; a digest of world news has none). ``subject`` is the place a part-whole
comparison keys on: the origin when there is one, else the place. ``placed_by`` says when the article, not the
sentence, gave the place (``article_place``) or the origin (``article_origin``), so that a finding can say so.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pandas as pd

from auditor.checks.registry import per_table
from auditor.claims import places
from auditor.claims.lexicon import default_measures

_ORIGIN_CUE: Final = re.compile(
    r"\b(?:from|fled|fleeing|flee|flees|leaving|left|out\s+of)\s+(?:the\s+)?$", re.I
)
_ISO3: Final = re.compile(r"^[A-Z]{3}$")
#: The share of an article's country mentions its most named country needs to be the article's country (an
#: article on asylum in Germany: 32%; on Syria's war: 45%; world-news digests: 23% and 29%).
_DOMINANT_SHARE: Final = 0.3


@lru_cache(maxsize=1)
def _people_after() -> re.Pattern[str]:
    """A people noun right after a demonym ("Syrian refugees", "Afghan asylum seekers"), one word between."""
    lexicon = default_measures()
    nouns = set(lexicon.generic) | {
        n for m in lexicon.measures.values() if m.people for n in m.nouns if " " not in n
    }
    words = "|".join(sorted((re.escape(n) for n in nouns), key=len, reverse=True))
    return re.compile(rf"\s+(?:[\w'’-]+\s+)?(?:{words})(?:s|es)?\b", re.I)


@lru_cache(maxsize=65536)
def sentence_origin(sentence: str) -> str | None:
    """The first country a sentence names as an origin: a demonym for people ("Syrians", "Syrian refugees"; not
    "a Greek island" or "the Turkish coast guard"), or a place after "from"/"fled"...; None if none."""
    for mention in places.mentions(sentence):
        if not _ISO3.match(mention.code):
            continue
        word = sentence[mention.start : mention.end]
        if places.is_demonym(word):
            # "Syrians" is people; "Lebanese" and "Syrian" are people only before a people noun
            plural = word.endswith("s") and not word.endswith(("ss", "ese"))
            if plural or _people_after().match(sentence, mention.end):
                return mention.code
        elif _ORIGIN_CUE.search(sentence[max(0, mention.start - 24) : mention.start]):
            return mention.code
    return None


@lru_cache(maxsize=65536)
def _sentence_countries(sentence: str) -> tuple[str, ...]:
    """ISO3 codes of every country a sentence names (names, demonyms, cities), in order."""
    return tuple(m.code for m in places.mentions(sentence) if _ISO3.match(m.code))


def dominant_countries(claims: pd.DataFrame) -> pd.Series:
    """Per ``doc_id``: the country (ISO3 code) most often given as a claim location or named in its claims'
    sentences, when it has at least 30% of those mentions; first named wins ties. Counting every mention ("Syrians", "Latakia", "inside Syria"), not only
    claim locations, keeps an article about Syria about Syria when its claims are placed in Turkey, Lebanon and
    Europe."""
    counted: dict[str, dict[str, list[int]]] = {}

    def count(doc_id: str, code: str, rank: int) -> None:
        stats = counted.setdefault(doc_id, {}).setdefault(code, [0, rank])
        stats[0] += 1
        stats[1] = min(stats[1], rank)

    located = claims.loc[
        claims["location"].str.fullmatch("[A-Z]{3}", na=False), ["doc_id", "location", "start"]
    ]
    for doc_id, location, start in located.itertuples(index=False, name=None):
        count(doc_id, location, int(start) * 64)  # a claim's own place counts once per claim
    sentences = claims[["doc_id", "sentence", "start"]].drop_duplicates(["doc_id", "sentence"])
    for doc_id, sentence, start in sentences.itertuples(index=False, name=None):
        for order, code in enumerate(_sentence_countries(sentence)):
            count(doc_id, code, int(start) * 64 + order)
    best = {}
    for doc_id, stats in counted.items():
        code, (mentions, _) = min(stats.items(), key=lambda item: (-item[1][0], item[1][1]))
        # clearly about one country: it has a good share of all the country mentions (a digest of world news,
        # where the most named country has a fifth or a quarter of them, is about none)
        if mentions >= _DOMINANT_SHARE * sum(n for n, _ in stats.values()):
            best[doc_id] = code
    return pd.Series(best, dtype="object", name="dominant")


@per_table
def refugee_sources(references: pd.DataFrame, at_least: float = 10_000) -> frozenset[str] | None:
    """Countries with at least ``at_least`` refugees abroad in the latest observation of the reference table
    (series ``unhcr.popstats.refugees.from_XXX``; Hungary's 1956 refugees do not count): the countries an
    article's refugees may be taken to come from; None when the table has no such series."""
    ids = references["series_id"].astype("object")
    series = references[ids.str.startswith("unhcr.popstats.refugees.from_")]
    if series.empty:
        return None  # no refugee series to tell sources by: any country may be an origin
    latest = series.sort_values("date", kind="stable").drop_duplicates(["series_id", "location"], keep="last")
    rows = latest[latest["value"] >= at_least]
    return frozenset(str(s).rsplit("_", 1)[-1] for s in rows["series_id"].unique())


def dominant_origins(claims: pd.DataFrame, sources: frozenset[str] | None = None) -> pd.Series:
    """Per ``doc_id``: the origin its sentences name most often ("Syrian refugees", "fled Eritrea"), first named
    winning ties, among ``sources`` when given; an article about refugees in Greece is about where they come
    from, not about Greece."""
    best: dict[str, str] = {}
    sentences = claims[["doc_id", "sentence", "start"]].drop_duplicates(["doc_id", "sentence"])
    for doc_id, group in sentences.sort_values("start", kind="stable").groupby("doc_id", sort=False):
        named = [
            o
            for o in map(sentence_origin, group["sentence"])
            if o is not None and (sources is None or o in sources)
        ]
        if named:
            best[str(doc_id)] = max(dict.fromkeys(named), key=named.count)
    return pd.Series(best, dtype="object", name="origin")


def resolve_subjects(
    claims: pd.DataFrame, origin_measures: frozenset[str], sources: frozenset[str] | None = None
) -> pd.DataFrame:
    """``claims`` with ``origin``, ``place`` and ``subject`` columns added (see the module docstring).
    ``sources``: the countries people flee from in the reference data (:func:`refugee_sources`); the article's
    country is taken as an origin only when it is one (None: any country)."""
    out = claims.copy()
    location = out["location"].astype("object").where(out["location"].notna(), None)
    origin = pd.Series(None, index=out.index, dtype="object")
    #: which rule chose a place or origin the sentence does not name (for the finding's message)
    placed_by = pd.Series(None, index=out.index, dtype="object")
    by_origin = out["measure"].isin(list(origin_measures))
    # a claim whose sentence names no place is about the article's main country (origin measures excepted: their
    # missing place is the reference's default place, World or the region)
    unplaced = location.isna() & ~by_origin & out["measure"].notna()
    needed = out["doc_id"].isin(out.loc[by_origin | unplaced, "doc_id"].unique())
    main = dominant_countries(claims[needed]) if needed.any() else None
    if main is not None and by_origin.any():
        picked = out.loc[by_origin]
        from_sentence = picked["sentence"].map(sentence_origin)
        named = picked["doc_id"].map(dominant_origins(claims[needed], sources))
        country = picked["doc_id"].map(main)
        dominant = named.where(named.notna(), country)
        if sources is not None:  # "crossed from Hungary" names a route, not where people fled
            from_sentence = from_sentence.where(from_sentence.isin(list(sources)), None)
            dominant = dominant.where(dominant.isin(list(sources)), None)
        fallback = dominant.where(dominant.ne(picked["location"]) & dominant.notna(), None)
        origin.loc[by_origin] = from_sentence.where(from_sentence.notna(), fallback)
        placed_by.loc[by_origin & from_sentence.isna() & fallback.notna()] = "article_origin"
    place = location.where(origin.isna() | location.ne(origin), None)
    if main is not None and unplaced.any():
        place.loc[unplaced] = out.loc[unplaced, "doc_id"].map(main)
        placed_by.loc[unplaced & place.notna()] = "article_place"
    out["placed_by"] = placed_by
    out["origin"] = origin.astype("object")
    out["place"] = place.astype("object")
    out["subject"] = origin.where(origin.notna(), place).astype("object")
    return out

"""Place names to place codes, and which places contain which.

A place code is an ISO 3166-1 alpha-3 code ("SYR") or one of :data:`REGIONS`. Country names and codes come
from pycountry, continent and EU membership from country_converter's table, and aliases, demonyms, cities and
the newsroom regions from ``rules/places.yaml``. Everything is built lazily on first use and cached, so
importing this module costs next to nothing.

The module functions use the shipped rules; :class:`Gazetteer` does the same for any places file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Final, NamedTuple

from auditor.claims.lexicon import PlaceLexicon, default_places, iso3_codes, load_places, trie_pattern
from auditor.errors import DefinitionError

#: The named regions, spelled exactly as in claims, reference series and ``rules/places.yaml``.
REGIONS: Final[tuple[str, ...]] = (
    "World",
    "Europe",
    "European Union",
    "Middle East",
    "Africa",
    "Asia",
    "Americas",
    "Oceania",
    "Syria's neighbours",
)

_POSSESSIVE: Final = re.compile(r"(?:'s|’s|'|’)$")


class PlaceMention(NamedTuple):
    """A place named in a text: offsets of the mention (without a possessive) and its code."""

    start: int
    end: int
    code: str


def _fold(name: str) -> str:
    """Case-fold and strip accents: "Türkiye" -> "turkiye", "Côte d’Ivoire" -> "cote d'ivoire"."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Gazetteer:
    """Look-up tables of one places lexicon plus the country libraries; all methods are pure."""

    __slots__ = (
        "_countries",
        "_folded",
        "_folded_countries",
        "_lower",
        "_pattern",
        "_subnational",
        "_surfaces",
        "lexicon",
    )

    def __init__(self, lexicon: PlaceLexicon) -> None:
        import pycountry

        self.lexicon = lexicon
        countries: dict[str, str] = {}
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                name = getattr(country, attr, None)
                if name and "," not in name:
                    countries[name] = country.alpha_3
        # the lexicon wins over the library ("Congo" is the DRC in news)
        countries.update((s, c) for sec, s, c in lexicon.declared if sec in ("aliases", "demonyms"))
        countries.update((s, c) for s, c in lexicon.surfaces.items() if s in lexicon.demonyms)
        #: exact name of a country (library names, aliases, demonyms) -> ISO3
        self._countries = countries
        #: the surface forms of sub-national places (towns, regions, islands)
        self._subnational = frozenset(s for sec, s, _ in lexicon.declared if sec == "subnational")
        #: exact surface form -> code (countries, region aliases, cities), as matched in running text
        self._surfaces = {**countries, **lexicon.surfaces}
        #: case-folded, accent-stripped name -> code, for lone names (countries only / everything)
        self._folded_countries = {_fold(s): c for s, c in countries.items() if len(s) > 3}
        self._folded = {_fold(s): c for s, c in self._surfaces.items() if len(s) > 3}
        self._folded.update((_fold(r), r) for r in lexicon.regions)

        #: every surface form as one trie-shaped pattern; the longest form wins ("Syria's neighbours")
        # No leading \b: a pattern that starts with its first letters lets the engine skip ahead, and the
        # start of each match is checked in Python instead.
        upper = [s for s in self._surfaces if s[0].isupper()]
        # A trailing "s" is a possessive whose apostrophe was lost ("Syrias war" in scraped text).
        self._pattern = re.compile("(?P<name>" + trie_pattern(upper) + r")s?(?!\w)")
        #: surface forms that start in lower case ("worldwide"), found with plain substring search
        self._lower = tuple(sorted((s for s in self._surfaces if not s[0].isupper()), key=len, reverse=True))

    @classmethod
    def from_file(cls, path: Path) -> Gazetteer:
        """A gazetteer of the places file at ``path``."""
        return cls(load_places(path))

    def _strip(self, name: str) -> str:
        name = name.strip()
        for article in ("the ", "The "):
            if name.startswith(article):
                name = name[len(article) :].lstrip()
        if name in self._surfaces:  # "U.S." keeps its full stops
            return name
        name = name.strip('.,;:!?"()[]“”').strip()
        return name if name in self._surfaces else _POSSESSIVE.sub("", name)

    def country_code(self, name: str) -> str | None:
        """The ISO3 code of a country name, ISO2/ISO3 code, demonym or alias; None when unknown."""
        name = self._strip(name)
        if not name:
            return None
        if name.isupper() and len(name) in (2, 3):
            import pycountry

            countries = pycountry.countries
            country = countries.get(alpha_2=name) if len(name) == 2 else countries.get(alpha_3=name)
            if country is not None:
                return str(country.alpha_3)
        code = self._countries.get(name)
        if code is None and len(name) > 3:
            code = self._folded_countries.get(_fold(name))
        return code

    def place_of(self, text: str) -> str | None:
        """Normalise one place mention to a place code; None when it is not a known place."""
        name = self._strip(text)
        if not name:
            return None
        if name in self.lexicon.regions:
            return name
        code = self._surfaces.get(name)
        if code is None and len(name) > 3:
            code = self._folded.get(_fold(name))
        if code is None:
            code = self.country_code(name)
        if code is None and name.endswith("s") and name[:-1] in self._surfaces:
            code = self._surfaces[name[:-1]]  # "Syrias": a possessive that lost its apostrophe
        return code

    def mentions(self, text: str) -> list[PlaceMention]:
        """Every place named in ``text``, left to right, longest first ("Syria's neighbours" over "Syria")."""
        surfaces = self._surfaces
        found = [
            PlaceMention(m.start(), m.end(), surfaces.get(name) or surfaces[" ".join(name.split())])
            for m in self._pattern.finditer(text)
            if (not m.start() or not text[m.start() - 1].isalnum()) and (name := m.group("name"))
        ]
        lower = [s for s in self._lower if s in text]
        if lower:
            extra: list[PlaceMention] = []
            for surface in lower:  # rare: "worldwide", "around the world"
                start = text.find(surface)
                while start >= 0:
                    end = start + len(surface)
                    bounded = (not start or not text[start - 1].isalnum()) and (
                        end == len(text) or not text[end].isalnum()
                    )
                    if bounded and not any(m.start <= start < m.end for m in extra):
                        extra.append(PlaceMention(start, end, surfaces[surface]))
                    start = text.find(surface, end)
            # a longer lower-case mention swallows a name inside it ("countries neighbouring Syria")
            found = [m for m in found if not any(e.start <= m.start < e.end for e in extra)] + extra
            found.sort()
        return found

    def war_start(self, code: str | None) -> dt.date | None:
        """The day a war began in the country ``code`` (``wars`` in ``places.yaml``), or None."""
        return self.lexicon.wars.get(code) if code is not None else None

    def is_subnational(self, name: str) -> bool:
        """Whether ``name`` is a town, region or island of ``places.yaml``'s subnational section ("Lesvos")."""
        return name in self._subnational

    def is_demonym(self, word: str) -> bool:
        """Whether ``word`` is a demonym or its plural ("Syrian", "Syrians", "Lebanese")."""
        return word in self.lexicon.demonyms

    def canonical(self, place: str) -> str | None:
        """A place code for a code or a name (codes pass through unchanged)."""
        if place in self.lexicon.regions:
            return place
        if len(place) == 3 and place.isupper() and place in iso3_codes():
            return place
        return self.place_of(place)

    def region_members(self, region: str) -> frozenset[str]:
        """ISO3 codes of a region's countries; a country code or name gives just that country."""
        code = self.canonical(region)
        if code is None:
            raise DefinitionError(
                f"{self.lexicon.path}: unknown region {region!r}; allowed: "
                f"{', '.join(self.lexicon.regions)} or a country name or ISO3 code"
            )
        regions = self.lexicon.regions
        return regions[code].members if code in regions else frozenset({code})

    def contains(self, whole: str, part: str) -> bool:
        """Whether place ``whole`` contains place ``part`` (a place contains itself; "World" everything)."""
        outer, inner = self.canonical(whole), self.canonical(part)
        if outer is None or inner is None:
            return False
        if outer == inner:
            return True
        regions = self.lexicon.regions
        if outer not in regions:
            return False
        if regions[outer].everything:
            return True
        members = regions[outer].members
        if inner in regions:
            sub = regions[inner].members
            return bool(sub) and sub <= members
        return inner in members


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the shipped ``rules/places.yaml``."""
    return Gazetteer(default_places())


@lru_cache(maxsize=8192)
def country_code(name: str) -> str | None:
    """The ISO3 code of a country name, official name, ISO2/ISO3 code, demonym or alias; None when unknown.

    >>> country_code("Syrian"), country_code("the Netherlands"), country_code("UK"), country_code("us")
    ('SYR', 'NLD', 'GBR', None)
    """
    return default_gazetteer().country_code(name)


@lru_cache(maxsize=8192)
def place_of(text: str) -> str | None:
    """Normalise a place mention to a place code: "the EU" -> "European Union", "Germany's" -> "DEU",
    "Aleppo" -> "SYR", "Syrian" -> "SYR"; None when the text is not a known place."""
    return default_gazetteer().place_of(text)


def mentions(text: str) -> list[PlaceMention]:
    """Every place named in ``text``, left to right, longest first ("Syria's neighbours" over "Syria")."""
    return default_gazetteer().mentions(text)


def is_demonym(word: str) -> bool:
    """Whether ``word`` is a demonym or its plural ("Syrian", "Syrians", "Lebanese")."""
    return default_gazetteer().is_demonym(word)


@cache
def region_members(region: str) -> frozenset[str]:
    """The ISO3 codes of a region's countries (a country code or name gives just that country).

    Raises :class:`~auditor.errors.DefinitionError` for a name that is no known place.
    """
    return default_gazetteer().region_members(region)


@lru_cache(maxsize=8192)
def contains(whole: str, part: str) -> bool:
    """Whether place ``whole`` contains place ``part`` (the same place counts; "World" contains everything).

    >>> contains("Europe", "DEU"), contains("Europe", "TUR"), contains("Middle East", "Syria's neighbours")
    (True, False, True)
    """
    return default_gazetteer().contains(whole, part)
